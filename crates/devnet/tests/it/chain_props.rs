//! Random transaction sequences never panic the chain and conserve value:
//! the total of all balances only falls by the base fees burnt.

use alloy_consensus::{TxEip1559, TxEnvelope, TxLegacy};
use alloy_primitives::{Address, TxKind, U256};
use proptest::prelude::*;
use slipway_devnet::{Chain, GenesisSpec, PoolTx};
use slipway_keys::derive_accounts;

#[derive(Debug, Clone)]
enum Step {
    Send {
        from: usize,
        to: usize,
        value: u64,
        nonce_skew: i8,
        tip_gwei: u8,
        legacy: bool,
        gas: u64,
    },
    Mine,
    ToggleAutomine,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        6 => (0..4usize, 0..6usize, any::<u64>(), -1i8..=2, 0u8..5, any::<bool>(), prop_oneof![Just(21_000u64), Just(20_999), Just(100_000), Just(13_000_000)])
            .prop_map(|(from, to, value, nonce_skew, tip_gwei, legacy, gas)| Step::Send { from, to, value, nonce_skew, tip_gwei, legacy, gas }),
        2 => Just(Step::Mine),
        1 => Just(Step::ToggleAutomine),
    ]
}

/// One transfer to sign.
struct Transfer {
    from: usize,
    to: Address,
    value: u64,
    nonce: u64,
    tip: u128,
    legacy: bool,
    gas: u64,
}

fn signed(chain: &Chain, t: Transfer) -> PoolTx {
    let Transfer {
        from,
        to,
        value,
        nonce,
        tip,
        legacy,
        gas,
    } = t;
    let account = &chain.accounts()[from];
    let max_fee = 2 * u128::from(chain.next_base_fee()) + tip;
    let envelope: TxEnvelope = if legacy {
        let tx = TxLegacy {
            chain_id: Some(chain.chain_id()),
            nonce,
            gas_price: max_fee,
            gas_limit: gas,
            to: TxKind::Call(to),
            value: U256::from(value),
            input: Default::default(),
        };
        account.sign(tx).expect("sign")
    } else {
        let tx = TxEip1559 {
            chain_id: chain.chain_id(),
            nonce,
            gas_limit: gas,
            max_fee_per_gas: max_fee,
            max_priority_fee_per_gas: tip,
            to: TxKind::Call(to),
            value: U256::from(value),
            access_list: Default::default(),
            input: Default::default(),
        };
        account.sign(tx).expect("sign")
    };
    let hash = *envelope.tx_hash();
    PoolTx {
        envelope,
        sender: account.address,
        hash,
    }
}

/// Every block of `chain`, oldest first.
fn all_blocks(chain: &Chain) -> Vec<slipway_devnet::MinedBlock> {
    (0..chain.block_count())
        .map(|n| chain.block(n).expect("block").into_owned())
        .collect()
}

/// A transfer of `value` wei from the first account to 0xee…ee, at its
/// next nonce.
fn transfer_to_ee(chain: &Chain, value: u64) -> PoolTx {
    let nonce = chain.pending_nonce(chain.accounts()[0].address);
    signed(
        chain,
        Transfer {
            from: 0,
            to: Address::repeat_byte(0xee),
            value,
            nonce,
            tip: 1_000_000_000,
            legacy: false,
            gas: 21_000,
        },
    )
}

