//! The interfaces ops speaks: OpenZeppelin's `Pausable`, `AccessControl`,
//! `AccessControlDefaultAdminRules`, `Ownable`, `Ownable2Step`, ERC-20's
//! balance, and the bundled bridge's pause levels, emergency mode and
//! recovery. A contract is judged by which of these functions its ABI
//! declares (their selectors), never by its name.

alloy_sol_types::sol! {
    /// The bundled bridge's graded pause.
    interface IPauseLevels {
        function pauseLevel() external view returns (uint8);
        function raisePauseLevel(uint8 level) external;
        function lowerPauseLevel(uint8 level) external;
    }

    /// OpenZeppelin `Pausable` with its usual external pair.
    interface IPausable {
        function paused() external view returns (bool);
        function pause() external;
        function unpause() external;
    }

    /// The bundled bridge's emergency mode.
    interface IEmergency {
        function emergency() external view returns (bool);
        function emergencyActivatedAt() external view returns (uint64);
        function TIMELOCK() external view returns (uint256);
        function activateEmergency() external;
        function deactivateEmergency() external;
    }

    /// The bundled bridge's timelocked recovery.
    interface IRecovery {
        function recoveryAddress() external view returns (address);
        function proposeRecoveryAddress(address recovery) external;
        function recoverFunds(address token, uint256 amount) external;
        event RecoveryAddressProposed(address indexed recovery, uint256 effectiveAt);
        event RecoveryAddressChangeCancelled(address indexed recovery);
    }

    /// OpenZeppelin `AccessControl`.
    interface IAccessControl {
        function hasRole(bytes32 role, address account) external view returns (bool);
        function getRoleAdmin(bytes32 role) external view returns (bytes32);
        function grantRole(bytes32 role, address account) external;
        function revokeRole(bytes32 role, address account) external;
        event RoleGranted(bytes32 indexed role, address indexed account, address indexed sender);
        event RoleRevoked(bytes32 indexed role, address indexed account, address indexed sender);
        event RoleAdminChanged(bytes32 indexed role, bytes32 indexed previousAdminRole, bytes32 indexed newAdminRole);
    }

    /// OpenZeppelin `AccessControlDefaultAdminRules`: one default admin,
    /// handed over in two steps after a delay.
    interface IDefaultAdminRules {
        function defaultAdmin() external view returns (address);
        function pendingDefaultAdmin() external view returns (address newAdmin, uint48 schedule);
        function beginDefaultAdminTransfer(address newAdmin) external;
        function acceptDefaultAdminTransfer() external;
        function cancelDefaultAdminTransfer() external;
        event DefaultAdminTransferScheduled(address indexed newAdmin, uint48 acceptSchedule);
        event DefaultAdminTransferCanceled();
    }

    /// OpenZeppelin `Ownable`.
    interface IOwnable {
        function owner() external view returns (address);
        function transferOwnership(address newOwner) external;
        event OwnershipTransferred(address indexed previousOwner, address indexed newOwner);
    }

    /// OpenZeppelin `Ownable2Step`.
    interface IOwnable2Step {
        function pendingOwner() external view returns (address);
        function acceptOwnership() external;
        event OwnershipTransferStarted(address indexed previousOwner, address indexed newOwner);
    }

    /// A TimelockController's roles, for the admin rule.
    interface ITimelock {
        function PROPOSER_ROLE() external view returns (bytes32);
        function EXECUTOR_ROLE() external view returns (bytes32);
        function getMinDelay() external view returns (uint256);
    }

    /// An ERC-20 balance.
    interface IERC20Balance {
        function balanceOf(address account) external view returns (uint256);
        function symbol() external view returns (string);
    }
}
