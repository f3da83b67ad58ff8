// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

/// `treasury` is never set: every fee goes to address(0).
contract UninitializedStateBad {
    address payable internal treasury; // finding: uninitialized-state
    uint256 public fees;

    function pay() external payable {
        fees += msg.value;
    }

    function sweep() external {
        uint256 amount = fees;
        fees = 0;
        treasury.transfer(amount);
    }
}

library Counters {
    struct Counter {
        uint256 value;
    }

    function increment(Counter storage counter) internal {
        counter.value += 1;
    }

    function current(Counter storage counter) internal view returns (uint256) {
        return counter.value;
    }
}

/// Safe: written only through a library function on its storage.
contract UninitializedStateThroughLibrary {
    using Counters for Counters.Counter;

    Counters.Counter private issued;

    function issue() external returns (uint256) {
        issued.increment();
        return issued.current();
    }
}

/// Safe: set in the constructor; `slots` is written from assembly.
contract UninitializedStateSafe {
    address payable internal treasury;
    uint256 public fees;
    uint256 internal slots;

    constructor(address payable treasury_) {
        require(treasury_ != address(0), "zero treasury");
        treasury = treasury_;
    }

    function pay() external payable {
        fees += msg.value;
    }

    function sweep() external {
        uint256 amount = fees;
        fees = 0;
        treasury.transfer(amount);
    }

    function bump() external {
        assembly {
            sstore(slots.slot, add(sload(slots.slot), 1))
        }
    }

    function count() external view returns (uint256) {
        return slots;
    }
}
