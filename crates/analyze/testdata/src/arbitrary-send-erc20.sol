// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

interface IToken20 {
    function transferFrom(address from, address to, uint256 amount) external returns (bool);
}

/// Anyone moves tokens from any user who approved this contract.
contract ArbitrarySendErc20Bad {
    IToken20 public immutable token;

    constructor(IToken20 token_) {
        token = token_;
    }

    function pull(address from, uint256 amount) external {
        require(token.transferFrom(from, address(this), amount), "transfer failed"); // finding: arbitrary-send-erc20
    }
}

/// Safe: tokens come from the caller, or the owner decides.
contract ArbitrarySendErc20Safe {
    IToken20 public immutable token;
    address public immutable owner = msg.sender;

    constructor(IToken20 token_) {
        token = token_;
    }

    function deposit(uint256 amount) external {
        require(token.transferFrom(msg.sender, address(this), amount), "transfer failed");
    }

    function sweep(address from, uint256 amount) external {
        require(msg.sender == owner, "not owner");
        require(token.transferFrom(from, owner, amount), "transfer failed");
    }
}
