// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

/// Donations arrive and stay forever.
contract LockedEtherBad { // finding: locked-ether
    mapping(address => uint256) public donated;

    receive() external payable {
        donated[msg.sender] += msg.value;
    }
}

/// Safe: the owner can withdraw.
contract LockedEtherSafe {
    address payable public immutable owner = payable(msg.sender);
    mapping(address => uint256) public donated;

    receive() external payable {
        donated[msg.sender] += msg.value;
    }

    function withdraw() external {
        require(msg.sender == owner, "not owner");
        owner.transfer(address(this).balance);
    }
}
