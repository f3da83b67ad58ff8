// SPDX-License-Identifier: MIT
// expect: safe (the base unchanged, a variable appended in the child)
pragma solidity ^0.8.20;
contract InheritedAppendBase { uint256 a; }
contract InheritedAppendV1 is InheritedAppendBase { uint256 b; }
contract InheritedAppendV2 is InheritedAppendBase { uint256 b; uint256 c; }
