// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {Test} from "slipway-std/Test.sol";
import {Bridge} from "../../src/bridge/Bridge.sol";
import {IBridge} from "../../src/bridge/IBridge.sol";
import {MockToken} from "./MockToken.sol";

/// The fixture every bridge test starts from: a bridge on this chain with
/// three validators (threshold 2), an operator, a guardian, ETH and a mock
/// token configured, and messages arriving from Polygon (137).
abstract contract BridgeBase is Test {
    Bridge internal bridge;
    MockToken internal token;

    address internal admin = makeAddr("admin");
    address internal operator = makeAddr("operator");
    address internal guardian = makeAddr("guardian");
    address internal recovery = makeAddr("recovery");
    address internal treasury = makeAddr("treasury");
    address internal user = makeAddr("user");
    address internal recipient = makeAddr("recipient");

    uint256 internal constant KEY_1 = 0xA11CE;
    uint256 internal constant KEY_2 = 0xB0B;
    uint256 internal constant KEY_3 = 0xCA401;
    uint256 internal constant OUTSIDER_KEY = 0xBAD;

    uint256 internal constant SOURCE_CHAIN = 137;
    address internal constant REMOTE_BRIDGE = address(0xB41D6E);
    address internal constant REMOTE_TOKEN = address(0x70CE);
    address internal constant REMOTE_NATIVE = address(0);

    uint128 internal constant MAX_PER_TRANSFER = 1_000 ether;
    uint128 internal constant WINDOW_CAP = 5_000 ether;

    uint256 internal nextNonce = 1;

    function setUp() public virtual {
        vm.warp(1_700_000_000);
        address[] memory validators = new address[](3);
        validators[0] = vm.addr(KEY_1);
        validators[1] = vm.addr(KEY_2);
        validators[2] = vm.addr(KEY_3);
        bridge = new Bridge(admin, 1 days, validators, 2, recovery, treasury);
        token = new MockToken();

        bytes32 operatorRole = bridge.OPERATOR_ROLE();
        bytes32 guardianRole = bridge.GUARDIAN_ROLE();
        vm.startPrank(admin);
        bridge.grantRole(operatorRole, operator);
        bridge.grantRole(guardianRole, guardian);
        vm.stopPrank();

        IBridge.TokenConfig memory config = IBridge.TokenConfig({
            supported: true,
            feeBps: 10,
            flatFee: 0,
            maxPerTransfer: MAX_PER_TRANSFER,
            windowCap: WINDOW_CAP
        });
        vm.startPrank(operator);
        bridge.configureToken(address(token), config);
        bridge.configureToken(address(0), config);
        bridge.mapToken(SOURCE_CHAIN, REMOTE_TOKEN, address(token));
        bridge.mapToken(SOURCE_CHAIN, REMOTE_NATIVE, address(0));
        bridge.setRemoteBridge(SOURCE_CHAIN, REMOTE_BRIDGE);
        vm.stopPrank();

        // Liquidity for releases.
        token.mint(operator, 10_000 ether);
        vm.deal(operator, 10_000 ether);
        vm.startPrank(operator);
        token.approve(address(bridge), type(uint256).max);
        bridge.addLiquidity(address(token), 10_000 ether);
        bridge.addLiquidity{value: 10_000 ether}(address(0), 10_000 ether);
        vm.stopPrank();

        token.mint(user, 1_000_000 ether);
        vm.deal(user, 1_000_000 ether);
        vm.prank(user);
        token.approve(address(bridge), type(uint256).max);
    }

    /// A fresh message of `amount` of the remote token for `recipient`.
    function _message(uint256 amount) internal returns (IBridge.Message memory message) {
        message = IBridge.Message({
            sourceChainId: SOURCE_CHAIN,
            sourceBridge: REMOTE_BRIDGE,
            nonce: nextNonce++,
            sourceToken: REMOTE_TOKEN,
            recipient: recipient,
            amount: amount,
            destChainId: block.chainid
        });
    }

    function _sign(uint256 key, IBridge.Message memory message) internal view returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, bridge.messageDigest(message));
        return abi.encodePacked(r, s, v);
    }

    function _sigs(IBridge.Message memory message, uint256 keyA) internal view returns (bytes[] memory sigs) {
        sigs = new bytes[](1);
        sigs[0] = _sign(keyA, message);
    }

    function _sigs(IBridge.Message memory message, uint256 keyA, uint256 keyB)
        internal
        view
        returns (bytes[] memory sigs)
    {
        sigs = new bytes[](2);
        sigs[0] = _sign(keyA, message);
        sigs[1] = _sign(keyB, message);
    }
}
