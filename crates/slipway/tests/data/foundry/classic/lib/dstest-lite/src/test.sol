// SPDX-License-Identifier: MIT
pragma solidity >=0.8.0;

/// ds-test's way: a failed assertion logs and sets a flag at the cheatcode
/// address; the test goes on and is judged afterwards.
contract DSTestLite {
    event log(string);
    event log_named_uint(string key, uint256 val);

    address private constant HEVM_ADDRESS = address(uint160(uint256(keccak256("hevm cheat code"))));

    bool public IS_TEST = true;

    function fail() internal {
        (bool ok,) = HEVM_ADDRESS.call(
            abi.encodePacked(
                bytes4(keccak256("store(address,bytes32,bytes32)")),
                abi.encode(HEVM_ADDRESS, bytes32("failed"), bytes32(uint256(0x01)))
            )
        );
        ok;
    }

    function assertEq(uint256 a, uint256 b) internal {
        if (a != b) {
            emit log("Error: a == b not satisfied [uint]");
            emit log_named_uint("      Left", a);
            emit log_named_uint("     Right", b);
            fail();
        }
    }

    function assertTrue(bool condition) internal {
        if (!condition) {
            emit log("Error: Assertion Failed");
            fail();
        }
    }
}
