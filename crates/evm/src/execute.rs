//! Executing one transaction (or call) against a [`State`].

use alloy_primitives::{Address, B256, Bytes, Log, TxKind, U256};
use revm::{
    Context, ExecuteEvm, InspectEvm, Inspector, MainBuilder, MainContext,
    context::{BlockEnv, CfgEnv, TxEnv, result::ExecutionResult},
    context_interface::{block::BlobExcessGasAndPrice, result::Output},
    database_interface::{Database, WrapDatabaseRef},
    handler::MainnetContext,
    primitives::hardfork::SpecId,
    state::EvmState,
};

use slipway_config::Hardfork;

use crate::{AccountDiff, State, StateDiff, spec_id};

/// Chain-wide execution settings.
#[derive(Clone, Debug)]
pub struct ChainEnv {
    /// EIP-155 chain id.
    pub chain_id: u64,
    /// EVM rules.
    pub hardfork: Hardfork,
    /// Lift the EIP-170 / EIP-3860 code size limits (tests do, as forge does).
    pub unlimited_code_size: bool,
    /// Lift the per-transaction gas cap of EIP-7825 (tests run with more gas
    /// than a real transaction may have).
    pub unlimited_tx_gas: bool,
    /// Transactions may pay less than the block's base fee (tests pay no
    /// gas, as forge's do, even on a fork whose block has a base fee).
    pub no_base_fee: bool,
}

/// The block a transaction executes in.
#[derive(Clone, Debug, Default)]
pub struct BlockContext {
    /// Block number.
    pub number: u64,
    /// Unix timestamp, seconds.
    pub timestamp: u64,
    /// Block gas limit.
    pub gas_limit: u64,
    /// EIP-1559 base fee per gas.
    pub base_fee: u64,
    /// Fee recipient.
    pub coinbase: Address,
    /// PREVRANDAO value.
    pub prevrandao: B256,
}

/// A transaction or call to execute.
#[derive(Clone, Debug, Default)]
pub struct TxInput {
    /// 0 legacy, 1 EIP-2930, 2 EIP-1559.
    pub tx_type: u8,
    /// Sender.
    pub from: Address,
    /// Recipient; `None` creates a contract.
    pub to: Option<Address>,
    /// Wei sent.
    pub value: U256,
    /// Call data or init code.
    pub data: Bytes,
    /// Gas limit.
    pub gas_limit: u64,
    /// Gas price (legacy) or max fee per gas (EIP-1559).
    pub gas_price: u128,
    /// Max priority fee per gas (EIP-1559).
    pub priority_fee: Option<u128>,
    /// Nonce; `None` skips the nonce check (calls).
    pub nonce: Option<u64>,
    /// EIP-2930 access list.
    pub access_list: Vec<(Address, Vec<B256>)>,
    /// EIP-7702 authorizations (type 4): each sets its signer's code to a
    /// delegation to the address it names.
    pub authorization_list: Vec<alloy_eips::eip7702::SignedAuthorization>,
}

/// How execution ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    /// Success.
    Success,
    /// REVERT: state rolled back, output holds the revert data.
    Revert,
    /// Exceptional halt (out of gas, invalid opcode, …).
    Halt(String),
}

/// The result of executing a transaction.
#[derive(Clone, Debug)]
pub struct Execution {
    /// How it ended.
    pub status: Status,
    /// Gas used, as a receipt reports it (refunds applied).
    pub gas_used: u64,
    /// Return data, revert data, or (for creations) the deployed code.
    pub output: Bytes,
    /// Logs emitted (empty unless successful).
    pub logs: Vec<Log>,
    /// The created contract, for creations that succeeded.
    pub created: Option<Address>,
    /// The state changes (already applied when committed).
    pub diff: StateDiff,
}

impl Execution {
    /// Whether execution succeeded.
    pub fn is_success(&self) -> bool {
        self.status == Status::Success
    }
}

