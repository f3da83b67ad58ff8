// SPDX-License-Identifier: MIT
// expect: rename (b renamed c without saying so)
pragma solidity ^0.8.20;
contract RenameV1 { uint256 a; uint256 b; }
contract RenameV2 { uint256 a; uint256 c; }
