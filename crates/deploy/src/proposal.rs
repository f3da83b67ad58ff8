//! A Safe transaction waiting for its owners, as a file:
//! `deployments/<env>/proposals/<nonce>-<safeTxHash>.json`, holding the
//! SafeTx fields, the hash they give (checked on every read: a file whose
//! fields were edited is refused), a summary a person reads, and the
//! signatures collected so far (each checked against the hash and the
//! Safe's owners before it is added).

use std::path::{Path, PathBuf};

use alloy_primitives::{Address, B256, Bytes, U256};
use serde::{Deserialize, Serialize};
use slipway_chain::safe::{
    BatchCall, Operation, OwnerSignature, SafeState, SafeTx, SignatureError, pack,
};

/// A proposal file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Proposal {
    /// The Safe.
    pub safe: Address,
    /// Its chain.
    pub chain_id: u64,
    /// The transaction.
    pub tx: SafeTx,
    /// Its safeTxHash (EIP-712, domain: the chain and the Safe).
    pub safe_tx_hash: B256,
    /// What it does, one line per call, decoded with the ABIs.
    pub summary: Vec<String>,
    /// The owners' approvals so far.
    #[serde(default)]
    pub signatures: Vec<OwnerSignature>,
    /// The calls it makes (one, or a MultiSend batch's), checked on every
    /// read to be what `tx` does: `safe export` writes them.
    #[serde(default)]
    pub calls: Vec<ProposedCall>,
    /// `execTransaction` transactions sent for it, recorded before their
    /// confirmation is awaited: a rerun after a crash finds them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sent: Vec<B256>,
    /// Where it was executed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub executed: Option<Executed>,
}

/// One call of a proposal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProposedCall {
    /// Call, or delegatecall (only to the Safe version's CreateCall,
    /// inside a MultiSend batch).
    #[serde(default, skip_serializing_if = "is_call")]
    pub operation: Operation,
    /// The called contract.
    pub to: Address,
    /// Wei the Safe sends.
    pub value: U256,
    /// Calldata.
    pub data: Bytes,
    /// What it does, decoded with the ABIs.
    pub summary: String,
}

fn is_call(operation: &Operation) -> bool {
    *operation == Operation::Call
}

impl ProposedCall {
    /// A plain call.
    pub fn call(to: Address, value: U256, data: Bytes, summary: String) -> Self {
        Self {
            operation: Operation::Call,
            to,
            value,
            data,
            summary,
        }
    }

    /// This call as one call of a MultiSend batch.
    pub fn batched(&self) -> BatchCall {
        BatchCall {
            operation: self.operation,
            to: self.to,
            value: self.value,
            data: self.data.clone(),
        }
    }
}

/// The transaction that executed a proposal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Executed {
    /// The `execTransaction` transaction.
    pub tx_hash: B256,
    /// Its block.
    pub block: u64,
}

/// Why a proposal cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ProposalError {
    /// The file cannot be read or written.
    #[error("{}: {source}", .path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not a proposal.
    #[error("{} is not a proposal file: {reason}", .path.display())]
    Malformed {
        /// The file.
        path: PathBuf,
        /// What was wrong.
        reason: String,
    },
    /// Its fields hash to another safeTxHash than it records: edited.
    #[error(
        "{}: its fields hash to {computed}, but it records {recorded}: the file was changed after it was proposed; nothing is signed or sent",
        .path.display()
    )]
    Tampered {
        /// The file.
        path: PathBuf,
        /// The hash it records.
        recorded: B256,
        /// The hash its fields give.
        computed: B256,
    },
    /// A signature does not belong.
    #[error(transparent)]
    Signature(#[from] SignatureError),
    /// The signer is no owner of the Safe.
    #[error("{signer} is not an owner of the Safe {safe}: its owners are {}", .owners.iter().map(|o| o.to_string()).collect::<Vec<_>>().join(", "))]
    NotAnOwner {
        /// The signer.
        signer: Address,
        /// The Safe.
        safe: Address,
        /// Its owners.
        owners: Vec<Address>,
    },
    /// The Safe's nonce has moved past the proposal's.
    #[error(
        "the Safe's nonce is {current}, past this proposal's {nonce}: another transaction used it; this one can never be executed"
    )]
    NonceUsed {
        /// The proposal's nonce.
        nonce: U256,
        /// The Safe's nonce now.
        current: U256,
    },
    /// The proposal is for another Safe or chain than the state given.
    #[error("this proposal is for Safe {safe}, not {other}")]
    OtherSafe {
        /// The proposal's Safe.
        safe: Address,
        /// The Safe it was checked against.
        other: Address,
    },
}

