// SPDX-License-Identifier: MIT
// expect: layoutchange (a variable added before the gap, the gap not shrunk: the gap moves)
pragma solidity ^0.8.20;
contract GapNotShrunkV1 { uint256 a; uint256[49] __gap; }
contract GapNotShrunkV2 { uint256 a; uint256 b; uint256[49] __gap; }
