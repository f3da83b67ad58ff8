//! Upgrade manifests in OpenZeppelin's format (`.openzeppelin/<network>.json`,
//! manifest version 3.2): the proxies of a network and every implementation
//! deployed behind them, each with its storage layout, which the next
//! upgrade is checked against. slipway keeps one per environment and reads
//! hardhat-upgrades' own; fields it does not use are kept as read.

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
};

use alloy_primitives::{Address, keccak256};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{StorageLayout, UpgradesError};

/// The manifest version slipway writes.
pub const MANIFEST_VERSION: &str = "3.2";

/// A deployment: where, and by which transaction.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Deployed {
    /// The contract's address (checksummed).
    #[serde(with = "checksummed")]
    pub address: Address,
    /// The creating transaction.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tx_hash: Option<String>,
    /// Fields slipway does not use.
    #[serde(flatten)]
    pub other: BTreeMap<String, Value>,
}

/// A proxy.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProxyDeployed {
    /// Where it is.
    #[serde(flatten)]
    pub deployed: Deployed,
    /// `uups`, `transparent` or `beacon`.
    pub kind: String,
}

/// An implementation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImplDeployed {
    /// Where it is.
    #[serde(flatten)]
    pub deployed: Deployed,
    /// Its storage layout.
    pub layout: StorageLayout,
    /// Every address the same code was deployed at.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "checksummed_list"
    )]
    pub all_addresses: Option<Vec<Address>>,
}

impl ImplDeployed {
    /// Whether it was deployed at `address`.
    pub fn at(&self, address: Address) -> bool {
        self.deployed.address == address
            || self
                .all_addresses
                .as_ref()
                .is_some_and(|all| all.contains(&address))
    }
}

/// A network's manifest.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Manifest {
    /// `3.2`.
    pub manifest_version: String,
    /// A 4.x `ProxyAdmin` shared by the network's transparent proxies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin: Option<Deployed>,
    /// The proxies.
    #[serde(default)]
    pub proxies: Vec<ProxyDeployed>,
    /// The implementations, by OpenZeppelin's version hash.
    #[serde(default)]
    pub impls: BTreeMap<String, ImplDeployed>,
    /// Fields slipway does not use.
    #[serde(flatten)]
    pub other: BTreeMap<String, Value>,
}

impl Default for Manifest {
    fn default() -> Self {
        Self {
            manifest_version: MANIFEST_VERSION.into(),
            admin: None,
            proxies: Vec::new(),
            impls: BTreeMap::new(),
            other: BTreeMap::new(),
        }
    }
}

/// OpenZeppelin's version hash of creation code: keccak256 of the code
/// without its trailing solc metadata, as hex without `0x` (the key of
/// `impls`).
pub fn version_hash(creation_code: &[u8]) -> String {
    let end = creation_code.len() - metadata_len(creation_code).unwrap_or(0);
    alloy_primitives::hex::encode(keccak256(&creation_code[..end]))
}

/// The length of the CBOR metadata (and its two length bytes) that ends
/// `code`, when it ends with some.
fn metadata_len(code: &[u8]) -> Option<usize> {
    let n = code.len();
    let length = usize::from(u16::from_be_bytes([
        *code.get(n.checked_sub(2)?)?,
        *code.get(n - 1)?,
    ]));
    let start = n.checked_sub(length + 2)?;
    (length > 0 && (0xa1..=0xa5).contains(code.get(start)?)).then_some(length + 2)
}

