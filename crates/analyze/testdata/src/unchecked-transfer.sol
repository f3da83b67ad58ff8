// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

interface ILooseToken {
    function transfer(address to, uint256 amount) external returns (bool);
    function transferFrom(address from, address to, uint256 amount) external returns (bool);
}

/// A token that returns `false` instead of reverting is taken as paid.
contract UncheckedTransferBad {
    ILooseToken public immutable token;
    mapping(address => uint256) public deposits;

    constructor(ILooseToken token_) {
        token = token_;
    }

    function deposit(uint256 amount) external {
        token.transferFrom(msg.sender, address(this), amount); // finding: unchecked-transfer
        deposits[msg.sender] += amount;
    }

    function withdraw(uint256 amount) external {
        deposits[msg.sender] -= amount;
        token.transfer(msg.sender, amount); // finding: unchecked-transfer
    }
}

/// Safe: every result is checked.
contract UncheckedTransferSafe {
    ILooseToken public immutable token;
    mapping(address => uint256) public deposits;

    constructor(ILooseToken token_) {
        token = token_;
    }

    function deposit(uint256 amount) external {
        require(token.transferFrom(msg.sender, address(this), amount), "transfer failed");
        deposits[msg.sender] += amount;
    }

    function withdraw(uint256 amount) external {
        deposits[msg.sender] -= amount;
        bool ok = token.transfer(msg.sender, amount);
        require(ok, "transfer failed");
    }
}
