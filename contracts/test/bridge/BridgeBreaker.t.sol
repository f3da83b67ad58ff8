// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IBridge} from "../../src/bridge/IBridge.sol";
import {BridgeBase} from "./BridgeBase.sol";

/// The gradual circuit breaker: who raises and lowers it, what each level
/// stops, and the automatic trip on the window cap.
contract BridgeBreakerTest is BridgeBase {
    event BreakerTripped(address indexed token, uint256 attempted, uint256 releasedInWindow, uint256 cap);

    function test_GuardianRaisesOnlyTheAdminLowers() public {
        vm.prank(guardian);
        bridge.raisePauseLevel(IBridge.PauseLevel.RELEASES_PAUSED);
        assertEq(uint8(bridge.pauseLevel()), uint8(IBridge.PauseLevel.RELEASES_PAUSED));

        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector, guardian, bridge.DEFAULT_ADMIN_ROLE()
            )
        );
        vm.prank(guardian);
        bridge.lowerPauseLevel(IBridge.PauseLevel.NONE);

        vm.prank(admin);
        bridge.lowerPauseLevel(IBridge.PauseLevel.DEPOSITS_PAUSED);
        assertEq(uint8(bridge.pauseLevel()), uint8(IBridge.PauseLevel.DEPOSITS_PAUSED));
    }

    function test_AdminRaisesToo() public {
        vm.prank(admin);
        bridge.raisePauseLevel(IBridge.PauseLevel.ALL_PAUSED);
        assertEq(uint8(bridge.pauseLevel()), uint8(IBridge.PauseLevel.ALL_PAUSED));
    }

    function test_RevertWhen_OthersRaise() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector, operator, bridge.GUARDIAN_ROLE()
            )
        );
        vm.prank(operator);
        bridge.raisePauseLevel(IBridge.PauseLevel.ALL_PAUSED);
    }

    function test_RevertWhen_RaiseIsNotHigherOrLowerIsNotLower() public {
        vm.prank(guardian);
        bridge.raisePauseLevel(IBridge.PauseLevel.RELEASES_PAUSED);
        vm.expectRevert(
            abi.encodeWithSelector(
                IBridge.PauseLevelNotHigher.selector,
                IBridge.PauseLevel.RELEASES_PAUSED,
                IBridge.PauseLevel.RELEASES_PAUSED
            )
        );
        vm.prank(guardian);
        bridge.raisePauseLevel(IBridge.PauseLevel.RELEASES_PAUSED);
        vm.expectRevert(
            abi.encodeWithSelector(
                IBridge.PauseLevelNotLower.selector, IBridge.PauseLevel.RELEASES_PAUSED, IBridge.PauseLevel.ALL_PAUSED
            )
        );
        vm.prank(admin);
        bridge.lowerPauseLevel(IBridge.PauseLevel.ALL_PAUSED);
    }

    function test_DepositsPausedStillReleases() public {
        vm.prank(guardian);
        bridge.raisePauseLevel(IBridge.PauseLevel.DEPOSITS_PAUSED);
        IBridge.Message memory m = _message(1 ether);
        assertTrue(bridge.release(m, _sigs(m, KEY_1, KEY_2)));
    }

    function test_ReleasesPausedStopsDepositsToo() public {
        vm.prank(guardian);
        bridge.raisePauseLevel(IBridge.PauseLevel.RELEASES_PAUSED);
        vm.expectRevert(abi.encodeWithSelector(IBridge.Paused.selector, IBridge.PauseLevel.RELEASES_PAUSED));
        vm.prank(user);
        bridge.depositETH{value: 1 ether}(SOURCE_CHAIN, recipient);
    }

    /// A release over the window cap is not paid, trips the breaker to
    /// ALL_PAUSED without reverting, and pays once the admin lowers it.
    function test_AutomaticTripAndRecovery() public {
        // Fill the window up to 100 ether below the cap.
        for (uint256 i; i < 5; ++i) {
            IBridge.Message memory fill = _message(i < 4 ? 1_000 ether : 900 ether);
            assertTrue(bridge.release(fill, _sigs(fill, KEY_1, KEY_2)));
        }
        IBridge.Message memory m = _message(101 ether);
        bytes[] memory sigs = _sigs(m, KEY_1, KEY_2);
        vm.expectEmit(true, true, true, true, address(bridge));
        emit BreakerTripped(address(token), 101 ether, 4_900 ether, WINDOW_CAP);
        assertFalse(bridge.release(m, sigs), "not paid, and the call succeeds");
        assertEq(uint8(bridge.pauseLevel()), uint8(IBridge.PauseLevel.ALL_PAUSED), "the trip persists");
        assertFalse(bridge.released(bridge.messageDigest(m)));

        // Up to the cap exactly is fine once the admin reopens.
        vm.prank(admin);
        bridge.lowerPauseLevel(IBridge.PauseLevel.NONE);
        IBridge.Message memory exact = _message(100 ether);
        assertTrue(bridge.release(exact, _sigs(exact, KEY_1, KEY_2)), "up to the cap is paid");

        // The stopped message stays releasable: in the next window, with
        // fresh signatures (the first ones are older than an hour), it pays.
        skip(24 hours);
        assertFalse(bridge.release(m, new bytes[](0)), "its attestations expired");
        assertTrue(bridge.release(m, _sigs(m, KEY_1, KEY_2)));
        assertEq(token.balanceOf(recipient), 5_000 ether + 101 ether);
    }

    function test_WindowRestartsAfterTwentyFourHours() public {
        for (uint256 i; i < 5; ++i) {
            IBridge.Message memory fill = _message(1_000 ether);
            assertTrue(bridge.release(fill, _sigs(fill, KEY_1, KEY_2)));
        }
        skip(24 hours - 1);
        IBridge.Message memory m = _message(1 ether);
        assertFalse(bridge.release(m, _sigs(m, KEY_1, KEY_2)), "one second early: the window is full");
        vm.prank(admin);
        bridge.lowerPauseLevel(IBridge.PauseLevel.NONE);
        skip(1);
        IBridge.Message memory next = _message(1 ether);
        assertTrue(bridge.release(next, _sigs(next, KEY_1, KEY_2)), "a new window");
    }
}
