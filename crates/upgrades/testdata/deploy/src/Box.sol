// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {OwnableUpgradeable} from "@openzeppelin/contracts-upgradeable/access/OwnableUpgradeable.sol";

/// A value kept behind a UUPS proxy; only the owner upgrades.
contract BoxV1 is Initializable, OwnableUpgradeable, UUPSUpgradeable {
    uint256 public value;

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    function initialize(address owner, uint256 first) public initializer {
        __Ownable_init(owner);
        __UUPSUpgradeable_init();
        value = first;
    }

    function set(uint256 next) external {
        value = next;
    }

    function version() external pure virtual returns (string memory) {
        return "v1";
    }

    function _authorizeUpgrade(address) internal override onlyOwner {}
}

/// BoxV1 with one variable appended and a reinitializer.
contract BoxV2 is Initializable, OwnableUpgradeable, UUPSUpgradeable {
    uint256 public value;
    uint256 public extra;

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    function initialize(address owner, uint256 first) public initializer {
        __Ownable_init(owner);
        __UUPSUpgradeable_init();
        value = first;
    }

    function initializeV2(uint256 more) public reinitializer(2) {
        extra = more;
    }

    function set(uint256 next) external {
        value = next;
    }

    function version() external pure virtual returns (string memory) {
        return "v2";
    }

    function _authorizeUpgrade(address) internal override onlyOwner {}
}

/// BoxV2 with a variable inserted before `value`: every later slot moves.
contract BoxBroken is Initializable, OwnableUpgradeable, UUPSUpgradeable {
    address public inserted;
    uint256 public value;

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    function initialize(address owner, uint256 first) public initializer {
        __Ownable_init(owner);
        __UUPSUpgradeable_init();
        value = first;
    }

    function _authorizeUpgrade(address) internal override onlyOwner {}
}

/// BoxV1 without UUPSUpgradeable: a UUPS proxy pointed at it could never
/// be upgraded again.
contract BoxNotUups is Initializable, OwnableUpgradeable {
    uint256 public value;

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    function initialize(address owner, uint256 first) public initializer {
        __Ownable_init(owner);
        value = first;
    }
}

/// BoxV2's layout, with a function that delegatecalls anywhere: the
/// `delegatecall` validation error, unless waived.
contract BoxV2Unsafe is Initializable, OwnableUpgradeable, UUPSUpgradeable {
    uint256 public value;
    uint256 public extra;

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    function initialize(address owner, uint256 first) public initializer {
        __Ownable_init(owner);
        __UUPSUpgradeable_init();
        value = first;
    }

    function run(address target, bytes calldata data) external onlyOwner returns (bytes memory) {
        (bool ok, bytes memory out) = target.delegatecall(data);
        require(ok, "failed");
        return out;
    }

    function version() external pure virtual returns (string memory) {
        return "v2-unsafe";
    }

    function _authorizeUpgrade(address) internal override onlyOwner {}
}
