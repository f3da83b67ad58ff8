// SPDX-License-Identifier: MIT
// expect: typechange (uint256 to uint128: the type resizes)
pragma solidity ^0.8.20;
contract TypechangeV1 { uint256 a; uint256 b; }
contract TypechangeV2 { uint256 a; uint128 b; }
