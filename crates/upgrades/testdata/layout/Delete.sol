// SPDX-License-Identifier: MIT
// expect: delete (b removed, c moves up)
pragma solidity ^0.8.20;
contract DeleteV1 { uint256 a; uint256 b; uint256 c; }
contract DeleteV2 { uint256 a; uint256 c; }