impl Proposal {
    /// A new proposal of `tx` for `safe` on `chain_id`.
    pub fn new(safe: Address, chain_id: u64, tx: SafeTx, summary: Vec<String>) -> Self {
        let safe_tx_hash = tx.hash(chain_id, safe);
        Self {
            safe,
            chain_id,
            tx,
            safe_tx_hash,
            summary,
            signatures: Vec::new(),
            calls: Vec::new(),
            sent: Vec::new(),
            executed: None,
        }
    }

    /// Whether `calls` are what `tx` does: the one call itself, or the
    /// MultiSend batch packing them.
    fn calls_match(&self) -> bool {
        match self.calls.as_slice() {
            [] => true,
            [call] if self.tx.to == call.to => {
                call.operation == self.tx.operation
                    && call.value == self.tx.value
                    && call.data == self.tx.data
            }
            calls => {
                let packed = pack(&calls.iter().map(ProposedCall::batched).collect::<Vec<_>>());
                // multiSend(bytes): selector, offset, length, the bytes.
                self.tx.operation == Operation::DelegateCall
                    && self.tx.data.len() >= 68
                    && self.tx.data[68..].starts_with(&packed)
                    && U256::from_be_slice(&self.tx.data[36..68]) == U256::from(packed.len())
            }
        }
    }

    /// Its file name: `<nonce>-<safeTxHash>.json`.
    pub fn file_name(&self) -> String {
        format!("{}-{}.json", self.tx.nonce, self.safe_tx_hash)
    }

