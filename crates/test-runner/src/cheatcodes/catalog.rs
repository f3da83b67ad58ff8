//! forge 1.7.1's list of cheatcodes (`forge-1.7.1.txt`, from forge's own
//! `cheatcodes.json`), so that a call slipway does not answer is named by
//! its signature and refused with a reason, never by a bare selector.

use std::{collections::HashMap, sync::OnceLock};

/// The list: `selector group status signature` per line.
const LIST: &str = include_str!("forge-1.7.1.txt");

/// One cheatcode of forge's list.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Entry {
    pub(crate) selector: [u8; 4],
    pub(crate) group: &'static str,
    pub(crate) status: &'static str,
    pub(crate) signature: &'static str,
}

impl Entry {
    /// The function's name.
    pub(crate) fn name(&self) -> &'static str {
        self.signature.split('(').next().unwrap_or(self.signature)
    }
}

/// Every entry, in the file's order.
pub(crate) fn entries() -> &'static [Entry] {
    static ENTRIES: OnceLock<Vec<Entry>> = OnceLock::new();
    ENTRIES.get_or_init(|| {
        LIST.lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .filter_map(|line| {
                let mut parts = line.split_whitespace();
                let selector = parts.next()?.strip_prefix("0x")?;
                let mut bytes = [0u8; 4];
                alloy_primitives::hex::decode_to_slice(selector, &mut bytes).ok()?;
                Some(Entry {
                    selector: bytes,
                    group: parts.next()?,
                    status: parts.next()?,
                    signature: parts.next()?,
                })
            })
            .collect()
    })
}

/// The entry with `selector`.
pub(crate) fn by_selector(selector: [u8; 4]) -> Option<&'static Entry> {
    static INDEX: OnceLock<HashMap<[u8; 4], usize>> = OnceLock::new();
    let index = INDEX.get_or_init(|| {
        entries()
            .iter()
            .enumerate()
            .map(|(i, e)| (e.selector, i))
            .collect()
    });
    index.get(&selector).map(|i| &entries()[*i])
}

/// Why slipway does not answer a cheatcode, by name; `None` when nothing
/// here refuses it.
pub(crate) fn refusal(entry: &Entry) -> Option<&'static str> {
    let name = entry.name();
    if entry.status == "internal" {
        return Some("internal to forge's own test suite");
    }
    let found = REFUSALS
        .iter()
        .find(|(names, _)| names.split_whitespace().any(|n| n == name))
        .map(|(_, why)| *why);
    if found.is_some() {
        return found;
    }
    match entry.group {
        "toml" => Some(
            "the TOML cheatcodes are not implemented; the JSON ones are (parseJson…, serialize…)",
        ),
        _ if entry.status == "deprecated" => Some("deprecated in forge; use its replacement"),
        _ => None,
    }
}

