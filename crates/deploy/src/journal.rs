//! The write-ahead journal, `deployments/<env>/<plan>.journal.jsonl`: one
//! JSON record a line, each flushed to disk before the action it announces
//! (a transaction is recorded with its signed bytes before it is sent).
//! Reading it back tells, step by step, what is done, what is in flight and
//! what was never started. A final line cut short by a crash is ignored:
//! what it announced had not happened yet.

use std::{collections::BTreeMap, path::Path};

use alloy_primitives::{Address, B256, Bytes, U256};
use serde::{Deserialize, Serialize};
use slipway_chain::{FeeQuote, SignedTx};
use slipway_log::{Format, Log, LogError, Owner, OwnerLock};

use crate::DeployError;

/// Test hook: the process aborts right after writing this many journal
/// records (to prove that a crash anywhere loses nothing).
pub const FAILPOINT_VAR: &str = "SLIPWAY_FAILPOINT_JOURNAL";

/// What a step sends, as the journal and the change check compare it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepInput {
    /// `deploy` or `call`.
    pub kind: String,
    /// The artifact deployed (`path:Name`) or the function called.
    pub what: String,
    /// keccak256 of the creation code as built (deploys).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bytecode_hash: Option<B256>,
    /// The contract called (calls).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<Address>,
    /// The arguments, as shown.
    pub args: Vec<String>,
    /// ABI-encoded arguments (constructor arguments for deploys).
    pub encoded_args: Bytes,
    /// Wei sent.
    pub value: U256,
    /// CREATE2 salt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub salt: Option<B256>,
    /// Linked libraries.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub libraries: BTreeMap<String, Address>,
    /// Where a deploy puts the contract.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
    /// An implementation's runtime code hash, metadata stripped: what
    /// decides whether it changed (a comment edit is no upgrade).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_hash: Option<B256>,
    /// OpenZeppelin's validation kinds waived for an implementation:
    /// recorded with what was sent, never a reason to send again.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unsafe_allow: Vec<String>,
}

/// One line of the journal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "record", rename_all = "snake_case")]
pub enum JournalRecord {
    /// The first line: which chain and who deploys.
    Begin {
        /// The plan.
        plan: String,
        /// The chain's id.
        chain_id: u64,
        /// Its genesis block hash.
        genesis: B256,
        /// The signer.
        deployer: Address,
    },
    /// A step's transaction, signed, about to be sent.
    Sent {
        /// The step.
        step: String,
        /// What it does.
        input: StepInput,
        /// The transaction.
        tx: SignedTx,
    },
    /// A replacement at the same nonce, about to be sent.
    Bumped {
        /// The step.
        step: String,
        /// Its hash.
        hash: B256,
        /// Its fees.
        fees: FeeQuote,
        /// Its signed bytes.
        raw: Bytes,
    },
    /// Included in a block (not yet final).
    Included {
        /// The step.
        step: String,
        /// The transaction.
        hash: B256,
        /// The block.
        block: u64,
    },
    /// Final.
    Confirmed {
        /// The step.
        step: String,
        /// The transaction.
        hash: B256,
        /// Its block.
        block: u64,
        /// Whether it succeeded.
        success: bool,
        /// Gas used.
        gas_used: u64,
    },
    /// A CREATE2 contract already on chain at its address: nothing sent.
    Found {
        /// The step.
        step: String,
        /// What it would have sent.
        input: StepInput,
    },
    /// Proposed to the environment's Safe, in the proposal with this
    /// safeTxHash: the owners sign and execute it.
    Proposed {
        /// The step.
        step: String,
        /// What the Safe is to do.
        input: StepInput,
        /// The proposal's safeTxHash.
        safe_tx_hash: B256,
    },
    /// The Safe executed the proposal that holds the step.
    Executed {
        /// The step.
        step: String,
        /// The `execTransaction` transaction.
        hash: B256,
        /// Its block.
        block: u64,
    },
}

impl JournalRecord {
    fn step(&self) -> Option<&str> {
        match self {
            JournalRecord::Begin { .. } => None,
            JournalRecord::Sent { step, .. }
            | JournalRecord::Bumped { step, .. }
            | JournalRecord::Included { step, .. }
            | JournalRecord::Confirmed { step, .. }
            | JournalRecord::Found { step, .. }
            | JournalRecord::Proposed { step, .. }
            | JournalRecord::Executed { step, .. } => Some(step),
        }
    }
}

