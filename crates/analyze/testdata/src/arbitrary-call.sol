// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

/// Anyone picks both the contract to call and what to call on it: the
/// relay can be made to spend every allowance users gave it.
contract ArbitraryCallBad {
    function relay(address target, bytes calldata payload) external {
        (bool ok,) = target.call(payload); // finding: arbitrary-call
        require(ok, "relay");
    }
}

/// Safe: the target is fixed, the selector is fixed, or the owner relays.
contract ArbitraryCallSafe {
    address public immutable vault;
    address public immutable owner = msg.sender;

    constructor(address vault_) {
        vault = vault_;
    }

    function toVault(bytes calldata payload) external {
        (bool ok,) = vault.call(payload);
        require(ok, "vault");
    }

    function poke(address target) external {
        (bool ok,) = target.call(abi.encodeWithSignature("poke()"));
        require(ok, "poke");
    }

    function relay(address target, bytes calldata payload) external {
        require(msg.sender == owner, "owner");
        (bool ok,) = target.call(payload);
        require(ok, "relay");
    }
}
