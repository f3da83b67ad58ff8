// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

/// Anyone calls `initialize` first, or again, and becomes the admin.
contract UnprotectedInitializerBad {
    address public admin;
    uint256 public cap;

    function initialize(address admin_, uint256 cap_) external { // finding: unprotected-initializer
        admin = admin_;
        cap = cap_;
    }
}

/// Safe: a flag read and set once.
contract UnprotectedInitializerSafe {
    address public admin;
    uint256 public cap;
    bool private initialized;

    function initialize(address admin_, uint256 cap_) external {
        require(!initialized, "already initialized");
        initialized = true;
        admin = admin_;
        cap = cap_;
    }
}