/// Where a step stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepState {
    /// What it sent (or found).
    pub input: StepInput,
    /// Its transaction (none when found on chain).
    pub tx: Option<SignedTx>,
    /// Its block once included.
    pub block: Option<u64>,
    /// Final, with success and gas.
    pub confirmed: Option<(bool, u64)>,
    /// The hash that was included.
    pub included_hash: Option<B256>,
    /// The safeTxHash of the Safe proposal that holds it.
    pub proposal: Option<B256>,
}

impl StepState {
    /// A step just sent (`tx`), found on chain (neither), or proposed to a
    /// Safe (`proposal`).
    fn new(input: StepInput, tx: Option<SignedTx>, proposal: Option<B256>) -> Self {
        Self {
            input,
            tx,
            block: None,
            confirmed: None,
            included_hash: None,
            proposal,
        }
    }

    /// Final and successful (or found on chain; or executed by the Safe).
    pub fn done(&self) -> bool {
        if self.proposal.is_some() {
            return self.confirmed.is_some_and(|(ok, _)| ok);
        }
        self.tx.is_none() || self.confirmed.is_some_and(|(ok, _)| ok)
    }

    /// Proposed to the Safe and not executed yet.
    pub fn awaiting_safe(&self) -> Option<B256> {
        self.proposal.filter(|_| self.confirmed.is_none())
    }
}

/// A journal read back.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct JournalState {
    /// The first record's fields.
    pub begin: Option<(u64, B256, Address)>,
    /// Each step's latest attempt.
    pub steps: BTreeMap<String, StepState>,
    /// Records read.
    pub records: usize,
}

impl JournalState {
    /// Whether `record` may follow what was read so far: anything before
    /// the `begin` record, a second `begin`, or a step's bump, inclusion or
    /// confirmation before the record that sent it is out of order.
    /// Records are only ever appended in that order, so such a file was
    /// edited (reversed lines, for one).
    pub(crate) fn in_order(&self, record: &JournalRecord) -> Result<(), String> {
        let step = record.step();
        match (record, self.records) {
            (JournalRecord::Begin { .. }, 0) => {}
            (JournalRecord::Begin { .. }, _) => return Err("a second `begin` record".into()),
            (_, 0) => return Err("the first record is not the `begin` record".into()),
            (
                JournalRecord::Bumped { .. }
                | JournalRecord::Included { .. }
                | JournalRecord::Confirmed { .. },
                _,
            ) => {
                let id = step.unwrap_or_default();
                if self.steps.get(id).is_none_or(|s| s.tx.is_none()) {
                    return Err(format!(
                        "a record of step `{id}`'s transaction comes before the record that sent it"
                    ));
                }
            }
            (JournalRecord::Executed { .. }, _) => {
                let id = step.unwrap_or_default();
                if self.steps.get(id).is_none_or(|s| s.proposal.is_none()) {
                    return Err(format!(
                        "step `{id}` is recorded as executed by the Safe before it was proposed"
                    ));
                }
            }
            _ => {}
        }
        Ok(())
    }

    pub(crate) fn apply(&mut self, record: JournalRecord) {
        self.records += 1;
        let step = record.step().map(str::to_owned);
        match record {
            JournalRecord::Begin {
                chain_id,
                genesis,
                deployer,
                ..
            } => self.begin = Some((chain_id, genesis, deployer)),
            JournalRecord::Sent { input, tx, .. } => {
                self.steps.insert(
                    step.unwrap_or_default(),
                    StepState::new(input, Some(tx), None),
                );
            }
            JournalRecord::Found { input, .. } => {
                self.steps
                    .insert(step.unwrap_or_default(), StepState::new(input, None, None));
            }
            JournalRecord::Proposed {
                input,
                safe_tx_hash,
                ..
            } => {
                self.steps.insert(
                    step.unwrap_or_default(),
                    StepState::new(input, None, Some(safe_tx_hash)),
                );
            }
            JournalRecord::Executed { hash, block, .. } => {
                if let Some(s) = self.steps.get_mut(step.as_deref().unwrap_or_default()) {
                    s.block = Some(block);
                    s.included_hash = Some(hash);
                    s.confirmed = Some((true, 0));
                }
            }
            JournalRecord::Bumped {
                hash, fees, raw, ..
            } => {
                if let Some(tx) = self
                    .steps
                    .get_mut(step.as_deref().unwrap_or_default())
                    .and_then(|s| s.tx.as_mut())
                {
                    tx.hashes.push(hash);
                    tx.fees = fees;
                    tx.raw = raw;
                }
            }
            JournalRecord::Included { hash, block, .. } => {
                if let Some(s) = self.steps.get_mut(step.as_deref().unwrap_or_default()) {
                    s.block = Some(block);
                    s.included_hash = Some(hash);
                }
            }
            JournalRecord::Confirmed {
                hash,
                block,
                success,
                gas_used,
                ..
            } => {
                if let Some(s) = self.steps.get_mut(step.as_deref().unwrap_or_default()) {
                    s.block = Some(block);
                    s.included_hash = Some(hash);
                    s.confirmed = Some((success, gas_used));
                }
            }
        }
    }
}

