// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

/// Variables in other cases.
contract MixedCaseVariableBad {
    uint256 public Total_Supply; // finding: mixed-case-variable

    function mint(uint256 Amount) external { // finding: mixed-case-variable
        uint256 new_total = Total_Supply + Amount; // finding: mixed-case-variable
        Total_Supply = new_total;
    }
}

/// Safe: mixedCase, underscores at the ends, constants and immutables in
/// their own case.
contract MixedCaseVariableSafe {
    uint256 public constant MAX_SUPPLY = 1e24;
    address public immutable OWNER = msg.sender;
    uint256 public totalSupply;
    uint256 internal _minted;

    function mint(uint256 amount_) external {
        uint256 newTotal = totalSupply + amount_;
        require(newTotal <= MAX_SUPPLY, "cap");
        totalSupply = newTotal;
        _minted += amount_;
    }
}
