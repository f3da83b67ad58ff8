// SPDX-License-Identifier: MIT
// expect: internal-function-storage (an internal function pointer in storage is a code offset)
pragma solidity ^0.8.20;
contract InternalFunctionStorage {
    function(uint256) internal pure returns (uint256) op;
}
