// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {Test} from "slipway-std/Test.sol";
import {Counter} from "../src/Counter.sol";

/// Tests for `Counter`, run by `slipway test` (forge-std's names: a Foundry
/// test's `forge-std/` imports resolve to slipway-std unchanged).
contract CounterTest is Test {
    Counter internal counter;

    function setUp() public {
        counter = new Counter();
    }

    function test_Increment() public {
        counter.increment();
        assertEq(counter.number(), 1, "increment counts to 1");
    }

    function testFuzz_SetNumber(uint256 x) public {
        counter.setNumber(x);
        assertEq(counter.number(), x, "setNumber stores its argument");
    }

    function test_Decrement() public {
        counter.setNumber(2);
        counter.decrement();
        assertEq(counter.number(), 1, "decrement counts down by one");
    }

    function test_RevertWhen_DecrementAtZero() public {
        vm.expectRevert(Counter.Underflow.selector);
        counter.decrement();
    }
}
