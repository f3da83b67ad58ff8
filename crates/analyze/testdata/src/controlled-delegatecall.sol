// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

/// Anyone runs any code with this contract's storage.
contract ControlledDelegatecallBad {
    address public owner = msg.sender;

    function run(address target, bytes calldata data) external returns (bytes memory) {
        (bool ok, bytes memory out) = target.delegatecall(data); // finding: controlled-delegatecall
        require(ok, "failed");
        return out;
    }
}

/// Safe: the implementation is set by the owner and fixed per call.
contract ControlledDelegatecallSafe {
    address public owner = msg.sender;
    address public implementation;

    function setImplementation(address next) external {
        require(msg.sender == owner, "not owner");
        implementation = next;
    }

    function run(bytes calldata data) external returns (bytes memory) {
        (bool ok, bytes memory out) = implementation.delegatecall(data);
        require(ok, "failed");
        return out;
    }
}
