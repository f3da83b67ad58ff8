// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {Counter} from "../src/Counter.sol";

/// Tests for `Counter`, run by `slipway test`.
contract CounterTest {
    Counter internal counter;

    function setUp() public {
        counter = new Counter();
    }

    function test_Increment() public {
        counter.increment();
        require(counter.number() == 1, "increment should count to 1");
    }

    function test_SetNumber(uint256 x) public {
        counter.setNumber(x);
        require(counter.number() == x, "setNumber should store its argument");
    }

    function test_RevertWhen_DecrementAtZero() public {
        try counter.decrement() {
            revert("decrement at zero should revert");
        } catch (bytes memory reason) {
            require(bytes4(reason) == Counter.Underflow.selector, "expected Underflow()");
        }
    }
}
