// SPDX-License-Identifier: MIT
// expect: safe (the initializer calls each parent initializer once, in order)
pragma solidity ^0.8.20;
import {OwnableUpgradeable} from "@openzeppelin/contracts-upgradeable/access/OwnableUpgradeable.sol";
import {PausableUpgradeable} from "@openzeppelin/contracts-upgradeable/utils/PausableUpgradeable.sol";
contract InitializerCallsParents is OwnableUpgradeable, PausableUpgradeable {
    function initialize() public initializer {
        __Ownable_init(msg.sender);
        __Pausable_init();
    }
}
