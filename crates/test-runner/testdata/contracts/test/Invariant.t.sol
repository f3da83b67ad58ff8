// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {Test} from "slipway-std/Test.sol";

/// Credits always cover debits: `debit` refuses to overdraw.
contract Ledger {
    uint256 public credits;
    uint256 public debits;

    function credit(uint256 amount) external {
        credits += amount % 1e30;
    }

    function debit(uint256 amount) external {
        require(debits + amount <= credits, "overdraw");
        debits += amount;
    }
}

/// Breaks any ledger-like invariant it is pointed at: excluded below.
contract Trap {
    bool public sprung;

    function spring() external {
        sprung = true;
    }
}

/// Remembers who called it.
contract Recorder {
    address public lastSender;

    function record() external {
        lastSender = msg.sender;
    }
}

/// Broken only by `arm()` followed by `fire(x)` with x > 1000.
contract LeakyVault {
    bool public armed;
    bool public broken;
    uint256 public noiseCount;

    function arm() external {
        armed = true;
    }

    function fire(uint256 x) external {
        if (armed && x > 1000) broken = true;
    }

    function noise(uint256 x) external {
        noiseCount += x % 3;
    }
}

contract InvariantHoldsTest is Test {
    Ledger internal ledger;
    Trap internal trap;
    Recorder internal recorder;
    address internal alice = address(0xA11CE);

    function setUp() public {
        ledger = new Ledger();
        trap = new Trap();
        recorder = new Recorder();
        excludeContract(address(trap));
        targetSender(alice);
    }

    function invariant_CreditsCoverDebits() public view {
        assertGe(ledger.credits(), ledger.debits());
        assertFalse(trap.sprung(), "the excluded contract is never called");
    }

    function invariant_OnlyTheTargetedSenderCalls() public view {
        address last = recorder.lastSender();
        assertTrue(last == address(0) || last == alice, "a sender that was not targeted");
    }
}

contract InvariantBreaksTest is Test {
    LeakyVault internal vault;

    function setUp() public {
        vault = new LeakyVault();
    }

    function invariant_NeverBroken() public view {
        assertFalse(vault.broken(), "vault broken");
    }
}

contract InvariantSelectorsTest is Test {
    LeakyVault internal vault;

    function setUp() public {
        vault = new LeakyVault();
        bytes4[] memory selectors = new bytes4[](2);
        selectors[0] = LeakyVault.fire.selector;
        selectors[1] = LeakyVault.noise.selector;
        targetSelector(FuzzSelector({addr: address(vault), selectors: selectors}));
    }

    /// `arm()` is never called, so the vault cannot break.
    function invariant_NeverBrokenWithoutArm() public view {
        assertFalse(vault.broken());
    }
}