/// The journal's file format: slipway-log's checksummed lines; journals
/// written before checksums (bare JSON lines) still read.
const FORMAT: Format = Format {
    what: "deploy journal",
    magic: None,
    legacy_json: true,
};

/// The lock that makes one `deploy` at a time write an environment's
/// journals.
pub const LOCK_FILE: &str = ".deploy.lock";

/// An open journal, appended to, with its environment's lock held.
#[derive(Debug)]
pub struct Journal {
    log: Log<JournalRecord>,
    _lock: OwnerLock,
    written: usize,
    failpoint: Option<usize>,
}

fn damaged(path: &Path, line: usize, reason: impl std::fmt::Display) -> DeployError {
    DeployError::journal(
        path,
        crate::error::JournalProblem::Damaged {
            line,
            reason: reason.to_string(),
        },
    )
}

/// A log error, worded for the journal at `path`.
fn log_error(path: &Path, error: LogError) -> DeployError {
    match error {
        LogError::Corrupt { line, reason, .. } => damaged(path, line, reason),
        LogError::Lost {
            committed,
            found,
            head,
            ..
        } => DeployError::journal(
            path,
            crate::error::JournalProblem::Lost {
                committed,
                found,
                head,
            },
        ),
        LogError::BadHead { path: head } => {
            DeployError::journal(path, crate::error::JournalProblem::BadHead(head))
        }
        other => DeployError::Log(other),
    }
}

impl Journal {
    /// Reads `path` (absent: empty).
    pub fn read(path: &Path) -> Result<JournalState, DeployError> {
        let records = Log::<JournalRecord>::read(path, &FORMAT).map_err(|e| log_error(path, e))?;
        let mut state = JournalState::default();
        for (i, record) in records.into_iter().enumerate() {
            state
                .in_order(&record)
                .map_err(|reason| damaged(path, FORMAT.line_of(i), reason))?;
            state.apply(record);
        }
        Ok(state)
    }

    /// Opens `path` for appending (creating it and its directory), first
    /// taking the lock of its environment — a second `deploy` on the same
    /// environment is refused, told which process holds it — then, with
    /// `reset`, setting the journal there aside
    /// (`<plan>.journal.jsonl.<unix time>.old`), then cutting off, in
    /// place, a final line a crash left incomplete.
    pub fn open(path: &Path, command: &str, reset: bool) -> Result<Self, DeployError> {
        let dir = path.parent().unwrap_or(Path::new("."));
        let lock = OwnerLock::acquire(&dir.join(LOCK_FILE), dir, &Owner::this_process(command))
            .map_err(|e| match e {
                LogError::Held { what, holder } => DeployError::InUse { dir: what, holder },
                other => DeployError::Log(other),
            })?;
        if reset {
            let stamp = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs());
            let aside = path.with_extension(format!("jsonl.{stamp}.old"));
            Log::<JournalRecord>::move_to(path, &aside).map_err(DeployError::Log)?;
        }
        let opened = Log::open(path, &FORMAT).map_err(|e| log_error(path, e))?;
        let failpoint = std::env::var(FAILPOINT_VAR)
            .ok()
            .and_then(|v| v.parse().ok());
        Ok(Self {
            log: opened.log,
            _lock: lock,
            written: 0,
            failpoint,
        })
    }

    /// Appends `record` and makes it durable before returning.
    pub fn append(&mut self, record: &JournalRecord) -> Result<(), DeployError> {
        self.log.append_durable(record).map_err(DeployError::Log)?;
        self.written += 1;
        if self.failpoint == Some(self.written) {
            // The test hook: die as a killed process would, mid-plan.
            std::process::abort();
        }
        Ok(())
    }

    /// The file.
    pub fn path(&self) -> &Path {
        self.log.path()
    }
}
