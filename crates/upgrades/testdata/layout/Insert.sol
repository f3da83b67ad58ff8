// SPDX-License-Identifier: MIT
// expect: insert (b added between a and c moves c)
pragma solidity ^0.8.20;
contract InsertV1 { uint256 a; uint256 c; }
contract InsertV2 { uint256 a; uint256 b; uint256 c; }
