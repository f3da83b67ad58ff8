// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// Locals, parameters and return variables named like something the
/// contract already declares: the code reads the local where the author
/// meant the other.

contract ShadowBase {
    address public owner = msg.sender;
    uint256 internal fee = 3;
}

contract ShadowsInheritedState is ShadowBase {
    uint256 public collected;

    function charge(uint256 amount) external {
        uint256 fee = amount / 100; // bug: shadowing-local
        collected += fee;
    }
}

contract ShadowsOwnState {
    uint256 public limit = 100;
    uint256 public used;

    function spend(uint256 amount, uint256 limit) external { // bug: shadowing-local
        require(used + amount <= limit, "limit");
        used += amount;
    }
}

contract ShadowsFunction {
    mapping(address => uint256) public balances;
    uint256 private supply;

    function totalSupply() public view returns (uint256) {
        return supply;
    }

    function mint(uint256 amount) external {
        uint256 totalSupply = supply + amount; // bug: shadowing-local
        supply = totalSupply;
        balances[msg.sender] += amount;
    }
}

contract ShadowsEvent {
    event Transfer(address from, address to, uint256 amount);

    mapping(address => uint256) public balances;

    function move(address to, uint256 amount) external {
        bool Transfer = balances[msg.sender] >= amount; // bug: shadowing-local
        require(Transfer, "balance");
        balances[msg.sender] -= amount;
        balances[to] += amount;
    }
}

contract ShadowsInReturn is ShadowBase {
    mapping(address => uint256) public shares;

    function ownerShare() external view returns (uint256 owner) { // bug: shadowing-local
        owner = shares[msg.sender];
    }
}

contract ShadowsModifier {
    address public admin = msg.sender;
    uint256 public value;

    modifier onlyAdmin() {
        require(msg.sender == admin, "admin");
        _;
    }

    function set(uint256 next) external onlyAdmin {
        uint256 onlyAdmin = next; // bug: shadowing-local
        value = onlyAdmin;
    }
}

/// Safe: trailing and leading underscores keep the names apart.
contract NoShadow is ShadowBase {
    uint256 public limit = 100;

    function spend(uint256 limit_, uint256 _fee) external view returns (uint256) {
        return limit_ + _fee + limit + fee;
    }
}
