// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {Units} from "units/Units.sol";

contract Vault {
    error NotOwner();

    address public immutable owner;
    mapping(address => uint256) public balanceOf;
    uint256 public total;

    constructor() {
        owner = msg.sender;
    }

    function deposit(uint256 tokens) external {
        uint256 amount = Units.wad(tokens);
        balanceOf[msg.sender] += amount;
        total += amount;
    }

    function sweep() external {
        if (msg.sender != owner) revert NotOwner();
        total = 0;
    }
}
