// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

/// A deposit above 2^128 wei is recorded as its low bits.
contract UnsafeTypecastBad {
    mapping(address => uint128) public deposits;

    function record(uint256 amount) external {
        deposits[msg.sender] = uint128(amount); // finding: unsafe-typecast
    }
}

/// Safe: the bound is checked first; widening is always safe.
contract UnsafeTypecastSafe {
    mapping(address => uint128) public deposits;

    function record(uint256 amount) external {
        require(amount <= type(uint128).max, "too large");
        deposits[msg.sender] = uint128(amount);
    }

    function widen(uint64 small) external pure returns (uint256) {
        return uint256(small);
    }

    /// SafeCast's way: compare the result with the original.
    function toInt248(int256 value) external pure returns (int248 downcasted) {
        downcasted = int248(value);
        require(downcasted == value, "does not fit");
    }

    /// The larger of two 32-bit values fits in 32 bits.
    function later(uint32 a, uint32 b) external pure returns (uint32) {
        return uint32(max(a, b));
    }

    function max(uint256 a, uint256 b) internal pure returns (uint256) {
        return a > b ? a : b;
    }

    /// Unpacking a packed word, and decoding an address from a word.
    function unpack(uint256 raw, bytes32 word) external pure returns (uint48, uint8, address) {
        return (uint48(raw >> 32), uint8(raw & 0xff), address(uint160(uint256(word))));
    }

    /// A timestamp fits in 64 bits for billions of years.
    function stamp() external view returns (uint64, uint64) {
        return (uint64(block.timestamp), uint64(block.timestamp + 1 days));
    }
}

/// A timestamp in 32 bits runs out in 2106, and a sum with a variable can
/// be anything.
contract UnsafeTypecastClockBad {
    function stamp(uint256 delay) external view returns (uint32, uint64) {
        return (uint32(block.timestamp), uint64(block.timestamp + delay)); // finding: unsafe-typecast
    }
}
