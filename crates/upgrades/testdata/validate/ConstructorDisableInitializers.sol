// SPDX-License-Identifier: MIT
// expect: constructor (even _disableInitializers() is a constructor with code, unless annotated)
pragma solidity ^0.8.20;
import {Initializable} from "@openzeppelin/contracts/proxy/utils/Initializable.sol";
contract ConstructorDisableInitializers is Initializable {
    uint256 value;
    constructor() { _disableInitializers(); }
    function initialize(uint256 v) public initializer { value = v; }
}
