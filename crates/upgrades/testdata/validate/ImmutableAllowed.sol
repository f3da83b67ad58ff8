// SPDX-License-Identifier: MIT
// expect: safe (the immutable and the constructor are declared safe)
pragma solidity ^0.8.20;
contract ImmutableAllowed {
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    address immutable token;
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(address t) { token = t; }
}
