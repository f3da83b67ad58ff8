// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {Test} from "slipway-std/Test.sol";

/// The cheatcodes newer forge-std calls that slipway-std's Vm.sol does not
/// declare, by forge's signatures.
interface ForgeVm {
    function assertEq(uint256 left, uint256 right) external pure;
    function assertEq(uint256 left, uint256 right, string calldata err) external pure;
    function assertEq(string calldata left, string calldata right) external pure;
    function assertEq(address[] calldata left, address[] calldata right) external pure;
    function assertTrue(bool condition, string calldata err) external pure;
    function assertGt(int256 left, int256 right) external pure;
    function assertApproxEqAbs(uint256 left, uint256 right, uint256 maxDelta) external pure;
    function assertApproxEqRel(uint256 left, uint256 right, uint256 maxPercentDelta) external pure;
    function assertEqDecimal(uint256 left, uint256 right, uint256 decimals) external pure;
    function startBroadcast() external;
    function startBroadcast(address signer) external;
    function startBroadcast(uint256 privateKey) external;
    function broadcast(address signer) external;
    function stopBroadcast() external;
    function prank(address msgSender) external;
    function getNonce(address account) external view returns (uint64 nonce);
    function addr(uint256 privateKey) external pure returns (address keyAddr);
    function skip(bool skipTest) external;
    function skip(bool skipTest, string calldata reason) external;
    function randomUint(uint256 min, uint256 max) external returns (uint256);
    function parseUint(string calldata value) external pure returns (uint256);
    function parseAddress(string calldata value) external pure returns (address);
    function toUppercase(string calldata input) external pure returns (string memory);
    function split(string calldata input, string calldata delimiter) external pure returns (string[] memory);
    function computeCreate2Address(bytes32 salt, bytes32 initCodeHash) external pure returns (address);
    function rpcUrls() external returns (string[2][] memory);
    function store(address target, bytes32 slot, bytes32 value) external;
}

contract Caller {
    address public lastSender;
    address public lastOrigin;

    function touch() external {
        lastSender = msg.sender;
        lastOrigin = tx.origin;
    }
}

contract Made {
    address public deployer;

    constructor() {
        deployer = msg.sender;
    }
}

/// A deploy script run from a test's setUp, as Foundry projects do.
contract DeployCaller {
    ForgeVm internal constant VM = ForgeVm(address(uint160(uint256(keccak256("hevm cheat code")))));

    function run() external returns (Caller caller) {
        VM.startBroadcast();
        caller = new Caller();
        VM.stopBroadcast();
    }
}

contract ForgeStdTest is Test {
    ForgeVm internal constant FORGE = ForgeVm(address(uint160(uint256(keccak256("hevm cheat code")))));
    address internal constant SENDER = 0x1804c8AB1F12E6bbf3894d4083f33e07309d1f38;
    Caller internal scripted;

    function setUp() public {
        scripted = new DeployCaller().run();
    }

    function test_AssertionsThatHold() public pure {
        FORGE.assertEq(uint256(2), uint256(2));
        FORGE.assertEq("a", "a");
        FORGE.assertTrue(true, "never shown");
        FORGE.assertGt(int256(-1), int256(-2));
        FORGE.assertApproxEqAbs(100, 103, 3);
        FORGE.assertApproxEqRel(101, 100, 0.01e18);
    }

    function test_AssertEqFailsWithItsMessage() public pure {
        FORGE.assertEq(uint256(1), uint256(2), "expected two");
    }

    function test_AssertEqFailsWithForgesPrefix() public pure {
        address[] memory a = new address[](1);
        address[] memory b = new address[](1);
        b[0] = address(1);
        FORGE.assertEq(a, b);
    }

    function test_AssertApproxEqRelFails() public pure {
        FORGE.assertApproxEqRel(102, 100, 0.01e18);
    }

    function test_AssertEqDecimalFails() public pure {
        FORGE.assertEqDecimal(1500, 2000, 3);
    }

    function test_BroadcastSetsSenderAndOriginAndNonce() public {
        address signer = FORGE.addr(0xA11CE);
        Caller caller = new Caller();
        uint64 before = FORGE.getNonce(signer);
        FORGE.startBroadcast(uint256(0xA11CE));
        caller.touch();
        caller.touch();
        FORGE.stopBroadcast();
        assertEq(caller.lastSender(), signer);
        assertEq(caller.lastOrigin(), signer);
        assertEq(uint256(FORGE.getNonce(signer)), uint256(before) + 2, "one nonce per call");
        caller.touch();
        assertEq(caller.lastSender(), address(this), "the broadcast stopped");
    }

    function test_BroadcastWithoutASignerUsesTheSender() public {
        Caller caller = new Caller();
        FORGE.broadcast(SENDER);
        caller.touch();
        assertEq(caller.lastSender(), SENDER);
        caller.touch();
        assertEq(caller.lastSender(), address(this), "broadcast covers one call");
    }

    function test_ScriptDeploysFromTheSender() public view {
        // Deployed by DeployCaller's broadcast in setUp: the configured sender.
        assertTrue(address(scripted).code.length > 0);
    }

    function test_BroadcastCreate2GoesThroughTheDeployer() public {
        FORGE.startBroadcast();
        Made made = new Made{salt: bytes32(uint256(7))}();
        FORGE.stopBroadcast();
        address expected = FORGE.computeCreate2Address(bytes32(uint256(7)), keccak256(type(Made).creationCode));
        assertEq(address(made), expected);
        assertEq(made.deployer(), 0x4e59b44847b379578588920cA78FbF26c0B4956C);
    }

    function test_PrankDuringBroadcastIsRefused() public {
        FORGE.startBroadcast();
        FORGE.prank(address(1));
    }

    function test_Skipped() public {
        FORGE.skip(true, "not on this chain");
        revert("never reached");
    }

    function test_NotSkipped() public {
        FORGE.skip(false);
    }

    function test_RandomAndParsing() public {
        uint256 roll = FORGE.randomUint(1, 6);
        assertTrue(roll >= 1 && roll <= 6);
        assertEq(FORGE.parseUint("42"), 42);
        assertEq(FORGE.parseAddress("0x0000000000000000000000000000000000000001"), address(1));
        assertEq(FORGE.toUppercase("abc"), "ABC");
        assertEq(FORGE.split("a,b,c", ",").length, 3);
    }

    function test_ForkIsRefusedBySignature() public {
        FORGE.rpcUrls();
    }

    function test_DsTestFailureFlagFails() public {
        // What ds-test's fail() does under forge: no revert, a flag.
        FORGE.store(address(FORGE), bytes32("failed"), bytes32(uint256(1)));
    }

    function testFail_OldStyle() public pure {
        revert("old style");
    }
}

library Checked {
    error TooBig(uint256 value);

    function small(uint256 value) internal pure returns (uint256) {
        if (value > 10) revert TooBig(value);
        return value;
    }
}

/// expectRevert met by a revert inside the test contract itself.
contract InternalRevertTest is Test {
    function test_InternalRevert() public {
        vm.expectRevert(abi.encodeWithSelector(Checked.TooBig.selector, 11));
        Checked.small(11);
    }

    function test_ExternalRevertStillWorks() public {
        vm.expectRevert();
        this.external_small(11);
    }

    function external_small(uint256 value) external pure returns (uint256) {
        return Checked.small(value);
    }
}
