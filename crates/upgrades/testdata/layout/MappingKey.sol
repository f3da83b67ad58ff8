// SPDX-License-Identifier: MIT
// expect: typechange (a mapping's key type changed)
pragma solidity ^0.8.20;
contract MappingKeyV1 { mapping(address => uint256) balances; }
contract MappingKeyV2 { mapping(uint256 => uint256) balances; }
