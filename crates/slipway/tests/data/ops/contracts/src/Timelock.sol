// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

// OpenZeppelin's TimelockController, deployed as it is: `slipway roles`
// accepts it as an admin when the environment's Safe alone proposes and
// executes through it.
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
