// SPDX-License-Identifier: MIT
// expect: insert (a uint64 squeezed between two packed variables shifts the second)
pragma solidity ^0.8.20;
contract PackedNeighboursV1 { uint64 a; uint64 c; }
contract PackedNeighboursV2 { uint64 a; uint64 b; uint64 c; }