/// Names refused, space-separated, and the reason each group shares.
const REFUSALS: &[(&str, &str)] = &[
    (
        "createFork createSelectFork rollFork",
        "forking at a transaction (by its hash) is not implemented: fork at a block number",
    ),
    (
        "allowCheatcodes transact rpc eth_getLogs rpcUrls rpcUrlStructs getRawBlockHeader executeTransaction",
        "not implemented in fork mode: createFork, selectFork, rollFork at a block, activeFork, the persistent accounts and rpcUrl are",
    ),
    (
        "broadcastRawTransaction signDelegation signAndAttachDelegation attachDelegation attachBlob getWallets",
        "a script-time transaction feature: slipway's tests send nothing, and it runs no scripts",
    ),
    (
        "getBroadcast getBroadcasts getDeployment getDeployments",
        "reads forge's broadcast/ records, which slipway does not write: it records deployments in .slipway/deployments",
    ),
    (
        "prompt promptAddress promptSecret promptSecretUint promptUint",
        "tests run without a terminal: a prompt would never be answered",
    ),
    (
        "pauseGasMetering resumeGasMetering resetGasMetering",
        "gas metering cannot be paused here: the figures would no longer be the ones a transaction pays",
    ),
    (
        "startStateDiffRecording stopAndReturnStateDiff getStateDiff getStateDiffJson startDebugTraceRecording stopAndReturnDebugTraceRecording dumpState loadAllocs getStorageAccesses getStorageSlots",
        "state-diff and debug-trace recording are not implemented; use -vvvv traces",
    ),
    (
        "startMappingRecording stopMappingRecording getMappingLength getMappingSlotAt getMappingKeyAndParentOf",
        "mapping recording is not implemented",
    ),
    (
        "mockFunction mockCalls",
        "not implemented: mockCall and mockCallRevert are",
    ),
    (
        "expectSafeMemory expectSafeMemoryCall stopExpectSafeMemory",
        "memory-safety expectations are not implemented",
    ),
    (
        "expectCreate expectCreate2 expectCallMinGas expectEmitAnonymous assumeNoRevert",
        "not implemented: expectCall, expectEmit and expectRevert are",
    ),
    (
        "accessList noAccessList cool coolSlot warmSlot setBlockhash setEvmVersion getEvmVersion cloneAccount copyStorage setArbitraryStorage interceptInitcode setNonceUnsafe resetNonce readCallers stopRecord blobhashes getBlobhashes getBlobBaseFee coinbase difficulty",
        "this EVM control is not implemented",
    ),
    (
        "deleteSnapshot deleteSnapshots deleteStateSnapshot deleteStateSnapshots snapshot revertTo revertToAndDelete",
        "not implemented: snapshotState, revertToState and revertToStateAndDelete are",
    ),
    (
        "lastCallGas snapshotGasLastCall",
        "not implemented: startSnapshotGas / stopSnapshotGas and snapshotValue are",
    ),
    (
        "createWallet deriveKey rememberKey rememberKeys signCompact signP256 publicKeyP256 signWithNonceUnsafe createEd25519Key publicKeyEd25519 signEd25519 verifyEd25519",
        "this key or signature cheatcode is not implemented: addr and sign(uint256,bytes32) are",
    ),
    (
        "sign",
        "only sign(uint256,bytes32) is implemented: a wallet struct or a default signer is not",
    ),
    (
        "eip712HashStruct eip712HashType eip712HashTypedData ensNamehash toRlp fromRlp toBase64 toBase64URL shuffle sort pauseTracing resumeTracing bound",
        "this utility is not implemented",
    ),
    (
        "copyFile createDir readDir readLink removeDir fsMetadata getArtifactPathByCode getArtifactPathByDeployedCode currentFilePath tryFfi unixTime sleep deployCode",
        "this file or process cheatcode is not implemented: readFile, writeFile, getCode and ffi are",
    ),
    (
        "envAddress envBool envBytes envBytes32 envInt envOr envString envUint resolveEnv setEnv isContext",
        "arrays and delimiters in env cheatcodes, setEnv and isContext are not implemented: single values are",
    ),
    (
        "keyExists parseJsonBoolArray parseJsonBytes32Array parseJsonBytesArray parseJsonIntArray parseJsonType parseJsonTypeArray serializeJsonType serializeUintToHex serializeAddress serializeBool serializeBytes serializeBytes32 serializeInt serializeString serializeUint parseJsonAddressArray parseJsonStringArray parseJsonUintArray",
        "this JSON form is not implemented: keyExistsJson, parseJson<Type>, parseJsonKeys and single-value serialize<Type> are",
    ),
    (
        "getChain foundryVersionAtLeast foundryVersionCmp getFoundryVersion breakpoint",
        "asks about forge itself or its debugger, which slipway is not",
    ),
    (
        "getNonce mockCall mockCallRevert prank startPrank expectCall expectEmit getRecordedLogsJson",
        "this overload is not implemented; the others of the same name are",
    ),
];

/// The message a call to an unanswered cheatcode reverts with.
pub(crate) fn refused(data: &[u8]) -> String {
    let Some(selector) = data.get(..4).and_then(|s| <[u8; 4]>::try_from(s).ok()) else {
        return "a call to the cheatcode address without a selector".into();
    };
    match by_selector(selector) {
        Some(entry) => match refusal(entry) {
            Some(why) => format!("vm.{}: not supported by slipway: {why}", entry.signature),
            None => format!("vm.{}: not supported by slipway", entry.signature),
        },
        None => format!(
            "unknown cheatcode: selector 0x{} is not in forge 1.7.1's list either",
            alloy_primitives::hex::encode(selector)
        ),
    }
}
