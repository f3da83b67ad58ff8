// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

/// The owner sets the fee, but `setFeeFor` lets anyone set it too.
contract AccessAdminStateBad {
    address public owner = msg.sender;
    uint256 public fee;

    function setFee(uint256 next) external {
        require(msg.sender == owner, "not owner");
        fee = next;
    }

    function setFeeFor(uint256 next) external { // finding: access-admin-state
        fee = next;
    }
}

/// Safe: the public function writes only what no guarded function manages.
contract AccessAdminStateSafe {
    address public owner = msg.sender;
    uint256 public fee;
    mapping(address => uint256) public deposits;

    function setFee(uint256 next) external {
        require(msg.sender == owner, "not owner");
        fee = next;
    }

    function deposit() external payable {
        deposits[msg.sender] += msg.value;
    }

    function withdraw() external {
        require(msg.sender == owner, "not owner");
        payable(owner).transfer(address(this).balance);
    }
}
