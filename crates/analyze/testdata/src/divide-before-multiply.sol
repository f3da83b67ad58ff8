// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

/// The rounding error of the division is multiplied.
contract DivideBeforeMultiplyBad {
    function fee(uint256 amount, uint256 bps) external pure returns (uint256) {
        return amount / 10_000 * bps; // finding: divide-before-multiply
    }

    function share(uint256 amount, uint256 parts, uint256 mine) external pure returns (uint256) {
        uint256 each = amount / parts;
        return each * mine; // finding: divide-before-multiply
    }
}

/// Safe: multiplication first.
contract DivideBeforeMultiplySafe {
    function fee(uint256 amount, uint256 bps) external pure returns (uint256) {
        return amount * bps / 10_000;
    }

    function share(uint256 amount, uint256 parts, uint256 mine) external pure returns (uint256) {
        return amount * mine / parts;
    }

    /// Rounding up on purpose (Base64's encoded length).
    function encodedLength(uint256 length) external pure returns (uint256) {
        return 4 * ((length + 2) / 3);
    }
}
