// SPDX-License-Identifier: MIT
// expect: safe (declared with oz-retyped-from, same size and place)
pragma solidity ^0.8.20;
contract RetypedAnnotatedV1 { uint256 a; uint128 b; }
contract RetypedAnnotatedV2 {
    uint256 a;
    /// @custom:oz-retyped-from uint128
    int128 b;
}
