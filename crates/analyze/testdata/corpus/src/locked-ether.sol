// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {SafeTransferLib} from "solmate/src/utils/SafeTransferLib.sol";

/// Ether comes in and nothing can send it out.

contract DonationJar { // bug: locked-ether
    mapping(address => uint256) public donated;

    receive() external payable {
        donated[msg.sender] += msg.value;
    }
}

/// Withdraws tokens only; the ether paid as a fee stays.
contract TokenOnlyWithdraw { // bug: locked-ether
    IERC20 public immutable token;
    address public immutable owner = msg.sender;

    constructor(IERC20 token_) {
        token = token_;
    }

    function buy(uint256 amount) external payable {
        require(msg.value == amount / 1000, "fee");
        require(token.transfer(msg.sender, amount), "push");
    }

    function withdraw() external {
        require(msg.sender == owner, "owner");
        require(token.transfer(owner, token.balanceOf(address(this))), "push");
    }
}

/// The only call out carries no value.
contract ZeroValueForwarder { // bug: locked-ether
    address public immutable target;

    constructor(address target_) payable {
        target = target_;
    }

    function forward(bytes calldata data) external payable {
        (bool ok,) = target.call{value: 0}(data);
        require(ok, "forward");
    }
}

abstract contract PayableBase {
    uint256 public received;

    function pay() external payable {
        received += msg.value;
    }
}

contract InheritsPayable is PayableBase { // bug: locked-ether
    function total() external view returns (uint256) {
        return received;
    }
}

contract FallbackSink { // bug: locked-ether
    uint256 public calls;

    fallback() external payable {
        calls += 1;
    }
}

/// Safe: ether leaves through solmate's assembly call.
contract SolmateWithdraw {
    address public immutable owner = msg.sender;

    receive() external payable {}

    function withdraw() external {
        require(msg.sender == owner, "owner");
        SafeTransferLib.safeTransferETH(owner, address(this).balance);
    }
}

/// Safe: ether leaves through OpenZeppelin's `Address.sendValue`.
contract OzWithdraw {
    address payable public immutable owner = payable(msg.sender);

    receive() external payable {}

    function withdraw() external {
        require(msg.sender == owner, "owner");
        Address.sendValue(owner, address(this).balance);
    }
}

/// Safe: ether leaves through an internal helper's low-level call.
contract HelperWithdraw {
    address public immutable owner = msg.sender;

    function deposit() external payable {}

    function withdraw() external {
        require(msg.sender == owner, "owner");
        _send(owner, address(this).balance);
    }

    function _send(address to, uint256 amount) internal {
        assembly {
            pop(call(gas(), to, amount, 0, 0, 0, 0))
        }
    }
}
