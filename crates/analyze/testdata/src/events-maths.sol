// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

/// The fee changes without a trace.
contract EventsMathsBad {
    address public immutable owner = msg.sender;
    uint256 public feeBps;

    function setFee(uint256 bps) external {
        require(msg.sender == owner, "not owner");
        require(bps <= 1_000, "fee too high");
        feeBps = bps; // finding: events-maths
    }
}

/// Safe: the change is announced.
contract EventsMathsSafe {
    address public immutable owner = msg.sender;
    uint256 public feeBps;

    event FeeChanged(uint256 bps);

    function setFee(uint256 bps) external {
        require(msg.sender == owner, "not owner");
        require(bps <= 1_000, "fee too high");
        feeBps = bps;
        emit FeeChanged(bps);
    }
}
