// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

interface IApprovable {
    function approve(address spender, uint256 amount) external returns (bool);
}

interface IOracle {
    function update() external returns (uint256 price, uint256 updatedAt);
}

/// `approve`'s answer and the oracle's refreshed price are dropped.
contract UnusedReturnBad {
    IApprovable public immutable token;
    IOracle public immutable oracle;
    uint256 public lastPrice;

    constructor(IApprovable token_, IOracle oracle_) {
        token = token_;
        oracle = oracle_;
    }

    function allow(address spender, uint256 amount) external {
        token.approve(spender, amount); // finding: unused-return
    }

    function refresh() external {
        oracle.update(); // finding: unused-return
    }
}

/// Safe: both results are used.
contract UnusedReturnSafe {
    IApprovable public immutable token;
    IOracle public immutable oracle;
    uint256 public lastPrice;

    constructor(IApprovable token_, IOracle oracle_) {
        token = token_;
        oracle = oracle_;
    }

    function allow(address spender, uint256 amount) external {
        require(token.approve(spender, amount), "approve failed");
    }

    function refresh() external {
        (uint256 price,) = oracle.update();
        lastPrice = price;
    }
}
