// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";

/// The guard is named like one and guards nothing: its body only runs `_`.
contract NamedGuardVault {
    mapping(address => uint256) public balanceOf;

    modifier nonReentrant() {
        _;
    }

    function deposit() external payable {
        balanceOf[msg.sender] += msg.value;
    }

    function withdraw() external nonReentrant {
        uint256 amount = balanceOf[msg.sender];
        require(amount > 0, "nothing");
        (bool ok,) = msg.sender.call{value: amount}(""); // bug: reentrancy-eth
        require(ok, "send");
        balanceOf[msg.sender] = 0;
    }
}

/// `withdraw` holds a real lock, but while its call runs the caller's
/// credit is still on the books, and `move` (no lock) hands it on.
contract CrossFunctionVault is ReentrancyGuard {
    mapping(address => uint256) public credit;

    function deposit() external payable {
        credit[msg.sender] += msg.value;
    }

    function move(address to, uint256 amount) external {
        require(credit[msg.sender] >= amount, "credit");
        credit[msg.sender] -= amount;
        credit[to] += amount;
    }

    function withdraw() external nonReentrant {
        uint256 amount = credit[msg.sender];
        (bool ok,) = payable(msg.sender).call{value: amount}(""); // bug: reentrancy-eth
        require(ok, "send");
        credit[msg.sender] = 0;
    }
}

/// Pays in instalments. Each instalment writes the credit from a copy
/// taken before the loop, so a reentrant withdrawal during one call is
/// undone by the next iteration's write: the write sits earlier in the
/// loop body than the call, and still runs after it.
contract InstalmentVault {
    mapping(address => uint256) public credit;

    function deposit() external payable {
        credit[msg.sender] += msg.value;
    }

    function withdrawInParts(uint256 parts) external {
        uint256 owed = credit[msg.sender];
        uint256 part = owed / parts;
        uint256 paid;
        for (uint256 i = 0; i < parts; i++) {
            credit[msg.sender] = owed - paid;
            (bool ok,) = msg.sender.call{value: part}(""); // bug: reentrancy-eth
            require(ok, "send");
            paid += part;
        }
        credit[msg.sender] = owed - paid;
    }
}

/// The modifier refunds the previous bidder before the body records the
/// new bid: the refund's callee sees the old bid still standing.
contract RefundingAuction {
    struct Bid {
        address payable bidder;
        uint256 amount;
    }

    mapping(uint256 => Bid) public bids;

    modifier refundsPrevious(uint256 lot) {
        Bid memory previous = bids[lot];
        require(msg.value > previous.amount, "low bid");
        if (previous.amount > 0) {
            (bool ok,) = previous.bidder.call{value: previous.amount}(""); // bug: reentrancy-eth #auction
            require(ok, "refund");
        }
        _;
    }

    function bid(uint256 lot) external payable refundsPrevious(lot) { // bug: reentrancy-eth #auction
        bids[lot] = Bid(payable(msg.sender), msg.value);
    }
}

/// The ether leaves through an internal helper.
contract HelperPayout {
    mapping(address => uint256) public owed;

    function credit() external payable {
        owed[msg.sender] += msg.value;
    }

    function claim() external {
        uint256 amount = owed[msg.sender];
        _pay(msg.sender, amount); // bug: reentrancy-eth #helper
        owed[msg.sender] = 0;
    }

    function _pay(address to, uint256 amount) internal {
        (bool ok,) = to.call{value: amount}(""); // bug: reentrancy-eth #helper
        require(ok, "send");
    }
}

/// The ether leaves through OpenZeppelin's `Address.sendValue`.
contract LibraryPayout {
    using Address for address payable;

    mapping(address => uint256) public stake;
    uint256 public totalStaked;

    function stakeEth() external payable {
        stake[msg.sender] += msg.value;
        totalStaked += msg.value;
    }

    function unstake() external {
        uint256 amount = stake[msg.sender];
        payable(msg.sender).sendValue(amount); // bug: reentrancy-eth
        stake[msg.sender] = 0;
        totalStaked -= amount;
    }
}

/// Safe: effects before the call.
contract EffectsFirstVault {
    mapping(address => uint256) public balanceOf;

    function deposit() external payable {
        balanceOf[msg.sender] += msg.value;
    }

    function withdraw() external {
        uint256 amount = balanceOf[msg.sender];
        balanceOf[msg.sender] = 0;
        (bool ok,) = msg.sender.call{value: amount}("");
        require(ok, "send");
    }
}

/// Safe: a hand-written lock that really locks, held by every function
/// that touches the balances.
contract LockedVault {
    mapping(address => uint256) public balanceOf;
    uint256 private locked = 1;

    modifier lock() {
        require(locked == 1, "locked");
        locked = 2;
        _;
        locked = 1;
    }

    function deposit() external payable lock {
        balanceOf[msg.sender] += msg.value;
    }

    function move(address to, uint256 amount) external lock {
        balanceOf[msg.sender] -= amount;
        balanceOf[to] += amount;
    }

    function withdraw() external lock {
        uint256 amount = balanceOf[msg.sender];
        (bool ok,) = msg.sender.call{value: amount}("");
        require(ok, "send");
        balanceOf[msg.sender] = 0;
    }
}

/// Safe: instalments written before each call from the live value.
contract LiveInstalmentVault {
    mapping(address => uint256) public credit;

    function deposit() external payable {
        credit[msg.sender] += msg.value;
    }

    function withdrawInParts(uint256 parts) external {
        uint256 part = credit[msg.sender] / parts;
        for (uint256 i = 0; i < parts; i++) {
            credit[msg.sender] -= part;
            (bool ok,) = msg.sender.call{value: part}("");
            require(ok, "send");
        }
    }
}
