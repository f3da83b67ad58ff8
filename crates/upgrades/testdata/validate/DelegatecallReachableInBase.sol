// SPDX-License-Identifier: MIT
// expect: delegatecall (the base's public function is part of the contract)
pragma solidity ^0.8.20;
contract DelegatecallReachableBase {
    function forward(address target) public { (bool ok, ) = target.delegatecall(""); require(ok); }
}
contract DelegatecallReachableInBase is DelegatecallReachableBase { uint256 value; }
