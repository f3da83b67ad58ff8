// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

/// Each delegated call sees the same `msg.value`.
contract DelegatecallLoopBad {
    function multicall(bytes[] calldata calls) external payable {
        for (uint256 i = 0; i < calls.length; i++) {
            (bool ok,) = address(this).delegatecall(calls[i]); // finding: delegatecall-loop
            require(ok, "call failed");
        }
    }
}

/// Safe: not payable.
contract DelegatecallLoopSafe {
    function multicall(bytes[] calldata calls) external {
        for (uint256 i = 0; i < calls.length; i++) {
            (bool ok,) = address(this).delegatecall(calls[i]);
            require(ok, "call failed");
        }
    }
}
