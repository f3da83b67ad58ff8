// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

/// A zero address becomes the owner, or is paid.
contract MissingZeroCheckBad {
    address public owner = msg.sender;

    event OwnerSet(address owner);

    function setOwner(address next) external {
        require(msg.sender == owner, "not owner");
        owner = next; // finding: missing-zero-check
        emit OwnerSet(next);
    }

    function pay(address payable to) external {
        require(msg.sender == owner, "not owner");
        to.transfer(address(this).balance); // finding: missing-zero-check
    }
}

/// Safe: both are checked; an internal function leaves the check to its
/// callers.
contract MissingZeroCheckSafe {
    address public owner = msg.sender;

    event OwnerSet(address owner);

    function setOwner(address next) external {
        require(msg.sender == owner, "not owner");
        require(next != address(0), "zero owner");
        owner = next;
        emit OwnerSet(next);
    }

    function pay(address payable to) external {
        require(msg.sender == owner, "not owner");
        require(to != address(0), "zero receiver");
        _send(to);
    }

    function _send(address payable to) internal {
        to.transfer(address(this).balance);
    }
}
