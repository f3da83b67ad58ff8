// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

/// `ownerOf` answers a `bool`.
contract Erc721InterfaceBad {
    mapping(uint256 => address) internal owners;
    mapping(address => uint256) public balanceOf;

    function ownerOf(uint256 id) external view returns (bool) { // finding: erc721-interface
        return owners[id] != address(0);
    }

    function transferFrom(address from, address to, uint256 id) external {
        require(owners[id] == from && from == msg.sender, "not owner");
        owners[id] = to;
        balanceOf[from] -= 1;
        balanceOf[to] += 1;
    }
}

/// Safe: EIP-721's signatures.
contract Erc721InterfaceSafe {
    mapping(uint256 => address) internal owners;
    mapping(address => uint256) public balanceOf;

    function ownerOf(uint256 id) external view returns (address) {
        return owners[id];
    }

    function transferFrom(address from, address to, uint256 id) external {
        require(owners[id] == from && from == msg.sender, "not owner");
        owners[id] = to;
        balanceOf[from] -= 1;
        balanceOf[to] += 1;
    }
}
