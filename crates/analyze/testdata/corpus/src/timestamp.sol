// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// Decisions that hinge on `block.timestamp`, which the block producer
/// can shift by seconds.

contract ExactOpening {
    uint256 public immutable opensAt;
    mapping(address => bool) public early;

    constructor(uint256 opensAt_) {
        opensAt = opensAt_;
    }

    function claimEarlyBird() external {
        if (block.timestamp == opensAt) early[msg.sender] = true; // bug: timestamp
    }
}

contract LocalClockVesting {
    uint256 public immutable end;
    mapping(address => uint256) public vested;

    constructor(uint256 end_) {
        end = end_;
    }

    function release(address to) external {
        uint256 nowTs = block.timestamp;
        if (nowTs > end) { // bug: timestamp
            vested[to] = 0;
        }
    }
}

contract HelperClockAuction {
    uint256 public immutable endsAt;
    uint256 public highest;

    constructor(uint256 endsAt_) {
        endsAt = endsAt_;
    }

    function bid(uint256 amount) external {
        require(_now() < endsAt, "over"); // bug: timestamp
        require(amount > highest, "low");
        highest = amount;
    }

    function _now() internal view returns (uint256) {
        return block.timestamp;
    }
}

contract ModifierDeadline {
    uint256 public claimed;

    modifier before(uint256 deadline) {
        require(block.timestamp <= deadline, "expired"); // bug: timestamp #modifier
        _;
    }

    function claim(uint256 deadline) external before(deadline) { // bug: timestamp #modifier
        claimed += 1;
    }
}

contract StoredCooldown {
    uint256 public lastAction;
    uint256 public actions;

    function act() external {
        require(lastAction + 1 hours <= block.timestamp, "cooldown"); // bug: timestamp
        lastAction = block.timestamp;
        actions += 1;
    }
}

/// Safe: the time is recorded, never compared.
contract TimeRecorder {
    event Seen(address who, uint256 at);

    uint256 public lastSeen;

    function see() external {
        lastSeen = block.timestamp;
        emit Seen(msg.sender, block.timestamp);
    }
}
