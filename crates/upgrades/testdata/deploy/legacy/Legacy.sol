// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

// OpenZeppelin Contracts 4.9.6's transparent proxy and ProxyAdmin (npm
// alias @openzeppelin/contracts-v4), as hardhat-upgrades 1.x and 2.x
// deployed them: a proxy whose admin has `upgrade` and an `upgradeAndCall`
// that always calls.
import {TransparentUpgradeableProxy} from "@openzeppelin/contracts-v4/proxy/transparent/TransparentUpgradeableProxy.sol";
import {ProxyAdmin} from "@openzeppelin/contracts-v4/proxy/transparent/ProxyAdmin.sol";
