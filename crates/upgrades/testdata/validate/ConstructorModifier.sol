// SPDX-License-Identifier: MIT
// expect: constructor (a constructor with a modifier has code)
pragma solidity ^0.8.20;
contract ConstructorModifier {
    uint256 count;
    modifier counted() { count += 1; _; }
    constructor() counted {}
}
