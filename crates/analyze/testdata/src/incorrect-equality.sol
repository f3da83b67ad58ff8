// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

interface IBalances {
    function balanceOf(address who) external view returns (uint256);
}

/// One forced wei or token and the game never ends.
contract IncorrectEqualityBad {
    IBalances public immutable token;

    constructor(IBalances token_) {
        token = token_;
    }

    function finished() external view returns (bool) {
        return address(this).balance == 10 ether; // finding: incorrect-equality
    }

    function drained() external view returns (bool) {
        return token.balanceOf(address(this)) == 0; // finding: incorrect-equality
    }
}

/// Safe: thresholds.
contract IncorrectEqualitySafe {
    IBalances public immutable token;

    constructor(IBalances token_) {
        token = token_;
    }

    function finished() external view returns (bool) {
        return address(this).balance >= 10 ether;
    }

    function drained() external view returns (bool) {
        return token.balanceOf(address(this)) < 1;
    }
}
