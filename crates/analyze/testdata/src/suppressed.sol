// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

/// One finding suppressed with its reason, one not (for the output tests).
contract SuppressedOutput {
    function notify(address target) external {
        // slipway-disable-next-line unchecked-lowlevel -- a best-effort notification
        target.call("");
    }

    function ping(address target) external {
        target.call("");
    }
}
