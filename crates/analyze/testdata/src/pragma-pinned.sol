// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20; // finding: pragma-pinned

/// Built by whichever 0.8 compiler is at hand (the safe twin is every
/// other fixture: `pragma solidity 0.8.20;`).
contract PragmaPinnedBad {
    uint256 public value;
}
