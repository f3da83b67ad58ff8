// SPDX-License-Identifier: MIT
// expect: safe (the gap shrinks by the slot the new variable takes)
pragma solidity ^0.8.20;
contract GapShrinkV1 { uint256 a; uint256[49] __gap; }
contract GapShrinkV2 { uint256 a; uint256 b; uint256[48] __gap; }
