// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";

/// A counter for transparent and beacon proxies (which hold the upgrade
/// right themselves).
contract CounterV1 is Initializable {
    uint256 public count;

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    function initialize(uint256 start) public initializer {
        count = start;
    }

    function increment() external {
        count += 1;
    }

    function version() external pure returns (string memory) {
        return "v1";
    }
}

/// CounterV1 with a step size appended.
contract CounterV2 is Initializable {
    uint256 public count;
    uint256 public step;

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    function initialize(uint256 start) public initializer {
        count = start;
    }

    function initializeV2(uint256 size) public reinitializer(2) {
        step = size;
    }

    function increment() external {
        count += step == 0 ? 1 : step;
    }

    function version() external pure returns (string memory) {
        return "v2";
    }
}
