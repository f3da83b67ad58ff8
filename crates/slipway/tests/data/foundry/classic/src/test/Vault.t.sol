// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {DSTestLite} from "dstest-lite/test.sol";
import {Vault} from "../Vault.sol";

contract VaultTest is DSTestLite {
    Vault internal vault;

    function setUp() public {
        vault = new Vault();
    }

    function testDeposit() public {
        vault.deposit(2);
        assertEq(vault.total(), 2e18);
    }

    function testDepositFlagsAWrongTotal() public {
        vault.deposit(2);
        // ds-test style: no revert, the flag fails the test.
        assertEq(vault.total(), 3e18);
    }

    function testOwnerIsTheTest() public {
        assertTrue(vault.owner() == address(this));
    }

    function testDepositFuzz(uint96 tokens) public {
        vault.deposit(tokens);
        assertEq(vault.balanceOf(address(this)), uint256(tokens) * 1e18);
    }
}

/// forge 1.x refuses a suite with testFail functions; slipway refuses each
/// of them and runs the rest.
contract VaultLegacyTest is DSTestLite {
    Vault internal vault;

    function setUp() public {
        vault = new Vault();
    }

    function testSweep() public {
        vault.sweep();
        assertEq(vault.total(), 0);
    }

    function testFailSweepFromAStranger() public {
        Stranger stranger = new Stranger();
        stranger.sweep(vault);
    }
}

contract Stranger {
    function sweep(Vault vault) external {
        vault.sweep();
    }
}
