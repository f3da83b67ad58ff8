//! Transactions in and blocks out: validation against the state and the
//! pool, block building and sealing, receipts.

use super::*;

/// The EVM input of a transaction.
pub(crate) fn tx_input(e: &TxEnvelope, sender: Address) -> TxInput {
    TxInput {
        tx_type: e.tx_type() as u8,
        from: sender,
        to: e.to(),
        value: e.value(),
        data: e.input().clone(),
        gas_limit: e.gas_limit(),
        gas_price: e.max_fee_per_gas(),
        priority_fee: e.max_priority_fee_per_gas(),
        nonce: Some(e.nonce()),
        access_list: e
            .access_list()
            .map(|l| {
                l.iter()
                    .map(|i| (i.address, i.storage_keys.clone()))
                    .collect()
            })
            .unwrap_or_default(),
        authorization_list: e
            .authorization_list()
            .map(<[_]>::to_vec)
            .unwrap_or_default(),
    }
}

pub(super) fn mined_tx(
    tx: PoolTx,
    outcome: &Execution,
    cumulative: u64,
    base_fee: u128,
) -> MinedTx {
    let e = &tx.envelope;
    let effective_gas_price = match e.max_priority_fee_per_gas() {
        Some(tip) => e.max_fee_per_gas().min(base_fee + tip),
        None => e.max_fee_per_gas(),
    };
    MinedTx {
        envelope: tx.envelope,
        sender: tx.sender,
        hash: tx.hash,
        success: outcome.is_success(),
        gas_used: outcome.gas_used,
        cumulative_gas_used: cumulative,
        effective_gas_price,
        logs: outcome.logs.clone(),
        contract_address: outcome.created,
        revert: (outcome.status == Status::Revert).then(|| outcome.output.clone()),
    }
}

/// The consensus receipt of a mined transaction.
pub(crate) fn receipt_envelope(tx: &MinedTx) -> ReceiptEnvelope {
    let receipt = Receipt {
        status: tx.success.into(),
        cumulative_gas_used: tx.cumulative_gas_used,
        logs: tx.logs.clone(),
    };
    let with_bloom = ReceiptWithBloom::new(receipt.clone(), logs_bloom(tx.logs.iter()));
    match tx.envelope.tx_type() {
        TxType::Legacy => ReceiptEnvelope::Legacy(with_bloom),
        TxType::Eip2930 => ReceiptEnvelope::Eip2930(with_bloom),
        TxType::Eip1559 => ReceiptEnvelope::Eip1559(with_bloom),
        TxType::Eip4844 => ReceiptEnvelope::Eip4844(with_bloom),
        TxType::Eip7702 => ReceiptEnvelope::Eip7702(with_bloom),
    }
}

/// Intrinsic gas of a transaction (EIP-2028 calldata, EIP-2930 lists,
/// EIP-3860 init code words).
pub(crate) fn intrinsic_gas(e: &TxEnvelope) -> u64 {
    let data = e.input();
    let zeros = data.iter().filter(|b| **b == 0).count() as u64;
    let nonzeros = data.len() as u64 - zeros;
    let mut gas = 21_000 + zeros * 4 + nonzeros * 16;
    if e.to().is_none() {
        gas += 32_000 + 2 * (data.len() as u64).div_ceil(32);
    }
    if let Some(list) = e.access_list() {
        for item in list.iter() {
            gas += 2_400 + 1_900 * item.storage_keys.len() as u64;
        }
    }
    // EIP-7702: each authorization is charged as for a new account.
    gas += 25_000 * e.authorization_list().map_or(0, <[_]>::len) as u64;
    gas
}

impl Chain {
    /// Appends a block whose changes the state already holds.
    pub(super) fn push_block(&mut self, block: MinedBlock) {
        self.index_block(&block);
        self.apply_live(ChainRecord::Block(Box::new(block)));
    }

    /// Indexes a block's transactions and makes it the head.
    pub(super) fn index_block(&mut self, block: &MinedBlock) {
        let number = block.header.number;
        for (index, tx) in block.transactions.iter().enumerate() {
            self.tx_index.insert(
                tx.hash,
                TxLocation {
                    block: number,
                    index,
                },
            );
            self.pool.remove(&tx.hash);
        }
        self.blocks.push_full(block.clone());
        self.head = block.clone();
        self.mined.push(number);
        self.clock.next = None;
        self.clock.next_base_fee = None;
        let state = &self.state;
        self.pool.prune(|a| state.account(a).nonce);
    }

    /// Validates and adds a transaction to the pool; mines it when
    /// automining. One left in the pool is recorded (`Pending`), so that
    /// it is durable once the node answers with its hash.
    pub fn submit(&mut self, tx: PoolTx) -> Result<B256> {
        self.validate(&tx)?;
        let hash = tx.hash;
        if self.tx_index.contains_key(&hash) {
            return Err(DevnetError::Rejected("already known".into()));
        }
        self.pool.add(tx.clone()).map_err(|e| {
            DevnetError::Rejected(match e {
                PoolError::AlreadyKnown => "already known".into(),
                PoolError::ReplacementUnderpriced => "replacement transaction underpriced".into(),
            })
        })?;
        if self.automine {
            self.mine_block();
        }
        if self.pool.get(&hash).is_some() {
            self.apply_live(ChainRecord::Pending(Box::new(tx)));
        }
        Ok(hash)
    }

