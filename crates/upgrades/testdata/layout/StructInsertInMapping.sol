// SPDX-License-Identifier: MIT
// expect: typechange (a member inserted in the middle of a struct in a mapping)
pragma solidity ^0.8.20;
contract StructInsertInMappingV1 {
    struct Position { uint256 amount; address owner; }
    mapping(uint256 => Position) positions;
}
contract StructInsertInMappingV2 {
    struct Position { uint256 amount; uint256 fee; address owner; }
    mapping(uint256 => Position) positions;
}
