// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {Test, StdStorage, stdStorage} from "slipway-std/Test.sol";

contract Token {
    mapping(address => uint256) public balanceOf;
    uint256 public totalSupply;
    address public owner;
    mapping(address => mapping(address => uint256)) public allowance;

    function mint(address to, uint256 amount) external {
        balanceOf[to] += amount;
        totalSupply += amount;
    }

    function pureValue() external pure returns (uint256) {
        return 3;
    }
}

contract Holder {
    uint256 public value;

    constructor(uint256 v) {
        value = v;
    }
}

contract Echo {
    function sender() external view returns (address) {
        return msg.sender;
    }

    function origin() external view returns (address) {
        return tx.origin;
    }
}

/// slipway-std's forge-std surface: stdstore, deal on tokens, deployCode,
/// the address helpers and the array assertions. `tests/it/host.rs` runs it.
contract StdTest is Test {
    using stdStorage for StdStorage;

    Token internal token;

    function setUp() public {
        token = new Token();
        token.mint(address(this), 100);
    }

    function test_DealSetsATokenBalance() public {
        address alice = makeAddr("alice");
        deal(address(token), alice, 500);
        assertEq(token.balanceOf(alice), 500);
        assertEq(token.totalSupply(), 100, "without adjust the supply stays");
        address bob = makeAddr("bob");
        deal(address(token), bob, 50, true);
        assertEq(token.totalSupply(), 150);
        deal(address(token), bob, 20, true);
        assertEq(token.balanceOf(bob), 20);
        assertEq(token.totalSupply(), 120);
    }

    function test_StdstoreFindsAndWrites() public {
        uint256 slot = stdstore.target(address(token)).sig("balanceOf(address)").with_key(address(this)).find();
        assertEq(slot, uint256(keccak256(abi.encode(address(this), uint256(0)))));
        stdstore.target(address(token)).sig(token.totalSupply.selector).checked_write(uint256(7));
        assertEq(token.totalSupply(), 7);
        stdstore.target(address(token)).sig("owner()").checked_write(address(0xBEEF));
        assertEq(token.owner(), address(0xBEEF));
        stdstore.target(address(token)).sig("allowance(address,address)").with_key(address(1)).with_key(address(2))
            .checked_write(uint256(9));
        assertEq(token.allowance(address(1), address(2)), 9);
        assertEq(stdstore.target(address(token)).sig("totalSupply()").read_uint(), 7);
    }

    function test_StdstoreFailsOnAGetterWithoutStorage() public {
        stdstore.target(address(token)).sig("pureValue()").find();
    }

    function test_DeployCodeAndComputeAddresses() public {
        address predicted = computeCreateAddress(address(this), vm.getNonce(address(this)));
        address made = deployCode("Std.t.sol:Token");
        assertEq(made, predicted);
        address withArgs = deployCode("Holder", abi.encode(uint256(5)));
        assertEq(Holder(withArgs).value(), 5);

        bytes32 salt = bytes32(uint256(1));
        bytes memory init = abi.encodePacked(type(Holder).creationCode, abi.encode(uint256(6)));
        address expected = computeCreate2Address(salt, keccak256(init), address(this));
        assertEq(address(new Holder{salt: salt}(6)), expected);
        assertEq(hashInitCode(type(Holder).creationCode, abi.encode(uint256(6))), keccak256(init));

        // Each RLP length of the nonce, checked against the EVM's own CREATE.
        uint64[4] memory nonces = [uint64(0x80), 0x100, 0x10000, 0x1000000];
        for (uint256 i = 0; i < nonces.length; i++) {
            vm.setNonce(address(this), nonces[i]);
            assertEq(address(new Holder(1)), computeCreateAddress(address(this), nonces[i]));
        }
    }

    function test_ArrayAssertions() public pure {
        int256[] memory a = new int256[](2);
        a[0] = -1;
        int256[] memory b = new int256[](2);
        b[0] = -1;
        assertEq(a, b);
        bytes32[] memory c = new bytes32[](1);
        assertEq(c, new bytes32[](1));
        bool[] memory d = new bool[](1);
        assertEq(d, new bool[](1));
        string[] memory e = new string[](1);
        e[0] = "x";
        string[] memory f = new string[](1);
        f[0] = "x";
        assertEq(e, f);
        bytes[] memory g = new bytes[](1);
        g[0] = hex"01";
        bytes[] memory h = new bytes[](1);
        h[0] = hex"01";
        assertEq(g, h);
        assertApproxEqRelDecimal(1000e6, 1001e6, 0.01e18, 6);
    }

    function test_ArrayAssertionFails() public pure {
        string[] memory e = new string[](1);
        e[0] = "x";
        string[] memory f = new string[](1);
        f[0] = "y";
        assertEq(e, f, "strings differ");
    }

    function test_SkipRewindAndHoax() public {
        vm.warp(1000);
        skip(50);
        assertEq(block.timestamp, 1050);
        rewind(1050);
        assertEq(block.timestamp, 0);

        Echo echo = new Echo();
        address who = makeAddr("who");
        hoax(who);
        assertEq(echo.sender(), who);
        assertEq(who.balance, 1 << 128);
        assertEq(echo.sender(), address(this), "hoax covers one call");
        hoax(who, 5 ether);
        assertEq(who.balance, 5 ether);
        assertEq(echo.sender(), who);

        startHoax(who, address(0xBEEF));
        assertEq(echo.sender(), who);
        assertEq(echo.origin(), address(0xBEEF));
        assertEq(echo.sender(), who, "startHoax lasts");
        vm.stopPrank();
        assertEq(echo.sender(), address(this));
    }

    function test_RewindPastZeroFails() public {
        vm.warp(10);
        rewind(11);
    }

    struct Entry {
        uint256 amount;
        string name;
        address who;
    }

    function test_ParseJsonUntyped() public pure {
        string memory json =
            '{"n": 7, "who": "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", "tag": "0x00000000000000000000000000000000000000000000000000000000000000ff", "list": [1, 2, 3], "entry": {"who": "0x0000000000000000000000000000000000001234", "name": "first", "amount": 5}}';
        assertEq(abi.decode(vm.parseJson(json, ".n"), (uint256)), 7);
        assertEq(abi.decode(vm.parseJson(json, ".who"), (address)), 0x70997970C51812dc3A010C7d01b50e0d17dc79C8);
        assertEq(abi.decode(vm.parseJson(json, ".tag"), (bytes32)), bytes32(uint256(255)));
        uint256[] memory list = abi.decode(vm.parseJson(json, ".list"), (uint256[]));
        assertEq(list.length, 3);
        assertEq(list[2], 3);
        // An object decodes as a struct whose fields are its keys in
        // alphabetical order, as in forge.
        Entry memory entry = abi.decode(vm.parseJson(json, ".entry"), (Entry));
        assertEq(entry.amount, 5);
        assertEq(entry.name, "first");
        assertEq(entry.who, address(0x1234));
    }
}
