// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

/// The calls' failures go unnoticed.
contract UncheckedLowlevelBad {
    address public immutable target;

    constructor(address target_) {
        target = target_;
    }

    function ping(bytes calldata data) external {
        target.call(data); // finding: unchecked-lowlevel
    }

    function pingStored(bytes calldata data) external {
        (bool ok,) = target.call(data); // finding: unchecked-lowlevel
    }
}

/// Safe: the success flag is checked.
contract UncheckedLowlevelSafe {
    address public immutable target;

    constructor(address target_) {
        target = target_;
    }

    function ping(bytes calldata data) external {
        (bool ok,) = target.call(data);
        require(ok, "call failed");
    }
}
