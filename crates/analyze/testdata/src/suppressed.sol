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

/// A finding suppressed where Slither's comments sit: before the function.
contract SuppressedAtFunction {
    mapping(address => uint256) public balances;

    // slither-disable-next-line reentrancy-eth
    function withdraw() external {
        uint256 amount = balances[msg.sender];
        (bool ok,) = msg.sender.call{value: amount}("");
        require(ok, "send failed");
        balances[msg.sender] = 0;
    }
}
