// SPDX-License-Identifier: MIT
// expect: missing-initializer-call (the initializer forgets the parent's)
pragma solidity ^0.8.20;
import {OwnableUpgradeable} from "@openzeppelin/contracts-upgradeable/access/OwnableUpgradeable.sol";
contract MissingInitializerCall is OwnableUpgradeable {
    uint256 value;
    function initialize(uint256 v) public initializer { value = v; }
}
