// SPDX-License-Identifier: MIT
// expect: safe (parents initialized out of order: a warning, not an error)
pragma solidity ^0.8.20;
import {OwnableUpgradeable} from "@openzeppelin/contracts-upgradeable/access/OwnableUpgradeable.sol";
import {PausableUpgradeable} from "@openzeppelin/contracts-upgradeable/utils/PausableUpgradeable.sol";
contract InitializerOrder is OwnableUpgradeable, PausableUpgradeable {
    function initialize() public initializer {
        __Pausable_init();
        __Ownable_init(msg.sender);
    }
}
