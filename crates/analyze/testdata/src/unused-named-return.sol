// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

/// The named return is never set: the caller always gets 0.
contract UnusedNamedReturnBad {
    uint256 public total;

    function double() external view returns (uint256 doubled) { // finding: unused-named-return
        total * 2;
    }
}

/// Safe: the name is assigned, or there is none.
contract UnusedNamedReturnSafe {
    uint256 public total;

    function double() external view returns (uint256 doubled) {
        doubled = total * 2;
    }

    function triple() external view returns (uint256) {
        return total * 3;
    }
}
