// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

/// A minimal AccessControl, as OpenZeppelin's behaves.
abstract contract MiniAccessControl {
    bytes32 public constant DEFAULT_ADMIN_ROLE = 0x00;
    mapping(bytes32 => mapping(address => bool)) private members;

    error Unauthorized(address account, bytes32 role);

    modifier onlyRole(bytes32 role) {
        _checkRole(role);
        _;
    }

    function hasRole(bytes32 role, address account) public view returns (bool) {
        return members[role][account];
    }

    function _checkRole(bytes32 role) internal view {
        _checkRole(role, msg.sender);
    }

    function _checkRole(bytes32 role, address account) internal view {
        if (!hasRole(role, account)) revert Unauthorized(account, role);
    }

    function _grantRole(bytes32 role, address account) internal {
        members[role][account] = true;
    }
}

/// `vote` writes only the caller's own record: public by design, listed
/// so that it is public by decision.
contract AccessUnguardedBad is MiniAccessControl {
    bytes32 public constant KEEPER_ROLE = keccak256("KEEPER_ROLE");
    mapping(address => uint256) public votes;
    uint256 public rate;

    constructor(address admin) {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    function vote(uint256 choice) external { // finding: access-unguarded
        votes[msg.sender] = choice;
    }

    function setRate(uint256 next) external onlyRole(KEEPER_ROLE) {
        rate = next;
    }
}

/// Safe: every state-changing function has a guard — a modifier, an inline
/// check, or one in an internal function it calls.
contract AccessUnguardedSafe is MiniAccessControl {
    bytes32 public constant KEEPER_ROLE = keccak256("KEEPER_ROLE");
    address public owner = msg.sender;
    uint256 public rate;
    uint256 public limit;

    function setRate(uint256 next) external onlyRole(KEEPER_ROLE) {
        rate = next;
    }

    function setLimit(uint256 next) external {
        require(msg.sender == owner, "not owner");
        limit = next;
    }

    function reset() external {
        _onlyOwner();
        rate = 0;
    }

    function _onlyOwner() internal view {
        if (msg.sender != owner) revert Unauthorized(msg.sender, DEFAULT_ADMIN_ROLE);
    }
}
