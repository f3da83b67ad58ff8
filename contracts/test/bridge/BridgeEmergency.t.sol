// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IBridge} from "../../src/bridge/IBridge.sol";
import {BridgeBase} from "./BridgeBase.sol";

/// Emergency mode: activation, the 24-hour timelock, recovery, the recovery
/// address and its own timelock.
contract BridgeEmergencyTest is BridgeBase {
    event EmergencyActivated(address indexed by, uint256 recoverableAt);
    event FundsRecovered(address indexed token, address indexed to, uint256 amount);
    event RecoveryAddressChangeCancelled(address indexed recovery);

    function test_OnlyTheAdminActivates() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector, guardian, bridge.DEFAULT_ADMIN_ROLE()
            )
        );
        vm.prank(guardian);
        bridge.activateEmergency();
    }

    function test_ActivationPausesEverything() public {
        vm.expectEmit(true, true, true, true, address(bridge));
        emit EmergencyActivated(admin, block.timestamp + 24 hours);
        vm.prank(admin);
        bridge.activateEmergency();
        assertTrue(bridge.emergency());
        assertEq(uint8(bridge.pauseLevel()), uint8(IBridge.PauseLevel.ALL_PAUSED));

        vm.expectRevert(IBridge.EmergencyActive.selector);
        vm.prank(user);
        bridge.depositETH{value: 1 ether}(SOURCE_CHAIN, recipient);
        IBridge.Message memory m = _message(1 ether);
        bytes[] memory sigs = _sigs(m, KEY_1, KEY_2);
        vm.expectRevert(IBridge.EmergencyActive.selector);
        bridge.release(m, sigs);

        vm.startPrank(operator);
        vm.expectRevert(IBridge.EmergencyActive.selector);
        bridge.removeLiquidity(address(token), 1 ether, operator);
        vm.expectRevert(IBridge.EmergencyActive.selector);
        bridge.withdrawFees(address(token));
        vm.expectRevert(IBridge.EmergencyActive.selector);
        bridge.addLiquidity(address(token), 1 ether);
        vm.stopPrank();

        vm.startPrank(admin);
        vm.expectRevert(IBridge.EmergencyActive.selector);
        bridge.lowerPauseLevel(IBridge.PauseLevel.NONE);
        vm.expectRevert(IBridge.EmergencyActive.selector);
        bridge.activateEmergency();
        vm.stopPrank();
    }

    function test_RecoveryOneSecondBeforeAndAtTwentyFourHours() public {
        vm.prank(admin);
        bridge.activateEmergency();
        uint256 at = block.timestamp + 24 hours;
        skip(24 hours - 1);
        vm.expectRevert(abi.encodeWithSelector(IBridge.RecoveryTooEarly.selector, at));
        vm.prank(admin);
        bridge.recoverFunds(address(token), 1 ether);

        skip(1);
        vm.expectEmit(true, true, true, true, address(bridge));
        emit FundsRecovered(address(token), recovery, 10_000 ether);
        vm.prank(admin);
        bridge.recoverFunds(address(token), 10_000 ether);
        assertEq(token.balanceOf(recovery), 10_000 ether);

        vm.prank(admin);
        bridge.recoverFunds(address(0), 10_000 ether);
        assertEq(recovery.balance, 10_000 ether);
    }

    function test_RevertWhen_RecoveringOutsideEmergencyOrByOthers() public {
        vm.expectRevert(IBridge.EmergencyNotActive.selector);
        vm.prank(admin);
        bridge.recoverFunds(address(token), 1 ether);

        vm.prank(admin);
        bridge.activateEmergency();
        skip(24 hours);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector, operator, bridge.DEFAULT_ADMIN_ROLE()
            )
        );
        vm.prank(operator);
        bridge.recoverFunds(address(token), 1 ether);
    }

    function test_DeactivationIsTheAdminsAndKeepsThePause() public {
        vm.expectRevert(IBridge.EmergencyNotActive.selector);
        vm.prank(admin);
        bridge.deactivateEmergency();

        vm.prank(admin);
        bridge.activateEmergency();
        vm.expectRevert();
        vm.prank(guardian);
        bridge.deactivateEmergency();

        vm.prank(admin);
        bridge.deactivateEmergency();
        assertFalse(bridge.emergency());
        assertEq(bridge.emergencyActivatedAt(), 0);
        assertEq(uint8(bridge.pauseLevel()), uint8(IBridge.PauseLevel.ALL_PAUSED), "lowering is a separate step");
        vm.prank(admin);
        bridge.lowerPauseLevel(IBridge.PauseLevel.NONE);
        vm.prank(user);
        bridge.depositETH{value: 1 ether}(SOURCE_CHAIN, recipient);
    }

    function test_RecoveryAddressChangeTakesEffectAfterTwentyFourHours() public {
        address next = makeAddr("next recovery");
        vm.prank(admin);
        bridge.proposeRecoveryAddress(next);
        skip(24 hours - 1);
        assertEq(bridge.recoveryAddress(), recovery, "one second early");
        skip(1);
        assertEq(bridge.recoveryAddress(), next, "at 24 hours");

        // A later proposal keeps the applied one until it matures.
        address third = makeAddr("third recovery");
        vm.prank(admin);
        bridge.proposeRecoveryAddress(third);
        assertEq(bridge.recoveryAddress(), next);
    }

    function test_RecoveryAddressCannotChangeDuringEmergency() public {
        address next = makeAddr("next recovery");
        vm.prank(admin);
        bridge.proposeRecoveryAddress(next);
        vm.expectEmit(true, true, true, true, address(bridge));
        emit RecoveryAddressChangeCancelled(next);
        vm.prank(admin);
        bridge.activateEmergency();
        skip(48 hours);
        assertEq(bridge.recoveryAddress(), recovery, "the pending change was cancelled");
        vm.expectRevert(IBridge.EmergencyActive.selector);
        vm.prank(admin);
        bridge.proposeRecoveryAddress(next);
        vm.prank(admin);
        bridge.recoverFunds(address(token), 1 ether);
        assertEq(token.balanceOf(recovery), 1 ether);
    }

    function test_AMaturedChangeSurvivesActivation() public {
        address next = makeAddr("next recovery");
        vm.prank(admin);
        bridge.proposeRecoveryAddress(next);
        skip(24 hours);
        vm.prank(admin);
        bridge.activateEmergency();
        assertEq(bridge.recoveryAddress(), next);
    }

    function test_ActivationWhenAlreadyAllPaused() public {
        vm.prank(guardian);
        bridge.raisePauseLevel(IBridge.PauseLevel.ALL_PAUSED);
        vm.recordLogs();
        vm.prank(admin);
        bridge.activateEmergency();
        assertEq(vm.getRecordedLogs().length, 1, "only EmergencyActivated: the level did not change");
        assertTrue(bridge.emergency());
    }

    function test_RevertWhen_ProposingZero() public {
        vm.expectRevert(IBridge.ZeroAddress.selector);
        vm.prank(admin);
        bridge.proposeRecoveryAddress(address(0));
    }
}
