// SPDX-License-Identifier: MIT
// expect: delegatecall (reached through an internal library function)
pragma solidity ^0.8.20;
library Forwarder {
    function forward(address target) internal { (bool ok, ) = target.delegatecall(""); require(ok); }
}
contract DelegatecallViaLibrary {
    function run(address target) external { Forwarder.forward(target); }
}
