// SPDX-License-Identifier: MIT
// expect: constructor (a constructor with code runs on the implementation, never on the proxy)
pragma solidity ^0.8.20;
contract ConstructorBody { address owner; constructor() { owner = msg.sender; } }
