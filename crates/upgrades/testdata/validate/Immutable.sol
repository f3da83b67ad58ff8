// SPDX-License-Identifier: MIT
// expect: state-variable-immutable (an immutable is the implementation's, shared by every proxy)
pragma solidity ^0.8.20;
contract Immutable {
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(address t) { token = t; }
    address immutable token;
}
