// SPDX-License-Identifier: MIT
// expect: insert (a new base contract with storage, inherited before the old variables)
pragma solidity ^0.8.20;
contract InheritedBaseA { uint256 a; }
contract InheritedBaseB { uint256 x; }
contract InheritedInsertV1 is InheritedBaseA { uint256 b; }
contract InheritedInsertV2 is InheritedBaseA, InheritedBaseB { uint256 b; }
