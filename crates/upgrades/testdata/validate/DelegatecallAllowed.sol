// SPDX-License-Identifier: MIT
// expect: safe (the function is declared safe for delegatecall)
pragma solidity ^0.8.20;
contract DelegatecallAllowed {
    /// @custom:oz-upgrades-unsafe-allow delegatecall
    function run(address target) external { (bool ok, ) = target.delegatecall(""); require(ok); }
}
