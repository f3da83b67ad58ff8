// SPDX-License-Identifier: MIT
// expect: typechange (a dynamic array became a fixed one)
pragma solidity ^0.8.20;
contract ArrayDynamicV1 { uint256[] items; }
contract ArrayDynamicV2 { uint256[3] items; }
