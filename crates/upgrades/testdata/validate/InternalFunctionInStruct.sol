// SPDX-License-Identifier: MIT
// expect: internal-function-storage (the same, inside a struct held in a mapping)
pragma solidity ^0.8.20;
contract InternalFunctionInStruct {
    struct Hook { function(uint256) internal pure returns (uint256) run; uint256 id; }
    mapping(uint256 => Hook) hooks;
}
