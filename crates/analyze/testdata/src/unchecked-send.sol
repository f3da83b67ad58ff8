// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

/// A failed `send` keeps the ether here and nobody notices.
contract UncheckedSendBad {
    mapping(address => uint256) public owed;

    function withdraw() external {
        uint256 amount = owed[msg.sender];
        owed[msg.sender] = 0;
        payable(msg.sender).send(amount); // finding: unchecked-send
    }
}

/// Safe: a failed `send` reverts.
contract UncheckedSendSafe {
    mapping(address => uint256) public owed;

    function withdraw() external {
        uint256 amount = owed[msg.sender];
        owed[msg.sender] = 0;
        bool sent = payable(msg.sender).send(amount);
        require(sent, "send failed");
    }
}
