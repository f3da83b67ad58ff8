// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

/// `count` is internal without saying so.
contract StateVisibilityBad {
    uint256 count; // finding: state-visibility

    function bump() external {
        count += 1;
    }
}

/// Safe: every visibility written.
contract StateVisibilitySafe {
    uint256 internal count;
    uint256 public total;
    uint256 private last;

    function bump() external {
        count += 1;
        total += 1;
        last = block.number;
    }
}
