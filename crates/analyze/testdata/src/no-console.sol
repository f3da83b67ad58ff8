// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {console} from "./helpers/console.sol"; // finding: no-console

/// Debug logging left in a contract (the safe twin: every other fixture).
contract NoConsoleBad {
    function hello() external pure {
        console.log("hello");
    }
}
