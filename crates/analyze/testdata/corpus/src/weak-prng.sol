// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// Randomness from what the block producer knows or chooses.

contract TimestampLottery {
    address[] public players;

    function enter() external payable {
        players.push(msg.sender);
    }

    function draw() external {
        uint256 index = uint256(keccak256(abi.encodePacked(block.timestamp, players.length))) % players.length; // bug: weak-prng
        payable(players[index]).transfer(address(this).balance);
        delete players;
    }
}

contract PrevrandaoDice {
    mapping(address => uint256) public wins;

    function roll() external {
        uint256 seed = block.prevrandao;
        uint256 face = seed % 6; // bug: weak-prng
        if (face == 5) wins[msg.sender] += 1;
    }
}

contract BlockhashCoin {
    mapping(address => uint256) public streak;

    function flip(bool guess) external {
        bool heads = uint256(blockhash(block.number - 1)) % 2 == 0; // bug: weak-prng
        if (heads == guess) streak[msg.sender] += 1;
        else streak[msg.sender] = 0;
    }
}

contract NumberThreshold {
    uint256 public nonce;
    mapping(address => bool) public winner;

    function tryLuck() external {
        bytes32 digest = keccak256(abi.encode(block.number, nonce, msg.sender)); // bug: weak-prng #threshold
        nonce += 1;
        if (uint256(digest) < type(uint256).max / 100) winner[msg.sender] = true; // bug: weak-prng #threshold
    }
}

contract HelperRaffle {
    address[] public entrants;
    address public lastWinner;

    function enter() external {
        entrants.push(msg.sender);
    }

    function pick() external {
        lastWinner = entrants[_random() % entrants.length]; // bug: weak-prng #helper
    }

    function _random() internal view returns (uint256) {
        return uint256(keccak256(abi.encodePacked(block.difficulty, block.timestamp, entrants.length))); // bug: weak-prng #helper
    }
}

contract StoredSeedRaffle {
    uint256 public seed;
    address[] public entrants;
    address public lastWinner;

    function enter() external {
        entrants.push(msg.sender);
        seed = uint256(blockhash(block.number - 1));
    }

    function pick() external {
        lastWinner = entrants[seed % entrants.length]; // bug: weak-prng
    }
}

/// Safe: the number comes from a VRF callback.
contract VrfRaffle {
    address[] public entrants;
    address public immutable coordinator;
    address public lastWinner;

    constructor(address coordinator_) {
        coordinator = coordinator_;
    }

    function enter() external {
        entrants.push(msg.sender);
    }

    function fulfillRandomWords(uint256, uint256[] calldata words) external {
        require(msg.sender == coordinator, "coordinator");
        lastWinner = entrants[words[0] % entrants.length];
    }
}

/// Safe: a modulo of the caller's own number, and a time used as a time.
contract RoundRobin {
    uint256 public turn;
    uint256 public startedAt;

    function next(uint256 players) external {
        turn = (turn + 1) % players;
        startedAt = block.timestamp;
    }
}
