// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

// A test written for Foundry, against forge-std. The port test copies it,
// pointing its imports at slipway-std, and changes nothing else.
import {Test, console, stdError} from "forge-std/Test.sol";
import {Vm} from "forge-std/Vm.sol";
import {Token} from "../src/Token.sol";

contract TokenTest is Test {
    event Transfer(address indexed from, address indexed to, uint256 amount);

    Token token;
    address alice = makeAddr("alice");
    address bob = makeAddr("bob");

    function setUp() public {
        vm.warp(1_700_000_000);
        token = new Token(1_000_000e18);
        token.mint(alice, 1_000e18);
    }

    function test_Metadata() public view {
        assertEq(token.name(), "Token");
        assertEq(token.symbol(), "TKN");
        assertEq(token.decimals(), 18);
        assertEq(token.owner(), address(this));
    }

    function test_Transfer() public {
        vm.expectEmit(true, true, false, true);
        emit Transfer(alice, bob, 10e18);
        vm.prank(alice);
        assertTrue(token.transfer(bob, 10e18));
        assertEq(token.balanceOf(alice), 990e18, "alice pays");
        assertEq(token.balanceOf(bob), 10e18, "bob receives");
    }

    function test_TransferMoreThanBalanceUnderflows() public {
        vm.prank(bob);
        vm.expectRevert(stdError.arithmeticError);
        token.transfer(alice, 1);
    }

    function test_TransferFromSpendsAllowance() public {
        startHoax(alice);
        token.approve(bob, 50e18);
        vm.stopPrank();
        vm.prank(bob);
        token.transferFrom(alice, bob, 20e18);
        assertEq(token.allowance(alice, bob), 30e18);
    }

    function test_OnlyOwnerMints() public {
        vm.expectRevert(bytes("only owner"));
        vm.prank(bob);
        token.mint(bob, 1);
    }

    function test_MintCooldown() public {
        vm.expectRevert("mint cooldown");
        token.mint(bob, 1);
        skip(1 days);
        token.mint(bob, 1);
        assertEq(token.balanceOf(bob), 1);
    }

    function test_CapIsEnforced() public {
        skip(1 days);
        vm.expectRevert(abi.encodeWithSelector(Token.CapExceeded.selector, 1_000_001e18, 1_000_000e18));
        token.mint(bob, 999_001e18);
    }

    function test_DepositWithHoax() public {
        hoax(bob, 5 ether);
        token.deposit{value: 2 ether}();
        assertEq(token.balanceOf(bob), 2 ether);
        assertEq(bob.balance, 3 ether);
    }

    function test_RecordedTransferLogs() public {
        vm.recordLogs();
        vm.prank(alice);
        token.transfer(bob, 1);
        Vm.Log[] memory entries = vm.getRecordedLogs();
        assertEq(entries.length, 1);
        assertEq(entries[0].topics[0], keccak256("Transfer(address,address,uint256)"));
        assertEq(entries[0].emitter, address(token));
    }

    function test_PermitStyleSignature() public {
        (address signer, uint256 key) = makeAddrAndKey("signer");
        bytes32 digest = keccak256(abi.encode(address(token), uint256(1)));
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        assertEq(ecrecover(digest, v, r, s), signer);
        console.log("signer", signer);
    }

    function testFuzz_TransferKeepsSupply(uint256 amount, address to) public {
        vm.assume(to != address(0) && to != alice);
        amount = bound(amount, 0, token.balanceOf(alice));
        uint256 supply = token.totalSupply();
        vm.prank(alice);
        token.transfer(to, amount);
        assertEq(token.totalSupply(), supply);
        assertEq(token.balanceOf(to), amount);
    }
}
