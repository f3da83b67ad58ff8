// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

/// A fee that never changes, read from storage every time.
contract ConstantCandidateBad {
    uint256 public feeBps = 30; // finding: constant-candidate
    bytes32 internal salt = keccak256("salt"); // finding: constant-candidate

    function fee(uint256 amount) external view returns (uint256, bytes32) {
        return (amount * feeBps / 10_000, salt);
    }
}

/// Safe: constant already, or changed later.
contract ConstantCandidateSafe {
    uint256 public constant FEE_BPS = 30;
    uint256 public limit = 100;

    function raise() external {
        limit += 1;
    }

    function fee(uint256 amount) external pure returns (uint256) {
        return amount * FEE_BPS / 10_000;
    }
}
