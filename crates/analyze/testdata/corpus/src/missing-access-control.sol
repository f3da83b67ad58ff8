// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// Functions that change who is in charge, or what the people in charge
/// decide, with no check on the caller.

contract OpenOwnership {
    address public owner = msg.sender;

    function changeOwner(address next) external { // bug: missing-access-control
        owner = next;
    }

    function withdraw() external {
        require(msg.sender == owner, "owner");
        payable(owner).transfer(address(this).balance);
    }

    receive() external payable {}
}

contract OpenFeeRecipient {
    address public immutable owner = msg.sender;
    address public feeRecipient = msg.sender;
    uint256 public feeBps = 30;

    function setFeeBps(uint256 next) external {
        require(msg.sender == owner, "owner");
        require(next <= 1000, "cap");
        feeBps = next;
    }

    function setFeeRecipient(address next) external { // bug: missing-access-control
        feeRecipient = next;
    }

    function rotateRecipient(address next) external {
        require(msg.sender == owner, "owner");
        feeRecipient = next;
    }
}

/// `onlyOwner` by name: it checks that an owner exists, not who calls.
contract NamedOwnerConfig {
    address public owner = msg.sender;
    uint256 public limit;

    modifier onlyOwner() {
        require(owner != address(0), "no owner");
        _;
    }

    function setLimit(uint256 next) external onlyOwner { // bug: missing-access-control
        limit = next;
    }

    function resetLimit() external {
        require(msg.sender == owner, "owner");
        limit = 0;
    }
}

contract BonusMinter {
    address public immutable minter = msg.sender;
    mapping(address => uint256) public balanceOf;
    uint256 public totalSupply;

    function mint(address to, uint256 amount) external {
        require(msg.sender == minter, "minter");
        balanceOf[to] += amount;
        totalSupply += amount;
    }

    function mintBonus(address to, uint256 amount) external { // bug: missing-access-control
        balanceOf[to] += amount;
        totalSupply += amount;
    }
}

contract Reinitialisable {
    address public admin;
    bool public paused;

    function init(address admin_) external { // bug: missing-access-control
        admin = admin_;
    }

    function setPaused(bool next) external {
        require(msg.sender == admin, "admin");
        paused = next;
    }

    function handOver(address next) external {
        require(msg.sender == admin, "admin");
        admin = next;
    }
}

contract OpenOperators {
    address public immutable owner = msg.sender;
    mapping(address => bool) public isOperator;
    uint256 public rate;

    function addOperator(address account) external { // bug: missing-access-control
        isOperator[account] = true;
    }

    function removeOperator(address account) external {
        require(msg.sender == owner, "owner");
        isOperator[account] = false;
    }

    function setRate(uint256 next) external {
        require(isOperator[msg.sender], "operator");
        rate = next;
    }
}

/// Safe: checks through an internal helper, and OpenZeppelin's Ownable.
contract HelperChecked {
    address public owner = msg.sender;
    uint256 public limit;

    function setLimit(uint256 next) external {
        _checkOwner();
        limit = next;
    }

    function transferOwnership(address next) external {
        _checkOwner();
        owner = next;
    }

    function _checkOwner() internal view {
        require(msg.sender == owner, "owner");
    }
}

contract OzOwnedConfig is Ownable {
    uint256 public limit;

    constructor() Ownable(msg.sender) {}

    function setLimit(uint256 next) external onlyOwner {
        limit = next;
    }

    function resetLimit() external onlyOwner {
        limit = 0;
    }
}
