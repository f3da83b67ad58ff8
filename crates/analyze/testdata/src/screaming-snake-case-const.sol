// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

/// A constant named like a variable.
contract ScreamingSnakeCaseConstBad {
    uint256 public constant maxSupply = 1e24; // finding: screaming-snake-case-const
}

/// Safe: UPPER_CASE.
contract ScreamingSnakeCaseConstSafe {
    uint256 public constant MAX_SUPPLY = 1e24;
}
