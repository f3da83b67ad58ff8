// SPDX-License-Identifier: MIT
// expect: state-variable-assignment (the initial value is set in the implementation's storage only)
pragma solidity ^0.8.20;
contract StateAssignment { uint256 fee = 30; }