impl Manifest {
    /// Reads `path`; none there is an empty manifest.
    pub fn read(path: &Path) -> Result<Self, UpgradesError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Self::default()),
            Err(source) => {
                return Err(UpgradesError::Read {
                    path: path.to_path_buf(),
                    source,
                });
            }
        };
        // A manifest saved by an editor that writes a byte-order mark.
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let manifest: Manifest =
            serde_json::from_str(text).map_err(|e| UpgradesError::Manifest {
                path: path.to_path_buf(),
                message: e.to_string(),
            })?;
        let major = manifest.manifest_version.split('.').next();
        if major != Some("3") {
            return Err(UpgradesError::Manifest {
                path: path.to_path_buf(),
                message: format!(
                    "manifest version {} is not one slipway reads (3.x)",
                    manifest.manifest_version
                ),
            });
        }
        Ok(manifest)
    }

    /// Writes it to `path` through a temporary file, so that a crash
    /// never leaves half a manifest.
    pub fn write(&self, path: &Path) -> Result<(), UpgradesError> {
        let write = |path: &Path| -> std::io::Result<()> {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            let mut text = serde_json::to_string_pretty(self).map_err(std::io::Error::other)?;
            text.push('\n');
            let temp = temp_path(path);
            std::fs::write(&temp, text)?;
            std::fs::rename(&temp, path)
        };
        write(path).map_err(|source| UpgradesError::Read {
            path: path.to_path_buf(),
            source,
        })
    }

    /// The implementation deployed at `address`.
    pub fn implementation_at(&self, address: Address) -> Option<&ImplDeployed> {
        self.impls.values().find(|i| i.at(address))
    }

    /// Records an implementation (its version hash, address and layout);
    /// the same code at another address is added to its addresses.
    pub fn add_implementation(
        &mut self,
        version: String,
        address: Address,
        tx_hash: Option<String>,
        layout: StorageLayout,
    ) {
        match self.impls.get_mut(&version) {
            Some(known) if known.at(address) => {}
            Some(known) => {
                let all = known
                    .all_addresses
                    .get_or_insert_with(|| vec![known.deployed.address]);
                all.push(address);
            }
            None => {
                self.impls.insert(
                    version,
                    ImplDeployed {
                        deployed: Deployed {
                            address,
                            tx_hash,
                            other: BTreeMap::new(),
                        },
                        layout,
                        all_addresses: None,
                    },
                );
            }
        }
    }

    /// Records a proxy once.
    pub fn add_proxy(&mut self, address: Address, tx_hash: Option<String>, kind: &str) {
        if self.proxies.iter().any(|p| p.deployed.address == address) {
            return;
        }
        self.proxies.push(ProxyDeployed {
            deployed: Deployed {
                address,
                tx_hash,
                other: BTreeMap::new(),
            },
            kind: kind.to_owned(),
        });
    }

    /// Takes in `other`'s implementations (at every address) and proxies
    /// that this manifest lacks; returns how many implementations `other`
    /// holds.
    pub fn merge(&mut self, other: &Manifest) -> usize {
        for (version, implementation) in &other.impls {
            let addresses = implementation
                .all_addresses
                .clone()
                .unwrap_or_else(|| vec![implementation.deployed.address]);
            for address in addresses {
                self.add_implementation(
                    version.clone(),
                    address,
                    implementation.deployed.tx_hash.clone(),
                    implementation.layout.clone(),
                );
            }
        }
        for proxy in &other.proxies {
            self.add_proxy(
                proxy.deployed.address,
                proxy.deployed.tx_hash.clone(),
                &proxy.kind,
            );
        }
        other.impls.len()
    }

    /// The proxy at `address`.
    pub fn proxy_at(&self, address: Address) -> Option<&ProxyDeployed> {
        self.proxies.iter().find(|p| p.deployed.address == address)
    }
}

/// Addresses as OpenZeppelin's manifests write them: checksummed.
mod checksummed {
    use alloy_primitives::Address;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(address: &Address, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&address.to_checksum(None))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Address, D::Error> {
        Address::deserialize(d)
    }
}

/// A list of [`checksummed`] addresses.
mod checksummed_list {
    use alloy_primitives::Address;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(
        addresses: &Option<Vec<Address>>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match addresses {
            Some(all) => s.collect_seq(all.iter().map(|a| a.to_checksum(None))),
            None => s.serialize_none(),
        }
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Vec<Address>>, D::Error> {
        Option::<Vec<Address>>::deserialize(d)
    }
}

fn temp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.tmp"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_version_hash_ignores_the_metadata() {
        // Code, then a 3-byte CBOR map and its length (0x0003).
        let with = [0x60, 0x80, 0xa1, 0x00, 0x00, 0x00, 0x03];
        let other_metadata = [0x60, 0x80, 0xa1, 0x01, 0x02, 0x00, 0x03];
        assert_eq!(version_hash(&with), version_hash(&other_metadata));
        assert_eq!(
            version_hash(&with),
            alloy_primitives::hex::encode(keccak256([0x60, 0x80]))
        );
        assert_ne!(version_hash(&[0x60, 0x81]), version_hash(&[0x60, 0x80]));
    }

    #[test]
    fn a_manifest_keeps_what_it_does_not_use_and_adds_addresses_once() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("m.json");
        std::fs::write(
            &path,
            r#"{"manifestVersion":"3.2","proxies":[],"impls":{},"extra":{"k":1}}"#,
        )
        .expect("write");
        let mut manifest = Manifest::read(&path).expect("read");
        let a = Address::repeat_byte(1);
        let b = Address::repeat_byte(2);
        manifest.add_implementation("v".into(), a, None, StorageLayout::default());
        manifest.add_implementation("v".into(), a, None, StorageLayout::default());
        manifest.add_implementation("v".into(), b, None, StorageLayout::default());
        manifest.add_proxy(a, None, "uups");
        manifest.add_proxy(a, None, "uups");
        manifest.write(&path).expect("write");
        let again = Manifest::read(&path).expect("read again");
        assert_eq!(again.other.get("extra"), Some(&serde_json::json!({"k": 1})));
        assert_eq!(again.proxies.len(), 1);
        assert!(again.implementation_at(b).is_some());
        let text = std::fs::read_to_string(&path).expect("read text");
        assert!(text.contains(&a.to_checksum(None)), "{text}");
        assert_eq!(again.impls["v"].all_addresses.as_deref(), Some(&[a, b][..]));
    }

    #[test]
    fn a_manifest_with_a_byte_order_mark_and_crlf_reads() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("m.json");
        std::fs::write(
            &path,
            "\u{feff}{\r\n  \"manifestVersion\": \"3.2\",\r\n  \"proxies\": [],\r\n  \"impls\": {}\r\n}\r\n",
        )
        .expect("write");
        assert_eq!(Manifest::read(&path).expect("reads"), Manifest::default());
    }

    #[test]
    fn another_major_version_is_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("m.json");
        std::fs::write(&path, r#"{"manifestVersion":"2.0","impls":{}}"#).expect("write");
        let error = Manifest::read(&path).expect_err("2.0");
        assert!(error.to_string().contains("3.x"), "{error}");
    }
}
