// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

/// `owner` the parameter hides `owner` the state variable.
contract ShadowingLocalBad {
    address public owner;
    uint256 public limit;

    constructor(address owner_) {
        owner = owner_;
    }

    function setLimit(uint256 limit) external { // finding: shadowing-local
        require(msg.sender == owner, "not owner");
        require(limit > 0, "zero");
    }

    function isOwner(address owner) external view returns (bool) { // finding: shadowing-local
        return owner == msg.sender;
    }
}

/// Safe: the parameters have names of their own.
contract ShadowingLocalSafe {
    address public owner;
    uint256 public limit;

    constructor(address owner_) {
        owner = owner_;
    }

    function setLimit(uint256 newLimit) external {
        require(msg.sender == owner, "not owner");
        limit = newLimit;
    }
}
