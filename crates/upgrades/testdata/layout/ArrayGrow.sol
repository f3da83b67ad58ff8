// SPDX-License-Identifier: MIT
// expect: typechange (a fixed array grows and moves what follows)
pragma solidity ^0.8.20;
contract ArrayGrowV1 { uint256[3] slots; uint256 after_; }
contract ArrayGrowV2 { uint256[4] slots; uint256 after_; }
