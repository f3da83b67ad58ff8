// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

/// @title The bridge's types, events and errors
/// @notice Shared by the bridge, its tests and off-chain validators.
interface IBridge {
    /// The circuit breaker's levels, from open to closed.
    enum PauseLevel {
        NONE,
        DEPOSITS_PAUSED,
        RELEASES_PAUSED,
        ALL_PAUSED
    }

    /// A transfer from a source chain, as validators sign it (EIP-712).
    struct Message {
        uint256 sourceChainId;
        address sourceBridge;
        uint256 nonce;
        address sourceToken;
        address recipient;
        uint256 amount;
        uint256 destChainId;
    }

    /// Per-token settings, packed in two storage slots.
    struct TokenConfig {
        bool supported;
        uint16 feeBps;
        uint96 flatFee;
        uint128 maxPerTransfer;
        uint128 windowCap;
    }

    /// A deposit locked `amount` (after `fee`) for `recipient` on `destChainId`.
    event Deposited(
        bytes32 indexed messageHash,
        uint256 indexed nonce,
        address indexed token,
        address sender,
        address recipient,
        uint256 amount,
        uint256 fee,
        uint256 destChainId
    );
    /// `validator` attested `messageHash` (cached for an hour).
    event Attested(bytes32 indexed messageHash, address indexed validator);
    /// A message was paid out.
    event Released(bytes32 indexed messageHash, address indexed token, address indexed recipient, uint256 amount);
    /// A message of a batch was not released, and why (the revert data).
    event ReleaseFailed(bytes32 indexed messageHash, bytes reason);
    /// The automatic breaker stopped a release that would exceed the window cap.
    event BreakerTripped(address indexed token, uint256 attempted, uint256 releasedInWindow, uint256 cap);
    /// The pause level changed.
    event PauseLevelChanged(PauseLevel previous, PauseLevel current, address indexed by);
    /// The validator threshold changed.
    event ThresholdChanged(uint256 previous, uint256 current);
    /// Emergency mode began.
    event EmergencyActivated(address indexed by, uint256 recoverableAt);
    /// Emergency mode ended.
    event EmergencyDeactivated(address indexed by);
    /// Funds left through recovery.
    event FundsRecovered(address indexed token, address indexed to, uint256 amount);
    /// A new recovery address was proposed; it applies at `effectiveAt`.
    event RecoveryAddressProposed(address indexed recovery, uint256 effectiveAt);
    /// A pending recovery address change was cancelled by emergency mode.
    event RecoveryAddressChangeCancelled(address indexed recovery);
    /// Token settings changed.
    event TokenConfigured(address indexed token, TokenConfig config);
    /// A source chain's token maps to a local token.
    event TokenMapped(uint256 indexed sourceChainId, address indexed sourceToken, address indexed localToken);
    /// The bridge on another chain.
    event RemoteBridgeSet(uint256 indexed chainId, address bridge);
    /// Liquidity added or removed.
    event LiquidityChanged(address indexed token, int256 delta, address indexed by);
    /// Fees went to the treasury.
    event FeesWithdrawn(address indexed token, address indexed treasury, uint256 amount);
    /// The treasury changed.
    event TreasurySet(address indexed treasury);

    error ZeroAddress();
    error InvalidThreshold(uint256 threshold, uint256 validators);
    error PauseLevelNotHigher(PauseLevel current, PauseLevel requested);
    error PauseLevelNotLower(PauseLevel current, PauseLevel requested);
    error Paused(PauseLevel level);
    error EmergencyActive();
    error EmergencyNotActive();
    error RecoveryTooEarly(uint256 recoverableAt);
    error UnsupportedToken(address token);
    error AmountOverLimit(uint256 amount, uint256 limit);
    error AmountNotAboveFee(uint256 amount, uint256 fee);
    error InvalidDestination(uint256 chainId);
    error WrongDestination(uint256 destChainId);
    error UnknownSourceBridge(uint256 sourceChainId, address sourceBridge);
    error UnmappedToken(uint256 sourceChainId, address sourceToken);
    error AlreadyReleased(bytes32 messageHash);
    error NotValidator(address signer);
    error DuplicateSigner(address signer);
    error BatchTooLarge(uint256 size, uint256 max);
    error LengthMismatch();
    error InsufficientLiquidity(address token, uint256 requested, uint256 available);
    error FeeTooHigh(uint256 feeBps);
    error TransferFailed();
    error OnlySelf();
    error WrongValue(uint256 sent, uint256 expected);
}
