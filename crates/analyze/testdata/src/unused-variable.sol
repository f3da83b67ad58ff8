// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

/// A local computed and forgotten; a parameter never read.
contract UnusedVariableBad {
    uint256 public total;

    function add(uint256 amount, uint256 fee) external { // finding: unused-variable
        uint256 net = amount - 1; // finding: unused-variable
        total += amount;
    }
}

abstract contract UnusedVariableBase {
    uint256 public immutable start;

    constructor(uint256 start_) {
        start = start_;
    }
}

/// Safe: everything used (a parameter by the base constructor); an
/// unnamed parameter; a hook's parameters.
contract UnusedVariableSafe is UnusedVariableBase {
    constructor(uint256 first) UnusedVariableBase(first) {}

    uint256 public total;

    function add(uint256 amount, uint256) external {
        uint256 net = amount - 1;
        total += net;
        _after(net);
    }

    function _after(uint256 amount) internal virtual {}
}
