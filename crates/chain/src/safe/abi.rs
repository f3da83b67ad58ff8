//! The Safe functions slipway calls, as Solidity declares them.

alloy_sol_types::sol! {
    interface ISafe {
        function VERSION() external view returns (string memory);
        function getOwners() external view returns (address[] memory);
        function getThreshold() external view returns (uint256);
        function nonce() external view returns (uint256);
        function getModulesPaginated(address start, uint256 pageSize)
            external view returns (address[] memory array, address next);
        function getStorageAt(uint256 offset, uint256 length) external view returns (bytes memory);
        function getTransactionHash(
            address to, uint256 value, bytes calldata data, uint8 operation,
            uint256 safeTxGas, uint256 baseGas, uint256 gasPrice, address gasToken,
            address refundReceiver, uint256 _nonce
        ) external view returns (bytes32);
        function approvedHashes(address owner, bytes32 hash) external view returns (uint256);
        function approveHash(bytes32 hashToApprove) external;
        function addOwnerWithThreshold(address owner, uint256 _threshold) external;
        function removeOwner(address prevOwner, address owner, uint256 _threshold) external;
        function swapOwner(address prevOwner, address oldOwner, address newOwner) external;
        function changeThreshold(uint256 _threshold) external;
        function execTransaction(
            address to, uint256 value, bytes calldata data, uint8 operation,
            uint256 safeTxGas, uint256 baseGas, uint256 gasPrice, address gasToken,
            address refundReceiver, bytes memory signatures
        ) external payable returns (bool success);
        function setup(
            address[] calldata _owners, uint256 _threshold, address to, bytes calldata data,
            address fallbackHandler, address paymentToken, uint256 payment,
            address paymentReceiver
        ) external;
    }

    interface ISafeProxyFactory {
        function createProxyWithNonce(address _singleton, bytes memory initializer, uint256 saltNonce)
            external returns (address proxy);
        function proxyCreationCode() external pure returns (bytes memory);
    }
}