/// Why a transaction could not execute at all (it is invalid, not failed).
#[derive(Debug, thiserror::Error)]
pub enum ExecError {
    /// The sender cannot pay gas × price + value: worded as geth words it,
    /// which ethers, viem and web3.py recognise.
    #[error(
        "insufficient funds for gas * price + value: address {address} have {have} want {want}"
    )]
    InsufficientFunds {
        /// The sender.
        address: Address,
        /// Its balance.
        have: U256,
        /// What the transaction may cost.
        want: U256,
    },
    /// The transaction breaks another validity rule (nonce, gas, fees).
    #[error("{0}")]
    Invalid(String),
}

impl ExecError {
    fn of<D: std::fmt::Display>(
        error: revm::context_interface::result::EVMError<D>,
        sender: Address,
    ) -> Self {
        use revm::context_interface::result::{EVMError, InvalidTransaction};
        match error {
            EVMError::Transaction(InvalidTransaction::LackOfFundForMaxFee { fee, balance }) => {
                Self::InsufficientFunds {
                    address: sender,
                    have: *balance,
                    want: *fee,
                }
            }
            other => Self::Invalid(other.to_string()),
        }
    }
}

type Ctx<'a> = MainnetContext<&'a mut crate::Db>;

fn tx_env(env: &ChainEnv, tx: &TxInput) -> TxEnv {
    let access_list: Vec<_> = tx
        .access_list
        .iter()
        .map(
            |(address, keys)| revm::context::transaction::AccessListItem {
                address: *address,
                storage_keys: keys.clone(),
            },
        )
        .collect();
    TxEnv {
        tx_type: tx.tx_type,
        caller: tx.from,
        gas_limit: tx.gas_limit,
        gas_price: tx.gas_price,
        gas_priority_fee: tx.priority_fee,
        kind: match tx.to {
            Some(to) => TxKind::Call(to),
            None => TxKind::Create,
        },
        value: tx.value,
        data: tx.data.clone(),
        nonce: tx.nonce.unwrap_or_default(),
        chain_id: Some(env.chain_id),
        access_list: access_list.into(),
        authorization_list: tx
            .authorization_list
            .iter()
            .cloned()
            .map(revm::context_interface::either::Either::Left)
            .collect(),
        ..Default::default()
    }
}

fn block_env(block: &BlockContext) -> BlockEnv {
    BlockEnv {
        number: U256::from(block.number),
        timestamp: U256::from(block.timestamp),
        gas_limit: block.gas_limit,
        basefee: block.base_fee,
        beneficiary: block.coinbase,
        prevrandao: Some(block.prevrandao),
        difficulty: U256::ZERO,
        // No blobs on the dev chain: the minimum blob fee.
        blob_excess_gas_and_price: Some(BlobExcessGasAndPrice::new(0, 3_338_477)),
        ..Default::default()
    }
}

/// A mainnet EVM context over `db` for `tx` in `block`.
fn context<DB: Database>(
    db: DB,
    env: &ChainEnv,
    block: &BlockContext,
    tx: &TxInput,
) -> MainnetContext<DB> {
    let mut cfg = CfgEnv::new_with_spec(spec_id(env.hardfork));
    cfg.chain_id = env.chain_id;
    cfg.disable_nonce_check = tx.nonce.is_none();
    if env.unlimited_code_size {
        cfg.limit_contract_code_size = Some(usize::MAX);
        cfg.limit_contract_initcode_size = Some(usize::MAX);
    }
    if env.unlimited_tx_gas {
        cfg.tx_gas_limit_cap = Some(u64::MAX);
    }
    cfg.disable_base_fee = env.no_base_fee;
    Context::mainnet()
        .with_db(db)
        .with_cfg(cfg)
        .with_block(block_env(block))
}

