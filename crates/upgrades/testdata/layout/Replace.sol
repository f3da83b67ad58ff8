// SPDX-License-Identifier: MIT
// expect: replace (another variable of another type in b's place)
pragma solidity ^0.8.20;
contract ReplaceV1 { uint256 a; uint256 b; }
contract ReplaceV2 { uint256 a; address x; }
