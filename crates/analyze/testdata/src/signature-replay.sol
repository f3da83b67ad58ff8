// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

/// The voucher names only the receiver and amount: it is paid again on
/// every chain, every copy of the contract, and every call.
contract SignatureReplayBad {
    address public immutable signer;
    mapping(address => uint256) public paid;

    constructor(address signer_) {
        signer = signer_;
    }

    function claim(uint256 amount, uint8 v, bytes32 r, bytes32 s) external {
        require(uint256(s) <= 0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0, "bad s");
        bytes32 digest = keccak256(abi.encode(msg.sender, amount));
        address who = ecrecover(digest, v, r, s); // finding: signature-replay
        require(who != address(0) && who == signer, "bad signature");
        paid[msg.sender] += amount;
    }
}

/// Safe: chain id, contract and a consumed nonce are all signed.
contract SignatureReplaySafe {
    address public immutable signer;
    mapping(address => uint256) public nonces;
    mapping(address => uint256) public paid;

    constructor(address signer_) {
        signer = signer_;
    }

    function claim(uint256 amount, uint8 v, bytes32 r, bytes32 s) external {
        require(uint256(s) <= 0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0, "bad s");
        bytes32 digest =
            keccak256(abi.encode(block.chainid, address(this), msg.sender, amount, nonces[msg.sender]++));
        address who = ecrecover(digest, v, r, s);
        require(who != address(0) && who == signer, "bad signature");
        paid[msg.sender] += amount;
    }
}
