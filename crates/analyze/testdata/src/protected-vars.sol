// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

/// `fee` may be written only under `onlyOwner`, but `setFeeUnguarded`
/// writes it without.
contract ProtectedVarsBad {
    address public immutable owner = msg.sender;
    /// @custom:security write-protection="onlyOwner()"
    uint256 public fee;

    event FeeSet(uint256 fee);

    modifier onlyOwner() {
        require(msg.sender == owner, "not owner");
        _;
    }

    function setFee(uint256 next) external onlyOwner {
        fee = next;
        emit FeeSet(next);
    }

    function setFeeUnguarded(uint256 next) external { // finding: protected-vars
        fee = next;
        emit FeeSet(next);
    }
}

/// Safe: every writer carries the guard.
contract ProtectedVarsSafe {
    address public immutable owner = msg.sender;
    /// @custom:security write-protection="onlyOwner()"
    uint256 public fee;

    event FeeSet(uint256 fee);

    modifier onlyOwner() {
        require(msg.sender == owner, "not owner");
        _;
    }

    function setFee(uint256 next) external onlyOwner {
        fee = next;
        emit FeeSet(next);
    }
}
