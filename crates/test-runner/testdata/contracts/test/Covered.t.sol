// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {Test} from "slipway-std/Test.sol";
import {Covered} from "../src/Covered.sol";

/// Covers part of `Covered` on purpose: `tests/coverage.rs` checks each
/// item against the expectations worked out by hand in its comments.
contract CoveredTest is Test {
    Covered internal covered;

    function setUp() public {
        covered = new Covered();
    }

    function test_AddSmall() public {
        assertEq(covered.add(5), 5);
    }

    function test_PickTrue() public view {
        assertEq(covered.pick(true), 1);
    }

    function test_ResetAsOwner() public {
        covered.reset();
        assertEq(covered.total(), 0);
    }
}
