// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

/// Function names in other cases.
contract MixedCaseFunctionBad {
    uint256 public total;

    function Add_Value(uint256 amount) external { // finding: mixed-case-function
        total += amount;
    }

    function reset_all() external { // finding: mixed-case-function
        total = 0;
    }
}

/// Safe: mixedCase, a leading underscore, forge's test prefixes.
contract MixedCaseFunctionSafe {
    uint256 public total;

    function addValue(uint256 amount) external {
        _add(amount);
    }

    function _add(uint256 amount) internal {
        total += amount;
    }

    function test_AddsValue() external {
        _add(1);
    }

    /// UPPER_CASE names a constant-like getter, as standards do.
    function DOMAIN_SEPARATOR() external pure returns (bytes32) {
        return keccak256("domain");
    }
}
