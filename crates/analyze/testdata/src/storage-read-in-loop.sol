// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

/// `rate` is loaded from storage on every iteration.
contract StorageReadInLoopBad {
    uint256 public rate = 3;

    function scaled(uint256[] calldata values) external view returns (uint256 sum) {
        for (uint256 i = 0; i < values.length; i++) {
            sum += values[i] * rate; // finding: storage-read-in-loop
        }
    }

    function setRate(uint256 next) external {
        rate = next;
    }
}

/// Safe: copied to a local first.
contract StorageReadInLoopSafe {
    uint256 public rate = 3;

    function scaled(uint256[] calldata values) external view returns (uint256 sum) {
        uint256 r = rate;
        for (uint256 i = 0; i < values.length; i++) {
            sum += values[i] * r;
        }
    }

    function setRate(uint256 next) external {
        rate = next;
    }
}