    pub(super) fn validate(&self, tx: &PoolTx) -> Result<()> {
        let e = &tx.envelope;
        let reject = |m: String| Err(DevnetError::Rejected(m));
        if let Some(id) = e.chain_id()
            && id != self.chain_id()
        {
            return reject(format!(
                "invalid chain id: have {id}, want {}",
                self.chain_id()
            ));
        }
        if matches!(e.tx_type(), TxType::Eip4844) {
            return reject("blob transactions are not supported by the dev chain".into());
        }
        if matches!(e.tx_type(), TxType::Eip7702) {
            if self.hardfork() < Hardfork::Prague {
                return reject(format!(
                    "transaction type not supported: EIP-7702 transactions need the prague hardfork or later (this chain runs {})",
                    self.hardfork().as_str()
                ));
            }
            if e.authorization_list().is_none_or(<[_]>::is_empty) {
                return reject("EIP-7702 transaction with empty auth list".into());
            }
        }
        let account = self.state.account(tx.sender);
        if e.nonce() < account.nonce {
            return reject(format!(
                "nonce too low: address {}, tx: {} state: {}",
                tx.sender,
                e.nonce(),
                account.nonce
            ));
        }
        if e.gas_limit() > self.genesis.gas_limit {
            return reject(format!(
                "exceeds block gas limit: tx gas {} > block gas limit {}",
                e.gas_limit(),
                self.genesis.gas_limit
            ));
        }
        let intrinsic = intrinsic_gas(e);
        if e.gas_limit() < intrinsic {
            return reject(format!(
                "intrinsic gas too low: have {}, want {intrinsic}",
                e.gas_limit()
            ));
        }
        if let Some(tip) = e.max_priority_fee_per_gas()
            && tip > e.max_fee_per_gas()
        {
            return reject(format!(
                "max priority fee per gas higher than max fee per gas: address {}, maxPriorityFeePerGas: {tip}, maxFeePerGas: {}",
                tx.sender,
                e.max_fee_per_gas()
            ));
        }
        let base_fee = u128::from(self.next_base_fee());
        if e.max_fee_per_gas() < base_fee {
            return reject(format!(
                "transaction underpriced: max fee per gas less than block base fee: address {}, maxFeePerGas: {} baseFee: {base_fee}",
                tx.sender,
                e.max_fee_per_gas()
            ));
        }
        let cost = U256::from(e.gas_limit()) * U256::from(e.max_fee_per_gas()) + e.value();
        if account.balance < cost {
            return reject(format!(
                "insufficient funds for gas * price + value: address {} have {} want {cost}",
                tx.sender, account.balance
            ));
        }
        Ok(())
    }

    /// Mines one block with the ready transactions that fit. Transactions
    /// execute on the live state (no copy): each one's diff is applied as it
    /// completes, and an invalid one changes nothing.
    pub fn mine_block(&mut self) -> &MinedBlock {
        let context = self.next_block_context();
        let mut diff = StateDiff::default();
        let mut undo = StateDiff::default();
        let mut mined: Vec<MinedTx> = Vec::new();
        let mut gas_used = 0u64;
        let mut dropped = Vec::new();
        let ready = {
            let state = &self.state;
            self.pool.ready(|a| state.account(a).nonce)
        };
        let mut skipped_senders: HashSet<Address> = HashSet::new();
        for tx in ready {
            if skipped_senders.contains(&tx.sender) {
                continue;
            }
            if gas_used + tx.envelope.gas_limit() > context.gas_limit {
                skipped_senders.insert(tx.sender);
                continue;
            }
            let input = tx_input(&tx.envelope, tx.sender);
            let mut console = ConsoleCollector::default();
            let outcome = match self.state.transact_with(
                &self.env,
                &context,
                &input,
                false,
                &mut console,
            ) {
                Ok(o) => o,
                Err(e) => {
                    tracing::warn!(hash = %tx.hash, error = %e, "dropping a transaction that became invalid");
                    dropped.push(tx.hash);
                    skipped_senders.insert(tx.sender);
                    continue;
                }
            };
            record_undo(&self.state, &outcome.diff, &mut undo);
            self.change_state(&outcome.diff);
            diff.merge(outcome.diff.clone());
            gas_used += outcome.gas_used;
            let lines = console.lines();
            if !lines.is_empty() {
                self.console.push((tx.hash, lines));
            }
            mined.push(mined_tx(
                tx,
                &outcome,
                gas_used,
                u128::from(context.base_fee),
            ));
        }
        if mined.is_empty() && dropped.is_empty() {
            self.push_empty(context.timestamp, context.base_fee);
            self.unlogged_empty.push(context.timestamp);
            return &self.head;
        }
        if !dropped.is_empty() {
            for hash in &dropped {
                self.pool.remove(hash);
            }
            self.apply_live(ChainRecord::Dropped(dropped));
        }
        let block = self.seal(context, mined, gas_used, diff, undo);
        // The state already holds the block's changes.
        self.push_block(block);
        self.head()
    }

