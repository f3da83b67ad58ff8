// SPDX-License-Identifier: MIT
// expect: safe (an empty constructor does nothing)
pragma solidity ^0.8.20;
contract ConstructorEmpty { address owner; constructor() {} }
