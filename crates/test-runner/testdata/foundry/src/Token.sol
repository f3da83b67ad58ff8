// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

/// A minimal ERC-20 with a mint cap, for the Foundry port fixture.
contract Token {
    event Transfer(address indexed from, address indexed to, uint256 amount);
    event Approval(address indexed owner, address indexed spender, uint256 amount);

    error CapExceeded(uint256 supply, uint256 cap);

    string public name = "Token";
    string public symbol = "TKN";
    uint8 public constant decimals = 18;
    uint256 public immutable cap;
    uint256 public totalSupply;
    address public immutable owner;
    uint256 public lastMint;

    mapping(address => uint256) public balanceOf;
    mapping(address => mapping(address => uint256)) public allowance;

    constructor(uint256 cap_) {
        cap = cap_;
        owner = msg.sender;
    }

    function mint(address to, uint256 amount) external {
        require(msg.sender == owner, "only owner");
        require(block.timestamp >= lastMint + 1 days, "mint cooldown");
        if (totalSupply + amount > cap) revert CapExceeded(totalSupply + amount, cap);
        lastMint = block.timestamp;
        totalSupply += amount;
        balanceOf[to] += amount;
        emit Transfer(address(0), to, amount);
    }

    function approve(address spender, uint256 amount) external returns (bool) {
        allowance[msg.sender][spender] = amount;
        emit Approval(msg.sender, spender, amount);
        return true;
    }

    function transfer(address to, uint256 amount) external returns (bool) {
        balanceOf[msg.sender] -= amount;
        balanceOf[to] += amount;
        emit Transfer(msg.sender, to, amount);
        return true;
    }

    function transferFrom(address from, address to, uint256 amount) external returns (bool) {
        allowance[from][msg.sender] -= amount;
        balanceOf[from] -= amount;
        balanceOf[to] += amount;
        emit Transfer(from, to, amount);
        return true;
    }

    function deposit() external payable {
        balanceOf[msg.sender] += msg.value;
        totalSupply += msg.value;
        emit Transfer(address(0), msg.sender, msg.value);
    }
}
