// SPDX-License-Identifier: MIT
// expect: constructor (a base contract's constructor runs on the implementation too)
pragma solidity ^0.8.20;
contract ConstructorInBaseParent { uint256 fee; constructor() { fee = 30; } }
contract ConstructorInBase is ConstructorInBaseParent { uint256 other; }
