// SPDX-License-Identifier: MIT
pragma solidity >=0.8.0;

/// A library nested in a library (lib/dstest-lite/lib/units), found the
/// way forge finds it: `units/` maps to its src/.
library Units {
    function wad(uint256 x) internal pure returns (uint256) {
        return x * 1e18;
    }
}
