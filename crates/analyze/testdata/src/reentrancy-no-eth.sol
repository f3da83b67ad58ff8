// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

interface IRewardHook {
    function onClaim(address who, uint256 amount) external;
}

/// The credit is cleared after the hook has run: a hook that calls
/// `claim` again is credited twice.
contract ReentrancyNoEthBad {
    mapping(address => uint256) public credit;
    IRewardHook public immutable hook;
    uint256 public claimed;

    constructor(IRewardHook hook_) {
        hook = hook_;
    }

    function claim() external {
        uint256 amount = credit[msg.sender];
        require(amount > 0, "nothing to claim");
        hook.onClaim(msg.sender, amount); // finding: reentrancy-no-eth
        credit[msg.sender] = 0;
        claimed += amount;
    }
}

/// Safe: the credit is cleared before the hook runs.
contract ReentrancyNoEthSafe {
    mapping(address => uint256) public credit;
    IRewardHook public immutable hook;

    constructor(IRewardHook hook_) {
        hook = hook_;
    }

    function claim() external {
        uint256 amount = credit[msg.sender];
        require(amount > 0, "nothing to claim");
        credit[msg.sender] = 0;
        hook.onClaim(msg.sender, amount);
    }
}
