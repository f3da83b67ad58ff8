// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {Test} from "slipway-std/Test.sol";

contract Counterish {
    uint256 public n;

    constructor(uint256 start) {
        n = start;
    }

    function bump() external {
        n += 1;
    }
}

contract Reverter {
    error Nope(uint256 code);

    function fail(uint256 code) external pure {
        revert Nope(code);
    }

    function ok() external pure {}
}

contract Forwarder {
    function forward(Reverter r, uint256 code) external pure {
        r.fail(code);
    }
}

/// The cheatcodes that reach the transaction's environment, storage
/// records, artifacts, files and commands, and the expectRevert forms with
/// a count and a reverter. `tests/it/host.rs` runs it with read-write
/// access to `scratch/` and ffi on, and again with both off.
contract HostTest is Test {
    function test_Environment() public {
        vm.txGasPrice(7 gwei);
        assertEq(tx.gasprice, 7 gwei);
        vm.prevrandao(bytes32(uint256(42)));
        assertEq(block.prevrandao, 42);
        vm.prevrandao(uint256(43));
        assertEq(block.prevrandao, 43);
        vm.blobBaseFee(9);
        // BLOBBASEFEE, returned (solc 0.8.20 has no `block.blobbasefee`).
        address probe = address(0xB10B);
        vm.etch(probe, hex"4a60005260206000f3");
        (, bytes memory fee) = probe.staticcall("");
        assertEq(abi.decode(fee, (uint256)), 9);
        vm.roll(77);
        vm.warp(1234);
        assertEq(vm.getBlockNumber(), 77);
        assertEq(vm.getBlockTimestamp(), 1234);
    }

    function test_RecordAndAccesses() public {
        Counterish c = new Counterish(5);
        vm.record();
        c.bump();
        (bytes32[] memory reads, bytes32[] memory writes) = vm.accesses(address(c));
        assertEq(writes.length, 1);
        assertEq(writes[0], bytes32(0));
        // The read of `n += 1` and the write, which counts as a read too.
        assertEq(reads.length, 2);
        (reads, writes) = vm.accesses(address(this));
        assertEq(writes.length, 0);
    }

    function test_GetCodeDeploys() public {
        bytes memory init = abi.encodePacked(vm.getCode("Host.t.sol:Counterish"), abi.encode(uint256(9)));
        address made;
        assembly {
            made := create(0, add(init, 0x20), mload(init))
        }
        assertEq(Counterish(made).n(), 9);
        assertEq(made.code, vm.getDeployedCode("Counterish"));
    }

    function test_GetCodeOfAnUnknownContractFails() public view {
        vm.getCode("Nope.sol:Nope");
    }

    function test_ExpectPartialRevert() public {
        Reverter r = new Reverter();
        vm.expectPartialRevert(Reverter.Nope.selector);
        r.fail(3);
    }

    function test_ExpectRevertSelectorIsExact() public {
        Reverter r = new Reverter();
        vm.expectRevert(Reverter.Nope.selector);
        r.fail(3);
    }

    function test_ExpectRevertWithCount() public {
        Reverter r = new Reverter();
        vm.expectRevert(abi.encodeWithSelector(Reverter.Nope.selector, 1), 2);
        r.fail(1);
        r.fail(1);
        // Both were used: this call may succeed.
        r.ok();
    }

    function test_ExpectRevertCountNotReached() public {
        Reverter r = new Reverter();
        vm.expectRevert(abi.encodeWithSelector(Reverter.Nope.selector, 1), 2);
        r.fail(1);
    }

    function test_ExpectRevertCountZero() public {
        Reverter r = new Reverter();
        vm.expectRevert(abi.encodeWithSelector(Reverter.Nope.selector, 1), 0);
        r.ok();
    }

    function test_ExpectRevertCountZeroFailsOnTheRevert() public {
        Reverter r = new Reverter();
        vm.expectRevert(abi.encodeWithSelector(Reverter.Nope.selector, 1), 0);
        r.fail(1);
    }

    function test_ExpectRevertReverter() public {
        Reverter r = new Reverter();
        Forwarder f = new Forwarder();
        vm.expectRevert(address(r));
        f.forward(r, 4);
    }

    function test_ExpectRevertWrongReverter() public {
        Reverter r = new Reverter();
        Forwarder f = new Forwarder();
        vm.expectRevert(address(f));
        f.forward(r, 4);
    }

    function test_Files() public {
        assertTrue(bytes(vm.projectRoot()).length > 0);
        vm.writeFile("scratch/notes.txt", "first\nsecond\n");
        assertTrue(vm.exists("scratch/notes.txt"));
        assertTrue(vm.isFile("scratch/notes.txt"));
        assertTrue(vm.isDir("scratch"));
        assertEq(vm.readFile("scratch/notes.txt"), "first\nsecond\n");
        assertEq(vm.readLine("scratch/notes.txt"), "first");
        assertEq(vm.readLine("scratch/notes.txt"), "second");
        assertEq(vm.readLine("scratch/notes.txt"), "");
        vm.closeFile("scratch/notes.txt");
        assertEq(vm.readLine("scratch/notes.txt"), "first");
        vm.writeLine("scratch/log.txt", "a");
        vm.writeLine("scratch/log.txt", "b");
        assertEq(vm.readFile("scratch/log.txt"), "a\nb\n");
        vm.writeFileBinary("scratch/raw.bin", hex"00ff10");
        assertEq(vm.readFileBinary("scratch/raw.bin"), hex"00ff10");
        vm.removeFile("scratch/raw.bin");
        assertFalse(vm.exists("scratch/raw.bin"));
    }

    function test_ReadingOutsideThePermissionsFails() public view {
        vm.readFile("slipway.toml");
    }

    function test_WritingOutsideThePermissionsFails() public {
        vm.writeFile("../escaped.txt", "no");
    }

    function test_FfiRunsACommand() public {
        string[] memory command = new string[](2);
        command[0] = "echo";
        command[1] = "0x1234";
        assertEq(vm.ffi(command), hex"1234");
        command[1] = "plain text";
        assertEq(string(vm.ffi(command)), "plain text");
    }

    function test_JsonReads() public {
        string memory json =
            '{"n": 7, "big": "0x10000000000000000", "neg": -3, "ok": true, "who": "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", "name": "bridge", "data": "0x00ff", "list": [1, "2"], "nested": {"b": 2, "a": 1}}';
        assertEq(vm.parseJsonUint(json, ".n"), 7);
        assertEq(vm.parseJsonUint(json, "$.big"), 1 << 64);
        assertEq(vm.parseJsonInt(json, ".neg"), -3);
        assertTrue(vm.parseJsonBool(json, ".ok"));
        assertEq(vm.parseJsonAddress(json, ".who"), 0x70997970C51812dc3A010C7d01b50e0d17dc79C8);
        assertEq(vm.parseJsonString(json, ".name"), "bridge");
        assertEq(vm.parseJsonBytes(json, ".data"), hex"00ff");
        uint256[] memory list = vm.parseJsonUintArray(json, ".list");
        assertEq(list.length, 2);
        assertEq(list[1], 2);
        assertEq(vm.parseJsonUint(json, ".list[0]"), 1);
        assertEq(vm.parseJsonUint(json, ".nested.b"), 2);
        string[] memory keys = vm.parseJsonKeys(json, ".nested");
        assertEq(keys[0], "a");
        assertTrue(vm.keyExistsJson(json, ".nested.a"));
        assertFalse(vm.keyExistsJson(json, ".nested.c"));
    }

    function test_JsonMissingKeyFails() public pure {
        vm.parseJsonUint('{"n": 1}', ".m");
    }

    function test_JsonSerializeAndWrite() public {
        string memory inner = vm.serializeUint("inner", "x", 1);
        vm.serializeAddress("outer", "who", address(0x1234));
        vm.serializeUint("outer", "huge", 1 << 100);
        string memory outer = vm.serializeString("outer", "child", inner);
        assertEq(vm.parseJsonUint(outer, ".child.x"), 1);
        assertEq(vm.parseJsonUint(outer, ".huge"), 1 << 100);
        assertEq(vm.parseJsonAddress(outer, ".who"), address(0x1234));
        vm.writeJson(outer, "scratch/out.json");
        string memory back = vm.readFile("scratch/out.json");
        assertEq(vm.parseJsonUint(back, ".child.x"), 1);
        vm.writeJson("5", "scratch/out.json", ".child.x");
        assertEq(vm.parseJsonUint(vm.readFile("scratch/out.json"), ".child.x"), 5);
    }
}
