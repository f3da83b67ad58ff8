// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// A low-level call whose target and data both come from the caller: the
/// contract can be made to call `transferFrom` on any token its users
/// approved, or anything else in its own name.

contract OpenRouter {
    function execute(address target, bytes calldata data) external returns (bytes memory) {
        (bool ok, bytes memory result) = target.call(data); // bug: arbitrary-call
        require(ok, "call");
        return result;
    }
}

contract ValueRouter {
    function execute(address target, uint256 value, bytes calldata data) external payable {
        (bool ok,) = target.call{value: value}(data); // bug: arbitrary-call, arbitrary-send-eth
        require(ok, "call");
    }
}

contract HelperRouter {
    IERC20 public immutable token;

    constructor(IERC20 token_) {
        token = token_;
    }

    function swap(address pool, bytes calldata route) external {
        _route(pool, route); // bug: arbitrary-call #helper
    }

    function _route(address pool, bytes calldata route) internal {
        (bool ok,) = pool.call(route); // bug: arbitrary-call #helper
        require(ok, "route");
    }
}

contract LibraryRouter {
    using Address for address;

    function zap(address target, bytes calldata data) external {
        target.functionCall(data); // bug: arbitrary-call
    }
}

/// The aggregator is stored by a setter anyone can call.
contract StoredAggregator {
    address public aggregator;

    function setAggregator(address next) external {
        aggregator = next;
    }

    function trade(bytes calldata data) external {
        (bool ok,) = aggregator.call(data); // bug: arbitrary-call
        require(ok, "trade");
    }
}

/// `onlyKeeper` by name: it compares the keeper with itself.
contract NamedKeeperRouter {
    address public keeper = msg.sender;

    modifier onlyKeeper() {
        require(keeper == keeper, "keeper");
        _;
    }

    function run(address target, bytes calldata data) external onlyKeeper {
        (bool ok,) = target.call(data); // bug: arbitrary-call
        require(ok, "run");
    }
}

/// Safe: the target is fixed.
contract FixedTargetRouter {
    address public immutable target;

    constructor(address target_) {
        target = target_;
    }

    function execute(bytes calldata data) external {
        (bool ok,) = target.call(data);
        require(ok, "call");
    }
}

/// Safe: only the owner calls out.
contract OwnedRouter {
    address public immutable owner = msg.sender;

    function execute(address target, bytes calldata data) external {
        require(msg.sender == owner, "owner");
        (bool ok,) = target.call(data);
        require(ok, "call");
    }
}

/// Safe: the data is fixed, only the target varies (a ping).
contract Pinger {
    function ping(address target) external {
        (bool ok,) = target.call(abi.encodeWithSignature("ping()"));
        require(ok, "ping");
    }
}
