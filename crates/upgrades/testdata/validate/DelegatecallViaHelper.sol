// SPDX-License-Identifier: MIT
// expect: delegatecall (reached through an internal helper)
pragma solidity ^0.8.20;
contract DelegatecallViaHelper {
    function run(address target) external { _forward(target); }
    function _forward(address target) internal { (bool ok, ) = target.delegatecall(""); require(ok); }
}
