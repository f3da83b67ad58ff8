// SPDX-License-Identifier: MIT
// expect: safe (the base's internal delegatecall is never called)
pragma solidity ^0.8.20;
contract DelegatecallUnreachableBase {
    function _forward(address target) internal { (bool ok, ) = target.delegatecall(""); require(ok); }
}
contract DelegatecallUnreachableInBase is DelegatecallUnreachableBase { uint256 value; }
