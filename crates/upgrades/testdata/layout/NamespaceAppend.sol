// SPDX-License-Identifier: MIT
// expect: safe (a member appended to an ERC-7201 namespace)
pragma solidity ^0.8.20;
contract NamespaceAppendV1 {
    /// @custom:storage-location erc7201:example.main
    struct MainStorage { uint256 x; address owner; }
}
contract NamespaceAppendV2 {
    /// @custom:storage-location erc7201:example.main
    struct MainStorage { uint256 x; address owner; uint256 y; }
}
