// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";

/// @title The starter contract of the bundled suite
/// @notice A counter behind role-based access control and a pause switch: the
/// smallest contract with the SOP's RBAC and circuit-breaker shape. The
/// bridge suite replaces it.
contract GuardedCounter is AccessControl, Pausable {
    /// May change the count.
    bytes32 public constant OPERATOR_ROLE = keccak256("OPERATOR_ROLE");

    /// The current count.
    uint256 public count;

    /// Emitted on every change of the count.
    event CountChanged(address indexed by, uint256 previous, uint256 current);

    constructor(address admin) {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(OPERATOR_ROLE, admin);
    }

    /// Adds `by` to the count.
    function add(uint256 by) external onlyRole(OPERATOR_ROLE) whenNotPaused {
        uint256 previous = count;
        count = previous + by;
        emit CountChanged(msg.sender, previous, count);
    }

    /// Stops `add` (circuit breaker).
    function pause() external onlyRole(DEFAULT_ADMIN_ROLE) {
        _pause();
    }

    /// Lets `add` run again.
    function unpause() external onlyRole(DEFAULT_ADMIN_ROLE) {
        _unpause();
    }
}