fn burnt(chain: &Chain) -> U256 {
    all_blocks(chain)
        .iter()
        .map(|b| {
            U256::from(b.header.base_fee_per_gas.unwrap_or_default())
                * U256::from(b.header.gas_used)
        })
        .fold(U256::ZERO, |a, b| a + b)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn value_is_conserved_minus_base_fees(steps in prop::collection::vec(step(), 1..40)) {
        let accounts = derive_accounts(slipway_config::DEV_MNEMONIC, 4).expect("accounts");
        let settings = slipway_config::DevnetSettings::default();
        let addresses: Vec<Address> = accounts.iter().map(|a| a.address).collect();
        let genesis = GenesisSpec::new(&settings, Default::default(), &addresses, 1_700_000_000);
        let mut chain = Chain::new(genesis, accounts);
        let initial = chain.state().total_balance();
        let mut recipients = addresses.clone();
        recipients.push(Address::repeat_byte(0xee));
        recipients.push(Address::ZERO);

        for step in steps {
            match step {
                Step::Send { from, to, value, nonce_skew, tip_gwei, legacy, gas } => {
                    let sender = chain.accounts()[from].address;
                    let nonce = chain.pending_nonce(sender).saturating_add_signed(i64::from(nonce_skew));
                    let tx = signed(&chain, Transfer { from, to: recipients[to], value, nonce, tip: u128::from(tip_gwei) * 1_000_000_000, legacy, gas });
                    // Refusals are fine; panics and lost value are not.
                    let _ = chain.submit(tx);
                }
                Step::Mine => { chain.mine_block(); }
                Step::ToggleAutomine => chain.automine = !chain.automine,
            }
            prop_assert_eq!(chain.state().total_balance() + burnt(&chain), initial);
        }
        // Blocks link up.
        for pair in all_blocks(&chain).windows(2) {
            prop_assert_eq!(pair[1].header.parent_hash, pair[0].hash);
            prop_assert_eq!(pair[1].header.number, pair[0].header.number + 1);
            prop_assert!(pair[1].header.gas_used <= pair[1].header.gas_limit);
        }
    }
}

/// Two chains made with the same settings at the same second are two
/// chains: records of one are never taken for the other's.
#[test]
fn chains_created_alike_have_different_genesis_hashes_that_survive_replay() {
    let accounts = derive_accounts(slipway_config::DEV_MNEMONIC, 2).expect("accounts");
    let settings = slipway_config::DevnetSettings::default();
    let addresses: Vec<Address> = accounts.iter().map(|a| a.address).collect();
    let make = || {
        let genesis = GenesisSpec::new(&settings, Default::default(), &addresses, 1_700_000_000);
        Chain::new(genesis, accounts.clone())
    };
    let (mut a, b) = (make(), make());
    let hash = |c: &Chain| c.block(0).expect("genesis").hash;
    assert_ne!(hash(&a), hash(&b));
    let records = a.take_unsaved();
    let replayed = Chain::replay(records.clone(), accounts.clone()).expect("replay");
    assert_eq!(hash(&replayed), hash(&a));
}

/// Records that do not make a chain are refused by kind: no genesis first,
/// a rewind that points forward.
#[test]
fn records_that_make_no_chain_are_refused_by_kind() {
    use slipway_devnet::{ChainRecord, DevnetError, Inconsistency};

    let accounts = derive_accounts(slipway_config::DEV_MNEMONIC, 1).expect("accounts");
    let settings = slipway_config::DevnetSettings::default();
    let addresses: Vec<Address> = accounts.iter().map(|a| a.address).collect();
    let genesis = GenesisSpec::new(&settings, Default::default(), &addresses, 1_700_000_000);
    let mut chain = Chain::new(genesis, accounts.clone());
    let mut records = chain.take_unsaved();

    let headless = Chain::replay(records[1..].to_vec(), accounts.clone()).err();
    assert!(
        matches!(
            headless,
            Some(DevnetError::Inconsistent {
                problem: Inconsistency::NoGenesis,
                ..
            })
        ),
        "{headless:?}"
    );
    records.push(ChainRecord::Rewind { to_record: 5 });
    let forward = Chain::replay(records.clone(), accounts).err();
    assert!(
        matches!(
            &forward,
            Some(DevnetError::Inconsistent {
                problem: Inconsistency::RewindForward { to: 5, .. },
                ..
            })
        ),
        "{forward:?}"
    );
    let text = forward.map(|e| e.to_string()).unwrap_or_default();
    assert!(text.contains("--fresh"), "{text}");
}

/// What a test run or a Hardhat fixture does to a chain's history.
#[derive(Debug, Clone)]
enum HistoryStep {
    Snapshot,
    /// Revert to the n-th oldest live snapshot (modulo how many there are).
    Revert(usize),
    Transfer(u64),
    Mine,
    /// Automine off (transfers wait in the pool) or back on.
    ToggleAutomine,
    /// Drop the n-th pooled transaction (modulo how many there are).
    Drop(usize),
}

