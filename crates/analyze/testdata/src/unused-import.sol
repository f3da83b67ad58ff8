// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {Point, Geometry} from "./helpers/Shapes.sol"; // finding: unused-import
import {console} from "./helpers/console.sol";
import {Geometry as Geo} from "./helpers/Shapes.sol";

/// Imports what it never uses (`console` is used, below; `Geo` through
/// a type it declares).
contract UnusedImportBad {
    function hello() external pure {
        console.log("hello");
    }

    function length(Geo.Segment calldata s) external pure returns (uint256) {
        return s.to - s.from;
    }
}
