// SPDX-License-Identifier: MIT
// expect: safe (OpenZeppelin's UUPS base declares its own delegatecall; the constructor is annotated)
pragma solidity ^0.8.20;
import {Initializable} from "@openzeppelin/contracts/proxy/utils/Initializable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts/proxy/utils/UUPSUpgradeable.sol";
contract UupsSafe is Initializable, UUPSUpgradeable {
    address owner;
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() { _disableInitializers(); }
    function initialize() public initializer { owner = msg.sender; }
    function _authorizeUpgrade(address) internal view override { require(msg.sender == owner); }
}