fn history_step() -> impl Strategy<Value = HistoryStep> {
    prop_oneof![
        3 => Just(HistoryStep::Snapshot),
        3 => (0..8usize).prop_map(HistoryStep::Revert),
        4 => (1..1_000u64).prop_map(HistoryStep::Transfer),
        1 => Just(HistoryStep::Mine),
        1 => Just(HistoryStep::ToggleAutomine),
        1 => (0..8usize).prop_map(HistoryStep::Drop),
    ]
}

/// The hashes of every pooled transaction, sorted.
fn pooled(chain: &Chain) -> Vec<alloy_primitives::B256> {
    let (pending, queued) = chain.pool().content(|_| 0);
    let mut hashes: Vec<_> = pending.iter().chain(&queued).map(|t| t.hash).collect();
    hashes.sort();
    hashes
}

/// Plays `steps` on a new chain; the chain and every record it wrote.
fn play(steps: &[HistoryStep]) -> (Chain, Vec<slipway_devnet::ChainRecord>) {
    let accounts = derive_accounts(slipway_config::DEV_MNEMONIC, 2).expect("accounts");
    let settings = slipway_config::DevnetSettings::default();
    let addresses: Vec<Address> = accounts.iter().map(|a| a.address).collect();
    let genesis = GenesisSpec::new(&settings, Default::default(), &addresses, 1_700_000_000);
    let mut chain = Chain::new(genesis, accounts);
    let mut snapshots: Vec<u64> = Vec::new();
    for step in steps {
        match step {
            HistoryStep::Snapshot => snapshots.push(chain.snapshot().expect("snapshot")),
            HistoryStep::Revert(n) if !snapshots.is_empty() => {
                let at = n % snapshots.len();
                assert!(chain.revert(snapshots[at]));
                // Reverting uses up that snapshot and every later one.
                snapshots.truncate(at);
            }
            HistoryStep::Revert(_) => {}
            HistoryStep::Transfer(value) => {
                chain
                    .submit(transfer_to_ee(&chain, *value))
                    .expect("a valid transfer");
            }
            HistoryStep::Mine => {
                chain.mine_block();
            }
            HistoryStep::ToggleAutomine => chain.automine = !chain.automine,
            HistoryStep::Drop(n) => {
                let pool = pooled(&chain);
                if !pool.is_empty() {
                    assert!(chain.drop_transaction(&pool[n % pool.len()]));
                }
            }
        }
    }
    let records = chain.take_unsaved();
    (chain, records)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// A log full of snapshot/revert cycles replays to the very chain that
    /// wrote it, applying each record at most once (it replayed everything
    /// before each rewind again: exponential in the cycles) — its pool
    /// too: transactions waiting, dropped, or undone by a revert.
    #[test]
    fn replay_after_snapshots_and_reverts_is_the_chain_and_applies_each_record_once(
        steps in prop::collection::vec(history_step(), 0..60)
    ) {
        let (chain, records) = play(&steps);
        let accounts = chain.accounts().to_vec();
        let replayed = Chain::replay(records.clone(), accounts).expect("replay");
        prop_assert!(replayed.replayed_records() < records.len() as u64);
        prop_assert_eq!(replayed.head().hash, chain.head().hash);
        prop_assert_eq!(replayed.block_count(), chain.block_count());
        for n in 0..chain.block_count() {
            prop_assert_eq!(replayed.block_hash(n), chain.block_hash(n));
        }
        for who in [chain.accounts()[0].address, Address::repeat_byte(0xee)] {
            prop_assert_eq!(replayed.state().account(who), chain.state().account(who));
        }
        prop_assert_eq!(pooled(&replayed), pooled(&chain));
    }
}

/// 1,000 fixture-style cycles (snapshot, a transfer, revert) replay with
/// at most one application per record.
#[test]
fn a_thousand_snapshot_revert_cycles_replay_in_one_pass() {
    let cycle = [
        HistoryStep::Snapshot,
        HistoryStep::Transfer(1),
        HistoryStep::Revert(usize::MAX),
    ];
    let mut steps: Vec<HistoryStep> = (0..1_000).flat_map(|_| cycle.clone()).collect();
    steps.push(HistoryStep::Transfer(7));
    let (chain, records) = play(&steps);
    let replayed = Chain::replay(records.clone(), chain.accounts().to_vec()).expect("replay");
    assert_eq!(replayed.head().hash, chain.head().hash);
    assert_eq!(
        chain.head().header.number,
        1,
        "only the last transfer is live"
    );
    assert_eq!(
        replayed.replayed_records(),
        1,
        "the one live block, of {} records",
        records.len()
    );
}

