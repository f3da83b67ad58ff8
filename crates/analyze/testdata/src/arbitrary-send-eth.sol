// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

/// Anyone names the receiver of the contract's ether.
contract ArbitrarySendEthBad {
    receive() external payable {}

    function payout(address payable to, uint256 amount) external {
        to.transfer(amount); // finding: arbitrary-send-eth
    }

    function payoutCall(address to, uint256 amount) external {
        (bool ok,) = payable(to).call{value: amount}(""); // finding: arbitrary-send-eth
        require(ok, "send failed");
    }

    /// The caller names what it takes, and nothing checks it.
    function take(uint256 amount) external {
        payable(msg.sender).transfer(amount); // finding: arbitrary-send-eth
    }
}

/// Safe: only the owner pays out; users withdraw only to themselves.
contract ArbitrarySendEthSafe {
    address public immutable owner = msg.sender;
    mapping(address => uint256) public owed;

    receive() external payable {
        owed[msg.sender] += msg.value;
    }

    function payout(address payable to, uint256 amount) external {
        require(msg.sender == owner, "not owner");
        to.transfer(amount);
    }

    function withdraw() external {
        uint256 amount = owed[msg.sender];
        owed[msg.sender] = 0;
        payable(msg.sender).transfer(amount);
    }

    /// The caller takes no more than it is owed.
    function withdrawSome(uint256 amount) external {
        require(owed[msg.sender] >= amount, "owed");
        owed[msg.sender] -= amount;
        payable(msg.sender).transfer(amount);
    }

    /// Forwarding what the caller sends is not spending the contract's ether.
    function forward(address payable to) external payable {
        to.transfer(msg.value);
    }
}
