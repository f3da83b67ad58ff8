// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

/// A file of imports alone re-exports them: not `unused-import`.
import {Point, Geometry} from "./Shapes.sol";
