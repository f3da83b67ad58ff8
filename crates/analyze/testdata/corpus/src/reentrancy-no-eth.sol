// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";

interface IReceiver {
    function onReceived(address from, uint256 id) external returns (bytes4);
}

interface IListener {
    function onUpdate(address account, uint256 value) external;
}

/// Mints, then asks the receiver, then counts: the receiver can mint again
/// while its count is still the old one.
contract CappedMinter {
    mapping(address => uint256) public minted;
    mapping(uint256 => address) public ownerOf;
    uint256 public nextId;
    uint256 public constant CAP = 3;

    function mint() external {
        require(minted[msg.sender] < CAP, "cap");
        uint256 id = nextId++;
        ownerOf[id] = msg.sender;
        IReceiver(msg.sender).onReceived(address(0), id); // bug: reentrancy-no-eth
        minted[msg.sender] += 1;
    }
}

/// A lock that is read and never taken: `locked` is never written.
contract ReadOnlyLockPool {
    mapping(address => mapping(address => uint256)) public deposits;
    bool private locked;

    modifier nonReentrant() {
        require(!locked, "locked");
        _;
    }

    function deposit(IERC20 token, uint256 amount) external {
        deposits[msg.sender][address(token)] += amount;
        require(token.transferFrom(msg.sender, address(this), amount), "pull");
    }

    function withdraw(IERC20 token) external nonReentrant {
        uint256 amount = deposits[msg.sender][address(token)];
        require(token.transfer(msg.sender, amount), "push"); // bug: reentrancy-no-eth
        deposits[msg.sender][address(token)] = 0;
    }
}

/// Locked withdrawal, unlocked transfer of the same credit.
contract CrossFunctionTokenPool is ReentrancyGuard {
    IERC20 public immutable token;
    mapping(address => uint256) public credit;

    constructor(IERC20 token_) {
        token = token_;
    }

    function deposit(uint256 amount) external nonReentrant {
        require(token.transferFrom(msg.sender, address(this), amount), "pull");
        credit[msg.sender] += amount;
    }

    function give(address to, uint256 amount) external {
        credit[msg.sender] -= amount;
        credit[to] += amount;
    }

    function withdraw() external nonReentrant {
        uint256 amount = credit[msg.sender];
        require(IERC20Hooked(address(token)).transferAndNotify(msg.sender, amount), "push"); // bug: reentrancy-no-eth
        credit[msg.sender] = 0;
    }
}

interface IERC20Hooked {
    function transferAndNotify(address to, uint256 amount) external returns (bool);
}

/// SafeERC20 through `using … for`: a token with hooks calls back before
/// the balance drops.
contract SafeTokenVault {
    using SafeERC20 for IERC20;

    mapping(address => mapping(IERC20 => uint256)) public balances;

    function deposit(IERC20 token, uint256 amount) external {
        token.safeTransferFrom(msg.sender, address(this), amount); // bug: reentrancy-benign
        balances[msg.sender][token] += amount;
    }

    function withdraw(IERC20 token, uint256 amount) external {
        require(balances[msg.sender][token] >= amount, "balance");
        token.safeTransfer(msg.sender, amount); // bug: reentrancy-no-eth
        balances[msg.sender][token] -= amount;
    }
}

/// The listener is told through an internal helper before the value is
/// stored.
contract NotifyingRegistry {
    mapping(address => uint256) public points;
    address public listener;

    constructor(address listener_) {
        listener = listener_;
    }

    function redeem(uint256 amount) external {
        uint256 current = points[msg.sender];
        require(current >= amount, "points");
        _notify(msg.sender, current - amount); // bug: reentrancy-no-eth #notify
        points[msg.sender] = current - amount;
    }

    function _notify(address account, uint256 value) internal {
        IListener(listener).onUpdate(account, value); // bug: reentrancy-no-eth #notify
    }
}

/// Batch redemption: each iteration writes the remaining points from a
/// copy taken before the loop, after the previous iteration's call.
contract BatchRedeemer {
    mapping(address => uint256) public points;
    IListener public immutable listener;

    constructor(IListener listener_) {
        listener = listener_;
    }

    function redeemAll(uint256[] calldata amounts) external {
        uint256 start = points[msg.sender];
        uint256 spent;
        for (uint256 i = 0; i < amounts.length; i++) {
            points[msg.sender] = start - spent;
            listener.onUpdate(msg.sender, amounts[i]); // bug: reentrancy-no-eth
            spent += amounts[i];
        }
    }
}

/// Safe: every function that touches `credit` holds the lock.
contract GuardedTokenPool is ReentrancyGuard {
    IERC20 public immutable token;
    mapping(address => uint256) public credit;

    constructor(IERC20 token_) {
        token = token_;
    }

    function give(address to, uint256 amount) external nonReentrant {
        credit[msg.sender] -= amount;
        credit[to] += amount;
    }

    function withdraw() external nonReentrant {
        uint256 amount = credit[msg.sender];
        require(token.transfer(msg.sender, amount), "push");
        credit[msg.sender] = 0;
    }
}

/// Safe: counted before the receiver is asked.
contract CountFirstMinter {
    mapping(address => uint256) public minted;
    uint256 public nextId;

    function mint() external {
        require(minted[msg.sender] < 3, "cap");
        minted[msg.sender] += 1;
        uint256 id = nextId++;
        IReceiver(msg.sender).onReceived(address(0), id);
    }
}
