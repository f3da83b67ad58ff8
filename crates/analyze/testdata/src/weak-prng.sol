// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

/// The validator picks the winner.
contract WeakPrngBad {
    address[] public players;

    function enter() external {
        players.push(msg.sender);
    }

    function winner() external view returns (address) {
        uint256 seed = uint256(keccak256(abi.encode(block.timestamp, block.prevrandao)));
        return players[seed % players.length]; // finding: weak-prng
    }

    function coin() external view returns (bool) {
        return block.number % 2 == 0; // finding: weak-prng
    }
}

/// Safe: the number comes from a committed seed revealed later.
contract WeakPrngSafe {
    address[] public players;
    bytes32 public commitment;

    constructor(bytes32 commitment_) {
        commitment = commitment_;
    }

    function enter() external {
        players.push(msg.sender);
    }

    function winner(bytes32 seed) external view returns (address) {
        require(keccak256(abi.encode(seed)) == commitment, "bad reveal");
        return players[uint256(seed) % players.length];
    }
}