/// A snapshot holds what changed after it, not a copy of the state: with
/// 2,000 storage slots set, a snapshot followed by one changed slot holds
/// two entries (the account and the slot), and reverting puts the slot
/// back — also through a newer snapshot taken in between.
#[test]
fn a_snapshot_costs_what_changed_since_not_the_state() {
    use alloy_primitives::U256;

    let accounts = derive_accounts(slipway_config::DEV_MNEMONIC, 1).expect("accounts");
    let settings = slipway_config::DevnetSettings::default();
    let addresses: Vec<Address> = accounts.iter().map(|a| a.address).collect();
    let genesis = GenesisSpec::new(&settings, Default::default(), &addresses, 1_700_000_000);
    let mut chain = Chain::new(genesis, accounts);
    let store = Address::repeat_byte(0x5a);
    for slot in 0..2_000u64 {
        let diff = chain
            .state()
            .storage_diff(store, U256::from(slot), U256::from(slot + 1));
        chain.edit(diff);
    }
    let first = chain.snapshot().expect("snapshot");
    assert_eq!(chain.snapshot_entries(), 0, "nothing changed yet");
    let diff = chain
        .state()
        .storage_diff(store, U256::from(7), U256::from(777));
    chain.edit(diff);
    assert_eq!(chain.snapshot_entries(), 2, "the account and one slot");

    let second = chain.snapshot().expect("snapshot");
    let diff = chain
        .state()
        .storage_diff(store, U256::from(8), U256::from(888));
    chain.edit(diff);
    assert_eq!(chain.snapshot_entries(), 4);
    assert!(chain.snapshot().expect("snapshot") > second);

    assert!(chain.revert(first), "through the newer snapshots");
    assert_eq!(chain.state().storage(store, U256::from(7)), U256::from(8));
    assert_eq!(chain.state().storage(store, U256::from(8)), U256::from(9));
    assert_eq!(chain.snapshot_entries(), 0, "all used up");
    assert!(
        !chain.revert(second),
        "used up by reverting to an older one"
    );
}

fn new_chain() -> Chain {
    let accounts = derive_accounts(slipway_config::DEV_MNEMONIC, 1).expect("accounts");
    let settings = slipway_config::DevnetSettings::default();
    let addresses: Vec<Address> = accounts.iter().map(|a| a.address).collect();
    let genesis = GenesisSpec::new(&settings, Default::default(), &addresses, 1_700_000_000);
    Chain::new(genesis, accounts)
}

/// `anvil_mine` of many blocks makes one small record, and a replay of it
/// builds the very same blocks, each header hashing to the hash served.
/// (10,000 here, for a debug build's speed; bench/devnet-growth.sh mines
/// 100,000 in a release build.)
#[test]
fn ten_thousand_empty_blocks_are_one_small_record_and_replay_alike() {
    let mut chain = new_chain();
    let mut records = chain.take_unsaved();
    chain.mine_blocks(10_000, 12).expect("mine");
    let mined = chain.take_unsaved();
    let bytes = serde_json::to_vec(&mined).expect("json").len();
    assert!(
        bytes < 1_000,
        "{} records, {bytes} bytes: {mined:?}",
        mined.len()
    );
    records.extend(mined);
    assert_eq!(chain.head().header.number, 10_000);
    let replayed = Chain::replay(records.clone(), chain.accounts().to_vec()).expect("replay");
    assert_eq!(replayed.head().hash, chain.head().hash);
    for n in [2, 77, 5_000, 9_999, 10_000] {
        let block = replayed.block(n).expect("block");
        assert_eq!(block.hash, block.header.hash_slow(), "block {n}");
        assert_eq!(Some(block.hash), chain.block_hash(n));
        let parent = replayed.block(n - 1).expect("parent");
        assert_eq!(block.header.parent_hash, parent.hash);
        assert_eq!(block.header.timestamp, parent.header.timestamp + 12);
        assert_eq!(block.header.state_root, parent.header.state_root);
    }
    assert_eq!(
        replayed
            .block_by_hash(chain.block_hash(5_000).expect("hash"))
            .map(|b| b.header.number),
        Some(5_000)
    );
}

