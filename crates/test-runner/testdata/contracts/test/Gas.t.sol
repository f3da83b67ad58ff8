// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {Test} from "slipway-std/Test.sol";

/// Storage writes, cold and warm slots, refunds and calldata of every kind:
/// what a gas figure can get wrong.
contract GasToken {
    event Transfer(address indexed from, address indexed to, uint256 amount);

    mapping(address => uint256) public balanceOf;
    uint256 public totalSupply;
    bytes public note;

    constructor(uint256 supply) {
        balanceOf[msg.sender] = supply;
        totalSupply = supply;
    }

    function transfer(address to, uint256 amount) external {
        balanceOf[msg.sender] -= amount;
        balanceOf[to] += amount;
        emit Transfer(msg.sender, to, amount);
    }

    function setNote(bytes calldata text) external {
        note = text;
    }

    function clearNote() external {
        delete note;
    }

    function burnAll() external {
        totalSupply -= balanceOf[msg.sender];
        balanceOf[msg.sender] = 0;
    }
}

/// The calls `tests/gas_hardhat.rs` also sends to Hardhat's node, one
/// transaction each: keep the two in step.
contract GasTest is Test {
    function test_GasSequence() public {
        GasToken token = new GasToken(1_000_000);
        token.transfer(address(0xA11CE), 100);
        token.transfer(address(0xA11CE), 50);
        token.setNote(hex"00000000ffffffff0000");
        token.setNote(
            hex"0102030405060708091011121314151617181920212223242526272829303132333435363738394041424344454647484950515253545556575859606162636465666768697071727374757677787980"
        );
        token.clearNote();
        token.burnAll();
        assertEq(token.totalSupply(), 150);
    }
}

/// Code put in place by `vm.etch`: no creation was seen at those addresses,
/// yet the gas report names each contract.
contract GasNamesTest is Test {
    function test_GasOfEtchedCodeIsNamed() public {
        GasToken model = new GasToken(10);
        address etched = address(0xE7C4);
        vm.etch(etched, address(model).code);
        GasToken(etched).clearNote();
        address labelled = address(0x1AB3);
        vm.etch(labelled, address(model).code);
        vm.label(labelled, "Treasury");
        GasToken(labelled).clearNote();
    }
}
