// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

/// A private variable nothing touches.
contract UnusedStateBad {
    uint256 public used;
    uint256 private forgotten; // finding: unused-state

    function set(uint256 next) external {
        used = next;
    }
}

/// Safe: every variable is used (an internal one by a derived contract).
contract UnusedStateSafe {
    uint256 public used;
    uint256 internal base;

    function set(uint256 next) external {
        used = next;
    }
}

contract UnusedStateSafeChild is UnusedStateSafe {
    function bump() external {
        base += 1;
    }
}
