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

/// Safe: a library's helpers are for others to call.
library DeadCodeSafeMath {
    function half(uint256 x) internal pure returns (uint256) {
        return x / 2;
    }
}

/// Safe: an abstract contract's helpers are for the contracts built on it.
abstract contract DeadCodeSafeBase {
    function _helper() internal pure returns (uint256) {
        return 1;
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
