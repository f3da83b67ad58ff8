// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

/// An event declared and never emitted.
contract UnusedEventBad {
    event Paused(address by); // finding: unused-event

    bool public paused;

    function pause() external {
        paused = true;
    }
}

/// Safe: an interface declares a standard's events for its implementers.
interface IUnusedEventSafe {
    event Unpaused(address by);
}

/// Safe: emitted.
contract UnusedEventSafe {
    event Paused(address by);

    bool public paused;

    function pause() external {
        paused = true;
        emit Paused(msg.sender);
    }
}
