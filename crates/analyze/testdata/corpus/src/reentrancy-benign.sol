// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

interface IOracle {
    function poke() external returns (uint256);
}

/// State written after external calls, where nothing read before the call
/// is written after it: not exploitable as it stands, yet the order breaks
/// checks-effects-interactions and a later edit can make it so.

contract StampedDeposits {
    IERC20 public immutable token;
    uint256 public lastDepositAt;
    address public lastDepositor;

    constructor(IERC20 token_) {
        token = token_;
    }

    function deposit(uint256 amount) external {
        require(token.transferFrom(msg.sender, address(this), amount), "pull"); // bug: reentrancy-benign
        lastDepositAt = block.timestamp;
        lastDepositor = msg.sender;
    }
}

contract PokedOracle {
    IOracle public immutable oracle;
    uint256 public price;
    uint256 public updatedAt;

    constructor(IOracle oracle_) {
        oracle = oracle_;
    }

    function refresh() external {
        uint256 next = oracle.poke(); // bug: reentrancy-benign
        price = next;
        updatedAt = block.number;
    }
}

contract CountingPuller {
    using SafeERC20 for IERC20;

    IERC20 public immutable token;
    uint256 public lastPulled;

    constructor(IERC20 token_) {
        token = token_;
    }

    function pull(uint256 amount) external {
        _pull(amount); // bug: reentrancy-benign #pull
        lastPulled = amount;
    }

    function _pull(uint256 amount) internal {
        token.safeTransferFrom(msg.sender, address(this), amount); // bug: reentrancy-benign #pull
    }
}

contract LastCallerRecorder {
    address public lastCaller;
    address public immutable target;

    constructor(address target_) {
        target = target_;
    }

    modifier recordsCaller() {
        _;
        lastCaller = msg.sender;
    }

    function forward(bytes calldata data) external recordsCaller {
        (bool ok,) = target.call(data); // bug: reentrancy-benign
        require(ok, "call");
    }
}

contract BatchForwarder {
    address public immutable target;
    uint256 public batches;

    constructor(address target_) {
        target = target_;
    }

    function forwardAll(bytes[] calldata calls) external {
        for (uint256 i = 0; i < calls.length; i++) {
            (bool ok,) = target.call(calls[i]); // bug: reentrancy-benign
            require(ok, "call");
        }
        batches = calls.length;
    }
}

/// Safe: the stamp first, the call last.
contract StampFirstDeposits {
    IERC20 public immutable token;
    uint256 public lastDepositAt;

    constructor(IERC20 token_) {
        token = token_;
    }

    function deposit(uint256 amount) external {
        lastDepositAt = block.timestamp;
        require(token.transferFrom(msg.sender, address(this), amount), "pull");
    }
}

/// Safe: a view call before the write cannot call back.
contract ViewFirst {
    IERC20 public immutable token;
    uint256 public seenSupply;

    constructor(IERC20 token_) {
        token = token_;
    }

    function snapshot() external {
        seenSupply = token.totalSupply();
    }
}
