// SPDX-License-Identifier: MIT
pragma solidity ^0.8.13;

contract Counter {
    error TooLarge(uint256 value);

    uint256 public number;

    function setNumber(uint256 newNumber) public {
        if (newNumber > 1e30) revert TooLarge(newNumber);
        number = newNumber;
    }

    function increment() public {
        number++;
    }
}
