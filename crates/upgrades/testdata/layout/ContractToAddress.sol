// SPDX-License-Identifier: MIT
// expect: safe (a contract-typed variable is an address)
pragma solidity ^0.8.20;
interface IToken { function totalSupply() external view returns (uint256); }
contract ContractToAddressV1 { IToken token; }
contract ContractToAddressV2 { address token; }
