// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";

/// @title A contract whose ownership moves in two steps
contract Owned is Ownable2Step {
    /// @param owner_ The first owner.
    constructor(address owner_) Ownable(owner_) {}
}
