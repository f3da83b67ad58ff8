// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {Test} from "slipway-std/Test.sol";
import {Bridge} from "../../src/bridge/Bridge.sol";
import {IBridge} from "../../src/bridge/IBridge.sol";
import {BridgeBase} from "./BridgeBase.sol";
import {MockToken} from "./MockToken.sol";

/// Drives the bridge with random deposits, releases, replays, liquidity and
/// fee moves, keeping the books the invariants check.
contract BridgeHandler is Test {
    Bridge internal bridge;
    MockToken internal token;
    address internal operator;
    address internal admin;
    address internal user;
    uint256[3] internal keys;

    /// Per token (address(0): ETH): what went in and what went out.
    mapping(address => uint256) public inflow;
    mapping(address => uint256) public outflow;
    /// Releases that succeeded a second time (must stay 0).
    uint256 public doubleReleases;
    IBridge.Message[] internal releasedMessages;
    uint256 internal nonce = 1_000_000;

    constructor(Bridge bridge_, MockToken token_, address operator_, address admin_, address user_, uint256[3] memory keys_) {
        bridge = bridge_;
        token = token_;
        operator = operator_;
        admin = admin_;
        user = user_;
        keys = keys_;
    }

    function _asset(bool eth) internal view returns (address) {
        return eth ? address(0) : address(token);
    }

    function deposit(uint256 amount, bool eth) external {
        amount = bound(amount, 2_000, 1_000 ether);
        vm.prank(user);
        if (eth) {
            try bridge.depositETH{value: amount}(137, user) {
                inflow[address(0)] += amount;
            } catch {}
        } else {
            try bridge.deposit(address(token), amount, 137, user) {
                inflow[address(token)] += amount;
            } catch {}
        }
    }

    function release(uint256 amount, bool eth, uint8 signers) external {
        amount = bound(amount, 1, 1_200 ether);
        IBridge.Message memory m = IBridge.Message({
            sourceChainId: 137,
            sourceBridge: address(0xB41D6E),
            nonce: nonce++,
            sourceToken: eth ? address(0) : address(0x70CE),
            recipient: address(0xFEED),
            amount: amount,
            destChainId: block.chainid
        });
        bytes[] memory sigs = new bytes[](3);
        uint256 count;
        for (uint256 i; i < 3; ++i) {
            if (signers & (1 << i) != 0) {
                (uint8 v, bytes32 r, bytes32 s) = vm.sign(keys[i], bridge.messageDigest(m));
                sigs[count++] = abi.encodePacked(r, s, v);
            }
        }
        assembly {
            mstore(sigs, count)
        }
        try bridge.release(m, sigs) returns (bool done) {
            if (done) {
                outflow[_asset(eth)] += amount;
                releasedMessages.push(m);
            }
        } catch {}
    }

    function replay(uint256 index) external {
        if (releasedMessages.length == 0) return;
        IBridge.Message memory m = releasedMessages[index % releasedMessages.length];
        bytes[] memory sigs = new bytes[](2);
        for (uint256 i; i < 2; ++i) {
            (uint8 v, bytes32 r, bytes32 s) = vm.sign(keys[i], bridge.messageDigest(m));
            sigs[i] = abi.encodePacked(r, s, v);
        }
        try bridge.release(m, sigs) returns (bool done) {
            if (done) doubleReleases++;
        } catch {}
    }

    function addLiquidity(uint256 amount, bool eth) external {
        amount = bound(amount, 1, 1_000 ether);
        vm.prank(operator);
        if (eth) {
            vm.deal(operator, amount);
            bridge.addLiquidity{value: amount}(address(0), amount);
        } else {
            token.mint(operator, amount);
            bridge.addLiquidity(address(token), amount);
        }
        inflow[_asset(eth)] += amount;
    }

    function removeLiquidity(uint256 amount, bool eth) external {
        amount = bound(amount, 1, 2_000 ether);
        vm.prank(operator);
        try bridge.removeLiquidity(_asset(eth), amount, operator) {
            outflow[_asset(eth)] += amount;
        } catch {}
    }

    function withdrawFees(bool eth) external {
        uint256 fees = bridge.feesAccrued(_asset(eth));
        vm.prank(operator);
        bridge.withdrawFees(_asset(eth));
        outflow[_asset(eth)] += fees;
    }

    function reopen() external {
        if (bridge.pauseLevel() == IBridge.PauseLevel.NONE) return;
        vm.prank(admin);
        bridge.lowerPauseLevel(IBridge.PauseLevel.NONE);
    }

    function forceEther(uint256 amount) external {
        // ETH can be forced in (selfdestruct, coinbase): the books never see it.
        amount = bound(amount, 1, 10 ether);
        vm.deal(address(bridge), address(bridge).balance + amount);
    }
}

/// No message releases twice; the bridge always holds at least what its
/// books say: deposits + liquidity − releases − fees − liquidity removed.
contract BridgeInvariantTest is BridgeBase {
    BridgeHandler internal handler;

    function setUp() public override {
        super.setUp();
        handler = new BridgeHandler(bridge, token, operator, admin, user, [KEY_1, KEY_2, KEY_3]);
        // The handler keeps the books from here on.
        vm.prank(operator);
        token.approve(address(bridge), type(uint256).max);
        targetContract(address(handler));
    }

    function invariant_NoMessageReleasesTwice() public view {
        assertEq(handler.doubleReleases(), 0);
    }

    function invariant_BalancesCoverTheBooks() public view {
        // The 10,000 of each asset added in setUp is outside the handler's books.
        assertGe(
            token.balanceOf(address(bridge)) + handler.outflow(address(token)),
            handler.inflow(address(token)) + 10_000 ether,
            "token"
        );
        assertGe(
            address(bridge).balance + handler.outflow(address(0)), handler.inflow(address(0)) + 10_000 ether, "ETH"
        );
    }
}
