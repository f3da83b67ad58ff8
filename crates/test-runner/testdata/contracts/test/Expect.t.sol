// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {Test, Vm, console} from "slipway-std/Test.sol";

contract Emitter {
    event Moved(address indexed from, address indexed to, uint256 amount);
    event Noted(string text);

    function move(address to, uint256 amount) external {
        emit Moved(msg.sender, to, amount);
    }

    function moveTwice(address to) external {
        emit Moved(msg.sender, to, 1);
        emit Noted("between");
        emit Moved(msg.sender, to, 2);
    }

    function quiet() external {}
}

interface IOracle {
    function price(address asset) external view returns (uint256);
}

contract Reader {
    IOracle internal immutable oracle;

    constructor(IOracle o) {
        oracle = o;
    }

    function read(address asset) external view returns (uint256) {
        return oracle.price(asset);
    }

    function pay(address payable to) external payable {
        (bool ok,) = to.call{value: msg.value}(abi.encodeWithSignature("receive1()"));
        require(ok, "pay failed");
    }
}

contract Sink {
    function take() external payable {}
}

contract Made {
    address public creator;

    constructor(uint256 code) {
        require(code != 13, "unlucky");
        creator = msg.sender;
    }
}

/// expectEmit, expectCall, mockCall and recordLogs at their boundaries.
contract ExpectTest is Test {
    event Moved(address indexed from, address indexed to, uint256 amount);
    event Noted(string text);

    Emitter internal emitter;
    Reader internal reader;
    address internal constant ORACLE = address(0x0AC1E);

    function setUp() public {
        emitter = new Emitter();
        reader = new Reader(IOracle(ORACLE));
    }

    // ----- expectEmit -----
    function test_ExpectEmitAllChecks() public {
        vm.expectEmit();
        emit Moved(address(this), address(2), 5);
        emitter.move(address(2), 5);
    }

    function test_ExpectEmitFourBoolsIgnoresUncheckedTopic() public {
        vm.expectEmit(true, false, false, true);
        emit Moved(address(this), address(999), 5);
        emitter.move(address(2), 5);
    }

    function test_ExpectEmitWithEmitter() public {
        vm.expectEmit(address(emitter));
        emit Moved(address(this), address(2), 5);
        emitter.move(address(2), 5);
        vm.expectEmit(true, true, true, true, address(emitter));
        emit Moved(address(this), address(2), 6);
        emitter.move(address(2), 6);
    }

    function test_ExpectEmitInOrderWithOthersBetween() public {
        vm.expectEmit();
        emit Moved(address(this), address(3), 1);
        vm.expectEmit();
        emit Moved(address(this), address(3), 2);
        emitter.moveTwice(address(3));
    }

    function test_ExpectEmitFailsOnTopic() public {
        vm.expectEmit(true, true, false, true);
        emit Moved(address(this), address(999), 5);
        emitter.move(address(2), 5);
    }

    function test_ExpectEmitFailsOnData() public {
        vm.expectEmit();
        emit Moved(address(this), address(2), 6);
        emitter.move(address(2), 5);
    }

    function test_ExpectEmitFailsOnEmitter() public {
        vm.expectEmit(address(0xE));
        emit Moved(address(this), address(2), 5);
        emitter.move(address(2), 5);
    }

    function test_ExpectEmitFailsOutOfOrder() public {
        vm.expectEmit();
        emit Moved(address(this), address(3), 2);
        vm.expectEmit();
        emit Moved(address(this), address(3), 1);
        emitter.moveTwice(address(3));
    }

    function test_ExpectEmitFailsWhenNothingIsEmitted() public {
        vm.expectEmit();
        emit Noted("never");
        emitter.quiet();
    }

    // ----- expectCall -----
    function test_ExpectCallMatchesPrefix() public {
        vm.mockCall(ORACLE, abi.encodeWithSelector(IOracle.price.selector), abi.encode(7));
        vm.expectCall(ORACLE, abi.encodeWithSelector(IOracle.price.selector));
        reader.read(address(1));
    }

    function test_ExpectCallWithCount() public {
        vm.mockCall(ORACLE, abi.encodeWithSelector(IOracle.price.selector), abi.encode(7));
        vm.expectCall(ORACLE, abi.encodeCall(IOracle.price, (address(1))), 2);
        reader.read(address(1));
        reader.read(address(2));
        reader.read(address(1));
    }

    function test_ExpectCallFailsWhenNotCalled() public {
        vm.expectCall(ORACLE, abi.encodeWithSelector(IOracle.price.selector));
        emitter.quiet();
    }

    function test_ExpectCallFailsOnWrongCount() public {
        vm.mockCall(ORACLE, abi.encodeWithSelector(IOracle.price.selector), abi.encode(7));
        vm.expectCall(ORACLE, abi.encodeWithSelector(IOracle.price.selector), 1);
        reader.read(address(1));
        reader.read(address(1));
    }

    function test_ExpectCallWithValue() public {
        address payable to = payable(address(0xFEE));
        vm.expectCall(to, 1 ether, abi.encodeWithSignature("receive1()"));
        reader.pay{value: 1 ether}(to);
    }

    // ----- mockCall -----
    function test_MockCallAnswersUntilCleared() public {
        vm.mockCall(ORACLE, abi.encodeWithSelector(IOracle.price.selector), abi.encode(100));
        vm.mockCall(ORACLE, abi.encodeCall(IOracle.price, (address(2))), abi.encode(200));
        assertEq(reader.read(address(1)), 100, "prefix mock");
        assertEq(reader.read(address(2)), 200, "exact mock wins");
        vm.clearMockedCalls();
        vm.expectRevert();
        reader.read(address(1));
    }

    function test_MockCallRevert() public {
        vm.mockCallRevert(ORACLE, abi.encodeWithSelector(IOracle.price.selector), abi.encode("oracle down"));
        vm.expectRevert(abi.encode("oracle down"));
        reader.read(address(1));
    }

    function test_MockedCodeRunsAgainAfterClear() public {
        vm.mockCall(address(emitter), abi.encodeWithSelector(Emitter.move.selector), "");
        vm.recordLogs();
        emitter.move(address(1), 1);
        assertEq(vm.getRecordedLogs().length, 0, "the mock answered, no code ran");
        vm.clearMockedCalls();
        emitter.move(address(1), 1);
        assertEq(vm.getRecordedLogs().length, 1, "the real code ran");
    }

    // ----- recordLogs -----
    function test_RecordLogs() public {
        vm.recordLogs();
        emitter.moveTwice(address(4));
        Vm.Log[] memory logs = vm.getRecordedLogs();
        assertEq(logs.length, 3);
        assertEq(logs[0].topics.length, 3);
        assertEq(logs[0].topics[0], Moved.selector);
        assertEq(logs[0].topics[2], bytes32(uint256(4)));
        assertEq(abi.decode(logs[0].data, (uint256)), 1);
        assertEq(logs[1].emitter, address(emitter));
        assertEq(abi.decode(logs[1].data, (string)), "between");
        assertEq(vm.getRecordedLogs().length, 0, "getRecordedLogs empties the record");
    }
}

