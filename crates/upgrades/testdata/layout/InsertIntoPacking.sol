// SPDX-License-Identifier: MIT
// expect: safe (a new variable fills free bytes of the last slot)
pragma solidity ^0.8.20;
contract InsertIntoPackingV1 { uint256 a; uint64 b; }
contract InsertIntoPackingV2 { uint256 a; uint64 b; uint64 c; }
