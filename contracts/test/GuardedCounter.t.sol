// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {GuardedCounter} from "../src/GuardedCounter.sol";

/// Tests for `GuardedCounter`, run by `slipway test`.
contract GuardedCounterTest {
    GuardedCounter internal counter;

    function setUp() public {
        counter = new GuardedCounter(address(this));
    }

    function test_OperatorAdds() public {
        counter.add(2);
        require(counter.count() == 2, "count should be 2");
    }

    function test_RevertWhen_Paused() public {
        counter.pause();
        try counter.add(1) {
            revert("add should revert while paused");
        } catch (bytes memory reason) {
            require(bytes4(reason) == Pausable.EnforcedPause.selector, "expected EnforcedPause()");
        }
    }

    function test_RevertWhen_NotOperator() public {
        Stranger stranger = new Stranger();
        try stranger.add(counter) {
            revert("a stranger should not add");
        } catch (bytes memory reason) {
            require(
                bytes4(reason) == IAccessControl.AccessControlUnauthorizedAccount.selector,
                "expected AccessControlUnauthorizedAccount"
            );
        }
    }
}

contract Stranger {
    function add(GuardedCounter counter) external {
        counter.add(1);
    }
}
