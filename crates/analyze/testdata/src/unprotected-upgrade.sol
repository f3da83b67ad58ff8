// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

/// A minimal `Initializable`, as OpenZeppelin's behaves.
abstract contract MiniInitializable {
    bool private initialized;

    modifier initializer() {
        require(!initialized, "initialized");
        initialized = true;
        _;
    }

    function _disableInitializers() internal {
        initialized = true;
    }
}

/// The implementation itself can be initialised by anyone, who then
/// delegatecalls into code that self-destructs.
contract UnprotectedUpgradeBad is MiniInitializable { // finding: unprotected-upgrade
    address public owner;

    function initialize(address owner_) external initializer {
        owner = owner_;
    }

    function upgradeToAndCall(address next, bytes calldata data) external {
        require(msg.sender == owner, "not owner");
        (bool ok,) = next.delegatecall(data);
        require(ok, "upgrade call failed");
    }
}

/// Safe: the constructor disables initialisers on the implementation.
contract UnprotectedUpgradeSafe is MiniInitializable {
    address public owner;

    constructor() {
        _disableInitializers();
    }

    function initialize(address owner_) external initializer {
        owner = owner_;
    }

    function upgradeToAndCall(address next, bytes calldata data) external {
        require(msg.sender == owner, "not owner");
        (bool ok,) = next.delegatecall(data);
        require(ok, "upgrade call failed");
    }
}
