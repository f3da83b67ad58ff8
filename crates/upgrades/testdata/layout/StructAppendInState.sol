// SPDX-License-Identifier: MIT
// expect: typechange (a struct held directly in storage cannot grow: the next variable would move)
pragma solidity ^0.8.20;
contract StructAppendInStateV1 {
    struct Config { uint256 fee; }
    Config config;
    uint256 after_;
}
contract StructAppendInStateV2 {
    struct Config { uint256 fee; uint256 cap; }
    Config config;
    uint256 after_;
}
