// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

interface IPayee {
    function notify(uint256 amount) external;
}

/// One payee that reverts blocks every payout.
contract CallsLoopBad {
    IPayee[] public payees;

    function add(IPayee payee) external {
        payees.push(payee);
    }

    function payAll(uint256 amount) external {
        for (uint256 i = 0; i < payees.length; i++) {
            payees[i].notify(amount); // finding: calls-loop
        }
    }

    function payAllThrough(uint256 amount) external {
        for (uint256 i = 0; i < payees.length; i++) {
            _pay(payees[i], amount); // finding: calls-loop
        }
    }

    function _pay(IPayee payee, uint256 amount) internal {
        payee.notify(amount);
    }
}

/// Safe: each payee pulls their own.
contract CallsLoopSafe {
    mapping(address => uint256) public owed;
    address[] public payees;

    function add(address payee) external {
        payees.push(payee);
    }

    function credit(uint256 amount) external {
        for (uint256 i = 0; i < payees.length; i++) {
            owed[payees[i]] += amount;
        }
    }

    function claim(IPayee payee) external {
        uint256 amount = owed[address(payee)];
        owed[address(payee)] = 0;
        payee.notify(amount);
    }
}
