// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {Test} from "slipway-std/Test.sol";

contract Vault {
    uint256 public constant LIMIT = 1000;

    function check(uint256 amount) external pure returns (bool) {
        return amount < LIMIT;
    }
}

/// Fuzz tests: ones that hold, ones that break at a known minimum.
contract FuzzTest is Test {
    Vault internal vault;

    function setUp() public {
        vault = new Vault();
    }

    function testFuzz_AdditionCommutes(uint128 a, uint128 b) public pure {
        assertEq(uint256(a) + b, uint256(b) + a);
    }

    function testFuzz_BoundKeepsInRange(uint256 x) public pure {
        uint256 y = bound(x, 10, 20);
        assertGe(y, 10);
        assertLe(y, 20);
    }

    /// Fails for every amount of at least 1000: the minimum is 1000.
    function testFuzz_BelowLimit(uint256 amount) public view {
        assertTrue(vault.check(amount), "over the limit");
    }

    /// Fails for every x of at least 1000 whose bytes are at least 3 long:
    /// the minimum is (1000, three zero bytes).
    function testFuzz_TwoParameters(uint64 x, bytes memory data) public pure {
        require(x < 1000 || data.length < 3, "both large");
    }

    /// Fails for every value of at most -500: the minimum is -500.
    function testFuzz_Negative(int256 v) public pure {
        require(v > -500, "too negative");
    }

    function testFuzz_AssumeFiltersInputs(uint8 x) public pure {
        vm.assume(x % 16 != 3);
        assertTrue(x % 16 != 3);
    }

    function testFuzz_AssumeRejectsEverything(uint256 x) public pure {
        vm.assume(x == 0 && x == 1);
    }
}
