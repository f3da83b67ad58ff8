// SPDX-License-Identifier: MIT
// expect: delegatecall (a delegatecall in an external function)
pragma solidity ^0.8.20;
contract DelegatecallDirect {
    function run(address target, bytes calldata data) external returns (bool ok) {
        (ok, ) = target.delegatecall(data);
    }
}
