// SPDX-License-Identifier: MIT
// expect: delete-namespace (the namespaced struct is gone, and its storage with it)
pragma solidity ^0.8.20;
contract NamespaceDeletedV1 {
    /// @custom:storage-location erc7201:example.main
    struct MainStorage { uint256 x; }
    uint256 a;
}
contract NamespaceDeletedV2 { uint256 a; }
