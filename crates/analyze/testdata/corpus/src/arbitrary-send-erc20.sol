// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

/// Anyone who was approved can be drained by anyone else: `from` is the
/// caller's choice, not the caller.

contract OpenPuller {
    IERC20 public immutable token;

    constructor(IERC20 token_) {
        token = token_;
    }

    function pull(address from, address to, uint256 amount) external {
        require(token.transferFrom(from, to, amount), "pull"); // bug: arbitrary-send-erc20
    }
}

contract HelperCollector {
    IERC20 public immutable token;
    mapping(address => uint256) public paid;

    constructor(IERC20 token_) {
        token = token_;
    }

    function collect(address payer, uint256 amount) external {
        _collect(payer, amount); // bug: arbitrary-send-erc20 #helper, reentrancy-benign
        paid[msg.sender] += amount;
    }

    function _collect(address payer, uint256 amount) internal {
        require(token.transferFrom(payer, address(this), amount), "pull"); // bug: arbitrary-send-erc20 #helper
    }
}

contract SafeBoundPuller {
    using SafeERC20 for IERC20;

    IERC20 public immutable token;

    constructor(IERC20 token_) {
        token = token_;
    }

    function depositFor(address from, uint256 amount) external {
        token.safeTransferFrom(from, msg.sender, amount); // bug: arbitrary-send-erc20
    }
}

contract SafeDirectPuller {
    function move(IERC20 token, address from, uint256 amount) external {
        SafeERC20.safeTransferFrom(token, from, msg.sender, amount); // bug: arbitrary-send-erc20
    }
}

/// The payer is stored by a setter anyone can call.
contract StoredPayer {
    IERC20 public immutable token;
    address public payer;

    constructor(IERC20 token_) {
        token = token_;
        payer = msg.sender;
    }

    function setPayer(address next) external {
        payer = next;
    }

    function charge(uint256 amount) external {
        require(token.transferFrom(payer, msg.sender, amount), "pull"); // bug: arbitrary-send-erc20
    }
}

/// The pull happens in a modifier that takes the function's parameters.
contract ModifierPuller {
    IERC20 public immutable token;
    uint256 public orders;

    constructor(IERC20 token_) {
        token = token_;
    }

    modifier paidBy(address from, uint256 price) {
        require(token.transferFrom(from, address(this), price), "pull"); // bug: arbitrary-send-erc20 #modifier, reentrancy-benign #order
        _;
    }

    function order(address from, uint256 price) external paidBy(from, price) { // bug: arbitrary-send-erc20 #modifier, reentrancy-benign #order
        orders += 1;
    }
}

/// Safe: the caller pays for itself.
contract SelfPayer {
    using SafeERC20 for IERC20;

    IERC20 public immutable token;

    constructor(IERC20 token_) {
        token = token_;
    }

    function deposit(uint256 amount) external {
        token.safeTransferFrom(msg.sender, address(this), amount);
    }
}

/// Safe: only the owner may move approved funds.
contract OwnerPuller {
    IERC20 public immutable token;
    address public immutable owner = msg.sender;

    constructor(IERC20 token_) {
        token = token_;
    }

    function pull(address from, uint256 amount) external {
        require(msg.sender == owner, "owner");
        require(token.transferFrom(from, owner, amount), "pull");
    }
}
