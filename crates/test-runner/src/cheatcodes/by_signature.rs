//! Cheatcodes answered from their signature in forge's list, their
//! arguments decoded by type: forge-std's assertions, broadcast,
//! `vm.skip`, the random values and the string parsers. (The rest are
//! decoded through `Vm.sol`'s interface in `dispatch.rs`.)

use alloy_dyn_abi::{DynSolType, DynSolValue};
use alloy_primitives::I256;
use rand::{Rng, SeedableRng, rngs::StdRng};

use super::{assertions, catalog, *};

/// What a skipped test reverts with, as forge marks it.
pub(crate) const SKIP_MARKER: &str = "FOUNDRY::SKIP";

/// forge's CREATE2 deployer, through which a broadcast `new C{salt: s}`
/// is routed.
pub(crate) const CREATE2_DEPLOYER: Address = address!("4e59b44847b379578588920cA78FbF26c0B4956C");

/// Names answered here besides the assertions.
pub(super) const ANSWERED: &[&str] = &[
    "broadcast",
    "startBroadcast",
    "stopBroadcast",
    "skip",
    "randomUint",
    "randomInt",
    "randomAddress",
    "randomBool",
    "randomBytes",
    "randomBytes4",
    "randomBytes8",
    "setSeed",
    "parseUint",
    "parseInt",
    "parseAddress",
    "parseBool",
    "parseBytes",
    "parseBytes32",
    "toLowercase",
    "toUppercase",
    "trim",
    "replace",
    "split",
    "indexOf",
    "contains",
    "getChainId",
    "computeCreateAddress",
    "computeCreate2Address",
    "startSnapshotGas",
    "stopSnapshotGas",
    "snapshotValue",
];

/// Whether a cheatcode of forge's list is answered here.
pub(super) fn answers(entry: &catalog::Entry) -> bool {
    let name = entry.name();
    assertions::is_assertion(name) || ANSWERED.contains(&name)
}

