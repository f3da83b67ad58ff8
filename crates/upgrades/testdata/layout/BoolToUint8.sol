// SPDX-License-Identifier: MIT
// expect: typechange (bool and uint8 are different types, though the same size)
pragma solidity ^0.8.20;
contract BoolToUint8V1 { bool flag; }
contract BoolToUint8V2 { uint8 flag; }
