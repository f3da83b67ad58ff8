// SPDX-License-Identifier: MIT
// expect: selfdestruct (a destroyed implementation bricks every proxy)
pragma solidity ^0.8.20;
contract Selfdestruct {
    function destroy() external { selfdestruct(payable(msg.sender)); }
}
