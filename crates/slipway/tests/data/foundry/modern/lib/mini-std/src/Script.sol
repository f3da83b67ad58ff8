// SPDX-License-Identifier: MIT
pragma solidity >=0.8.0 <0.9.0;

import {Base} from "./Base.sol";

abstract contract Script is Base {
    bool public IS_SCRIPT = true;
}
