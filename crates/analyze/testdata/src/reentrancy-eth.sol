// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

/// The balance is cleared after the ether has left: the receiver calls
/// `withdraw` again from its `receive` and is paid twice.
contract ReentrancyEthBad {
    mapping(address => uint256) public balances;

    function deposit() external payable {
        balances[msg.sender] += msg.value;
    }

    function withdraw() external {
        uint256 amount = balances[msg.sender];
        (bool ok,) = msg.sender.call{value: amount}(""); // finding: reentrancy-eth
        require(ok, "send failed");
        balances[msg.sender] = 0;
    }
}

/// Safe: the same withdrawal behind a reentrancy guard.
contract ReentrancyEthGuarded {
    mapping(address => uint256) public balances;
    uint256 private locked = 1;

    modifier nonReentrant() {
        require(locked == 1, "reentrant");
        locked = 2;
        _;
        locked = 1;
    }

    function deposit() external payable {
        balances[msg.sender] += msg.value;
    }

    function withdraw() external nonReentrant {
        uint256 amount = balances[msg.sender];
        (bool ok,) = msg.sender.call{value: amount}("");
        require(ok, "send failed");
        balances[msg.sender] = 0;
    }
}

/// Safe: a value saved before the call and restored after it (a lock of
/// one's own, as OpenZeppelin's AccessManager keeps its execution id).
contract ReentrancyEthRestored {
    bytes32 private executing;

    function execute(address target, bytes calldata data) external payable {
        bytes32 before = executing;
        executing = keccak256(data);
        (bool ok,) = target.call{value: msg.value}(data);
        require(ok, "call failed");
        executing = before;
    }
}

/// Safe: checks, effects, then the interaction.
contract ReentrancyEthOrdered {
    mapping(address => uint256) public balances;

    function deposit() external payable {
        balances[msg.sender] += msg.value;
    }

    function withdraw() external {
        uint256 amount = balances[msg.sender];
        balances[msg.sender] = 0;
        (bool ok,) = msg.sender.call{value: amount}("");
        require(ok, "send failed");
    }
}
