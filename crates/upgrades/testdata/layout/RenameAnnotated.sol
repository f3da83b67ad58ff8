// SPDX-License-Identifier: MIT
// expect: safe (the rename is declared with oz-renamed-from)
pragma solidity ^0.8.20;
contract RenameAnnotatedV1 { uint256 a; uint256 b; }
contract RenameAnnotatedV2 {
    uint256 a;
    /// @custom:oz-renamed-from b
    uint256 c;
}
