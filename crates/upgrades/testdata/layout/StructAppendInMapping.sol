// SPDX-License-Identifier: MIT
// expect: safe (a struct held only in a mapping may grow at its end)
pragma solidity ^0.8.20;
contract StructAppendInMappingV1 {
    struct Position { uint256 amount; address owner; }
    mapping(uint256 => Position) positions;
}
contract StructAppendInMappingV2 {
    struct Position { uint256 amount; address owner; uint64 since; }
    mapping(uint256 => Position) positions;
}
