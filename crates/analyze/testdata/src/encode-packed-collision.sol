// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

/// `("ab", "c")` and `("a", "bc")` hash alike.
contract EncodePackedCollisionBad {
    function key(string calldata first, string calldata second) external pure returns (bytes32) {
        return keccak256(abi.encodePacked(first, second)); // finding: encode-packed-collision
    }
}

/// Safe: `abi.encode` keeps the lengths; one dynamic value packs safely.
contract EncodePackedCollisionSafe {
    function key(string calldata first, string calldata second) external pure returns (bytes32) {
        return keccak256(abi.encode(first, second));
    }

    function tagged(string calldata name, uint256 id) external pure returns (bytes32) {
        return keccak256(abi.encodePacked(name, id));
    }
}
