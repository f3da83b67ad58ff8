// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

/// An internal helper nobody calls.
contract DeadCodeBad {
    uint256 public total;

    function add(uint256 amount) external {
        total += amount;
    }

    function _subtract(uint256 amount) internal { // finding: dead-code
        total -= amount;
    }
}

/// Safe: called, or virtual (a hook for derived contracts).
contract DeadCodeSafe {
    uint256 public total;

    function add(uint256 amount) external {
        _add(amount);
    }

    function _add(uint256 amount) internal {
        total += amount;
        _afterAdd(amount);
    }

    function _afterAdd(uint256 amount) internal virtual {}
}
