// SPDX-License-Identifier: MIT
// expect: safe (a variable appended after the last one)
pragma solidity ^0.8.20;
contract AppendSafeV1 { uint256 public a; }
contract AppendSafeV2 { uint256 public a; uint256 public b; }
