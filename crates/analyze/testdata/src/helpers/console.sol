// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

/// A stand-in for forge-std's console (the lint fixtures' `no-console`).
library console {
    function log(string memory) internal pure {}
}
