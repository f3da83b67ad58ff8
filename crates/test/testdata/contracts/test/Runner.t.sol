// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {Test} from "slipway-std/Test.sol";
import {console} from "slipway-std/console.sol";

contract Box {
    uint256 public value;

    error TooBig(uint256 value, uint256 limit);

    function put(uint256 v) external {
        if (v > 100) revert TooBig(v, 100);
        value = v;
    }

    function take() external {
        value -= 1;
    }
}

/// Every way a test can end, one test each.
contract OutcomesTest is Test {
    Box internal box;

    function setUp() public {
        box = new Box();
        box.put(5);
    }

    function test_Passes() public {
        box.put(7);
        assertEq(box.value(), 7);
    }

    function test_StartsFromSetUpState() public view {
        assertEq(box.value(), 5, "each test sees the state setUp left");
    }

    function test_ChangesDoNotLeak() public {
        box.put(9);
        assertEq(box.value(), 9);
    }

    function test_AssertEqFails() public view {
        assertEq(box.value(), 6, "value");
    }

    function test_AssertTrueFails() public pure {
        assertTrue(false);
    }

    function test_ApproxEqAbs() public pure {
        assertApproxEqAbs(100, 103, 3);
        assertApproxEqRel(1000, 1010, 0.01e18);
    }

    function test_CustomError() public {
        box.put(101);
    }

    function test_Panic() public {
        box.put(0);
        box.take();
    }

    function test_RequireMessage() public pure {
        require(1 + 1 == 3, "arithmetic is broken");
    }

    function test_UnknownCheatcode() public {
        vm.warp(100);
    }

    function test_Logs() public view {
        console.log("value is", box.value());
        assertEq(box.value(), 0, "after logging");
    }

    function test_Fuzz(uint256 x) public pure {
        x;
    }

    function helper_NotATest() public pure returns (uint256) {
        return 1;
    }
}

/// A setUp that reverts fails every test of its contract.
contract BrokenSetUpTest is Test {
    function setUp() public pure {
        revert("setUp cannot continue");
    }

    function test_Never() public pure {}
}

/// Has no tests: not reported.
contract NoTests {
    function run() external pure {}
}
