// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";

/// @title A vault its pausers pause and its admin resumes
contract Vault is AccessControl, Pausable {
    /// May pause.
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");
    /// A role nobody holds at first.
    bytes32 public constant KEEPER_ROLE = keccak256("KEEPER_ROLE");

    /// @param admin Holds DEFAULT_ADMIN_ROLE.
    /// @param pauser Holds PAUSER_ROLE.
    constructor(address admin, address pauser) {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(PAUSER_ROLE, pauser);
    }

    /// @notice Pauses (pausers only).
    function pause() external onlyRole(PAUSER_ROLE) {
        _pause();
    }

    /// @notice Resumes (the admin only).
    function unpause() external onlyRole(DEFAULT_ADMIN_ROLE) {
        _unpause();
    }
}
