// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

/// Types named in other cases.
contract StructNameCapwordsBad {
    struct user_position { // finding: struct-name-capwords
        uint256 size;
    }

    enum state { // finding: struct-name-capwords
        Open,
        Closed
    }

    mapping(address => user_position) internal positions;
}

/// Safe: CapWords.
contract StructNameCapwordsSafe {
    struct UserPosition {
        uint256 size;
    }

    enum State {
        Open,
        Closed
    }

    mapping(address => UserPosition) internal positions;
}
