// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {Address} from "@openzeppelin/contracts/utils/Address.sol";

/// Anyone names where the contract's ether goes.
contract OpenSweeper {
    function sweep(address payable to) external {
        to.transfer(address(this).balance); // bug: arbitrary-send-eth
    }

    receive() external payable {}
}

/// `onlyOwner` by name: it checks that an owner exists, not who calls.
contract NamedOwnerTreasury {
    address public owner = msg.sender;

    modifier onlyOwner() {
        require(owner != address(0), "no owner");
        _;
    }

    function pay(address payable to, uint256 amount) external onlyOwner {
        (bool ok,) = to.call{value: amount}(""); // bug: arbitrary-send-eth
        require(ok, "send");
    }

    receive() external payable {}
}

/// The beneficiary is stored by a setter anyone can call, and `release`
/// sends to whatever it holds.
contract SettableBeneficiary {
    address public beneficiary;
    uint256 public releaseAt;

    constructor(uint256 releaseAt_) {
        beneficiary = msg.sender;
        releaseAt = releaseAt_;
    }

    function setBeneficiary(address next) external {
        beneficiary = next;
    }

    function release() external {
        require(block.timestamp >= releaseAt, "early"); // bug: timestamp
        payable(beneficiary).transfer(address(this).balance); // bug: arbitrary-send-eth
    }

    receive() external payable {}
}

/// The ether leaves in a modifier that takes the function's parameter.
contract RefundToModifier {
    uint256 public sold;

    modifier refundsTo(address payable to) {
        _;
        uint256 change = address(this).balance;
        (bool ok,) = to.call{value: change}(""); // bug: arbitrary-send-eth #modifier
        require(ok, "refund");
    }

    function buy(address payable refundTo) external payable refundsTo(refundTo) { // bug: arbitrary-send-eth #modifier
        sold += 1;
    }
}

/// Through an internal helper.
contract HelperSender {
    function payout(address to, uint256 amount) external {
        _send(to, amount); // bug: arbitrary-send-eth #helper
    }

    function _send(address to, uint256 amount) internal {
        (bool ok,) = payable(to).call{value: amount}(""); // bug: arbitrary-send-eth #helper
        require(ok, "send");
    }

    receive() external payable {}
}

/// Through OpenZeppelin's `Address.sendValue`, called directly.
contract LibraryRescuer {
    function rescue(address payable to, uint256 amount) external {
        Address.sendValue(to, amount); // bug: arbitrary-send-eth
    }

    receive() external payable {}
}

/// No check at all: anyone takes the whole balance for themselves
/// (Aderyn's "send ether without checks").
contract OpenFaucet {
    function drain() external {
        payable(msg.sender).transfer(address(this).balance); // bug: arbitrary-send-eth
    }

    receive() external payable {}
}

/// The caller names the amount and nothing checks it against what the
/// caller is owed.
contract UncheckedWithdrawal {
    mapping(address => uint256) public deposited;

    function deposit() external payable {
        deposited[msg.sender] += msg.value;
    }

    function withdraw(uint256 amount) external {
        (bool ok,) = msg.sender.call{value: amount}(""); // bug: arbitrary-send-eth
        require(ok, "send");
    }
}

/// Safe: the caller takes out no more than it put in.
contract CheckedWithdrawal {
    mapping(address => uint256) public deposited;

    function deposit() external payable {
        deposited[msg.sender] += msg.value;
    }

    function withdraw(uint256 amount) external {
        require(deposited[msg.sender] >= amount, "balance");
        deposited[msg.sender] -= amount;
        (bool ok,) = msg.sender.call{value: amount}("");
        require(ok, "send");
    }
}

/// Safe: a real owner check.
contract OwnedTreasury {
    address public immutable owner = msg.sender;

    function pay(address payable to, uint256 amount) external {
        require(msg.sender == owner, "owner");
        (bool ok,) = to.call{value: amount}("");
        require(ok, "send");
    }

    receive() external payable {}
}

/// Safe: each caller takes out only what it put in.
contract OwnBalance {
    mapping(address => uint256) public balanceOf;

    function deposit() external payable {
        balanceOf[msg.sender] += msg.value;
    }

    function withdraw() external {
        uint256 amount = balanceOf[msg.sender];
        balanceOf[msg.sender] = 0;
        payable(msg.sender).transfer(amount);
    }
}

/// Safe: the beneficiary is fixed at construction, or changed only by
/// the owner.
contract GuardedBeneficiary {
    address public immutable owner = msg.sender;
    address public beneficiary = msg.sender;

    function setBeneficiary(address next) external {
        require(msg.sender == owner, "owner");
        beneficiary = next;
    }

    function release() external {
        payable(beneficiary).transfer(address(this).balance);
    }

    receive() external payable {}
}
