// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

/// A contract the owner calls can withdraw on the owner's behalf.
contract TxOriginBad {
    address public immutable owner = msg.sender;

    function withdraw() external {
        require(tx.origin == owner, "not owner"); // finding: tx-origin
        payable(msg.sender).transfer(address(this).balance);
    }
}

/// Safe: the caller is checked; `tx.origin == msg.sender` only asks that
/// an account, not a contract, calls.
contract TxOriginSafe {
    address public immutable owner = msg.sender;

    function withdraw() external {
        require(msg.sender == owner, "not owner");
        require(tx.origin == msg.sender, "no contracts");
        payable(msg.sender).transfer(address(this).balance);
    }
}
