// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {Initializable} from "@openzeppelin/contracts/proxy/utils/Initializable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts/proxy/utils/UUPSUpgradeable.sol";

/// Implementations anyone can initialise, which then delegatecall or
/// self-destruct at the new owner's word: the implementation behind every
/// proxy can be taken over.

contract HandRolledUups is Initializable { // bug: unprotected-upgrade
    address public owner;

    function initialize(address owner_) external initializer {
        owner = owner_;
    }

    function upgradeToAndCall(address next, bytes calldata data) external {
        require(msg.sender == owner, "owner");
        (bool ok,) = next.delegatecall(data);
        require(ok, "upgrade");
    }
}

contract KillableImplementation is Initializable { // bug: unprotected-upgrade
    address public admin;

    function initialize(address admin_) external initializer {
        admin = admin_;
    }

    function destroy() external {
        require(msg.sender == admin, "admin");
        selfdestruct(payable(admin));
    }
}

/// Initialised by a hand-written check instead of a modifier.
contract HandInitialised { // bug: unprotected-upgrade
    address public owner;

    function initialize(address owner_) external {
        require(owner == address(0), "initialised");
        owner = owner_;
    }

    function execute(address target, bytes calldata data) external {
        require(msg.sender == owner, "owner");
        (bool ok,) = target.delegatecall(data);
        require(ok, "execute");
    }
}

abstract contract DelegatingBase {
    address public owner;

    function migrate(address next, bytes calldata data) external {
        require(msg.sender == owner, "owner");
        (bool ok,) = next.delegatecall(data);
        require(ok, "migrate");
    }
}

/// The delegatecall is inherited; the open initializer is its own.
contract InheritsDelegation is Initializable, DelegatingBase { // bug: unprotected-upgrade
    function initialize(address owner_) external initializer {
        owner = owner_;
    }
}

/// A constructor that does not disable the initializers.
contract ConstructedNotDisabled is Initializable { // bug: unprotected-upgrade
    address public owner;
    uint256 public immutable version;

    constructor() {
        version = 2;
    }

    function initialize(address owner_) external initializer {
        owner = owner_;
    }

    function upgrade(address next, bytes calldata data) external {
        require(msg.sender == owner, "owner");
        _run(next, data);
    }

    function _run(address next, bytes calldata data) internal {
        (bool ok,) = next.delegatecall(data);
        require(ok, "run");
    }
}

/// Safe: OpenZeppelin's UUPS with a guarded `_authorizeUpgrade`, and the
/// implementation's initializers disabled.
contract GuardedUups is Initializable, UUPSUpgradeable {
    address public owner;

    constructor() {
        _disableInitializers();
    }

    function initialize(address owner_) external initializer {
        owner = owner_;
    }

    function _authorizeUpgrade(address) internal view override {
        require(msg.sender == owner, "owner");
    }
}

/// Safe: no upgrade function of its own; OpenZeppelin's `onlyProxy` keeps
/// the inherited one from running on the implementation.
contract InheritedUpgradeOnly is Initializable, UUPSUpgradeable {
    uint256 public value;

    function initialize(uint256 value_) external initializer {
        value = value_;
    }

    function _authorizeUpgrade(address) internal view override {
        require(value != 0 && msg.sender == address(uint160(value)), "owner");
    }
}

/// Safe: a hand-rolled implementation that disables its initializer.
contract DisabledHandRolled is Initializable {
    address public owner;

    constructor() {
        _disableInitializers();
    }

    function initialize(address owner_) external initializer {
        owner = owner_;
    }

    function upgradeToAndCall(address next, bytes calldata data) external {
        require(msg.sender == owner, "owner");
        (bool ok,) = next.delegatecall(data);
        require(ok, "upgrade");
    }
}
