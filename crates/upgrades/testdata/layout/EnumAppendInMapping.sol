// SPDX-License-Identifier: MIT
// expect: safe (an enum member appended, the enum still one byte)
pragma solidity ^0.8.20;
contract EnumAppendInMappingV1 {
    enum State { Open, Closed }
    mapping(uint256 => State) states;
}
contract EnumAppendInMappingV2 {
    enum State { Open, Closed, Paused }
    mapping(uint256 => State) states;
}