impl State {
    fn context(&mut self, env: &ChainEnv, block: &BlockContext, tx: &TxInput) -> Ctx<'_> {
        context(&mut self.db, env, block, tx)
    }

    /// Executes `tx` on a read-only view of the state, changing nothing
    /// and copying nothing: what `eth_call` and `eth_estimateGas` need.
    pub fn simulate(
        &self,
        env: &ChainEnv,
        block: &BlockContext,
        tx: &TxInput,
    ) -> Result<Execution, ExecError> {
        let spec = spec_id(env.hardfork);
        let mut evm = context(WrapDatabaseRef(&self.db), env, block, tx).build_mainnet();
        let result = evm
            .transact(tx_env(env, tx))
            .map_err(|e| ExecError::of(e, tx.from))?;
        Ok(outcome(result.result, diff_of(result.state, spec)))
    }

    /// Executes `tx`; with `commit` its changes are applied to the state.
    pub fn transact(
        &mut self,
        env: &ChainEnv,
        block: &BlockContext,
        tx: &TxInput,
        commit: bool,
    ) -> Result<Execution, ExecError> {
        let spec = spec_id(env.hardfork);
        let tx_env = tx_env(env, tx);
        let mut evm = self.context(env, block, tx).build_mainnet();
        let result = evm
            .transact(tx_env)
            .map_err(|e| ExecError::of(e, tx.from))?;
        drop(evm);
        self.finish(result.result, result.state, spec, commit)
    }

    /// Executes `tx` with an inspector watching.
    pub fn transact_with<I>(
        &mut self,
        env: &ChainEnv,
        block: &BlockContext,
        tx: &TxInput,
        commit: bool,
        inspector: &mut I,
    ) -> Result<Execution, ExecError>
    where
        I: for<'a> Inspector<Ctx<'a>>,
    {
        let spec = spec_id(env.hardfork);
        let tx_env = tx_env(env, tx);
        let mut evm = self
            .context(env, block, tx)
            .build_mainnet_with_inspector(inspector);
        let result = evm
            .inspect_tx(tx_env)
            .map_err(|e| ExecError::of(e, tx.from))?;
        drop(evm);
        self.finish(result.result, result.state, spec, commit)
    }

    /// Executes `tx` with an inspector watching, changing nothing: revm's
    /// own result and post-state, for the tracers.
    pub(crate) fn inspect<I>(
        &mut self,
        env: &ChainEnv,
        block: &BlockContext,
        tx: &TxInput,
        inspector: &mut I,
    ) -> Result<revm::context_interface::result::ResultAndState, ExecError>
    where
        I: for<'a> Inspector<Ctx<'a>>,
    {
        let tx_env = tx_env(env, tx);
        let mut evm = self
            .context(env, block, tx)
            .build_mainnet_with_inspector(inspector);
        evm.inspect_tx(tx_env)
            .map_err(|e| ExecError::of(e, tx.from))
    }

    /// The database underneath (the state before a transaction, for the
    /// prestate tracer).
    pub(crate) fn db(&self) -> &crate::Db {
        &self.db
    }

    fn finish(
        &mut self,
        result: ExecutionResult,
        state: EvmState,
        spec: SpecId,
        commit: bool,
    ) -> Result<Execution, ExecError> {
        let diff = diff_of(state, spec);
        if commit {
            self.apply(&diff);
        }
        Ok(outcome(result, diff))
    }
}

/// An [`Execution`] from revm's result and the diff it made.
fn outcome(result: ExecutionResult, diff: StateDiff) -> Execution {
    let gas_used = result.tx_gas_used();
    let (status, output, logs, created) = match result {
        ExecutionResult::Success { output, logs, .. } => match output {
            Output::Call(bytes) => (Status::Success, bytes, logs, None),
            Output::Create(bytes, address) => (Status::Success, bytes, logs, address),
        },
        ExecutionResult::Revert { output, .. } => (Status::Revert, output, Vec::new(), None),
        ExecutionResult::Halt { reason, .. } => (
            Status::Halt(format!("{reason:?}")),
            Bytes::new(),
            Vec::new(),
            None,
        ),
    };
    Execution {
        status,
        gas_used,
        output,
        logs,
        created,
        diff,
    }
}