impl TestInspector<'_> {
    /// Answers a cheatcode by its signature; `None` when it is not one
    /// answered here.
    pub(super) fn by_signature(
        &mut self,
        ctx: &mut TestContext<'_>,
        data: &[u8],
    ) -> Option<Result<Bytes, String>> {
        let selector = <[u8; 4]>::try_from(data.get(..4)?).ok()?;
        let entry = catalog::by_selector(selector)?;
        if !answers(entry) {
            return None;
        }
        Some(self.answer(ctx, entry, &data[4..]))
    }

    fn answer(
        &mut self,
        ctx: &mut TestContext<'_>,
        entry: &catalog::Entry,
        data: &[u8],
    ) -> Result<Bytes, String> {
        let name = entry.name();
        let params = entry
            .signature
            .strip_prefix(name)
            .ok_or_else(|| format!("vm.{}: bad signature", entry.signature))?;
        let types =
            DynSolType::parse(params).map_err(|e| format!("vm.{}: {e}", entry.signature))?;
        let args = match types.abi_decode_sequence(data) {
            Ok(DynSolValue::Tuple(args)) => args,
            Ok(other) => vec![other],
            Err(e) => {
                return Err(format!(
                    "vm.{}: cannot decode the arguments: {e}",
                    entry.signature
                ));
            }
        };
        if assertions::is_assertion(name) {
            return assertions::check(name, &args).map(|()| Bytes::new());
        }
        let depth = ctx.journaled_state.depth();
        let uint_arg = |i: usize| match args.get(i) {
            Some(DynSolValue::Uint(u, _)) => Ok(*u),
            _ => Err(format!(
                "vm.{}: argument {i} is not a number",
                entry.signature
            )),
        };
        let text_arg = |i: usize| match args.get(i) {
            Some(DynSolValue::String(s)) => Ok(s.clone()),
            _ => Err(format!(
                "vm.{}: argument {i} is not a string",
                entry.signature
            )),
        };
        let out = |value: DynSolValue| -> Bytes { value.abi_encode_params().into() };
        Ok(match name {
            "broadcast" | "startBroadcast" => {
                let sender = match args.first() {
                    None => self.default_sender,
                    Some(DynSolValue::Address(a)) => *a,
                    Some(DynSolValue::Uint(key, _)) => keys::address_of(*key, "vm.broadcast")?,
                    Some(_) => return Err(format!("vm.{}: bad signer", entry.signature)),
                };
                self.start_broadcast(depth, sender, name == "broadcast")?
            }
            "stopBroadcast" => match &self.prank {
                Some(p) if p.broadcast => {
                    self.prank = None;
                    Bytes::new()
                }
                _ => return Err("vm.stopBroadcast: no broadcast in progress to stop".into()),
            },
            "skip" => {
                let skip = matches!(args.first(), Some(DynSolValue::Bool(true)));
                if !skip {
                    return Ok(Bytes::new());
                }
                let reason = text_arg(1).unwrap_or_default();
                return Err(format!("{SKIP_MARKER}{reason}"));
            }
            "setSeed" => {
                self.rng = Some(StdRng::seed_from_u64(uint_arg(0)?.as_limbs()[0]));
                Bytes::new()
            }
            "randomUint" => {
                let rng = self.rng();
                let value = match args.len() {
                    0 => U256::from_limbs(rng.random()),
                    1 => {
                        let bits = uint_arg(0)?.saturating_to::<usize>().min(256);
                        let v = U256::from_limbs(rng.random());
                        if bits == 256 {
                            v
                        } else {
                            v & ((U256::from(1) << bits) - U256::from(1))
                        }
                    }
                    _ => {
                        let (min, max) = (uint_arg(0)?, uint_arg(1)?);
                        if min > max {
                            return Err("vm.randomUint: min is above max".into());
                        }
                        let span = max - min;
                        let v = U256::from_limbs(rng.random());
                        if span == U256::MAX {
                            v
                        } else {
                            min + v % (span + U256::from(1))
                        }
                    }
                };
                out(DynSolValue::Uint(value, 256))
            }
            "randomInt" => {
                let v = U256::from_limbs(self.rng().random());
                let bits = match args.first() {
                    Some(DynSolValue::Uint(b, _)) => b.saturating_to::<usize>().clamp(1, 256),
                    _ => 256,
                };
                let value = I256::from_raw(v) >> (256 - bits);
                out(DynSolValue::Int(value, 256))
            }
            "randomAddress" => out(DynSolValue::Address(Address::from(
                self.rng().random::<[u8; 20]>(),
            ))),
            "randomBool" => out(DynSolValue::Bool(self.rng().random())),
            "randomBytes" => {
                let len = uint_arg(0)?.saturating_to::<usize>().min(1 << 20);
                let rng = self.rng();
                let bytes: Vec<u8> = (0..len).map(|_| rng.random()).collect();
                out(DynSolValue::Bytes(bytes))
            }
            "randomBytes4" => {
                let word: [u8; 4] = self.rng().random();
                out(DynSolValue::FixedBytes(B256::right_padding_from(&word), 4))
            }
            "randomBytes8" => {
                let word: [u8; 8] = self.rng().random();
                out(DynSolValue::FixedBytes(B256::right_padding_from(&word), 8))
            }
            "parseUint" | "parseInt" | "parseAddress" | "parseBool" | "parseBytes"
            | "parseBytes32" => {
                let text = text_arg(0)?;
                let ty = match name {
                    "parseUint" => DynSolType::Uint(256),
                    "parseInt" => DynSolType::Int(256),
                    "parseAddress" => DynSolType::Address,
                    "parseBool" => DynSolType::Bool,
                    "parseBytes" => DynSolType::Bytes,
                    _ => DynSolType::FixedBytes(32),
                };
                let value = ty.coerce_str(text.trim()).map_err(|e| {
                    format!("vm.{name}: failed parsing {text:?} as type `{ty}`: {e}")
                })?;
                out(value)
            }
            "toLowercase" => out(DynSolValue::String(text_arg(0)?.to_lowercase())),
            "toUppercase" => out(DynSolValue::String(text_arg(0)?.to_uppercase())),
            "trim" => out(DynSolValue::String(text_arg(0)?.trim().to_owned())),
            "replace" => {
                let (s, from, to) = (text_arg(0)?, text_arg(1)?, text_arg(2)?);
                out(DynSolValue::String(s.replace(&from, &to)))
            }
            "split" => {
                let (s, delimiter) = (text_arg(0)?, text_arg(1)?);
                let parts = s
                    .split(delimiter.as_str())
                    .map(|p| DynSolValue::String(p.to_owned()))
                    .collect();
                out(DynSolValue::Array(parts))
            }
            "indexOf" => {
                let (s, key) = (text_arg(0)?, text_arg(1)?);
                let at = s.find(&key).map_or(U256::MAX, U256::from);
                out(DynSolValue::Uint(at, 256))
            }
            "contains" => {
                let (s, key) = (text_arg(0)?, text_arg(1)?);
                out(DynSolValue::Bool(s.contains(&key)))
            }
            "startSnapshotGas" => {
                let (group, name) = match args.len() {
                    1 => (None, Some(text_arg(0)?)),
                    _ => (Some(text_arg(0)?), Some(text_arg(1)?)),
                };
                self.gas_sections.start(group, name, depth)?;
                Bytes::new()
            }
            "stopSnapshotGas" => {
                let names = match args.len() {
                    0 => None,
                    1 => {
                        let (group, _) = self.gas_sections.running.clone().unwrap_or_default();
                        Some((group, text_arg(0)?))
                    }
                    _ => Some((text_arg(0)?, text_arg(1)?)),
                };
                let used = self.gas_sections.stop(names)?;
                out(DynSolValue::Uint(U256::from(used), 256))
            }
            "snapshotValue" => {
                let (group, name, value) = match args.len() {
                    2 => (None, text_arg(0)?, uint_arg(1)?),
                    _ => (Some(text_arg(0)?), text_arg(1)?, uint_arg(2)?),
                };
                self.gas_sections.value(group, name, value.to_string())?;
                Bytes::new()
            }
            "getChainId" => out(DynSolValue::Uint(U256::from(ctx.cfg.chain_id), 256)),
            "computeCreateAddress" => {
                let deployer = match args.first() {
                    Some(DynSolValue::Address(a)) => *a,
                    _ => return Err("vm.computeCreateAddress: bad deployer".into()),
                };
                out(DynSolValue::Address(
                    deployer.create(uint_arg(1)?.saturating_to()),
                ))
            }
            "computeCreate2Address" => {
                let word = |i: usize| match args.get(i) {
                    Some(DynSolValue::FixedBytes(w, 32)) => Ok(*w),
                    _ => Err(format!(
                        "vm.{}: argument {i} is not bytes32",
                        entry.signature
                    )),
                };
                let deployer = match args.get(2) {
                    Some(DynSolValue::Address(a)) => *a,
                    _ => CREATE2_DEPLOYER,
                };
                out(DynSolValue::Address(deployer.create2(word(0)?, word(1)?)))
            }
            _ => return Err(catalog::refused(&entry.selector)),
        })
    }

    fn rng(&mut self) -> &mut StdRng {
        self.rng
            .get_or_insert_with(|| StdRng::seed_from_u64(0x51_1b_3a_7e))
    }

    fn start_broadcast(
        &mut self,
        depth: usize,
        sender: Address,
        once: bool,
    ) -> Result<Bytes, String> {
        let cheat = if once {
            "vm.broadcast"
        } else {
            "vm.startBroadcast"
        };
        match &self.prank {
            Some(p) if !p.broadcast => {
                return Err(format!(
                    "{cheat}: you have an active prank; broadcasting and pranks are not compatible"
                ));
            }
            Some(_) => return Err(format!("{cheat}: a broadcast is active already")),
            None => {}
        }
        self.prank = Some(Prank {
            sender,
            origin: Some(sender),
            depth,
            once,
            broadcast: true,
        });
        Ok(Bytes::new())
    }
}
