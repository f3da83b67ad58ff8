// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {AccessControlDefaultAdminRules} from
    "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";

import {IBridge} from "./IBridge.sol";

/// @title A validator-secured lock-and-release bridge
/// @notice Users deposit native ETH or a supported ERC-20 for a recipient on
/// another chain; validators sign the deposit's message (EIP-712, bound to
/// the destination chain and bridge); anyone submits the signatures on the
/// destination chain, which releases the funds once a threshold of distinct
/// validators has attested within the last hour. Protected by roles, a
/// gradual and automatic circuit breaker, per-token limits and emergency
/// mode with timelocked fund recovery. `docs/contracts.md` explains each
/// protection and the tests that prove it.
contract Bridge is IBridge, AccessControlDefaultAdminRules, EIP712, ReentrancyGuard {
    using SafeERC20 for IERC20;

    /// Sets limits, fees, token maps, remote bridges; manages liquidity and fees.
    bytes32 public constant OPERATOR_ROLE = keccak256("OPERATOR_ROLE");
    /// Signs messages.
    bytes32 public constant VALIDATOR_ROLE = keccak256("VALIDATOR_ROLE");
    /// May raise the pause level (never lower it).
    bytes32 public constant GUARDIAN_ROLE = keccak256("GUARDIAN_ROLE");

    /// How long a validator's attestation counts.
    uint256 public constant CACHE_LIFETIME = 1 hours;
    /// Emergency recovery and recovery-address changes wait this long.
    uint256 public constant TIMELOCK = 24 hours;
    /// The automatic breaker's window per token.
    uint256 public constant WINDOW = 24 hours;
    /// Most messages in one batch.
    uint256 public constant MAX_BATCH = 20;
    /// Native ETH's token address.
    address public constant NATIVE = address(0);

    bytes32 private constant MESSAGE_TYPEHASH = keccak256(
        "Message(uint256 sourceChainId,address sourceBridge,uint256 nonce,address sourceToken,address recipient,uint256 amount,uint256 destChainId)"
    );

    // Packed into one slot: the state every call checks.
    /// The circuit breaker's level.
    PauseLevel public pauseLevel;
    /// Whether emergency mode is active.
    bool public emergency;
    /// When emergency mode began (0: never, or ended).
    uint64 public emergencyActivatedAt;
    /// The last deposit's nonce.
    uint64 public depositNonce;
    /// Distinct fresh validator attestations a release needs.
    uint16 public threshold;
    /// Accounts holding VALIDATOR_ROLE.
    uint16 public validatorCount;

    // Packed: the recovery address and a pending change.
    address private _recovery;
    uint64 private _pendingRecoveryAt;
    address private _pendingRecovery;

    /// Where withdrawn fees go.
    address public treasury;

    /// Settings per local token (`NATIVE` for ETH).
    mapping(address token => TokenConfig) public tokenConfig;
    /// Local token for a source chain's token; `mapped` says it is set.
    mapping(uint256 sourceChainId => mapping(address sourceToken => address localToken)) public tokenMap;
    mapping(uint256 sourceChainId => mapping(address sourceToken => bool)) public tokenMapped;
    /// The bridge contract on each source chain.
    mapping(uint256 chainId => address bridge) public remoteBridge;
    /// Fees taken and not yet withdrawn, per token.
    mapping(address token => uint256) public feesAccrued;
    /// Liquidity operators added and not removed, per token.
    mapping(address token => uint256) public liquidity;
    /// Messages released (by EIP-712 digest).
    mapping(bytes32 digest => bool) public released;
    /// When each validator last attested each message.
    mapping(bytes32 digest => mapping(address validator => uint256)) public attestedAt;
    /// Validators that ever attested a message.
    mapping(bytes32 digest => address[]) private _attesters;
    /// Signatures already verified, by hash: their signer.
    mapping(bytes32 digest => mapping(bytes32 signatureHash => address)) private _verified;
    /// Per token: start of the breaker window and the amount released in it.
    mapping(address token => uint256) public windowStart;
    mapping(address token => uint256) public windowReleased;

    modifier whenOpen(PauseLevel blocking) {
        if (emergency) revert EmergencyActive();
        if (pauseLevel >= blocking) revert Paused(pauseLevel);
        _;
    }

    modifier notInEmergency() {
        if (emergency) revert EmergencyActive();
        _;
    }

    /// @param admin The DEFAULT_ADMIN_ROLE holder (two-step transfers after `adminDelay`).
    /// @param adminDelay Seconds an admin transfer waits (AccessControlDefaultAdminRules).
    /// @param validators The initial validators.
    /// @param threshold_ Distinct validators a release needs (1 ≤ threshold ≤ validators).
    /// @param recovery Where emergency recovery sends funds.
    /// @param treasury_ Where fees go.
    constructor(
        address admin,
        uint48 adminDelay,
        address[] memory validators,
        uint16 threshold_,
        address recovery,
        address treasury_
    ) AccessControlDefaultAdminRules(adminDelay, admin) EIP712("slipway Bridge", "1") {
        if (recovery == address(0) || treasury_ == address(0)) revert ZeroAddress();
        for (uint256 i; i < validators.length; ++i) {
            _grantRole(VALIDATOR_ROLE, validators[i]);
        }
        _setThreshold(threshold_);
        _recovery = recovery;
        treasury = treasury_;
    }

    // ------------------------------------------------------------------
    // Deposits
    // ------------------------------------------------------------------

    /// @notice Locks `msg.value` wei (less the fee) for `recipient` on `destChainId`.
    /// @return nonce The deposit's nonce.
    function depositETH(uint256 destChainId, address recipient)
        external
        payable
        nonReentrant
        returns (uint256 nonce)
    {
        return _deposit(NATIVE, msg.value, destChainId, recipient);
    }

    /// @notice Locks `amount` of `token` (less the fee) for `recipient` on
    /// `destChainId`; the amount is what the bridge actually received.
    /// @return nonce The deposit's nonce.
    function deposit(address token, uint256 amount, uint256 destChainId, address recipient)
        external
        nonReentrant
        returns (uint256 nonce)
    {
        if (token == NATIVE) revert UnsupportedToken(token);
        uint256 before = IERC20(token).balanceOf(address(this));
        IERC20(token).safeTransferFrom(msg.sender, address(this), amount);
        return _deposit(token, IERC20(token).balanceOf(address(this)) - before, destChainId, recipient);
    }

    function _deposit(address token, uint256 amount, uint256 destChainId, address recipient)
        private
        whenOpen(PauseLevel.DEPOSITS_PAUSED)
        returns (uint256 nonce)
    {
        TokenConfig memory config = tokenConfig[token];
        if (!config.supported) revert UnsupportedToken(token);
        if (destChainId == 0 || destChainId == block.chainid) revert InvalidDestination(destChainId);
        if (recipient == address(0)) revert ZeroAddress();
        if (amount > config.maxPerTransfer) revert AmountOverLimit(amount, config.maxPerTransfer);
        uint256 fee = uint256(config.flatFee) + amount * config.feeBps / 10_000;
        if (amount <= fee) revert AmountNotAboveFee(amount, fee);
        feesAccrued[token] += fee;
        nonce = ++depositNonce;
        Message memory message = Message({
            sourceChainId: block.chainid,
            sourceBridge: address(this),
            nonce: nonce,
            sourceToken: token,
            recipient: recipient,
            amount: amount - fee,
            destChainId: destChainId
        });
        emit Deposited(_structHash(message), nonce, token, msg.sender, recipient, amount - fee, fee, destChainId);
    }

    // ------------------------------------------------------------------
    // Releases
    // ------------------------------------------------------------------

    /// @notice The EIP-712 digest validators sign for `message` on this bridge.
    function messageDigest(Message calldata message) public view returns (bytes32) {
        return _hashTypedDataV4(_structHash(message));
    }

    /// @notice Validators with a fresh (≤ 1 hour old) attestation of `digest`.
    function freshAttestations(bytes32 digest) public view returns (uint256 count) {
        address[] storage attesters = _attesters[digest];
        for (uint256 i; i < attesters.length; ++i) {
            if (_fresh(digest, attesters[i])) ++count;
        }
    }

    /// @notice Records `signatures` for `message` and releases it once the
    /// threshold of distinct fresh validator attestations is met.
    /// @return done Whether the message was paid out (false: attestations
    /// recorded but not enough yet, or the automatic breaker tripped).
    function release(Message calldata message, bytes[] calldata signatures)
        external
        nonReentrant
        returns (bool done)
    {
        return _release(message, signatures);
    }

    /// @notice Releases up to 20 messages. A message that fails emits
    /// `ReleaseFailed` with the reason and the others go on, unless
    /// `revertOnFailure` is set, which reverts the whole batch with the reason.
    /// @return count Messages paid out.
    function releaseBatch(Message[] calldata messages, bytes[][] calldata signatures, bool revertOnFailure)
        external
        nonReentrant
        returns (uint256 count)
    {
        if (messages.length > MAX_BATCH) revert BatchTooLarge(messages.length, MAX_BATCH);
        if (messages.length != signatures.length) revert LengthMismatch();
        for (uint256 i; i < messages.length; ++i) {
            try this.releaseFromBatch(messages[i], signatures[i]) returns (bool done) {
                if (done) ++count;
            } catch (bytes memory reason) {
                if (revertOnFailure) {
                    assembly ("memory-safe") {
                        revert(add(reason, 32), mload(reason))
                    }
                }
                emit ReleaseFailed(_structHash(messages[i]), reason);
            }
        }
    }

    /// @notice One message of `releaseBatch`; callable only by the bridge itself.
    function releaseFromBatch(Message calldata message, bytes[] calldata signatures) external returns (bool) {
        if (msg.sender != address(this)) revert OnlySelf();
        return _release(message, signatures);
    }

    function _release(Message calldata message, bytes[] calldata signatures)
        private
        whenOpen(PauseLevel.RELEASES_PAUSED)
        returns (bool)
    {
        if (message.destChainId != block.chainid) revert WrongDestination(message.destChainId);
        address source = remoteBridge[message.sourceChainId];
        if (source == address(0) || source != message.sourceBridge) {
            revert UnknownSourceBridge(message.sourceChainId, message.sourceBridge);
        }
        bytes32 digest = messageDigest(message);
        if (released[digest]) revert AlreadyReleased(digest);
        _attest(digest, signatures);
        if (freshAttestations(digest) < threshold) return false;

        if (!tokenMapped[message.sourceChainId][message.sourceToken]) {
            revert UnmappedToken(message.sourceChainId, message.sourceToken);
        }
        address token = tokenMap[message.sourceChainId][message.sourceToken];
        TokenConfig memory config = tokenConfig[token];
        if (message.amount > config.maxPerTransfer) revert AmountOverLimit(message.amount, config.maxPerTransfer);
        uint256 available = _balance(token) - feesAccrued[token];
        if (message.amount > available) revert InsufficientLiquidity(token, message.amount, available);

        if (block.timestamp >= windowStart[token] + WINDOW) {
            windowStart[token] = block.timestamp;
            windowReleased[token] = 0;
        }
        uint256 inWindow = windowReleased[token];
        if (inWindow + message.amount > config.windowCap) {
            // Not paid: the breaker closes everything, and the transaction
            // succeeds so that the trip persists.
            _setPauseLevel(PauseLevel.ALL_PAUSED);
            emit BreakerTripped(token, message.amount, inWindow, config.windowCap);
            return false;
        }
        windowReleased[token] = inWindow + message.amount;
        released[digest] = true;
        _send(token, message.recipient, message.amount);
        emit Released(digest, token, message.recipient, message.amount);
        return true;
    }

    /// Verifies and caches each signature: a signature already verified for
    /// this message is not verified again while its attestation is fresh.
    function _attest(bytes32 digest, bytes[] calldata signatures) private {
        address[] memory seen = new address[](signatures.length);
        for (uint256 i; i < signatures.length; ++i) {
            bytes32 signatureHash = keccak256(signatures[i]);
            address signer = _verified[digest][signatureHash];
            if (signer == address(0) || !_fresh(digest, signer)) {
                signer = ECDSA.recover(digest, signatures[i]);
                if (!hasRole(VALIDATOR_ROLE, signer)) revert NotValidator(signer);
                _verified[digest][signatureHash] = signer;
                if (attestedAt[digest][signer] == 0) _attesters[digest].push(signer);
                attestedAt[digest][signer] = block.timestamp;
                emit Attested(digest, signer);
            }
            for (uint256 j; j < i; ++j) {
                if (seen[j] == signer) revert DuplicateSigner(signer);
            }
            seen[i] = signer;
        }
    }

    function _fresh(bytes32 digest, address validator) private view returns (bool) {
        uint256 at = attestedAt[digest][validator];
        return at != 0 && block.timestamp - at <= CACHE_LIFETIME && hasRole(VALIDATOR_ROLE, validator);
    }

    // ------------------------------------------------------------------
    // Circuit breaker
    // ------------------------------------------------------------------

    /// @notice Raises the pause level (guardians and the admin).
    function raisePauseLevel(PauseLevel level) external {
        if (!hasRole(GUARDIAN_ROLE, msg.sender) && msg.sender != defaultAdmin()) {
            revert AccessControlUnauthorizedAccount(msg.sender, GUARDIAN_ROLE);
        }
        if (level <= pauseLevel) revert PauseLevelNotHigher(pauseLevel, level);
        _setPauseLevel(level);
    }

    /// @notice Lowers the pause level (the admin only, outside emergency mode).
    function lowerPauseLevel(PauseLevel level) external onlyRole(DEFAULT_ADMIN_ROLE) notInEmergency {
        if (level >= pauseLevel) revert PauseLevelNotLower(pauseLevel, level);
        _setPauseLevel(level);
    }

    function _setPauseLevel(PauseLevel level) private {
        emit PauseLevelChanged(pauseLevel, level, msg.sender);
        pauseLevel = level;
    }

    // ------------------------------------------------------------------
    // Emergency mode and recovery
    // ------------------------------------------------------------------

    /// @notice Enters emergency mode: everything pauses; recovery opens 24 hours later.
    /// A recovery-address change not yet in effect is cancelled.
    function activateEmergency() external onlyRole(DEFAULT_ADMIN_ROLE) notInEmergency {
        emergency = true;
        emergencyActivatedAt = uint64(block.timestamp);
        if (_pendingRecovery != address(0) && block.timestamp < _pendingRecoveryAt) {
            emit RecoveryAddressChangeCancelled(_pendingRecovery);
            _pendingRecovery = address(0);
            _pendingRecoveryAt = 0;
        }
        if (pauseLevel != PauseLevel.ALL_PAUSED) _setPauseLevel(PauseLevel.ALL_PAUSED);
        emit EmergencyActivated(msg.sender, block.timestamp + TIMELOCK);
    }

    /// @notice Leaves emergency mode; the pause level stays until the admin lowers it.
    function deactivateEmergency() external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (!emergency) revert EmergencyNotActive();
        emergency = false;
        emergencyActivatedAt = 0;
        emit EmergencyDeactivated(msg.sender);
    }

    /// @notice Sends `amount` of `token` to the recovery address, 24 hours or
    /// more after emergency mode began.
    function recoverFunds(address token, uint256 amount) external onlyRole(DEFAULT_ADMIN_ROLE) nonReentrant {
        if (!emergency) revert EmergencyNotActive();
        uint256 recoverableAt = uint256(emergencyActivatedAt) + TIMELOCK;
        if (block.timestamp < recoverableAt) revert RecoveryTooEarly(recoverableAt);
        address to = recoveryAddress();
        _send(token, to, amount);
        emit FundsRecovered(token, to, amount);
    }

    /// @notice The address recovery sends funds to.
    function recoveryAddress() public view returns (address) {
        if (_pendingRecovery != address(0) && block.timestamp >= _pendingRecoveryAt) return _pendingRecovery;
        return _recovery;
    }

    /// @notice Proposes a new recovery address, in effect 24 hours later
    /// (not while emergency mode is active).
    function proposeRecoveryAddress(address recovery) external onlyRole(DEFAULT_ADMIN_ROLE) notInEmergency {
        if (recovery == address(0)) revert ZeroAddress();
        _recovery = recoveryAddress();
        _pendingRecovery = recovery;
        _pendingRecoveryAt = uint64(block.timestamp + TIMELOCK);
        emit RecoveryAddressProposed(recovery, block.timestamp + TIMELOCK);
    }

    // ------------------------------------------------------------------
    // Validators
    // ------------------------------------------------------------------

    /// @notice Sets how many distinct validators a release needs (1 to the validator count).
    function setThreshold(uint16 threshold_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setThreshold(threshold_);
    }

    function _setThreshold(uint16 threshold_) private {
        if (threshold_ == 0 || threshold_ > validatorCount) revert InvalidThreshold(threshold_, validatorCount);
        emit ThresholdChanged(threshold, threshold_);
        threshold = threshold_;
    }

    function _grantRole(bytes32 role, address account) internal override returns (bool granted) {
        granted = super._grantRole(role, account);
        if (granted && role == VALIDATOR_ROLE) ++validatorCount;
    }

    function _revokeRole(bytes32 role, address account) internal override returns (bool revoked) {
        revoked = super._revokeRole(role, account);
        if (revoked && role == VALIDATOR_ROLE) {
            if (validatorCount - 1 < threshold) revert InvalidThreshold(threshold, validatorCount - 1);
            --validatorCount;
        }
    }

    // ------------------------------------------------------------------
    // Operators: tokens, limits, fees, liquidity
    // ------------------------------------------------------------------

    /// @notice Sets a local token's limits and fee (`feeBps` at most 1,000 = 10 %).
    function configureToken(address token, TokenConfig calldata config) external onlyRole(OPERATOR_ROLE) {
        if (config.feeBps > 1_000) revert FeeTooHigh(config.feeBps);
        tokenConfig[token] = config;
        emit TokenConfigured(token, config);
    }

    /// @notice Maps a source chain's token to a local token.
    function mapToken(uint256 sourceChainId, address sourceToken, address localToken)
        external
        onlyRole(OPERATOR_ROLE)
    {
        tokenMap[sourceChainId][sourceToken] = localToken;
        tokenMapped[sourceChainId][sourceToken] = true;
        emit TokenMapped(sourceChainId, sourceToken, localToken);
    }

    /// @notice Names the bridge contract on `chainId`.
    function setRemoteBridge(uint256 chainId, address bridge) external onlyRole(OPERATOR_ROLE) {
        remoteBridge[chainId] = bridge;
        emit RemoteBridgeSet(chainId, bridge);
    }

    /// @notice Adds liquidity releases are paid from (ETH: send it as value).
    function addLiquidity(address token, uint256 amount)
        external
        payable
        onlyRole(OPERATOR_ROLE)
        notInEmergency
        nonReentrant
    {
        if (token == NATIVE) {
            if (msg.value != amount) revert WrongValue(msg.value, amount);
        } else {
            if (msg.value != 0) revert WrongValue(msg.value, 0);
            uint256 before = IERC20(token).balanceOf(address(this));
            IERC20(token).safeTransferFrom(msg.sender, address(this), amount);
            amount = IERC20(token).balanceOf(address(this)) - before;
        }
        liquidity[token] += amount;
        emit LiquidityChanged(token, int256(amount), msg.sender);
    }

    /// @notice Removes liquidity an operator added, to `to`.
    function removeLiquidity(address token, uint256 amount, address to)
        external
        onlyRole(OPERATOR_ROLE)
        notInEmergency
        nonReentrant
    {
        if (to == address(0)) revert ZeroAddress();
        uint256 available = liquidity[token];
        uint256 spendable = _balance(token) - feesAccrued[token];
        if (spendable < available) available = spendable;
        if (amount > available) revert InsufficientLiquidity(token, amount, available);
        liquidity[token] -= amount;
        _send(token, to, amount);
        emit LiquidityChanged(token, -int256(amount), msg.sender);
    }

    /// @notice Sends the fees taken in `token` to the treasury.
    function withdrawFees(address token) external onlyRole(OPERATOR_ROLE) notInEmergency nonReentrant {
        uint256 amount = feesAccrued[token];
        feesAccrued[token] = 0;
        _send(token, treasury, amount);
        emit FeesWithdrawn(token, treasury, amount);
    }

    /// @notice Sets the treasury (the admin).
    function setTreasury(address treasury_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (treasury_ == address(0)) revert ZeroAddress();
        treasury = treasury_;
        emit TreasurySet(treasury_);
    }

    // ------------------------------------------------------------------
    // Internals
    // ------------------------------------------------------------------

    function _structHash(Message memory message) private pure returns (bytes32) {
        return keccak256(
            abi.encode(
                MESSAGE_TYPEHASH,
                message.sourceChainId,
                message.sourceBridge,
                message.nonce,
                message.sourceToken,
                message.recipient,
                message.amount,
                message.destChainId
            )
        );
    }

    function _balance(address token) private view returns (uint256) {
        return token == NATIVE ? address(this).balance : IERC20(token).balanceOf(address(this));
    }

    function _send(address token, address to, uint256 amount) private {
        if (token == NATIVE) {
            (bool ok,) = to.call{value: amount}("");
            if (!ok) revert TransferFailed();
        } else {
            IERC20(token).safeTransfer(to, amount);
        }
    }
}
