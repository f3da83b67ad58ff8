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

/// No ether moves: the helper's amount is a parameter, and this caller
/// passes 0 (as SafeERC20 reaches Address.functionCallWithValue).
contract ReentrancyNoEthBadThroughHelper {
    mapping(address => uint256) public credit;

    function _callWithValue(address target, bytes memory data, uint256 value) internal {
        (bool ok,) = target.call{value: value}(data);
        require(ok, "call failed");
    }

    function claim(address hook) external {
        uint256 amount = credit[msg.sender];
        _callWithValue(hook, abi.encodeWithSignature("onClaim(uint256)", amount), 0); // finding: reentrancy-no-eth
        credit[msg.sender] = 0;
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
