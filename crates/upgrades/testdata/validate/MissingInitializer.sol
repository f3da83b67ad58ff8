// SPDX-License-Identifier: MIT
// expect: missing-initializer (a parent needs initializing and nothing here initializes it)
pragma solidity ^0.8.20;
import {OwnableUpgradeable} from "@openzeppelin/contracts-upgradeable/access/OwnableUpgradeable.sol";
contract MissingInitializer is OwnableUpgradeable {
    uint256 value;
    function set(uint256 v) external onlyOwner { value = v; }
}
