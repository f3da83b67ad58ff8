// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {Address} from "@openzeppelin/contracts/utils/Address.sol";

/// Code chosen by the caller runs with this contract's storage and ether.

contract OpenExecutor {
    address public owner = msg.sender;

    function exec(address impl, bytes calldata data) external {
        (bool ok,) = impl.delegatecall(data); // bug: controlled-delegatecall
        require(ok, "exec");
    }
}

/// The implementation is stored by a setter anyone can call, and the
/// fallback delegates to it.
contract SettableProxy {
    address public implementation;

    function setImplementation(address next) external {
        implementation = next;
    }

    fallback() external payable {
        (bool ok,) = implementation.delegatecall(msg.data); // bug: controlled-delegatecall
        require(ok, "proxy");
    }

    receive() external payable {}
}

/// `onlyAdmin` by name: it checks that an admin was set, not who calls.
contract NamedAdminModule {
    address public admin = msg.sender;

    modifier onlyAdmin() {
        require(admin != address(0), "admin");
        _;
    }

    function runModule(address module, bytes calldata data) external onlyAdmin {
        (bool ok,) = module.delegatecall(data); // bug: controlled-delegatecall
        require(ok, "module");
    }
}

/// Through an internal helper.
contract HelperDelegator {
    address public owner = msg.sender;

    function upgradeAndCall(address next, bytes calldata data) external {
        _delegate(next, data); // bug: controlled-delegatecall #helper
    }

    function _delegate(address target, bytes calldata data) internal {
        (bool ok,) = target.delegatecall(data); // bug: controlled-delegatecall #helper
        require(ok, "delegate");
    }
}

/// Through OpenZeppelin's `Address.functionDelegateCall`.
contract LibraryDelegator {
    address public owner = msg.sender;

    function plugin(address target, bytes calldata data) external returns (bytes memory) {
        return Address.functionDelegateCall(target, data); // bug: controlled-delegatecall
    }
}

/// Safe: the implementation is fixed, only the data is the caller's.
contract FixedImplementationProxy {
    address public immutable implementation;

    constructor(address implementation_) {
        implementation = implementation_;
    }

    fallback() external payable {
        (bool ok,) = implementation.delegatecall(msg.data);
        require(ok, "proxy");
    }

    receive() external payable {}
}

/// Safe: a multicall into itself.
contract SelfMulticall {
    uint256 public value;

    function setValue(uint256 next) external {
        value = next;
    }

    function multicall(bytes[] calldata calls) external {
        for (uint256 i = 0; i < calls.length; i++) {
            (bool ok,) = address(this).delegatecall(calls[i]);
            require(ok, "call");
        }
    }
}

/// Safe: only modules the owner approved can run.
contract ApprovedModules {
    address public immutable owner = msg.sender;
    mapping(address => bool) public approved;

    function approve(address module) external {
        require(msg.sender == owner, "owner");
        approved[module] = true;
    }

    function runModule(address module, bytes calldata data) external {
        require(approved[module], "not approved");
        (bool ok,) = module.delegatecall(data);
        require(ok, "module");
    }
}

/// Safe: the implementation can be changed only by the owner.
contract OwnedProxy {
    address public implementation;
    address public immutable owner = msg.sender;

    function setImplementation(address next) external {
        require(msg.sender == owner, "owner");
        implementation = next;
    }

    fallback() external payable {
        (bool ok,) = implementation.delegatecall(msg.data);
        require(ok, "proxy");
    }

    receive() external payable {}
}
