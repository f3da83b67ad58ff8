// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

/// A state variable after the functions.
contract OrderingBad {
    event Set(uint256 value);

    function set(uint256 next) external {
        value = next;
        emit Set(next);
    }

    uint256 public value; // finding: ordering
}

/// Safe: the style guide's order.
contract OrderingSafe {
    uint256 public value;

    event Set(uint256 value);

    error Zero();

    modifier nonZero(uint256 next) {
        if (next == 0) revert Zero();
        _;
    }

    constructor() {
        value = 1;
    }

    function set(uint256 next) external nonZero(next) {
        _set(next);
    }

    function _set(uint256 next) internal {
        value = next;
        emit Set(next);
    }
}
