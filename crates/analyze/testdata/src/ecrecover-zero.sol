// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

/// With `signer` unset, any garbage signature passes.
contract EcrecoverZeroBad {
    address public signer;
    mapping(bytes32 => bool) public used;

    function setSigner(address next) external {
        require(signer == address(0), "set");
        signer = next;
    }

    function redeem(bytes32 digest, uint8 v, bytes32 r, bytes32 s) external view returns (bool) {
        require(uint256(s) <= 0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0, "bad s");
        address who = ecrecover(digest, v, r, s); // finding: ecrecover-zero
        return who == signer;
    }
}

/// Safe: a zero result is refused.
contract EcrecoverZeroSafe {
    address public signer;

    function setSigner(address next) external {
        require(signer == address(0), "set");
        signer = next;
    }

    function redeem(bytes32 digest, uint8 v, bytes32 r, bytes32 s) external view returns (bool) {
        require(uint256(s) <= 0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0, "bad s");
        address who = ecrecover(digest, v, r, s);
        require(who != address(0), "bad signature");
        return who == signer;
    }
}
