// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

/// Set once in the constructor, read from storage ever after.
contract ImmutableCandidateBad {
    address public owner; // finding: immutable-candidate
    uint256 public createdAt = block.timestamp; // finding: immutable-candidate

    constructor(address owner_) {
        owner = owner_;
    }
}

/// Safe: immutable already, or changed later.
contract ImmutableCandidateSafe {
    address public immutable creator;
    address public owner;

    constructor(address owner_) {
        creator = msg.sender;
        owner = owner_;
    }

    function transferOwnership(address next) external {
        require(msg.sender == owner, "not owner");
        owner = next;
    }
}
