// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import "./helpers/Shapes.sol"; // finding: named-imports
import {Geometry as Geo} from "./helpers/Shapes.sol";

/// Whole-file import beside a named one (the safe form).
contract NamedImportsBad {
    function distance(Point memory a, Point memory b) external pure returns (uint256) {
        return Geo.manhattan(a, b);
    }
}
