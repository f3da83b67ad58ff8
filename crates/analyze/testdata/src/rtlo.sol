// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

/// The comment below displays as if the check were commented out.
contract RtloBad {
    address public immutable owner = msg.sender;

    function isOwner(address who) external view returns (bool) {
        /* reviewed ‮ })eurt(nruter {‬ */ // finding: rtlo
        return who == owner;
    }
}

/// Safe: the same comment in logical order.
contract RtloSafe {
    address public immutable owner = msg.sender;

    function isOwner(address who) external view returns (bool) {
        /* reviewed */
        return who == owner;
    }
}
