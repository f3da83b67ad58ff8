// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

/// An event without NatSpec.
contract NatspecEventBad {
    event Stored(uint256 value); // finding: natspec-event

    function store(uint256 next) external {
        emit Stored(next);
    }
}

/// Safe: documented.
contract NatspecEventSafe {
    /// @notice A value was stored.
    event Stored(uint256 value);

    function store(uint256 next) external {
        emit Stored(next);
    }
}
