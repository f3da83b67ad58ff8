// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {Bridge} from "../../src/bridge/Bridge.sol";
import {IBridge} from "../../src/bridge/IBridge.sol";
import {BridgeBase} from "./BridgeBase.sol";

/// Role boundaries of operator and admin functions, liquidity and fees, the
/// constructor's checks and the admin's two-step transfer.
contract BridgeAdminTest is BridgeBase {
    function _unauthorized(address who, bytes32 role) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, who, role);
    }

    function test_OperatorFunctionsRefuseOthers() public {
        bytes32 role = bridge.OPERATOR_ROLE();
        IBridge.TokenConfig memory config = IBridge.TokenConfig(true, 0, 0, 1, 1);
        vm.startPrank(user);
        vm.expectRevert(_unauthorized(user, role));
        bridge.configureToken(address(token), config);
        vm.expectRevert(_unauthorized(user, role));
        bridge.mapToken(1, address(1), address(2));
        vm.expectRevert(_unauthorized(user, role));
        bridge.setRemoteBridge(1, address(1));
        vm.expectRevert(_unauthorized(user, role));
        bridge.addLiquidity(address(token), 1);
        vm.expectRevert(_unauthorized(user, role));
        bridge.removeLiquidity(address(token), 1, user);
        vm.expectRevert(_unauthorized(user, role));
        bridge.withdrawFees(address(token));
        vm.stopPrank();
    }

    function test_AdminFunctionsRefuseOperators() public {
        bytes32 role = bridge.DEFAULT_ADMIN_ROLE();
        vm.startPrank(operator);
        vm.expectRevert(_unauthorized(operator, role));
        bridge.setTreasury(operator);
        vm.expectRevert(_unauthorized(operator, role));
        bridge.proposeRecoveryAddress(operator);
        vm.expectRevert(_unauthorized(operator, role));
        bridge.setThreshold(1);
        vm.stopPrank();
    }

    function test_RevertWhen_FeeTooHigh() public {
        IBridge.TokenConfig memory config = IBridge.TokenConfig(true, 1_001, 0, 1, 1);
        vm.expectRevert(abi.encodeWithSelector(IBridge.FeeTooHigh.selector, 1_001));
        vm.prank(operator);
        bridge.configureToken(address(token), config);
        config.feeBps = 1_000;
        vm.prank(operator);
        bridge.configureToken(address(token), config);
    }

    function test_FeesGoToTheTreasury() public {
        vm.prank(user);
        bridge.deposit(address(token), 100 ether, SOURCE_CHAIN, recipient);
        vm.prank(operator);
        bridge.withdrawFees(address(token));
        assertEq(token.balanceOf(treasury), 0.1 ether);
        assertEq(bridge.feesAccrued(address(token)), 0);

        address other = makeAddr("other treasury");
        vm.prank(admin);
        bridge.setTreasury(other);
        vm.prank(user);
        bridge.depositETH{value: 10 ether}(SOURCE_CHAIN, recipient);
        vm.prank(operator);
        bridge.withdrawFees(address(0));
        assertEq(other.balance, 0.01 ether);
    }

    function test_RevertWhen_TreasuryIsZero() public {
        vm.expectRevert(IBridge.ZeroAddress.selector);
        vm.prank(admin);
        bridge.setTreasury(address(0));
    }

    function test_LiquidityInAndOut() public {
        vm.startPrank(operator);
        bridge.removeLiquidity(address(token), 4_000 ether, operator);
        assertEq(bridge.liquidity(address(token)), 6_000 ether);
        vm.expectRevert(
            abi.encodeWithSelector(
                IBridge.InsufficientLiquidity.selector, address(token), 6_000 ether + 1, 6_000 ether
            )
        );
        bridge.removeLiquidity(address(token), 6_000 ether + 1, operator);
        vm.expectRevert(IBridge.ZeroAddress.selector);
        bridge.removeLiquidity(address(token), 1, address(0));
        bridge.removeLiquidity(address(0), 1 ether, operator);
        vm.stopPrank();
        assertEq(bridge.liquidity(address(0)), 9_999 ether);
    }

    function test_LiquidityBelowTheBalanceLimitsRemoval() public {
        // Releases used the pool: removable liquidity is capped by what is left.
        for (uint256 i; i < 5; ++i) {
            IBridge.Message memory m = _message(1_000 ether);
            bridge.release(m, _sigs(m, KEY_1, KEY_2));
        }
        vm.expectRevert(
            abi.encodeWithSelector(
                IBridge.InsufficientLiquidity.selector, address(token), 5_000 ether + 1, 5_000 ether
            )
        );
        vm.prank(operator);
        bridge.removeLiquidity(address(token), 5_000 ether + 1, operator);
    }

    function test_RevertWhen_LiquidityValueWrong() public {
        vm.deal(operator, 10 ether);
        vm.startPrank(operator);
        vm.expectRevert(abi.encodeWithSelector(IBridge.WrongValue.selector, 1 ether, 2 ether));
        bridge.addLiquidity{value: 1 ether}(address(0), 2 ether);
        vm.expectRevert(abi.encodeWithSelector(IBridge.WrongValue.selector, 1 ether, 0));
        bridge.addLiquidity{value: 1 ether}(address(token), 1 ether);
        vm.stopPrank();
    }

    function test_ConstructorChecks() public {
        address[] memory validators = new address[](2);
        validators[0] = vm.addr(KEY_1);
        validators[1] = vm.addr(KEY_2);
        vm.expectRevert(IBridge.ZeroAddress.selector);
        new Bridge(admin, 1 days, validators, 1, address(0), treasury);
        vm.expectRevert(IBridge.ZeroAddress.selector);
        new Bridge(admin, 1 days, validators, 1, recovery, address(0));
        vm.expectRevert(abi.encodeWithSelector(IBridge.InvalidThreshold.selector, 3, 2));
        new Bridge(admin, 1 days, validators, 3, recovery, treasury);
        Bridge ok = new Bridge(admin, 1 days, validators, 2, recovery, treasury);
        assertEq(ok.validatorCount(), 2);
        assertEq(ok.threshold(), 2);
        assertEq(ok.defaultAdmin(), admin);
        assertEq(ok.treasury(), treasury);
        assertEq(ok.recoveryAddress(), recovery);
    }

    function test_AdminTransferIsTwoStepAndDelayed() public {
        address next = makeAddr("next admin");
        vm.prank(admin);
        bridge.beginDefaultAdminTransfer(next);
        vm.expectRevert();
        vm.prank(next);
        bridge.acceptDefaultAdminTransfer();
        skip(1 days + 1);
        vm.prank(next);
        bridge.acceptDefaultAdminTransfer();
        assertEq(bridge.defaultAdmin(), next);
    }
}
