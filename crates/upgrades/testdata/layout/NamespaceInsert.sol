// SPDX-License-Identifier: MIT
// expect: insert (a member inserted before the others of a namespace moves them)
pragma solidity ^0.8.20;
contract NamespaceInsertV1 {
    /// @custom:storage-location erc7201:example.main
    struct MainStorage { uint256 x; }
}
contract NamespaceInsertV2 {
    /// @custom:storage-location erc7201:example.main
    struct MainStorage { uint256 fee; uint256 x; }
}
