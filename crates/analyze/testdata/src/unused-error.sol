// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

/// An error planned and never raised.
contract UnusedErrorBad {
    error TooLarge(uint256 value); // finding: unused-error

    uint256 public value;

    function set(uint256 next) external {
        value = next;
    }
}

/// Safe: raised.
contract UnusedErrorSafe {
    error TooLarge(uint256 value);

    uint256 public value;

    function set(uint256 next) external {
        if (next > 100) revert TooLarge(next);
        value = next;
    }
}
