// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

/// An event named in mixedCase.
contract EventNameCapwordsBad {
    event valueChanged(uint256 value); // finding: event-name-capwords

    function set(uint256 value) external {
        emit valueChanged(value);
    }
}

/// Safe: CapWords.
contract EventNameCapwordsSafe {
    event ValueChanged(uint256 value);

    function set(uint256 value) external {
        emit ValueChanged(value);
    }
}
