// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

/// Anyone can destroy it and take its ether.
contract SuicidalBad {
    function kill() external {
        selfdestruct(payable(msg.sender)); // finding: suicidal
    }
}

/// Safe: only the owner, checked through an internal function.
contract SuicidalSafe {
    address public immutable owner = msg.sender;

    function _checkOwner() internal view {
        require(msg.sender == owner, "not owner");
    }

    function kill() external {
        _checkOwner();
        selfdestruct(payable(owner));
    }
}
