// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

/// `10 ^ 18` is 24.
contract IncorrectExpBad {
    function scale(uint256 amount) external pure returns (uint256) {
        return amount * (10 ^ 18); // finding: incorrect-exp
    }
}

/// Safe: a power, and an xor of two variables.
contract IncorrectExpSafe {
    function scale(uint256 amount) external pure returns (uint256) {
        return amount * (10 ** 18);
    }

    function mix(uint256 a, uint256 b) external pure returns (uint256) {
        return a ^ b;
    }
}
