// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

/// Shared declarations for the lint fixtures' import rules.
struct Point {
    uint256 x;
    uint256 y;
}

/// Distances.
library Geometry {
    struct Segment {
        uint256 from;
        uint256 to;
    }

    function manhattan(Point memory a, Point memory b) internal pure returns (uint256) {
        return (a.x > b.x ? a.x - b.x : b.x - a.x) + (a.y > b.y ? a.y - b.y : b.y - a.y);
    }
}
