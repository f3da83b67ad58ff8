// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

/// Two small variables split by a full slot: three slots for two's worth.
contract PackedStorageBad { // finding: packed-storage
    uint128 public low;
    uint256 public middle;
    uint128 public high;

    function set(uint128 a, uint256 b, uint128 c) external {
        (low, middle, high) = (a, b, c);
    }
}

/// Safe: the small ones side by side.
contract PackedStorageSafe {
    uint128 public low;
    uint128 public high;
    uint256 public middle;

    function set(uint128 a, uint256 b, uint128 c) external {
        (low, middle, high) = (a, b, c);
    }
}
