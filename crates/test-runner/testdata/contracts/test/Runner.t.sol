// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {Test} from "slipway-std/Test.sol";
import {console} from "slipway-std/console.sol";

contract Box {
    uint256 public value;
    address public lastCaller;
    address public lastOrigin;

    function touch() external {
        lastCaller = msg.sender;
        lastOrigin = tx.origin;
    }

    function touchTwice(Box other) external {
        lastCaller = msg.sender;
        other.touch();
    }

    error TooBig(uint256 value, uint256 limit);

    function put(uint256 v) external {
        if (v > 100) revert TooBig(v, 100);
        value = v;
    }

    function take() external {
        value -= 1;
    }
}

/// A real forge cheatcode slipway does not implement.
interface NotImplemented {
    function rpcUrls() external returns (string[2][] memory urls);
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
        NotImplemented(address(vm)).rpcUrls();
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

/// Environment, caller and revert cheatcodes, each at its boundary.
contract CheatsTest is Test {
    Box internal box;

    function setUp() public {
        box = new Box();
    }

    function test_WarpAndRollChangeTheBlockSeenNext() public {
        uint256 before = block.timestamp;
        vm.warp(before + 1 days);
        assertEq(block.timestamp, before + 1 days);
        vm.roll(12_345);
        assertEq(block.number, 12_345);
    }

    function test_WarpDoesNotOutliveItsTest() public view {
        assertEq(block.timestamp, 1, "each test starts at the runner's timestamp");
    }

    function test_FeeAndChainId() public {
        vm.fee(7 gwei);
        assertEq(block.basefee, 7 gwei);
        vm.chainId(137);
        assertEq(block.chainid, 137);
    }

    function test_DealSetsABalance() public {
        address who = address(0xBEEF);
        assertEq(who.balance, 0);
        vm.deal(who, 3 ether);
        assertEq(who.balance, 3 ether);
        vm.deal(who, 1);
        assertEq(who.balance, 1, "deal sets, it does not add");
    }

    function test_StoreAndLoadReachStorage() public {
        bytes32 slot0 = bytes32(uint256(0));
        assertEq(vm.load(address(box), slot0), bytes32(0));
        vm.store(address(box), slot0, bytes32(uint256(42)));
        assertEq(box.value(), 42, "store writes the contract's own slot");
        assertEq(vm.load(address(box), slot0), bytes32(uint256(42)));
    }

    function test_EtchPutsCode() public {
        address target = address(0xC0DE);
        vm.etch(target, address(box).code);
        Box(target).put(9);
        assertEq(Box(target).value(), 9);
        assertEq(box.value(), 0, "the original keeps its own storage");
    }

    function test_AddrDerivesTheAddressOfAKey() public pure {
        assertEq(vm.addr(1), 0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf);
    }

    function test_AddrRefusesZero() public pure {
        vm.addr(0);
    }

    function test_PrankCoversOnlyTheNextCall() public {
        Box other = new Box();
        vm.prank(address(0xA11CE));
        box.touchTwice(other);
        assertEq(box.lastCaller(), address(0xA11CE), "the next call is pranked");
        assertEq(other.lastCaller(), address(box), "calls it makes are not");
        box.touch();
        assertEq(box.lastCaller(), address(this), "the call after is not");
    }

    function test_PrankWithOrigin() public {
        vm.prank(address(0xA11CE), address(0x0819));
        box.touch();
        assertEq(box.lastOrigin(), address(0x0819));
        box.touch();
        assertTrue(box.lastOrigin() != address(0x0819), "origin is restored");
    }

    function test_StartPrankLastsUntilStopPrank() public {
        vm.startPrank(address(0xB0B));
        box.touch();
        assertEq(box.lastCaller(), address(0xB0B));
        box.touch();
        assertEq(box.lastCaller(), address(0xB0B));
        vm.stopPrank();
        box.touch();
        assertEq(box.lastCaller(), address(this));
    }

    function test_ExpectRevertAny() public {
        vm.expectRevert();
        box.take();
        assertEq(box.value(), 0, "execution goes on after the expected revert");
    }

    function test_ExpectRevertSelector() public {
        // TooBig has arguments: only its selector is compared.
        vm.expectPartialRevert(Box.TooBig.selector);
        box.put(101);
    }

    function test_ExpectRevertData() public {
        vm.expectRevert(abi.encodeWithSelector(Box.TooBig.selector, 101, 100));
        box.put(101);
    }

    function test_ExpectRevertFailsWhenNothingReverts() public {
        vm.expectRevert();
        box.put(1);
    }

    function test_ExpectRevertFailsOnOtherData() public {
        vm.expectRevert(abi.encodeWithSelector(Box.TooBig.selector, 102, 100));
        box.put(101);
    }

    function test_ExpectRevertSelectorFailsOnAPanic() public {
        vm.expectRevert(Box.TooBig.selector);
        box.take();
    }

    function test_ExpectRevertReasonFailsOnACustomError() public {
        vm.expectRevert("too big");
        box.put(101);
    }

    function test_ExpectRevertFailsWhenNoCallFollows() public {
        vm.expectRevert();
    }

    function test_LabelHasNoEffect() public {
        vm.label(address(box), "box");
        assertEq(box.value(), 0);
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
