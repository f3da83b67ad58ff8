// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

/// A sale decided to the second.
contract TimestampBad {
    uint256 public immutable start = block.timestamp + 1 days;

    function open() external view returns (bool) {
        return block.timestamp == start; // finding: timestamp
    }

    function buy() external payable {
        require(block.timestamp >= start, "not open"); // finding: timestamp
    }
}

/// Safe: by block number.
contract TimestampSafe {
    uint256 public immutable startBlock = block.number + 7200;

    function buy() external payable {
        require(block.number >= startBlock, "not open");
    }
}
