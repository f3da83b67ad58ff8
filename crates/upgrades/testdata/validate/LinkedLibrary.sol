// SPDX-License-Identifier: MIT
// expect: external-library-linking (a library with public functions is a separate contract)
pragma solidity ^0.8.20;
library Pricing { function price(uint256 x) public pure returns (uint256) { return x * 2; } }
contract LinkedLibrary {
    uint256 last;
    function quote(uint256 x) external { last = Pricing.price(x); }
}
