// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

/// One payment credits every receiver in full.
contract MsgValueLoopBad {
    mapping(address => uint256) public credit;

    function batch(address[] calldata receivers) external payable {
        for (uint256 i = 0; i < receivers.length; i++) {
            credit[receivers[i]] += msg.value; // finding: msg-value-loop
        }
    }
}

/// Safe: the payment is split once.
contract MsgValueLoopSafe {
    mapping(address => uint256) public credit;

    function batch(address[] calldata receivers) external payable {
        uint256 each = msg.value / receivers.length;
        for (uint256 i = 0; i < receivers.length; i++) {
            credit[receivers[i]] += each;
        }
    }
}
