// SPDX-License-Identifier: MIT
// expect: typechange (a namespace member's type changed)
pragma solidity ^0.8.20;
contract NamespaceTypechangeV1 {
    /// @custom:storage-location erc7201:example.main
    struct MainStorage { mapping(address => uint256) balances; uint256 total; }
}
contract NamespaceTypechangeV2 {
    /// @custom:storage-location erc7201:example.main
    struct MainStorage { mapping(address => uint128) balances; uint256 total; }
}
