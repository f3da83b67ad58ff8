// SPDX-License-Identifier: MIT
// expect: safe (the constructor is declared safe where it is written)
pragma solidity ^0.8.20;
import {Initializable} from "@openzeppelin/contracts/proxy/utils/Initializable.sol";
contract ConstructorAllowed is Initializable {
    uint256 value;
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() { _disableInitializers(); }
    function initialize(uint256 v) public initializer { value = v; }
}