/// The diff of revm's post-execution state: touched accounts only.
fn diff_of(state: EvmState, spec: SpecId) -> StateDiff {
    let mut diff = StateDiff::default();
    let clear_empty = spec.is_enabled_in(SpecId::SPURIOUS_DRAGON);
    for (address, account) in state {
        if !account.is_touched() {
            continue;
        }
        let gone = account.is_selfdestructed() || (clear_empty && account.is_empty());
        if gone {
            diff.accounts.insert(
                address,
                AccountDiff {
                    destroyed: true,
                    ..Default::default()
                },
            );
            continue;
        }
        let original = account.original_info();
        let code = (account.is_created() || account.info.code_hash != original.code_hash)
            .then(|| account.info.code.as_ref().map(|c| c.original_bytes()))
            .flatten();
        let storage = account
            .changed_storage_slots()
            .map(|(k, slot)| (*k, slot.present_value))
            .collect();
        diff.accounts.insert(
            address,
            AccountDiff {
                destroyed: false,
                balance: account.info.balance,
                nonce: account.info.nonce,
                code,
                storage,
            },
        );
    }
    diff
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::hex;

    fn env() -> ChainEnv {
        ChainEnv {
            chain_id: 1337,
            hardfork: Hardfork::Osaka,
            unlimited_code_size: false,
            unlimited_tx_gas: false,
            no_base_fee: false,
        }
    }

    fn block() -> BlockContext {
        BlockContext {
            number: 1,
            timestamp: 1_700_000_000,
            gas_limit: 30_000_000,
            base_fee: 7,
            ..Default::default()
        }
    }

    fn funded(address: Address) -> State {
        let mut state = State::new();
        state.apply(&state.balance_diff(address, U256::from(10u128.pow(18))));
        state
    }

    #[test]
    fn a_transfer_costs_21000_and_moves_value_and_fees() {
        let from = Address::repeat_byte(1);
        let to = Address::repeat_byte(2);
        let mut state = funded(from);
        let tx = TxInput {
            from,
            to: Some(to),
            value: U256::from(1000),
            gas_limit: 21_000,
            gas_price: 10,
            nonce: Some(0),
            ..Default::default()
        };
        let out = state.transact(&env(), &block(), &tx, true).expect("valid");
        assert!(out.is_success());
        assert_eq!(out.gas_used, 21_000);
        assert_eq!(state.account(to).balance, U256::from(1000));
        assert_eq!(
            state.account(from).balance,
            U256::from(10u128.pow(18) - 1000 - 21_000 * 10)
        );
        assert_eq!(state.account(from).nonce, 1);
    }

    #[test]
    fn creation_reverts_and_invalid_nonces() {
        let from = Address::repeat_byte(1);
        let mut state = funded(from);
        // init code: return runtime `60 2a 60 00 52 60 20 60 00 f3` (returns 42)
        let runtime = hex!("602a60005260206000f3");
        let mut init = hex!("69").to_vec();
        init.extend_from_slice(&runtime);
        init.extend_from_slice(&hex!("600052600a6016f3"));
        let create = TxInput {
            from,
            data: init.into(),
            gas_limit: 100_000,
            gas_price: 10,
            nonce: Some(0),
            ..Default::default()
        };
        let out = state
            .transact(&env(), &block(), &create, true)
            .expect("valid");
        assert!(out.is_success(), "{:?}", out.status);
        let created = out.created.expect("address");
        assert_eq!(created, from.create(0));
        assert_eq!(state.account(created).code.as_ref(), &runtime[..]);

        let call = TxInput {
            from,
            to: Some(created),
            gas_limit: 50_000,
            gas_price: 10,
            ..Default::default()
        };
        let out = state
            .transact(&env(), &block(), &call, false)
            .expect("call");
        assert_eq!(U256::from_be_slice(&out.output), U256::from(42));

        // runtime that reverts with 4 bytes 0xdeadbeef
        let reverter = Address::repeat_byte(9);
        state.apply(&state.code_diff(reverter, hex!("63deadbeef6000526004601cfd").into()));
        let tx = TxInput {
            from,
            to: Some(reverter),
            gas_limit: 50_000,
            gas_price: 10,
            nonce: Some(1),
            ..Default::default()
        };
        let out = state
            .transact(&env(), &block(), &tx, true)
            .expect("mined even if reverted");
        assert_eq!(out.status, Status::Revert);
        assert_eq!(out.output.as_ref(), &hex!("deadbeef"));
        assert_eq!(
            state.account(from).nonce,
            2,
            "a reverted transaction still uses its nonce"
        );

        let stale = TxInput {
            nonce: Some(0),
            ..tx
        };
        let err = state
            .transact(&env(), &block(), &stale, true)
            .expect_err("nonce too low");
        assert!(err.to_string().to_lowercase().contains("nonce"), "{err}");
    }
}
