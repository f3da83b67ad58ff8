// SPDX-License-Identifier: MIT
// expect: duplicate-initializer-call (a parent initialized twice)
pragma solidity ^0.8.20;
import {OwnableUpgradeable} from "@openzeppelin/contracts-upgradeable/access/OwnableUpgradeable.sol";
contract DuplicateInitializerCall is OwnableUpgradeable {
    function initialize() public initializer {
        __Ownable_init(msg.sender);
        __Ownable_init(msg.sender);
    }
}
