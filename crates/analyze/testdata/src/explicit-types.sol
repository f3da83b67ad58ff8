// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

/// Sizes left implicit.
contract ExplicitTypesBad {
    uint public total; // finding: explicit-types

    function add(int delta) external { // finding: explicit-types
        total = uint256(int256(total) + delta);
    }
}

/// Safe: sizes written.
contract ExplicitTypesSafe {
    uint256 public total;

    function add(int256 delta) external {
        total = uint256(int256(total) + delta);
    }
}
