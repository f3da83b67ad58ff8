// SPDX-License-Identifier: MIT
pragma solidity ^0.8.13;

import {Test} from "mini-std/Test.sol";
import {Counter} from "../src/Counter.sol";
import {CounterScript} from "../script/Counter.s.sol";

contract CounterTest is Test {
    Counter public counter;

    function setUp() public {
        // Deployed through the project's own script, as many projects do.
        CounterScript script = new CounterScript();
        script.run();
        counter = script.counter();
        counter.setNumber(0);
    }

    function test_Increment() public {
        counter.increment();
        assertEq(counter.number(), 1);
    }

    function testFuzz_SetNumber(uint256 x) public {
        x = bound(x, 0, 1e30);
        counter.setNumber(x);
        assertEq(counter.number(), x);
    }

    function test_SetNumberRevertsAboveTheLimit() public {
        vm.expectRevert(abi.encodeWithSelector(Counter.TooLarge.selector, 1e30 + 1));
        counter.setNumber(1e30 + 1);
    }

    /// forge-config: default.invariant.depth = 5
    function invariant_NumberStaysWithinTheLimit() public view {
        assertTrue(counter.number() <= 1e30 + 1e6, "within the limit");
    }
}