/// Keys, snapshots, the environment, strings, assume and creations.
contract MoreCheatsTest is Test {
    Emitter internal emitter;
    Sink internal sink;
    address internal funded = address(0xF00D);

    function setUp() public {
        emitter = new Emitter();
        vm.label(address(emitter), "TheEmitter");
        sink = new Sink();
        vm.deal(funded, 5 ether);
    }

    /// The pranked sender is untouched in the test's own transaction: revm
    /// needs its account loaded before moving its value (it once panicked).
    function test_PrankedSenderFundedInSetUpSendsValue() public {
        vm.prank(funded);
        sink.take{value: 1 ether}();
        assertEq(address(sink).balance, 1 ether);
        assertEq(funded.balance, 4 ether);
    }

    function test_SignRecoversToAddr() public pure {
        uint256 key = 0xA11CE;
        bytes32 digest = keccak256("slipway");
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        assertEq(ecrecover(digest, v, r, s), vm.addr(key));
        assertTrue(v == 27 || v == 28);
    }

    function test_SignRefusesAnInvalidKey() public pure {
        vm.sign(0, keccak256("x"));
    }

    function test_SnapshotAndRevert() public {
        address who = address(0x5EED);
        vm.deal(who, 1 ether);
        uint256 ts = block.timestamp;
        uint256 id = vm.snapshotState();
        vm.deal(who, 5 ether);
        vm.warp(ts + 100);
        Made made = new Made(1);
        assertEq(who.balance, 5 ether);
        assertTrue(vm.revertToState(id));
        assertEq(who.balance, 1 ether, "balance restored");
        assertEq(block.timestamp, ts, "block restored");
        assertEq(address(made).code.length, 0, "creation undone");
        assertTrue(vm.revertToStateAndDelete(id), "a snapshot can be reverted to again");
        assertFalse(vm.revertToState(id), "deleted");
        assertFalse(vm.revertToState(12345), "unknown id");
    }

    function test_EnvReadsVariables() public view {
        assertEq(vm.envUint("SLIPWAY_TEST_UINT"), 42);
        assertEq(vm.envUint("SLIPWAY_TEST_HEX"), 255);
        assertEq(vm.envAddress("SLIPWAY_TEST_ADDRESS"), 0x70997970C51812dc3A010C7d01b50e0d17dc79C8);
        assertEq(vm.envOr("SLIPWAY_TEST_UINT", uint256(7)), 42);
        assertEq(vm.envOr("SLIPWAY_TEST_UNSET", uint256(7)), 7);
        assertEq(vm.envOr("SLIPWAY_TEST_UNSET", address(0xD)), address(0xD));
        assertEq(vm.envBool("SLIPWAY_TEST_BOOL"), true);
    }

    function test_EnvFailsOnUnset() public view {
        vm.envUint("SLIPWAY_TEST_UNSET");
    }

    function test_EnvFailsOnBadValue() public view {
        vm.envUint("SLIPWAY_TEST_BAD");
    }

    function test_ToString() public pure {
        assertEq(vm.toString(uint256(1234)), "1234");
        assertEq(vm.toString(int256(-5)), "-5");
        assertEq(vm.toString(address(0x70997970C51812dc3A010C7d01b50e0d17dc79C8)), "0x70997970C51812dc3A010C7d01b50e0d17dc79C8");
        assertEq(vm.toString(true), "true");
        assertEq(vm.toString(bytes32(uint256(1))), "0x0000000000000000000000000000000000000000000000000000000000000001");
        assertEq(vm.toString(bytes(hex"00ff")), "0x00ff");
    }

    function test_AssumeFalseFailsAUnitTest() public pure {
        vm.assume(false);
    }

    function test_LabelIsReadBack() public view {
        assertEq(vm.getLabel(address(emitter)), "TheEmitter", "label set in setUp");
    }

    function test_PrankAppliesToCreate() public {
        vm.prank(address(0xCAFE));
        Made made = new Made(1);
        assertEq(made.creator(), address(0xCAFE));
        Made second = new Made(2);
        assertEq(second.creator(), address(this), "only the next creation");
    }

    function test_ExpectRevertAppliesToCreate() public {
        vm.expectRevert("unlucky");
        new Made(13);
    }

    function test_ExpectRevertOnCreateFailsWhenItSucceeds() public {
        vm.expectRevert("unlucky");
        new Made(12);
    }

    /// Fails on purpose: its trace shows the label given in setUp.
    function test_FailsAfterALabelledCall() public {
        emitter.move(address(1), 1);
        console.log("moved", uint256(1), address(emitter));
        revert("after the labelled call");
    }

    function test_NonceCheatcodes() public {
        address who = address(0x40);
        assertEq(vm.getNonce(who), 0);
        vm.setNonce(who, 7);
        assertEq(vm.getNonce(who), 7);
    }
}
