// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

/// Revert strings.
contract CustomErrorsBad {
    address public immutable owner = msg.sender;
    uint256 public limit;

    function setLimit(uint256 next) external {
        require(msg.sender == owner, "not owner"); // finding: custom-errors
        if (next == 0) revert("zero limit"); // finding: custom-errors
        limit = next;
    }
}

/// Safe: custom errors.
contract CustomErrorsSafe {
    address public immutable owner = msg.sender;
    uint256 public limit;

    error NotOwner(address caller);
    error ZeroLimit();

    function setLimit(uint256 next) external {
        if (msg.sender != owner) revert NotOwner(msg.sender);
        if (next == 0) revert ZeroLimit();
        limit = next;
    }
}
