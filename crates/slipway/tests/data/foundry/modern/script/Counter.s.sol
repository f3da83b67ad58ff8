// SPDX-License-Identifier: MIT
pragma solidity ^0.8.13;

import {Script} from "mini-std/Script.sol";
import {Counter} from "../src/Counter.sol";

contract CounterScript is Script {
    Counter public counter;

    function run() public {
        vm.startBroadcast();
        counter = new Counter();
        vm.stopBroadcast();
    }
}