    pub(super) fn header_template(
        &self,
        parent: Option<&Header>,
        timestamp: u64,
        base_fee: u64,
    ) -> Header {
        let fork = self.genesis.hardfork;
        let number = parent.map_or(self.blocks.first(), |p| p.number + 1);
        Header {
            parent_hash: if self.blocks.len() == 0 {
                B256::ZERO
            } else {
                self.head.hash
            },
            ommers_hash: EMPTY_OMMER_ROOT_HASH,
            beneficiary: Address::ZERO,
            state_root: B256::ZERO,
            transactions_root: EMPTY_ROOT_HASH,
            receipts_root: EMPTY_ROOT_HASH,
            logs_bloom: Default::default(),
            difficulty: U256::ZERO,
            number,
            gas_limit: self.genesis.gas_limit,
            gas_used: 0,
            timestamp,
            extra_data: if parent.is_none() && !self.genesis.nonce.is_zero() {
                Bytes::copy_from_slice(self.genesis.nonce.as_slice())
            } else {
                Bytes::new()
            },
            mix_hash: keccak256(number.to_be_bytes()),
            nonce: Default::default(),
            base_fee_per_gas: (fork >= Hardfork::London).then_some(base_fee),
            withdrawals_root: (fork >= Hardfork::Shanghai).then_some(EMPTY_WITHDRAWALS),
            blob_gas_used: (fork >= Hardfork::Cancun).then_some(0),
            excess_blob_gas: (fork >= Hardfork::Cancun).then_some(0),
            parent_beacon_block_root: (fork >= Hardfork::Cancun).then_some(B256::ZERO),
            requests_hash: (fork >= Hardfork::Prague).then_some(EMPTY_REQUESTS_HASH),
            ..Default::default()
        }
    }

    pub(super) fn seal(
        &self,
        context: BlockContext,
        transactions: Vec<MinedTx>,
        gas_used: u64,
        diff: StateDiff,
        undo: StateDiff,
    ) -> MinedBlock {
        let parent = &self.head().header;
        let mut header = self.header_template(Some(parent), context.timestamp, context.base_fee);
        let envelopes: Vec<&TxEnvelope> = transactions.iter().map(|t| &t.envelope).collect();
        let receipts: Vec<ReceiptEnvelope> = transactions.iter().map(receipt_envelope).collect();
        header.transactions_root = proofs::calculate_transaction_root(&envelopes);
        header.receipts_root = proofs::calculate_receipt_root(&receipts);
        header.logs_bloom = logs_bloom(transactions.iter().flat_map(|t| t.logs.iter()));
        header.gas_used = gas_used;
        // Not a Merkle-Patricia root: a commitment chaining every block's changes.
        let encoded = serde_json::to_vec(&diff).unwrap_or_default();
        header.state_root =
            keccak256([parent.state_root.as_slice(), keccak256(&encoded).as_slice()].concat());
        let hash = header.hash_slow();
        MinedBlock {
            header,
            hash,
            transactions,
            diff,
            undo,
        }
    }

    /// Mines `blocks` blocks `interval` seconds apart, the first at the
    /// next timestamp (`anvil_mine`/`hardhat_mine`), then keeps the clock
    /// where they left it. The empty ones among them make one record.
    pub fn mine_blocks(&mut self, blocks: u64, interval: u64) -> Result<()> {
        let first = self.next_timestamp();
        let last = interval
            .checked_mul(blocks.saturating_sub(1))
            .and_then(|span| first.checked_add(span))
            .filter(|t| *t <= MAX_TIMESTAMP)
            .ok_or_else(|| {
                DevnetError::Rejected(format!(
                    "{blocks} blocks {interval} seconds apart would move the clock past {MAX_TIMESTAMP}"
                ))
            })?;
        for i in 0..blocks {
            self.clock.next = Some(first + interval * i);
            self.mine_block();
        }
        if blocks > 1 {
            // Later blocks follow on from the last one, as on anvil.
            let offset = last as i64 - now() as i64;
            if offset > self.clock.offset {
                self.apply(ChainRecord::Clock { offset, next: None }, true);
            }
        }
        Ok(())
    }

    /// Removes a pending transaction.
    pub fn drop_transaction(&mut self, hash: &B256) -> bool {
        let found = self.pool.remove(hash).is_some();
        if found {
            self.apply_live(ChainRecord::Dropped(vec![*hash]));
        }
        found
    }

    /// Removes all pending transactions.
    pub fn drop_all_transactions(&mut self) {
        let (pending, queued) = self.pool.content(|_| 0);
        let hashes: Vec<B256> = pending.iter().chain(&queued).map(|t| t.hash).collect();
        self.pool.clear();
        if !hashes.is_empty() {
            self.apply_live(ChainRecord::Dropped(hashes));
        }
    }
}
