// SPDX-License-Identifier: MIT
// expect: safe (a constant is in the code, not in storage)
pragma solidity ^0.8.20;
contract ConstantIsFine { uint256 constant FEE = 30; uint256 value; }
