// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {IBridge} from "../../src/bridge/IBridge.sol";
import {BridgeBase} from "./BridgeBase.sol";

/// Deposits: fees, limits, destinations, nonces, pauses.
contract BridgeDepositTest is BridgeBase {
    event Deposited(
        bytes32 indexed messageHash,
        uint256 indexed nonce,
        address indexed token,
        address sender,
        address recipient,
        uint256 amount,
        uint256 fee,
        uint256 destChainId
    );

    function test_DepositTokenTakesTheFeeAndEmitsTheMessage() public {
        vm.expectEmit(false, true, true, true, address(bridge));
        emit Deposited(bytes32(0), 1, address(token), user, recipient, 99.9 ether, 0.1 ether, SOURCE_CHAIN);
        vm.prank(user);
        uint256 nonce = bridge.deposit(address(token), 100 ether, SOURCE_CHAIN, recipient);
        assertEq(nonce, 1);
        assertEq(bridge.feesAccrued(address(token)), 0.1 ether, "10 bps");
        assertEq(token.balanceOf(address(bridge)), 10_100 ether);
    }

    function test_DepositETH() public {
        vm.prank(user);
        uint256 nonce = bridge.depositETH{value: 10 ether}(SOURCE_CHAIN, recipient);
        assertEq(nonce, 1);
        assertEq(bridge.feesAccrued(address(0)), 0.01 ether);
        assertEq(address(bridge).balance, 10_010 ether);
    }

    function test_NoncesAreNeverReused() public {
        vm.startPrank(user);
        uint256 a = bridge.deposit(address(token), 1 ether, SOURCE_CHAIN, recipient);
        uint256 b = bridge.depositETH{value: 1 ether}(SOURCE_CHAIN, recipient);
        uint256 c = bridge.deposit(address(token), 1 ether, SOURCE_CHAIN, recipient);
        vm.stopPrank();
        assertEq(a, 1);
        assertEq(b, 2);
        assertEq(c, 3);
        assertEq(bridge.depositNonce(), 3);
    }

    function test_FlatFee() public {
        IBridge.TokenConfig memory config = IBridge.TokenConfig(true, 0, 2 ether, MAX_PER_TRANSFER, WINDOW_CAP);
        vm.prank(operator);
        bridge.configureToken(address(token), config);
        vm.prank(user);
        bridge.deposit(address(token), 10 ether, SOURCE_CHAIN, recipient);
        assertEq(bridge.feesAccrued(address(token)), 2 ether);
    }

    function test_RevertWhen_AmountNotAboveFee() public {
        IBridge.TokenConfig memory config = IBridge.TokenConfig(true, 0, 2 ether, MAX_PER_TRANSFER, WINDOW_CAP);
        vm.prank(operator);
        bridge.configureToken(address(token), config);
        vm.expectRevert(abi.encodeWithSelector(IBridge.AmountNotAboveFee.selector, 2 ether, 2 ether));
        vm.prank(user);
        bridge.deposit(address(token), 2 ether, SOURCE_CHAIN, recipient);
    }

    function test_RevertWhen_OverTheLimit() public {
        vm.prank(user);
        bridge.deposit(address(token), MAX_PER_TRANSFER, SOURCE_CHAIN, recipient);
        vm.expectRevert(
            abi.encodeWithSelector(IBridge.AmountOverLimit.selector, MAX_PER_TRANSFER + 1, MAX_PER_TRANSFER)
        );
        vm.prank(user);
        bridge.deposit(address(token), MAX_PER_TRANSFER + 1, SOURCE_CHAIN, recipient);
    }

    function test_RevertWhen_UnsupportedToken() public {
        IBridge.TokenConfig memory off = IBridge.TokenConfig(false, 0, 0, MAX_PER_TRANSFER, WINDOW_CAP);
        vm.prank(operator);
        bridge.configureToken(address(token), off);
        vm.expectRevert(abi.encodeWithSelector(IBridge.UnsupportedToken.selector, address(token)));
        vm.prank(user);
        bridge.deposit(address(token), 1 ether, SOURCE_CHAIN, recipient);
    }

    function test_RevertWhen_TokenIsTheNativeAddress() public {
        vm.expectRevert(abi.encodeWithSelector(IBridge.UnsupportedToken.selector, address(0)));
        vm.prank(user);
        bridge.deposit(address(0), 1 ether, SOURCE_CHAIN, recipient);
    }

    function test_RevertWhen_DestinationIsThisChainOrZero() public {
        vm.startPrank(user);
        vm.expectRevert(abi.encodeWithSelector(IBridge.InvalidDestination.selector, block.chainid));
        bridge.deposit(address(token), 1 ether, block.chainid, recipient);
        vm.expectRevert(abi.encodeWithSelector(IBridge.InvalidDestination.selector, 0));
        bridge.depositETH{value: 1 ether}(0, recipient);
        vm.stopPrank();
    }

    function test_RevertWhen_RecipientIsZero() public {
        vm.expectRevert(IBridge.ZeroAddress.selector);
        vm.prank(user);
        bridge.deposit(address(token), 1 ether, SOURCE_CHAIN, address(0));
    }

    function test_RevertWhen_DepositsPaused() public {
        vm.prank(guardian);
        bridge.raisePauseLevel(IBridge.PauseLevel.DEPOSITS_PAUSED);
        vm.expectRevert(abi.encodeWithSelector(IBridge.Paused.selector, IBridge.PauseLevel.DEPOSITS_PAUSED));
        vm.prank(user);
        bridge.deposit(address(token), 1 ether, SOURCE_CHAIN, recipient);
    }

    function testFuzz_FeeAndNetAddUp(uint256 amount) public {
        amount = bound(amount, 1002, MAX_PER_TRANSFER);
        vm.prank(user);
        bridge.deposit(address(token), amount, SOURCE_CHAIN, recipient);
        uint256 fee = bridge.feesAccrued(address(token));
        assertEq(fee, amount * 10 / 10_000);
        assertEq(token.balanceOf(address(bridge)), 10_000 ether + amount);
    }
}
