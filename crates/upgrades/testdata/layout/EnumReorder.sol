// SPDX-License-Identifier: MIT
// expect: typechange (enum members renamed in place change what stored values mean)
pragma solidity ^0.8.20;
contract EnumReorderV1 {
    enum State { Open, Closed }
    mapping(uint256 => State) states;
}
contract EnumReorderV2 {
    enum State { Closed, Open }
    mapping(uint256 => State) states;
}
