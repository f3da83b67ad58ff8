// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

/// The owner changes without a trace.
contract EventsAccessBad {
    address public owner = msg.sender;

    function transferOwnership(address next) external { // finding: events-access
        require(msg.sender == owner, "not owner");
        require(next != address(0), "zero owner");
        owner = next;
    }
}

/// Safe: the change is announced.
contract EventsAccessSafe {
    address public owner = msg.sender;

    event OwnershipTransferred(address indexed previous, address indexed next);

    function transferOwnership(address next) external {
        require(msg.sender == owner, "not owner");
        require(next != address(0), "zero owner");
        emit OwnershipTransferred(owner, next);
        owner = next;
    }
}
