// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

/// A contract named in snake case.
contract vault_Bad { // finding: contract-name-capwords
    uint256 public held;
}

/// Safe: CapWords, for contracts, interfaces and libraries alike.
contract ContractNameCapwordsSafe {
    uint256 public held;
}

interface IContractNameCapwordsSafe {
    function held() external view returns (uint256);
}
