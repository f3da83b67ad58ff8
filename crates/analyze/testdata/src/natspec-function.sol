// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

interface INatspecFunction {
    /// @notice The stored value.
    function value() external view returns (uint256);
}

/// A public function without NatSpec.
contract NatspecFunctionBad {
    uint256 public stored;

    function store(uint256 next) external { // finding: natspec-function
        stored = next;
    }
}

/// Safe: documented; an override inherits its base's documentation.
contract NatspecFunctionSafe is INatspecFunction {
    uint256 internal stored;

    /// @notice Stores `next`.
    /// @param next The new value.
    function store(uint256 next) external {
        stored = next;
    }

    function value() external view override returns (uint256) {
        return stored;
    }
}
