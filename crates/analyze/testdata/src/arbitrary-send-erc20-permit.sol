// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

interface IPermitToken {
    function permit(address owner, address spender, uint256 value, uint256 deadline, uint8 v, bytes32 r, bytes32 s)
        external;
    function transferFrom(address from, address to, uint256 amount) external returns (bool);
}

/// With a token whose fallback accepts `permit` silently (WETH), anyone
/// moves the tokens of whoever approved this contract.
contract ArbitrarySendErc20PermitBad {
    IPermitToken public immutable token;

    constructor(IPermitToken token_) {
        token = token_;
    }

    function depositWithPermit(address from, uint256 amount, uint256 deadline, uint8 v, bytes32 r, bytes32 s) external {
        token.permit(from, address(this), amount, deadline, v, r, s);
        require(token.transferFrom(from, address(this), amount), "transfer failed"); // finding: arbitrary-send-erc20-permit
    }
}

/// Safe: the permit and the transfer are the caller's own.
contract ArbitrarySendErc20PermitSafe {
    IPermitToken public immutable token;

    constructor(IPermitToken token_) {
        token = token_;
    }

    function depositWithPermit(uint256 amount, uint256 deadline, uint8 v, bytes32 r, bytes32 s) external {
        token.permit(msg.sender, address(this), amount, deadline, v, r, s);
        require(token.transferFrom(msg.sender, address(this), amount), "transfer failed");
    }
}
