// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

/// `holders.length` is loaded on every iteration.
contract CacheArrayLengthBad {
    address[] public holders;
    mapping(address => uint256) public balances;

    function total() external view returns (uint256 sum) {
        for (uint256 i = 0; i < holders.length; i++) { // finding: cache-array-length
            sum += balances[holders[i]];
        }
    }
}

/// Safe: read once; a calldata array's length costs nothing.
contract CacheArrayLengthSafe {
    address[] public holders;
    mapping(address => uint256) public balances;

    function total() external view returns (uint256 sum) {
        uint256 n = holders.length;
        for (uint256 i = 0; i < n; i++) {
            sum += balances[holders[i]];
        }
    }

    function sumOf(uint256[] calldata values) external pure returns (uint256 sum) {
        for (uint256 i = 0; i < values.length; i++) {
            sum += values[i];
        }
    }
}