/// Interval mining holds empty blocks back until a batch is full, and any
/// other record — a transaction — logs them first, in order.
#[test]
fn empty_interval_blocks_are_logged_by_the_batch_or_before_anything_else() {
    let mut chain = new_chain();
    let mut records = chain.take_unsaved();
    chain.automine = false;
    for _ in 0..59 {
        chain.mine_block();
        assert!(chain.take_unsaved_holding_empty(60).is_empty());
    }
    chain.mine_block();
    let batch = chain.take_unsaved_holding_empty(60);
    assert_eq!(batch.len(), 1, "one record for sixty blocks");
    records.extend(batch);
    chain.mine_block();
    chain.submit(transfer_to_ee(&chain, 1)).expect("submit");
    let held = chain.take_unsaved_holding_empty(60);
    assert!(
        matches!(
            held.as_slice(),
            [
                slipway_devnet::ChainRecord::EmptyBlocks(_),
                slipway_devnet::ChainRecord::Pending(_)
            ]
        ),
        "{held:?}"
    );
    records.extend(held);
    let replayed = Chain::replay(records.clone(), chain.accounts().to_vec()).expect("replay");
    assert_eq!(replayed.head().hash, chain.head().hash);
    assert_eq!(replayed.head().header.number, 61);
    assert_eq!(pooled(&replayed), pooled(&chain));
}

/// A snapshot costs what changes after it, in the pool as in the state: a
/// thousand snapshots of 2,000 pending transactions hold no copy of the
/// pool (each used to copy it: +5.6 MB a snapshot at 5,000), a revert
/// puts back exactly the pool of its snapshot, and live snapshots are
/// capped with a clear error.
#[test]
fn pool_snapshots_cost_what_changed_and_are_capped() {
    let mut chain = new_chain();
    chain.automine = false;
    let transfer = |nonce: u64, tip: u128| Transfer {
        from: 0,
        to: Address::repeat_byte(0x77),
        value: 1,
        nonce,
        tip,
        legacy: false,
        gas: 21_000,
    };
    for nonce in 0..2_000 {
        let tx = signed(&chain, transfer(nonce, 1_000_000_000));
        chain.submit(tx).expect("pooled");
    }
    let pool_of = |chain: &Chain| {
        let mut hashes: Vec<alloy_primitives::B256> = chain
            .pool()
            .content(|_| 0)
            .0
            .iter()
            .map(|t| t.hash)
            .collect();
        hashes.sort();
        hashes
    };
    let at_first = pool_of(&chain);
    let first = chain.snapshot().expect("snapshot");
    for _ in 0..999 {
        chain.snapshot().expect("snapshot");
    }
    assert_eq!(chain.snapshot_pool_changes(), 0, "no copy of the pool");

    // Changes after a snapshot cost one entry each: a replacement, a
    // removal by mining, a new transaction.
    let middle = chain.snapshot().expect("snapshot");
    let at_middle = pool_of(&chain);
    chain
        .submit(signed(&chain, transfer(0, 2_000_000_000)))
        .expect("a replacement at +100 %");
    chain.mine_block();
    assert!(chain.snapshot_pool_changes() > 0);
    assert!(
        chain.snapshot_pool_changes() < 2_100,
        "{} entries: what changed, not copies",
        chain.snapshot_pool_changes()
    );
    assert_ne!(pool_of(&chain), at_middle);
    assert!(chain.revert(middle));
    assert_eq!(pool_of(&chain), at_middle, "the middle snapshot's pool");
    assert!(chain.revert(first));
    assert_eq!(pool_of(&chain), at_first, "the first snapshot's pool");
    assert_eq!(chain.snapshot_pool_changes(), 0);

    for _ in 0..slipway_devnet::MAX_SNAPSHOTS {
        chain.snapshot().expect("within the cap");
    }
    let refused = chain.snapshot().expect_err("beyond the cap");
    assert!(refused.to_string().contains("evm_revert"), "{refused}");
}
