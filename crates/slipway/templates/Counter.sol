// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

/// @title A counter to start from
contract Counter {
    /// The current count.
    uint256 public number;

    /// Emitted whenever the count changes.
    event NumberChanged(uint256 previous, uint256 current);

    /// The count cannot go below zero.
    error Underflow();

    /// Sets the count.
    function setNumber(uint256 newNumber) external {
        emit NumberChanged(number, newNumber);
        number = newNumber;
    }

    /// Adds one.
    function increment() external {
        emit NumberChanged(number, number + 1);
        number += 1;
    }

    /// Subtracts one; reverts with `Underflow` at zero.
    function decrement() external {
        if (number == 0) revert Underflow();
        emit NumberChanged(number, number - 1);
        number -= 1;
    }
}
