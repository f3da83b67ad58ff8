// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

/// (v, r, n - s) is a second valid signature.
contract EcrecoverMalleableBad {
    function signerOf(bytes32 digest, uint8 v, bytes32 r, bytes32 s) external pure returns (address who) {
        who = ecrecover(digest, v, r, s); // finding: ecrecover-malleable
        require(who != address(0), "bad signature");
    }
}

/// Safe: only the lower-half `s` is accepted.
contract EcrecoverMalleableSafe {
    uint256 private constant HALF_N = 0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0;

    function signerOf(bytes32 digest, uint8 v, bytes32 r, bytes32 s) external pure returns (address who) {
        require(uint256(s) <= HALF_N, "malleable signature");
        who = ecrecover(digest, v, r, s);
        require(who != address(0), "bad signature");
    }
}
