// SPDX-License-Identifier: MIT
pragma solidity >=0.8.0 <0.9.0;

// forge-std's `console2` is its `console` under another name; suites that
// import either compile unchanged.
import {console as console2} from "./console.sol";
