// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {Test} from "forge-std/Test.sol";

interface IStore {
    function get(uint256 slot) external view returns (uint256);
}

/// What bench/fork.sh runs under both tools on a fork: each test reads 60
/// storage slots of one contract (overlapping ranges, so a run reuses what
/// an earlier test read) or 40 accounts' balances.
contract ForkReadTest is Test {
    IStore constant STORE = IStore(0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC);

    function sum(uint256 from, uint256 to) internal view returns (uint256 total) {
        for (uint256 i = from; i < to; i++) {
            total += STORE.get(i);
        }
    }

    /// The sum of slot + 1 over [from, to).
    function expected(uint256 from, uint256 to) internal pure returns (uint256) {
        return (to * (to + 1) - from * (from + 1)) / 2;
    }

    function test_Slots0() public view {
        assertEq(sum(0, 60), expected(0, 60));
    }

    function test_Slots1() public view {
        assertEq(sum(30, 90), expected(30, 90));
    }

    function test_Slots2() public view {
        assertEq(sum(60, 120), expected(60, 120));
    }

    function test_Slots3() public view {
        assertEq(sum(90, 150), expected(90, 150));
    }

    function test_Slots4() public view {
        assertEq(sum(140, 200), expected(140, 200));
    }

    function test_Balances() public view {
        uint256 total;
        for (uint160 i = 1; i <= 40; i++) {
            total += address(i * 0x10000).balance;
        }
        assertEq(total, 40 ether);
    }
}
