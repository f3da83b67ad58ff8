// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

/// `shr(x, 8)` shifts 8 right by x bits.
contract IncorrectShiftBad {
    function highByte(uint256 x) external pure returns (uint256 out) {
        assembly {
            out := shr(x, 248) // finding: incorrect-shift
        }
    }
}

/// Safe: the amount first; a mask shifted into place; and Solidity's own
/// `1 << i`, which means what it says.
contract IncorrectShiftSafe {
    function highByte(uint256 x) external pure returns (uint256 out) {
        assembly {
            out := shr(248, x)
        }
    }

    function bit(uint256 i) external pure returns (uint256 out) {
        assembly {
            out := shl(i, 1)
        }
    }

    function mask(uint256 i) external pure returns (uint256) {
        return 1 << i;
    }
}
