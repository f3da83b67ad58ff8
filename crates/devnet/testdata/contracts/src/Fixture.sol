// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

/// Exercised by the dev chain's RPC tests: state, events, reverts, time, console.
contract Fixture {
    uint256 public count;

    event Counted(address indexed by, uint256 indexed count, string note);

    error Insufficient(uint256 have, uint256 want);

    function bump(string calldata note) external returns (uint256) {
        count += 1;
        emit Counted(msg.sender, count, note);
        return count;
    }

    function need(uint256 want) external view {
        if (count < want) revert Insufficient(count, want);
    }

    function fail() external pure {
        require(false, "always fails");
    }

    function bumpThenRevert() external {
        count += 100;
        revert Insufficient(count, 0);
    }

    function time() external view returns (uint256) {
        return block.timestamp;
    }

    function say(string calldata text) external {
        (bool ok,) = address(0x000000000000000000636F6e736F6c652e6c6f67).staticcall(
            abi.encodeWithSignature("log(string)", text)
        );
        require(ok, "console");
        count += 1;
    }

    receive() external payable {}
}
