// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

contract Covered {
    uint256 public total;
    address public owner;

    modifier onlyOwner() {
        require(msg.sender == owner, "not owner");
        _;
    }

    constructor() {
        owner = msg.sender;
    }

    function add(uint256 x) external returns (uint256) {
        if (x > 10) {
            total += 10;
        } else {
            total += x;
        }
        return total;
    }

    function pick(bool flag) external pure returns (uint256) {
        return flag ? 1 : 2;
    }

    function reset() external onlyOwner {
        total = 0;
    }

    function never() external {
        total = 42;
    }
}
