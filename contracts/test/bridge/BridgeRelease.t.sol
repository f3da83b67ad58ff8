// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {Bridge} from "../../src/bridge/Bridge.sol";
import {IBridge} from "../../src/bridge/IBridge.sol";
import {BridgeBase} from "./BridgeBase.sol";
import {RejectsEther} from "./MockToken.sol";

/// Releases: thresholds, the attestation cache, replay and duplicate
/// protection, signature checks, batches.
contract BridgeReleaseTest is BridgeBase {
    event ReleaseFailed(bytes32 indexed messageHash, bytes reason);

    function test_TwoValidatorsReleaseTokens() public {
        IBridge.Message memory m = _message(100 ether);
        assertTrue(bridge.release(m, _sigs(m, KEY_1, KEY_2)));
        assertEq(token.balanceOf(recipient), 100 ether);
        assertTrue(bridge.released(bridge.messageDigest(m)));
    }

    function test_ReleaseETH() public {
        IBridge.Message memory m = _message(3 ether);
        m.sourceToken = REMOTE_NATIVE;
        assertTrue(bridge.release(m, _sigs(m, KEY_2, KEY_3)));
        assertEq(recipient.balance, 3 ether);
    }

    function test_AttestationsAddUpAcrossTransactions() public {
        IBridge.Message memory m = _message(1 ether);
        assertFalse(bridge.release(m, _sigs(m, KEY_1)), "one of two is not enough");
        assertEq(token.balanceOf(recipient), 0);
        assertEq(bridge.freshAttestations(bridge.messageDigest(m)), 1);
        assertTrue(bridge.release(m, _sigs(m, KEY_3)), "the cached one counts");
        assertEq(token.balanceOf(recipient), 1 ether);
    }

    function test_ResubmittingTheSameSignatureDoesNotCountTwice() public {
        IBridge.Message memory m = _message(1 ether);
        bridge.release(m, _sigs(m, KEY_1));
        assertFalse(bridge.release(m, _sigs(m, KEY_1)));
        assertEq(bridge.freshAttestations(bridge.messageDigest(m)), 1);
    }

    function test_CacheLifetimeOneSecondBeforeAndAt() public {
        IBridge.Message memory m = _message(1 ether);
        bridge.release(m, _sigs(m, KEY_1));
        skip(1 hours);
        assertTrue(bridge.release(m, _sigs(m, KEY_2)), "an attestation exactly one hour old still counts");
    }

    function test_CacheLifetimeOneSecondAfter() public {
        IBridge.Message memory m = _message(1 ether);
        bridge.release(m, _sigs(m, KEY_1));
        skip(1 hours + 1);
        assertFalse(bridge.release(m, _sigs(m, KEY_2)), "expired attestations do not count");
        assertEq(bridge.freshAttestations(bridge.messageDigest(m)), 1);
        // Signed again, it counts again.
        assertTrue(bridge.release(m, _sigs(m, KEY_1)));
    }

    function test_ARemovedValidatorsAttestationNoLongerCounts() public {
        IBridge.Message memory m = _message(1 ether);
        bridge.release(m, _sigs(m, KEY_1));
        bytes32 role = bridge.VALIDATOR_ROLE();
        vm.prank(admin);
        bridge.revokeRole(role, vm.addr(KEY_1));
        assertEq(bridge.freshAttestations(bridge.messageDigest(m)), 0);
        assertFalse(bridge.release(m, _sigs(m, KEY_2)));
    }

    function test_RevertWhen_ReleasedTwice() public {
        IBridge.Message memory m = _message(1 ether);
        bytes[] memory sigs = _sigs(m, KEY_1, KEY_2);
        bridge.release(m, sigs);
        vm.expectRevert(abi.encodeWithSelector(IBridge.AlreadyReleased.selector, bridge.messageDigest(m)));
        bridge.release(m, sigs);
    }

    function test_RevertWhen_DuplicateSigner() public {
        IBridge.Message memory m = _message(1 ether);
        bytes[] memory sigs = _sigs(m, KEY_1, KEY_1);
        vm.expectRevert(abi.encodeWithSelector(IBridge.DuplicateSigner.selector, vm.addr(KEY_1)));
        bridge.release(m, sigs);
    }

    function test_RevertWhen_SignerIsNotAValidator() public {
        IBridge.Message memory m = _message(1 ether);
        bytes[] memory sigs = _sigs(m, KEY_1, OUTSIDER_KEY);
        vm.expectRevert(abi.encodeWithSelector(IBridge.NotValidator.selector, vm.addr(OUTSIDER_KEY)));
        bridge.release(m, sigs);
    }

    function test_RevertWhen_SignatureMalformed() public {
        IBridge.Message memory m = _message(1 ether);
        bytes[] memory sigs = new bytes[](1);
        sigs[0] = hex"1234";
        vm.expectRevert(abi.encodeWithSelector(ECDSA.ECDSAInvalidSignatureLength.selector, 2));
        bridge.release(m, sigs);
    }

    function test_RevertWhen_SignatureMalleable() public {
        IBridge.Message memory m = _message(1 ether);
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(KEY_1, bridge.messageDigest(m));
        // The other valid (r, n - s) form of the same signature.
        uint256 n = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141;
        bytes32 highS = bytes32(n - uint256(s));
        bytes[] memory sigs = new bytes[](1);
        sigs[0] = abi.encodePacked(r, highS, v == 27 ? uint8(28) : uint8(27));
        vm.expectRevert(abi.encodeWithSelector(ECDSA.ECDSAInvalidSignatureS.selector, highS));
        bridge.release(m, sigs);
    }

    function test_RevertWhen_ReplayedOnAnotherChain() public {
        IBridge.Message memory m = _message(1 ether);
        bytes[] memory sigs = _sigs(m, KEY_1, KEY_2);
        vm.chainId(5);
        vm.expectRevert(abi.encodeWithSelector(IBridge.WrongDestination.selector, m.destChainId));
        bridge.release(m, sigs);
        // Even a message naming chain 5 does not verify: the domain binds the chain.
        m.destChainId = 5;
        vm.expectRevert();
        bridge.release(m, sigs);
    }

    function test_RevertWhen_SignedForAnotherBridge() public {
        address[] memory validators = new address[](3);
        validators[0] = vm.addr(KEY_1);
        validators[1] = vm.addr(KEY_2);
        validators[2] = vm.addr(KEY_3);
        Bridge other = new Bridge(admin, 1 days, validators, 2, recovery, treasury);
        IBridge.Message memory m = _message(1 ether);
        bytes[] memory sigs = new bytes[](2);
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(KEY_1, other.messageDigest(m));
        sigs[0] = abi.encodePacked(r, s, v);
        (v, r, s) = vm.sign(KEY_2, other.messageDigest(m));
        sigs[1] = abi.encodePacked(r, s, v);
        vm.expectRevert();
        bridge.release(m, sigs);
    }

    function test_RevertWhen_SourceBridgeUnknown() public {
        IBridge.Message memory m = _message(1 ether);
        m.sourceBridge = address(0xBEEF);
        bytes[] memory sigs = _sigs(m, KEY_1, KEY_2);
        vm.expectRevert(abi.encodeWithSelector(IBridge.UnknownSourceBridge.selector, SOURCE_CHAIN, address(0xBEEF)));
        bridge.release(m, sigs);
        m = _message(1 ether);
        m.sourceChainId = 42;
        sigs = _sigs(m, KEY_1, KEY_2);
        vm.expectRevert(abi.encodeWithSelector(IBridge.UnknownSourceBridge.selector, 42, REMOTE_BRIDGE));
        bridge.release(m, sigs);
    }

    function test_RevertWhen_TokenUnmapped() public {
        IBridge.Message memory m = _message(1 ether);
        m.sourceToken = address(0xD00D);
        bytes[] memory sigs = _sigs(m, KEY_1, KEY_2);
        vm.expectRevert(abi.encodeWithSelector(IBridge.UnmappedToken.selector, SOURCE_CHAIN, address(0xD00D)));
        bridge.release(m, sigs);
    }

    function test_RevertWhen_ReleaseOverTheLimit() public {
        IBridge.Message memory m = _message(MAX_PER_TRANSFER + 1);
        bytes[] memory sigs = _sigs(m, KEY_1, KEY_2);
        vm.expectRevert(
            abi.encodeWithSelector(IBridge.AmountOverLimit.selector, MAX_PER_TRANSFER + 1, MAX_PER_TRANSFER)
        );
        bridge.release(m, sigs);
    }

    function test_RevertWhen_LiquidityShort() public {
        vm.startPrank(operator);
        bridge.removeLiquidity(address(token), 9_999 ether, operator);
        vm.stopPrank();
        IBridge.Message memory m = _message(2 ether);
        bytes[] memory sigs = _sigs(m, KEY_1, KEY_2);
        vm.expectRevert(
            abi.encodeWithSelector(IBridge.InsufficientLiquidity.selector, address(token), 2 ether, 1 ether)
        );
        bridge.release(m, sigs);
    }

    function test_RevertWhen_RecipientRefusesEther() public {
        IBridge.Message memory m = _message(1 ether);
        m.sourceToken = REMOTE_NATIVE;
        m.recipient = address(new RejectsEther());
        bytes[] memory sigs = _sigs(m, KEY_1, KEY_2);
        vm.expectRevert(IBridge.TransferFailed.selector);
        bridge.release(m, sigs);
    }

    function test_RevertWhen_ReleasesPaused() public {
        vm.prank(guardian);
        bridge.raisePauseLevel(IBridge.PauseLevel.RELEASES_PAUSED);
        IBridge.Message memory m = _message(1 ether);
        bytes[] memory sigs = _sigs(m, KEY_1, KEY_2);
        vm.expectRevert(abi.encodeWithSelector(IBridge.Paused.selector, IBridge.PauseLevel.RELEASES_PAUSED));
        bridge.release(m, sigs);
    }

    // ----- batches -----

    function test_BatchReleasesGoodMessagesAndReportsTheBadOne() public {
        IBridge.Message[] memory ms = new IBridge.Message[](3);
        bytes[][] memory sigs = new bytes[][](3);
        for (uint256 i; i < 3; ++i) {
            ms[i] = _message(1 ether);
            sigs[i] = _sigs(ms[i], KEY_1, KEY_2);
        }
        sigs[1] = _sigs(ms[1], KEY_1, OUTSIDER_KEY);
        vm.expectEmit(false, false, false, true, address(bridge));
        emit ReleaseFailed(bytes32(0), abi.encodeWithSelector(IBridge.NotValidator.selector, vm.addr(OUTSIDER_KEY)));
        assertEq(bridge.releaseBatch(ms, sigs, false), 2);
        assertEq(token.balanceOf(recipient), 2 ether);
    }

    function test_BatchRevertsWholeOnFailureWhenAsked() public {
        IBridge.Message[] memory ms = new IBridge.Message[](2);
        bytes[][] memory sigs = new bytes[][](2);
        ms[0] = _message(1 ether);
        sigs[0] = _sigs(ms[0], KEY_1, KEY_2);
        ms[1] = _message(1 ether);
        sigs[1] = _sigs(ms[1], KEY_1, OUTSIDER_KEY);
        vm.expectRevert(abi.encodeWithSelector(IBridge.NotValidator.selector, vm.addr(OUTSIDER_KEY)));
        bridge.releaseBatch(ms, sigs, true);
        assertEq(token.balanceOf(recipient), 0);
    }

    function test_BatchOfTwentyAndLimits() public {
        IBridge.Message[] memory ms = new IBridge.Message[](20);
        bytes[][] memory sigs = new bytes[][](20);
        for (uint256 i; i < 20; ++i) {
            ms[i] = _message(1 ether);
            sigs[i] = _sigs(ms[i], KEY_1, KEY_3);
        }
        assertEq(bridge.releaseBatch(ms, sigs, true), 20);

        IBridge.Message[] memory tooMany = new IBridge.Message[](21);
        bytes[][] memory tooManySigs = new bytes[][](21);
        vm.expectRevert(abi.encodeWithSelector(IBridge.BatchTooLarge.selector, 21, 20));
        bridge.releaseBatch(tooMany, tooManySigs, false);

        vm.expectRevert(IBridge.LengthMismatch.selector);
        bridge.releaseBatch(ms, new bytes[][](19), false);
    }

    function test_BatchCountsOnlyPaidMessages() public {
        IBridge.Message[] memory ms = new IBridge.Message[](1);
        bytes[][] memory sigs = new bytes[][](1);
        ms[0] = _message(1 ether);
        sigs[0] = _sigs(ms[0], KEY_1);
        assertEq(bridge.releaseBatch(ms, sigs, false), 0, "attested, not yet released");
    }

    function test_RevertWhen_BatchEntryCalledFromOutside() public {
        IBridge.Message memory m = _message(1 ether);
        bytes[] memory sigs = _sigs(m, KEY_1, KEY_2);
        vm.expectRevert(IBridge.OnlySelf.selector);
        bridge.releaseFromBatch(m, sigs);
    }

    // ----- threshold -----

    function test_ThresholdEdges() public {
        vm.startPrank(admin);
        vm.expectRevert(abi.encodeWithSelector(IBridge.InvalidThreshold.selector, 0, 3));
        bridge.setThreshold(0);
        vm.expectRevert(abi.encodeWithSelector(IBridge.InvalidThreshold.selector, 4, 3));
        bridge.setThreshold(4);
        bridge.setThreshold(3);
        vm.stopPrank();
        assertEq(bridge.threshold(), 3);
        IBridge.Message memory m = _message(1 ether);
        assertFalse(bridge.release(m, _sigs(m, KEY_1, KEY_2)), "two of three are short");
        assertTrue(bridge.release(m, _sigs(m, KEY_3)));
    }

    function test_RemovingAValidatorBelowTheThresholdReverts() public {
        bytes32 role = bridge.VALIDATOR_ROLE();
        vm.startPrank(admin);
        bridge.revokeRole(role, vm.addr(KEY_3));
        assertEq(bridge.validatorCount(), 2);
        vm.expectRevert(abi.encodeWithSelector(IBridge.InvalidThreshold.selector, 2, 1));
        bridge.revokeRole(role, vm.addr(KEY_2));
        bridge.grantRole(role, vm.addr(OUTSIDER_KEY));
        vm.stopPrank();
        assertEq(bridge.validatorCount(), 3);
    }

    function test_RevertWhen_NonAdminSetsTheThreshold() public {
        vm.expectRevert();
        vm.prank(operator);
        bridge.setThreshold(1);
    }

    /// Any subset of the three validators and an outsider: released exactly
    /// when at least two validators signed and no outsider did.
    function testFuzz_SignatureSets(uint8 mask, uint96 amount) public {
        amount = uint96(bound(amount, 1, MAX_PER_TRANSFER));
        IBridge.Message memory m = _message(amount);
        uint256[4] memory keys = [KEY_1, KEY_2, KEY_3, OUTSIDER_KEY];
        uint256 count;
        for (uint256 i; i < 4; ++i) {
            if (mask & (1 << i) != 0) ++count;
        }
        bytes[] memory sigs = new bytes[](count);
        uint256 k;
        uint256 validators;
        for (uint256 i; i < 4; ++i) {
            if (mask & (1 << i) != 0) {
                sigs[k++] = _sign(keys[i], m);
                if (i < 3) ++validators;
            }
        }
        if (mask & 8 != 0) {
            vm.expectRevert(abi.encodeWithSelector(IBridge.NotValidator.selector, vm.addr(OUTSIDER_KEY)));
            bridge.release(m, sigs);
            return;
        }
        bool done = bridge.release(m, sigs);
        assertEq(done, validators >= 2);
        assertEq(token.balanceOf(recipient), done ? amount : 0);
    }
}
