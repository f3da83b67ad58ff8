// SPDX-License-Identifier: MIT
pragma solidity ^0.8.13;

import {Test} from "mini-std/Test.sol";
import {Counter} from "../src/Counter.sol";

library Limits {
    error TooBig(uint256 value);

    function check(uint256 value) internal pure returns (uint256) {
        if (value > 100) revert TooBig(value);
        return value;
    }
}

/// What assertion cheatcodes, broadcast, skip and gas sections do, with
/// the failures forge reports for them.
contract FeaturesTest is Test {
    function test_AssertionMessage() public pure {
        vm.assertEq(uint256(1), uint256(2), "expected two");
    }

    function test_AssertionWithoutMessage() public pure {
        vm.assertEq("left", "right");
    }

    function test_Approximately() public pure {
        vm.assertApproxEqRel(uint256(1010), uint256(1000), 0.01e18);
        vm.assertApproxEqAbs(int256(-5), int256(-2), 3);
    }

    function test_ApproximatelyFails() public pure {
        vm.assertApproxEqRel(uint256(1030), uint256(1000), 0.01e18, "too far");
    }

    function test_Skipped() public {
        vm.skip(true);
    }

    function test_GasSection() public {
        Counter counter = new Counter();
        vm.startSnapshotGas("counter", "setNumber");
        counter.setNumber(7);
        vm.stopSnapshotGas();
        vm.snapshotValue("counter", "value", counter.number());
    }

    function test_InternalRevertIsNotALowerDepth() public {
        vm.expectRevert(abi.encodeWithSelector(Limits.TooBig.selector, 101));
        Limits.check(101);
    }

    function test_BroadcastSendsAsTheSigner() public {
        Counter counter = new Counter();
        vm.startBroadcast(address(0xBEEF));
        counter.increment();
        vm.stopBroadcast();
        assertEq(counter.number(), 1);
    }

    function test_PrankDuringBroadcast() public {
        vm.startBroadcast();
        vm.prank(address(1));
    }

    function test_StringsAndWarp() public {
        assertEq(vm.toString(uint256(42)), "42");
        assertEq(vm.parseUint("42"), 42);
        vm.warp(1_700_000_000);
        assertEq(block.timestamp, 1_700_000_000);
        vm.deal(address(this), 5 ether);
        assertEq(address(this).balance, 5 ether);
    }

    /// forge-config: default.fuzz.runs = 16
    function testFuzz_Bounded(uint256 x) public pure {
        x = bound(x, 1, 10);
        vm.assertGe(x, 1);
        vm.assertLe(x, 10);
    }
}
