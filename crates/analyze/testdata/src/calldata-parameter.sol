// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

/// The array is copied to memory only to be read.
contract CalldataParameterBad {
    function sum(uint256[] memory values) external pure returns (uint256 total) { // finding: calldata-parameter
        for (uint256 i = 0; i < values.length; i++) {
            total += values[i];
        }
    }
}

/// Safe: calldata; or written; or handed to a function that takes memory.
contract CalldataParameterSafe {
    function sum(uint256[] calldata values) external pure returns (uint256 total) {
        for (uint256 i = 0; i < values.length; i++) {
            total += values[i];
        }
    }

    function doubled(uint256[] memory values) external pure returns (uint256[] memory) {
        for (uint256 i = 0; i < values.length; i++) {
            values[i] *= 2;
        }
        return values;
    }

    function hashed(bytes memory data) external pure returns (bytes32) {
        return _hash(data);
    }

    function _hash(bytes memory data) internal pure returns (bytes32) {
        return keccak256(data);
    }
}
