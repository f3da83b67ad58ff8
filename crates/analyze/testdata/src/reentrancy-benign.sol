// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

interface IFeed {
    function latest() external returns (uint256);
}

/// The feed is asked first and its answer stored after: nothing read
/// before the call is written after it, yet a feed that calls back sees
/// the old answer while the new one is on its way.
contract ReentrancyBenignBad {
    IFeed public immutable feed;
    uint256 public answer;
    uint256 public answeredAt;

    constructor(IFeed feed_) {
        feed = feed_;
    }

    function refresh() external {
        uint256 next = feed.latest(); // finding: reentrancy-benign
        answer = next;
        answeredAt = block.number;
    }
}

/// Safe: the stamp is written before the call; a view call cannot call back.
contract ReentrancyBenignSafe {
    IFeed public immutable feed;
    uint256 public askedAt;

    constructor(IFeed feed_) {
        feed = feed_;
    }

    function ask() external returns (uint256) {
        askedAt = block.number;
        return feed.latest();
    }
}
