// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

/// @title A contract that pauses under names of its own
/// @notice ops finds nothing it knows here: slipway.toml maps its
/// functions (`[ops.Halting]`).
contract Halting {
    /// Who may halt and resume.
    address public immutable keeper;
    /// Whether it is halted.
    bool public halted;

    /// @param keeper_ Who may halt and resume.
    constructor(address keeper_) {
        keeper = keeper_;
    }

    /// @notice Halts everything.
    function haltAll() external {
        require(msg.sender == keeper, "not the keeper");
        halted = true;
    }

    /// @notice Resumes.
    function resumeAll() external {
        require(msg.sender == keeper, "not the keeper");
        halted = false;
    }
}