    /// Reads a proposal and checks its hash against its fields.
    pub fn load(path: &Path) -> Result<Self, ProposalError> {
        let text = std::fs::read_to_string(path).map_err(|source| ProposalError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let proposal: Self = serde_json::from_str(&text).map_err(|e| ProposalError::Malformed {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
        let computed = proposal.tx.hash(proposal.chain_id, proposal.safe);
        if computed != proposal.safe_tx_hash {
            return Err(ProposalError::Tampered {
                path: path.to_path_buf(),
                recorded: proposal.safe_tx_hash,
                computed,
            });
        }
        if !proposal.calls_match() {
            return Err(ProposalError::Malformed {
                path: path.to_path_buf(),
                reason: "its list of calls is not what its transaction does: the file was changed after it was proposed".into(),
            });
        }
        for signature in &proposal.signatures {
            signature.verify(computed)?;
        }
        Ok(proposal)
    }

    /// Writes it into `dir` (made if missing) under [`Proposal::file_name`],
    /// through a temporary file and a rename: a reader never sees half a
    /// file.
    pub fn save(&self, dir: &Path) -> Result<PathBuf, ProposalError> {
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| ProposalError::Io { path, source }
        };
        std::fs::create_dir_all(dir).map_err(io(dir))?;
        let path = dir.join(self.file_name());
        let partial = dir.join(format!(".{}.partial", self.file_name()));
        let text = serde_json::to_string_pretty(self).expect("a proposal serialises");
        std::fs::write(&partial, format!("{text}\n")).map_err(io(&partial))?;
        std::fs::rename(&partial, &path).map_err(io(&path))?;
        Ok(path)
    }

    /// Checks that the proposal can still be used with the Safe as `state`
    /// shows it: the same Safe, a nonce not yet passed.
    pub fn check_against(&self, state: &SafeState) -> Result<(), ProposalError> {
        if state.address != self.safe {
            return Err(ProposalError::OtherSafe {
                safe: self.safe,
                other: state.address,
            });
        }
        if state.nonce > self.tx.nonce {
            return Err(ProposalError::NonceUsed {
                nonce: self.tx.nonce,
                current: state.nonce,
            });
        }
        Ok(())
    }

    /// Adds an owner's signature after checking it: made by an owner of
    /// the Safe `state` shows, over this proposal's hash. A second
    /// signature by the same owner replaces the first.
    pub fn add_signature(
        &mut self,
        signature: OwnerSignature,
        state: &SafeState,
    ) -> Result<(), ProposalError> {
        self.check_against(state)?;
        if !state.is_owner(signature.owner) {
            return Err(ProposalError::NotAnOwner {
                signer: signature.owner,
                safe: self.safe,
                owners: state.owners.clone(),
            });
        }
        signature.verify(self.safe_tx_hash)?;
        self.signatures.retain(|s| s.owner != signature.owner);
        self.signatures.push(signature);
        Ok(())
    }

    /// The owners who still have to approve, given `approved` (owners who
    /// approved on chain or will execute themselves) beside the
    /// signatures: empty once the threshold is met.
    pub fn missing(&self, state: &SafeState, approved: &[Address]) -> usize {
        let mut approvers: Vec<Address> = self
            .signatures
            .iter()
            .map(|s| s.owner)
            .chain(approved.iter().copied())
            .filter(|o| state.is_owner(*o))
            .collect();
        approvers.sort();
        approvers.dedup();
        usize::try_from(state.threshold)
            .unwrap_or(usize::MAX)
            .saturating_sub(approvers.len())
    }
}

#[cfg(test)]
mod tests {
    use alloy_primitives::address;
    use alloy_signer::SignerSync;
    use slipway_chain::safe::SignatureKind;
    use slipway_config::DEV_MNEMONIC;
    use slipway_keys::derive_account;

    use super::*;

    const SAFE: Address = address!("00000000000000000000000000000000000005af");

    fn state(owners: &[Address], nonce: u64) -> SafeState {
        SafeState {
            address: SAFE,
            version: "1.5.0".into(),
            owners: owners.to_vec(),
            threshold: 2,
            nonce: U256::from(nonce),
            modules: Vec::new(),
            guard: None,
            fallback_handler: None,
            singleton: None,
        }
    }

    fn signed(index: u32, hash: B256) -> OwnerSignature {
        let account = derive_account(DEV_MNEMONIC, index).expect("dev account");
        OwnerSignature {
            owner: account.address,
            kind: SignatureKind::Typed,
            signature: Some(account.signer.sign_hash_sync(&hash).expect("sign")),
        }
    }

    fn proposal() -> Proposal {
        let tx = SafeTx {
            to: address!("00000000000000000000000000000000000c0ffe"),
            value: U256::from(1_000),
            nonce: U256::from(3),
            ..Default::default()
        };
        Proposal::new(SAFE, 1337, tx, vec!["send 1000 wei to 0x…c0ffe".into()])
    }

    fn owners() -> Vec<Address> {
        (3..6)
            .map(|i| derive_account(DEV_MNEMONIC, i).expect("dev").address)
            .collect()
    }

    #[test]
    fn a_proposal_round_trips_and_an_edited_field_is_refused() {
        let dir = tempfile::tempdir().expect("tmp");
        let mut proposal = proposal();
        let state = state(&owners(), 3);
        proposal
            .add_signature(signed(3, proposal.safe_tx_hash), &state)
            .expect("an owner's signature");
        let path = proposal.save(dir.path()).expect("save");
        assert!(
            path.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("3-0x"))
        );
        assert_eq!(Proposal::load(&path).expect("load"), proposal);
        assert_eq!(proposal.missing(&state, &[]), 1);
        assert_eq!(proposal.missing(&state, &[owners()[2]]), 0);

        // Raise the value in the file: its hash no longer matches.
        let text = std::fs::read_to_string(&path).expect("read");
        let edited = text.replace("\"0x3e8\"", "\"0x3e9\"");
        assert_ne!(edited, text, "the value is in the file as written");
        std::fs::write(&path, edited).expect("write");
        let refused = Proposal::load(&path).expect_err("tampered");
        assert!(
            matches!(refused, ProposalError::Tampered { .. }),
            "{refused}"
        );
    }

    #[test]
    fn a_stranger_a_signature_of_another_hash_and_a_used_nonce_are_refused() {
        let mut proposal = proposal();
        let state = state(&owners(), 3);
        let stranger = proposal
            .add_signature(signed(7, proposal.safe_tx_hash), &state)
            .expect_err("not an owner");
        assert!(
            matches!(stranger, ProposalError::NotAnOwner { .. }),
            "{stranger}"
        );
        let mut elsewhere = signed(4, B256::repeat_byte(1));
        elsewhere.owner = owners()[1];
        let wrong_hash = proposal
            .add_signature(elsewhere, &state)
            .expect_err("another hash");
        assert!(
            matches!(wrong_hash, ProposalError::Signature(_)),
            "{wrong_hash}"
        );
        let moved_on = state_with_nonce(5);
        let used = proposal
            .add_signature(signed(3, proposal.safe_tx_hash), &moved_on)
            .expect_err("nonce used");
        assert!(matches!(used, ProposalError::NonceUsed { .. }), "{used}");
        assert!(proposal.signatures.is_empty(), "nothing was added");
    }

    #[test]
    fn a_batch_lists_its_calls_and_a_list_that_differs_from_the_transaction_is_refused() {
        let calls: Vec<ProposedCall> = [1u64, 2]
            .iter()
            .map(|i| ProposedCall {
                operation: Operation::Call,
                to: Address::with_last_byte(*i as u8),
                value: U256::from(*i),
                data: Bytes::new(),
                summary: format!("pay {i} wei"),
            })
            .collect();
        let batching = slipway_chain::safe::Batching {
            version: "1.5.0".into(),
            multi_send: Address::with_last_byte(0xa1),
            multi_send_call_only: Address::with_last_byte(0xa2),
            create_call: Address::with_last_byte(0xa3),
        };
        let batched: Vec<BatchCall> = calls.iter().map(ProposedCall::batched).collect();
        let tx = SafeTx::batch(&batching, &batched, U256::from(3));
        let mut proposal = Proposal::new(SAFE, 1337, tx, vec!["two payments".into()]);
        proposal.calls = calls;
        let dir = tempfile::tempdir().expect("tmp");
        let path = proposal.save(dir.path()).expect("save");
        assert_eq!(
            Proposal::load(&path).expect("the calls are the batch's"),
            proposal
        );
        let exported = crate::safe::transaction_builder_json(&proposal, 1_700_000_000_000)
            .expect("calls only");
        assert_eq!(exported["chainId"], "1337");
        assert_eq!(exported["transactions"].as_array().map(Vec::len), Some(2));
        assert_eq!(exported["transactions"][1]["value"], "2");

        // Listing a payment of 9 wei where the batch pays 2 is refused.
        let mut shown_otherwise = proposal.clone();
        shown_otherwise.calls[1].value = U256::from(9);
        let edited_path = dir.path().join("edited.json");
        std::fs::write(
            &edited_path,
            serde_json::to_string(&shown_otherwise).expect("json"),
        )
        .expect("write");
        let refused = Proposal::load(&edited_path).expect_err("edited calls");
        assert!(
            refused
                .to_string()
                .contains("not what its transaction does"),
            "{refused}"
        );
    }

    fn state_with_nonce(nonce: u64) -> SafeState {
        state(&owners(), nonce)
    }
}
