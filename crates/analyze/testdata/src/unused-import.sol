// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {Point, Geometry} from "./helpers/Shapes.sol"; // finding: unused-import
import {console} from "./helpers/console.sol";

/// Imports what it never uses (`console` is used, below).
contract UnusedImportBad {
    function hello() external pure {
        console.log("hello");
    }
}
