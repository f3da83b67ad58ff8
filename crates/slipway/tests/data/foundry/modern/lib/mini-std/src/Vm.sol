// SPDX-License-Identifier: MIT
pragma solidity >=0.8.0 <0.9.0;

/// The cheatcodes these tests use, by forge's signatures.
interface Vm {
    function assertEq(uint256 left, uint256 right) external pure;
    function assertEq(uint256 left, uint256 right, string calldata err) external pure;
    function assertEq(address left, address right) external pure;
    function assertEq(string calldata left, string calldata right) external pure;
    function assertTrue(bool condition) external pure;
    function assertTrue(bool condition, string calldata err) external pure;
    function assertGe(uint256 left, uint256 right) external pure;
    function assertLe(uint256 left, uint256 right) external pure;
    function assertApproxEqAbs(int256 left, int256 right, uint256 maxDelta) external pure;
    function assertApproxEqRel(uint256 left, uint256 right, uint256 maxPercentDelta) external pure;
    function assertApproxEqRel(uint256 left, uint256 right, uint256 maxPercentDelta, string calldata err)
        external
        pure;
    function skip(bool skipTest) external;
    function startSnapshotGas(string calldata group, string calldata name) external;
    function stopSnapshotGas() external returns (uint256 gasUsed);
    function snapshotValue(string calldata group, string calldata name, uint256 value) external;
    function expectRevert() external;
    function expectRevert(bytes calldata revertData) external;
    function startBroadcast() external;
    function startBroadcast(address signer) external;
    function stopBroadcast() external;
    function prank(address msgSender) external;
    function deal(address account, uint256 newBalance) external;
    function warp(uint256 newTimestamp) external;
    function toString(uint256 value) external pure returns (string memory);
    function parseUint(string calldata value) external pure returns (uint256);
}
