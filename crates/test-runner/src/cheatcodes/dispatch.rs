//! The cheatcodes themselves: a call to the forge-std `Vm` address decoded
//! by its selector and answered (or refused, naming the selector).

use super::*;

impl TestInspector<'_> {
    /// Runs one cheatcode; `Err` is the revert message.
    pub(super) fn cheat(
        &mut self,
        ctx: &mut TestContext<'_>,
        data: &[u8],
    ) -> Result<Bytes, String> {
        use Vm::VmCalls as C;
        let call = match C::abi_decode(data) {
            Ok(call) => call,
            Err(_) => {
                return self
                    .by_signature(ctx, data)
                    .unwrap_or_else(|| Err(super::catalog::refused(data)));
            }
        };
        let db_error = |e: slipway_evm::RemoteError| e.to_string();
        let depth = ctx.journaled_state.depth();
        Ok(match call {
            C::warp(c) => {
                ctx.block.timestamp = c.newTimestamp;
                Bytes::new()
            }
            C::roll(c) => {
                ctx.block.number = c.newHeight;
                Bytes::new()
            }
            C::fee(c) => {
                ctx.block.basefee = u64::try_from(c.newBasefee)
                    .map_err(|_| "vm.fee: base fee above 2^64".to_owned())?;
                Bytes::new()
            }
            C::chainId(c) => {
                ctx.cfg.chain_id = u64::try_from(c.newChainId)
                    .map_err(|_| "vm.chainId: id above 2^64".to_owned())?;
                Bytes::new()
            }
            C::deal(c) => {
                let mut account = ctx
                    .journaled_state
                    .load_account_mut(c.account)
                    .map_err(db_error)?;
                account.data.set_balance(c.newBalance);
                Bytes::new()
            }
            C::etch(c) => {
                ctx.journaled_state
                    .load_account(c.target)
                    .map_err(db_error)?;
                ctx.journaled_state
                    .set_code(c.target, Bytecode::new_raw(c.newRuntimeBytecode));
                Bytes::new()
            }
            C::store(c) => {
                if c.target == CHEATCODE_ADDRESS && c.slot == DS_FAILED_SLOT && !c.value.is_zero() {
                    self.ds_failed = true;
                }
                ctx.journaled_state
                    .load_account(c.target)
                    .map_err(db_error)?;
                ctx.journaled_state
                    .sstore(c.target, c.slot.into(), c.value.into())
                    .map_err(db_error)?;
                Bytes::new()
            }
            C::load(c) => {
                ctx.journaled_state
                    .load_account(c.target)
                    .map_err(db_error)?;
                let value: U256 = ctx
                    .journaled_state
                    .sload(c.target, c.slot.into())
                    .map_err(db_error)?
                    .data;
                Vm::loadCall::abi_encode_returns(&B256::from(value)).into()
            }
            C::getNonce(c) => {
                let account = ctx
                    .journaled_state
                    .load_account(c.account)
                    .map_err(db_error)?;
                Vm::getNonceCall::abi_encode_returns(&account.data.info.nonce).into()
            }
            C::setNonce(c) => {
                let mut account = ctx
                    .journaled_state
                    .load_account_mut(c.account)
                    .map_err(db_error)?;
                account.data.set_nonce(c.newNonce);
                Bytes::new()
            }
            C::prank_0(c) => self.start_prank(depth, c.msgSender, None, true)?,
            C::prank_1(c) => self.start_prank(depth, c.msgSender, Some(c.txOrigin), true)?,
            C::startPrank_0(c) => self.start_prank(depth, c.msgSender, None, false)?,
            C::startPrank_1(c) => self.start_prank(depth, c.msgSender, Some(c.txOrigin), false)?,
            C::stopPrank(_) => {
                self.prank = None;
                Bytes::new()
            }
            C::expectRevert_0(_) => self.expect_revert(depth, RevertData::Any, None, 1)?,
            C::expectRevert_1(c) => {
                self.expect_revert(depth, RevertData::Selector(c.revertData.0), None, 1)?
            }
            C::expectRevert_2(c) => {
                self.expect_revert(depth, RevertData::Data(c.revertData), None, 1)?
            }
            C::expectRevert_3(c) => {
                self.expect_revert(depth, RevertData::Any, Some(c.reverter), 1)?
            }
            C::expectRevert_4(c) => self.expect_revert(
                depth,
                RevertData::Selector(c.revertData.0),
                Some(c.reverter),
                1,
            )?,
            C::expectRevert_5(c) => {
                self.expect_revert(depth, RevertData::Data(c.revertData), Some(c.reverter), 1)?
            }
            C::expectRevert_6(c) => self.expect_revert(depth, RevertData::Any, None, c.count)?,
            C::expectRevert_7(c) => {
                self.expect_revert(depth, RevertData::Selector(c.revertData.0), None, c.count)?
            }
            C::expectRevert_8(c) => {
                self.expect_revert(depth, RevertData::Data(c.revertData), None, c.count)?
            }
            C::expectRevert_9(c) => {
                self.expect_revert(depth, RevertData::Any, Some(c.reverter), c.count)?
            }
            C::expectRevert_10(c) => self.expect_revert(
                depth,
                RevertData::Selector(c.revertData.0),
                Some(c.reverter),
                c.count,
            )?,
            C::expectRevert_11(c) => self.expect_revert(
                depth,
                RevertData::Data(c.revertData),
                Some(c.reverter),
                c.count,
            )?,
            C::expectPartialRevert_0(c) => {
                self.expect_revert(depth, RevertData::Partial(c.revertData.0), None, 1)?
            }
            C::expectPartialRevert_1(c) => self.expect_revert(
                depth,
                RevertData::Partial(c.revertData.0),
                Some(c.reverter),
                1,
            )?,
            C::txGasPrice(c) => {
                ctx.tx.gas_price = u128::try_from(c.newGasPrice)
                    .map_err(|_| "vm.txGasPrice: price above 2^128".to_owned())?;
                Bytes::new()
            }
            C::prevrandao_0(c) => {
                ctx.block.prevrandao = Some(c.newPrevrandao);
                Bytes::new()
            }
            C::prevrandao_1(c) => {
                ctx.block.prevrandao = Some(c.newPrevrandao.into());
                Bytes::new()
            }
            C::blobBaseFee(c) => {
                let price = u128::try_from(c.newBlobBaseFee)
                    .map_err(|_| "vm.blobBaseFee: fee above 2^128".to_owned())?;
                ctx.block.blob_excess_gas_and_price =
                    Some(revm::context_interface::block::BlobExcessGasAndPrice {
                        excess_blob_gas: 0,
                        blob_gasprice: price,
                    });
                Bytes::new()
            }
            C::getBlockNumber(_) => {
                Vm::getBlockNumberCall::abi_encode_returns(&ctx.block.number).into()
            }
            C::getBlockTimestamp(_) => {
                Vm::getBlockTimestampCall::abi_encode_returns(&ctx.block.timestamp).into()
            }
            C::record(_) => {
                self.accesses = Some(HashMap::new());
                Bytes::new()
            }
            C::accesses(c) => {
                let (reads, writes) = self
                    .accesses
                    .as_ref()
                    .and_then(|a| a.get(&c.target))
                    .cloned()
                    .unwrap_or_default();
                Vm::accessesCall::abi_encode_returns(&Vm::accessesReturn {
                    readSlots: reads,
                    writeSlots: writes,
                })
                .into()
            }
            C::getCode(c) => Vm::getCodeCall::abi_encode_returns(&self.host.code(
                &c.artifactPath,
                false,
                "vm.getCode",
            )?)
            .into(),
            C::getDeployedCode(c) => Vm::getDeployedCodeCall::abi_encode_returns(&self.host.code(
                &c.artifactPath,
                true,
                "vm.getDeployedCode",
            )?)
            .into(),
            C::projectRoot(_) => string_result(self.host.root().to_string_lossy().into_owned()),
            C::exists(c) => Vm::existsCall::abi_encode_returns(
                &self.host.path(&c.path, false, "vm.exists")?.exists(),
            )
            .into(),
            C::isFile(c) => Vm::isFileCall::abi_encode_returns(
                &self.host.path(&c.path, false, "vm.isFile")?.is_file(),
            )
            .into(),
            C::isDir(c) => Vm::isDirCall::abi_encode_returns(
                &self.host.path(&c.path, false, "vm.isDir")?.is_dir(),
            )
            .into(),
            C::readFile(c) => {
                let path = self.host.path(&c.path, false, "vm.readFile")?;
                string_result(
                    std::fs::read_to_string(&path)
                        .map_err(|e| format!("vm.readFile: cannot read {}: {e}", c.path))?,
                )
            }
            C::readFileBinary(c) => {
                let path = self.host.path(&c.path, false, "vm.readFileBinary")?;
                let data = std::fs::read(&path)
                    .map_err(|e| format!("vm.readFileBinary: cannot read {}: {e}", c.path))?;
                Vm::readFileBinaryCall::abi_encode_returns(&Bytes::from(data)).into()
            }
            C::readLine(c) => {
                let path = self.host.path(&c.path, false, "vm.readLine")?;
                string_result(self.lines.next(&path)?)
            }
            C::writeFile(c) => {
                let path = self.host.path(&c.path, true, "vm.writeFile")?;
                write_file(&path, c.data.as_bytes(), false, "vm.writeFile")?
            }
            C::writeFileBinary(c) => {
                let path = self.host.path(&c.path, true, "vm.writeFileBinary")?;
                write_file(&path, &c.data, false, "vm.writeFileBinary")?
            }
            C::writeLine(c) => {
                let path = self.host.path(&c.path, true, "vm.writeLine")?;
                write_file(
                    &path,
                    format!("{}\n", c.data).as_bytes(),
                    true,
                    "vm.writeLine",
                )?
            }
            C::closeFile(c) => {
                let path = self.host.path(&c.path, false, "vm.closeFile")?;
                self.lines.close(&path);
                Bytes::new()
            }
            C::removeFile(c) => {
                let path = self.host.path(&c.path, true, "vm.removeFile")?;
                std::fs::remove_file(&path)
                    .map_err(|e| format!("vm.removeFile: cannot remove {}: {e}", c.path))?;
                Bytes::new()
            }
            C::ffi(c) => Vm::ffiCall::abi_encode_returns(&self.host.ffi(&c.commandInput)?).into(),
            C::keyExistsJson(c) => Vm::keyExistsJsonCall::abi_encode_returns(&json::exists(
                &c.json,
                &c.key,
                "vm.keyExistsJson",
            )?)
            .into(),
            C::parseJsonUint(c) => {
                let cheat = "vm.parseJsonUint";
                let value = json::read(&c.json, &c.key, cheat, json::as_uint)?;
                Vm::parseJsonUintCall::abi_encode_returns(&value).into()
            }
            C::parseJsonUintArray(c) => {
                let cheat = "vm.parseJsonUintArray";
                let values = json::array(&c.json, &c.key, cheat, |v| json::as_uint(v, cheat))?;
                Vm::parseJsonUintArrayCall::abi_encode_returns(&values).into()
            }
            C::parseJsonInt(c) => {
                let cheat = "vm.parseJsonInt";
                let value = json::read(&c.json, &c.key, cheat, json::as_int)?;
                Vm::parseJsonIntCall::abi_encode_returns(&value).into()
            }
            C::parseJsonBool(c) => {
                let cheat = "vm.parseJsonBool";
                let value = json::read(&c.json, &c.key, cheat, json::as_bool)?;
                Vm::parseJsonBoolCall::abi_encode_returns(&value).into()
            }
            C::parseJsonAddress(c) => {
                let cheat = "vm.parseJsonAddress";
                let value = json::read(&c.json, &c.key, cheat, json::as_address)?;
                Vm::parseJsonAddressCall::abi_encode_returns(&value).into()
            }
            C::parseJsonAddressArray(c) => {
                let cheat = "vm.parseJsonAddressArray";
                let values = json::array(&c.json, &c.key, cheat, |v| json::as_address(v, cheat))?;
                Vm::parseJsonAddressArrayCall::abi_encode_returns(&values).into()
            }
            C::parseJsonString(c) => {
                let cheat = "vm.parseJsonString";
                string_result(json::read(&c.json, &c.key, cheat, json::as_string)?)
            }
            C::parseJsonStringArray(c) => {
                let cheat = "vm.parseJsonStringArray";
                let values = json::array(&c.json, &c.key, cheat, |v| json::as_string(v, cheat))?;
                Vm::parseJsonStringArrayCall::abi_encode_returns(&values).into()
            }
            C::parseJsonBytes(c) => {
                let cheat = "vm.parseJsonBytes";
                let value = json::read(&c.json, &c.key, cheat, json::as_bytes)?;
                Vm::parseJsonBytesCall::abi_encode_returns(&value).into()
            }
            C::parseJsonBytes32(c) => {
                let cheat = "vm.parseJsonBytes32";
                let value = json::read(&c.json, &c.key, cheat, json::as_bytes32)?;
                Vm::parseJsonBytes32Call::abi_encode_returns(&value).into()
            }
            C::parseJsonKeys(c) => Vm::parseJsonKeysCall::abi_encode_returns(&json::keys(
                &c.json,
                &c.key,
                "vm.parseJsonKeys",
            )?)
            .into(),
            C::parseJson_0(c) => {
                Vm::parseJson_0Call::abi_encode_returns(&json::abi_encoded(&c.json, ".")?).into()
            }
            C::parseJson_1(c) => {
                Vm::parseJson_1Call::abi_encode_returns(&json::abi_encoded(&c.json, &c.key)?).into()
            }
            C::serializeJson(c) => string_result(self.json.replace(&c.objectKey, &c.value)?),
            C::serializeUint(c) => string_result(self.json.set(
                &c.objectKey,
                &c.valueKey,
                json::number(c.value.to_string()),
            )),
            C::serializeInt(c) => string_result(self.json.set(
                &c.objectKey,
                &c.valueKey,
                json::number(c.value.to_string()),
            )),
            C::serializeBool(c) => {
                string_result(self.json.set(&c.objectKey, &c.valueKey, c.value.into()))
            }
            C::serializeAddress(c) => string_result(self.json.set(
                &c.objectKey,
                &c.valueKey,
                strings::address_string(c.value).into(),
            )),
            C::serializeBytes32(c) => string_result(self.json.set(
                &c.objectKey,
                &c.valueKey,
                strings::hex_string(c.value.as_slice()).into(),
            )),
            C::serializeBytes(c) => string_result(self.json.set(
                &c.objectKey,
                &c.valueKey,
                strings::hex_string(&c.value).into(),
            )),
            C::serializeString(c) => string_result(self.json.set(
                &c.objectKey,
                &c.valueKey,
                json::string_value(&c.value),
            )),
            C::writeJson_0(c) => {
                let path = self.host.path(&c.path, true, "vm.writeJson")?;
                write_file(
                    &path,
                    json::pretty(&c.json).as_bytes(),
                    false,
                    "vm.writeJson",
                )?
            }
            C::writeJson_1(c) => {
                let path = self.host.path(&c.path, true, "vm.writeJson")?;
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| format!("vm.writeJson: cannot read {}: {e}", c.path))?;
                let updated = json::replaced(&text, &c.json, &c.valueKey)?;
                write_file(&path, updated.as_bytes(), false, "vm.writeJson")?
            }
            C::envExists(c) => {
                Vm::envExistsCall::abi_encode_returns(&self.env.contains_key(c.name.as_str()))
                    .into()
            }
            C::envBytes(c) => Vm::envBytesCall::abi_encode_returns(&self.env_var(
                &c.name,
                "vm.envBytes",
                |s| {
                    alloy_primitives::hex::decode(s.trim())
                        .map(Bytes::from)
                        .map_err(|_| format!("{s:?} is not 0x-hex bytes"))
                },
            )?)
            .into(),
            C::expectEmit_0(_) => self.expect_emit(depth, [true; 4], None),
            C::expectEmit_1(c) => self.expect_emit(depth, [true; 4], Some(c.emitter)),
            C::expectEmit_2(c) => self.expect_emit(
                depth,
                [c.checkTopic1, c.checkTopic2, c.checkTopic3, c.checkData],
                None,
            ),
            C::expectEmit_3(c) => self.expect_emit(
                depth,
                [c.checkTopic1, c.checkTopic2, c.checkTopic3, c.checkData],
                Some(c.emitter),
            ),
            C::expectCall_0(c) => self.expect_call(c.callee, c.data, None, None),
            C::expectCall_1(c) => self.expect_call(c.callee, c.data, Some(c.msgValue), None),
            C::expectCall_2(c) => self.expect_call(c.callee, c.data, None, Some(c.count)),
            C::mockCall_0(c) => self.mock(c.callee, c.data, None, c.returnData, false),
            C::mockCall_1(c) => self.mock(c.callee, c.data, Some(c.msgValue), c.returnData, false),
            C::mockCallRevert(c) => self.mock(c.callee, c.data, None, c.revertData, true),
            C::clearMockedCalls(_) => {
                self.mocks.clear();
                Bytes::new()
            }
            C::recordLogs(_) => {
                self.recorded_logs = Some(Vec::new());
                Bytes::new()
            }
            C::getRecordedLogs(_) => {
                let logs: Vec<Vm::Log> = self
                    .recorded_logs
                    .as_mut()
                    .map(std::mem::take)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|log| Vm::Log {
                        topics: log.topics().to_vec(),
                        data: log.data.data.clone(),
                        emitter: log.address,
                    })
                    .collect();
                Vm::getRecordedLogsCall::abi_encode_returns(&logs).into()
            }
            C::addr(c) => {
                Vm::addrCall::abi_encode_returns(&keys::address_of(c.privateKey, "vm.addr")?).into()
            }
            C::sign(c) => {
                let (v, r, s) = keys::sign(c.privateKey, c.digest, "vm.sign")?;
                Vm::signCall::abi_encode_returns(&Vm::signReturn { v, r, s }).into()
            }
            C::label(c) => {
                self.names.labels.insert(c.account, c.newLabel);
                Bytes::new()
            }
            C::getLabel(c) => {
                let label = self
                    .names
                    .labels
                    .get(&c.account)
                    .cloned()
                    .unwrap_or_else(|| format!("unlabeled:{}", c.account));
                Vm::getLabelCall::abi_encode_returns(&label).into()
            }
            C::assume(c) => {
                if !c.condition {
                    self.rejected = true;
                    return Err("vm.assume rejected this input".into());
                }
                Bytes::new()
            }
            C::createFork_0(c) => {
                let id = self.create_fork(&c.urlOrAlias, None)?;
                Vm::createFork_0Call::abi_encode_returns(&U256::from(id)).into()
            }
            C::createFork_1(c) => {
                let id = self.create_fork(&c.urlOrAlias, Some(c.blockNumber))?;
                Vm::createFork_1Call::abi_encode_returns(&U256::from(id)).into()
            }
            C::createSelectFork_0(c) => {
                let id = self.create_fork(&c.urlOrAlias, None)?;
                self.forks.select(ctx, id)?;
                Vm::createSelectFork_0Call::abi_encode_returns(&U256::from(id)).into()
            }
            C::createSelectFork_1(c) => {
                let id = self.create_fork(&c.urlOrAlias, Some(c.blockNumber))?;
                self.forks.select(ctx, id)?;
                Vm::createSelectFork_1Call::abi_encode_returns(&U256::from(id)).into()
            }
            C::selectFork(c) => {
                let id = usize::try_from(c.forkId)
                    .map_err(|_| format!("vm.selectFork: there is no fork {}", c.forkId))?;
                self.forks.select(ctx, id)?;
                Bytes::new()
            }
            C::activeFork(_) => {
                let id = self
                    .forks
                    .active()
                    .ok_or("vm.activeFork: no fork is active")?;
                Vm::activeForkCall::abi_encode_returns(&U256::from(id)).into()
            }
            C::rollFork_0(c) => {
                let pool = self.fork_pool("vm.rollFork")?;
                let block = fork_block("vm.rollFork", c.blockNumber)?;
                self.forks.roll(ctx, &pool, None, block)?;
                Bytes::new()
            }
            C::rollFork_1(c) => {
                let pool = self.fork_pool("vm.rollFork")?;
                let block = fork_block("vm.rollFork", c.blockNumber)?;
                let id = usize::try_from(c.forkId)
                    .map_err(|_| format!("vm.rollFork: there is no fork {}", c.forkId))?;
                self.forks.roll(ctx, &pool, Some(id), block)?;
                Bytes::new()
            }
            C::makePersistent_0(c) => {
                self.forks.make_persistent(c.account);
                Bytes::new()
            }
            C::makePersistent_1(c) => {
                self.forks.make_persistent(c.account0);
                self.forks.make_persistent(c.account1);
                Bytes::new()
            }
            C::makePersistent_2(c) => {
                for account in [c.account0, c.account1, c.account2] {
                    self.forks.make_persistent(account);
                }
                Bytes::new()
            }
            C::makePersistent_3(c) => {
                for account in c.accounts {
                    self.forks.make_persistent(account);
                }
                Bytes::new()
            }
            C::revokePersistent_0(c) => {
                self.forks.revoke_persistent(c.account);
                Bytes::new()
            }
            C::revokePersistent_1(c) => {
                for account in c.accounts {
                    self.forks.revoke_persistent(account);
                }
                Bytes::new()
            }
            C::isPersistent(c) => {
                Vm::isPersistentCall::abi_encode_returns(&self.forks.is_persistent(c.account))
                    .into()
            }
            C::rpcUrl(c) => {
                let url = self.fork_pool("vm.rpcUrl")?.url(&c.rpcAlias)?;
                Vm::rpcUrlCall::abi_encode_returns(&url).into()
            }
            C::snapshotState(_) => {
                let id = self.snapshots.save(Snapshot {
                    journal: ctx.journaled_state.inner.clone(),
                    block: ctx.block.clone(),
                    chain_id: ctx.cfg.chain_id,
                });
                Vm::snapshotStateCall::abi_encode_returns(&U256::from(id)).into()
            }
            C::revertToState(c) => {
                let done = self.revert_to(ctx, c.snapshotId)?;
                Vm::revertToStateCall::abi_encode_returns(&done).into()
            }
            C::revertToStateAndDelete(c) => {
                let done = self.revert_to(ctx, c.snapshotId)?;
                if done {
                    self.snapshots.delete(c.snapshotId.saturating_to());
                }
                Vm::revertToStateAndDeleteCall::abi_encode_returns(&done).into()
            }
            C::envUint(c) => Vm::envUintCall::abi_encode_returns(&self.env_var(
                &c.name,
                "vm.envUint",
                strings::parse_uint,
            )?)
            .into(),
            C::envInt(c) => Vm::envIntCall::abi_encode_returns(&self.env_var(
                &c.name,
                "vm.envInt",
                strings::parse_int,
            )?)
            .into(),
            C::envAddress(c) => Vm::envAddressCall::abi_encode_returns(&self.env_var(
                &c.name,
                "vm.envAddress",
                strings::parse_address,
            )?)
            .into(),
            C::envBool(c) => Vm::envBoolCall::abi_encode_returns(&self.env_var(
                &c.name,
                "vm.envBool",
                strings::parse_bool,
            )?)
            .into(),
            C::envBytes32(c) => Vm::envBytes32Call::abi_encode_returns(&self.env_var(
                &c.name,
                "vm.envBytes32",
                strings::parse_bytes32,
            )?)
            .into(),
            C::envString(c) => Vm::envStringCall::abi_encode_returns(&self.env_var(
                &c.name,
                "vm.envString",
                |s| Ok(s.to_owned()),
            )?)
            .into(),
            C::envOr_0(c) => Vm::envOr_0Call::abi_encode_returns(
                &self
                    .env_or(&c.name, strings::parse_uint)?
                    .unwrap_or(c.defaultValue),
            )
            .into(),
            C::envOr_1(c) => Vm::envOr_1Call::abi_encode_returns(
                &self
                    .env_or(&c.name, strings::parse_int)?
                    .unwrap_or(c.defaultValue),
            )
            .into(),
            C::envOr_2(c) => Vm::envOr_2Call::abi_encode_returns(
                &self
                    .env_or(&c.name, strings::parse_address)?
                    .unwrap_or(c.defaultValue),
            )
            .into(),
            C::envOr_3(c) => Vm::envOr_3Call::abi_encode_returns(
                &self
                    .env_or(&c.name, strings::parse_bool)?
                    .unwrap_or(c.defaultValue),
            )
            .into(),
            C::envOr_4(c) => Vm::envOr_4Call::abi_encode_returns(
                &self
                    .env_or(&c.name, strings::parse_bytes32)?
                    .unwrap_or(c.defaultValue),
            )
            .into(),
            C::envOr_5(c) => Vm::envOr_5Call::abi_encode_returns(
                &self
                    .env_or(&c.name, |s| Ok(s.to_owned()))?
                    .unwrap_or(c.defaultValue),
            )
            .into(),
            C::toString_0(c) => string_result(strings::address_string(c.value)),
            C::toString_1(c) => string_result(c.value.to_string()),
            C::toString_2(c) => string_result(c.value.to_string()),
            C::toString_3(c) => string_result(strings::hex_string(c.value.as_slice())),
            C::toString_4(c) => string_result(c.value.to_string()),
            C::toString_5(c) => string_result(strings::hex_string(&c.value)),
        })
    }

    fn start_prank(
        &mut self,
        depth: usize,
        sender: Address,
        origin: Option<Address>,
        once: bool,
    ) -> Result<Bytes, String> {
        if self.prank.as_ref().is_some_and(|p| p.broadcast) {
            return Err(
                "vm.prank: cannot `prank` for a broadcasted transaction; pass the desired `tx.origin` into the `broadcast` cheatcode call"
                    .into(),
            );
        }
        if self.prank.as_ref().is_some_and(|p| !p.once) && once {
            return Err("vm.prank: a startPrank is active; call vm.stopPrank first".into());
        }
        self.prank = Some(Prank {
            sender,
            origin,
            depth,
            once,
            broadcast: false,
        });
        Ok(Bytes::new())
    }

    fn expect_revert(
        &mut self,
        depth: usize,
        expected: RevertData,
        reverter: Option<Address>,
        count: u64,
    ) -> Result<Bytes, String> {
        if self.expect_revert.is_some() {
            return Err("vm.expectRevert: the previous expectRevert has not been used yet".into());
        }
        self.expect_revert = Some(ExpectRevert {
            expected,
            reverter,
            count,
            depth,
            armed: false,
        });
        Ok(Bytes::new())
    }

    fn expect_emit(&mut self, depth: usize, checks: [bool; 4], emitter: Option<Address>) -> Bytes {
        self.emits.push(depth, checks, emitter);
        Bytes::new()
    }

    fn expect_call(
        &mut self,
        callee: Address,
        data: Bytes,
        value: Option<U256>,
        count: Option<u64>,
    ) -> Bytes {
        self.expected_calls.push(ExpectedCall {
            callee,
            data,
            value,
            count,
            seen: 0,
        });
        Bytes::new()
    }

    fn mock(
        &mut self,
        callee: Address,
        data: Bytes,
        value: Option<U256>,
        result: Bytes,
        reverts: bool,
    ) -> Bytes {
        self.mocks.add(Mock {
            callee,
            data,
            value,
            result,
            reverts,
        });
        Bytes::new()
    }

    /// Where forks come from, or why `cheatcode` cannot fork here.
    fn fork_pool(&self, cheatcode: &str) -> Result<Arc<super::ForkPool>, String> {
        self.fork_pool.clone().ok_or_else(|| {
            format!("{cheatcode}: this run cannot reach live networks (no fork source was given)")
        })
    }

    /// A new fork of `source` at `block`: its id.
    fn create_fork(&mut self, source: &str, block: Option<U256>) -> Result<usize, String> {
        let pool = self.fork_pool("vm.createFork")?;
        let block = block.map(|b| fork_block("vm.createFork", b)).transpose()?;
        let upstream = pool.open(source, block)?;
        Ok(self.forks.create(source, upstream))
    }

    fn revert_to(&mut self, ctx: &mut TestContext<'_>, id: U256) -> Result<bool, String> {
        let Some(snapshot) = usize::try_from(id)
            .ok()
            .and_then(|id| self.snapshots.get(id))
        else {
            return Ok(false);
        };
        if snapshot.journal.depth != ctx.journaled_state.depth() {
            return Err(
                "vm.revertToState: call it from the same function (call depth) that took the snapshot"
                    .into(),
            );
        }
        let logs = std::mem::take(&mut ctx.journaled_state.inner.logs);
        ctx.journaled_state.inner = snapshot.journal.clone();
        ctx.journaled_state.inner.logs = logs;
        ctx.block = snapshot.block.clone();
        ctx.cfg.chain_id = snapshot.chain_id;
        Ok(true)
    }

    fn env_or<T>(
        &self,
        name: &str,
        parse: impl Fn(&str) -> Result<T, String>,
    ) -> Result<Option<T>, String> {
        self.env
            .get(name)
            .map(|text| parse(text).map_err(|e| format!("vm.envOr: ${name}: {e}")))
            .transpose()
    }

    fn env_var<T>(
        &self,
        name: &str,
        cheat: &str,
        parse: impl Fn(&str) -> Result<T, String>,
    ) -> Result<T, String> {
        let text = self
            .env
            .get(name)
            .ok_or_else(|| format!("{cheat}: environment variable {name:?} is not set"))?;
        parse(text).map_err(|e| format!("{cheat}: ${name}: {e}"))
    }
}

/// Writes (or, with `append`, appends) `data` to `path`, creating its
/// directory, for the file cheatcodes.
fn write_file(
    path: &std::path::Path,
    data: &[u8],
    append: bool,
    cheat: &str,
) -> Result<Bytes, String> {
    use std::io::Write;
    let fail = |e: std::io::Error| format!("{cheat}: cannot write {}: {e}", path.display());
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(fail)?;
    }
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .write(true)
        .append(append)
        .truncate(!append)
        .open(path)
        .map_err(fail)?;
    file.write_all(data).map_err(fail)?;
    Ok(Bytes::new())
}

/// A block number a fork cheatcode was given.
fn fork_block(cheatcode: &str, number: U256) -> Result<u64, String> {
    u64::try_from(number).map_err(|_| format!("{cheatcode}: block {number} is beyond 2^64"))
}
