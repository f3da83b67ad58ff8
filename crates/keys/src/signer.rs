//! Who signs: an environment's named signers (`deployer`, `guardian`, any
//! name a project picks) resolved into a [`ChainSigner`], under the
//! environment's rules — dev accounts only on the embedded chain, keys from
//! environment variables never where the environment is protected or a
//! Safe is required. Decided from the environment's flags, never its name.

use std::{fmt, sync::Arc};

use alloy_consensus::{SignableTransaction, TxEnvelope, TypedTransaction};
use alloy_dyn_abi::TypedData;
use alloy_primitives::{Address, B256, Signature};
use alloy_signer::SignerSync;
use alloy_signer_local::PrivateKeySigner;
use slipway_config::{Environment, ExternalApi, Multisig, RpcUrl, Signer, Target, Vars};

use crate::{
    ExternalError, ExternalSigner, KeystoreError, Keystores, MnemonicError, Password,
    SignerTransport, derive_account,
};

/// A private key held in memory. `Debug` shows the address only.
#[derive(Clone)]
pub struct LocalKey(PrivateKeySigner);

impl LocalKey {
    pub(crate) fn new(signer: PrivateKeySigner) -> Self {
        Self(signer)
    }

    /// The account's address.
    pub fn address(&self) -> Address {
        self.0.address()
    }

    /// The alloy signer, to sign transactions and messages with.
    pub fn signer(&self) -> &PrivateKeySigner {
        &self.0
    }
}

impl fmt::Debug for LocalKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "LocalKey({}, key: ***)", self.address())
    }
}

/// A resolved signer: a key in this process, or an external signer whose
/// every answer is checked.
#[derive(Clone)]
pub enum ChainSigner {
    /// A key in memory: a dev account, an environment variable or a keystore.
    Local(LocalKey),
    /// A remote JSON-RPC signer (Web3Signer in front of a KMS or HSM, Frame,
    /// Clef): it holds the key.
    External(Arc<ExternalSigner>),
    /// An account impersonated on a development or rehearsal chain: its
    /// transactions carry [`impersonation_signature`], which only such a
    /// chain accepts, and only for an account it impersonates. It signs
    /// nothing else.
    Impersonated(Address),
}

/// The placeholder signature of an impersonated account's transactions:
/// `r` is the address, `s` is 1. No key makes it, and a real network
/// recovers no such sender from it.
pub fn impersonation_signature(address: Address) -> Signature {
    Signature::new(
        alloy_primitives::U256::from_be_slice(address.as_slice()),
        alloy_primitives::U256::from(1),
        false,
    )
}

/// The account `signature` impersonates, if it is an impersonation
/// signature.
pub fn impersonated_by(signature: &Signature) -> Option<Address> {
    let r = signature.r().to_be_bytes::<32>();
    let address = Address::from_slice(&r[12..]);
    (r[..12].iter().all(|b| *b == 0) && *signature == impersonation_signature(address))
        .then_some(address)
}

impl ChainSigner {
    /// The account that signs.
    pub fn address(&self) -> Address {
        match self {
            Self::Local(key) => key.address(),
            Self::External(signer) => signer.address(),
            Self::Impersonated(address) => *address,
        }
    }

    /// Signs `tx`. An external signer's answer is decoded and must be this
    /// very transaction, signed by this account.
    pub async fn sign_transaction(&self, tx: TypedTransaction) -> Result<TxEnvelope, SignerError> {
        match self {
            Self::Local(key) => {
                let signature = key
                    .signer()
                    .sign_hash_sync(&tx.signature_hash())
                    .map_err(|e| SignerError::Sign(e.to_string()))?;
                Ok(tx.into_envelope(signature))
            }
            Self::External(signer) => Ok(signer.sign_transaction(tx).await?),
            Self::Impersonated(address) => Ok(tx.into_envelope(impersonation_signature(*address))),
        }
    }

    /// Signs EIP-712 typed data; the signature recovers this account over
    /// the digest computed here.
    pub async fn sign_typed_data(&self, typed: &TypedData) -> Result<Signature, SignerError> {
        match self {
            Self::Local(key) => {
                let digest = typed
                    .eip712_signing_hash()
                    .map_err(|e| SignerError::Sign(format!("typed data: {e}")))?;
                key.signer()
                    .sign_hash_sync(&digest)
                    .map_err(|e| SignerError::Sign(e.to_string()))
            }
            Self::External(signer) => Ok(signer.sign_typed_data(typed).await?),
            Self::Impersonated(address) => Err(impersonated_cannot(*address)),
        }
    }

    /// Signs `message` as `personal_sign` does (EIP-191).
    pub async fn sign_message(&self, message: &[u8]) -> Result<Signature, SignerError> {
        match self {
            Self::Local(key) => key
                .signer()
                .sign_message_sync(message)
                .map_err(|e| SignerError::Sign(e.to_string())),
            Self::External(signer) => Ok(signer.sign_message(message).await?),
            Self::Impersonated(address) => Err(impersonated_cannot(*address)),
        }
    }

    /// Signs a 32-byte digest as it is. Only keys in this process can: an
    /// external signer never signs what it cannot see.
    pub fn sign_hash(&self, hash: B256) -> Result<Signature, SignerError> {
        match self {
            Self::Local(key) => key
                .signer()
                .sign_hash_sync(&hash)
                .map_err(|e| SignerError::Sign(e.to_string())),
            Self::External(signer) => Err(SignerError::Sign(format!(
                "the external signer for {} signs transactions, typed data and messages, not bare digests",
                signer.address()
            ))),
            Self::Impersonated(address) => Err(impersonated_cannot(*address)),
        }
    }
}

fn impersonated_cannot(address: Address) -> SignerError {
    SignerError::Sign(format!(
        "{address} is impersonated on a rehearsal: it sends transactions there, and signs nothing else"
    ))
}

impl fmt::Debug for ChainSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Local(key) => key.fmt(f),
            Self::External(signer) => signer.fmt(f),
            Self::Impersonated(address) => write!(f, "Impersonated({address})"),
        }
    }
}

/// Why a signer cannot be used. Never contains a key.
#[derive(Debug, thiserror::Error)]
pub enum SignerError {
    /// The environment names no signer of that name.
    #[error(
        "environment `{env}` names no [environments.{env}.signers] {name} (it has: {known}); add one, e.g. `{name} = {{ kind = \"keystore\", path = \"keys/{name}.json\" }}` after `slipway account new {name}`"
    )]
    Unknown {
        /// The environment.
        env: String,
        /// The name asked for.
        name: String,
        /// The names it has.
        known: String,
    },
    /// Dev accounts exist only on the embedded chain.
    #[error(
        "environment `{0}` is not the embedded development chain: dev accounts do not exist there; set `signer = {{ kind = \"keystore\", path = \"…\" }}`"
    )]
    DevOutsideDevelopment(String),
    /// A raw key in the environment is refused here.
    #[error(
        "environment `{env}` {why}: a private key in an environment variable is refused there; use a keystore (`slipway account new NAME`, then `signer = {{ kind = \"keystore\", path = \"…\" }}`) or an external signer"
    )]
    EnvKeyRefused {
        /// The environment.
        env: String,
        /// Protected, or a multisig required.
        why: &'static str,
    },
    /// The variable holding the key is not set.
    #[error("the signer's private key variable ${0} is not set (in the environment or .env)")]
    MissingVar(String),
    /// The variable holds no valid key (its value is not shown).
    #[error("${0} does not hold a valid private key (32 bytes of hex)")]
    BadKey(String),
    /// The dev account cannot be derived.
    #[error(transparent)]
    Derive(#[from] MnemonicError),
    /// A keystore problem.
    #[error(transparent)]
    Keystore(#[from] KeystoreError),
    /// The keystore declares no address, so it cannot be named without
    /// unlocking it.
    #[error(
        "{0} declares no address: unlock it once with `slipway account list`, or write its address into the file's `address` field"
    )]
    Undeclared(std::path::PathBuf),
    /// The external signer failed, or answered something other than asked.
    #[error(transparent)]
    External(#[from] ExternalError),
    /// Signing failed.
    #[error("signing failed: {0}")]
    Sign(String),
    /// No password: neither a variable nor a terminal.
    #[error("{0}")]
    Password(String),
}

/// What resolution needs from its caller: the variables, a way to ask for
/// a password, and a way to reach an external signer (the chain layer's
/// JSON-RPC transport: this crate speaks no wire format itself).
pub struct SignerContext<'a> {
    /// `${VAR}` values and keys from the environment and `.env`.
    pub vars: &'a Vars,
    /// Asks for a keystore's password (a terminal prompt).
    pub ask: &'a dyn Fn(&str) -> Result<Password, SignerError>,
    /// Opens the transport to an external signer.
    pub remote: &'a OpenTransport,
}

/// Opens the transport to the external signer at a URL, speaking an API.
pub type OpenTransport =
    dyn Fn(&RpcUrl, ExternalApi) -> Result<Arc<dyn SignerTransport>, SignerError>;

/// The signer `name` of `env`, ready to sign.
pub fn resolve(
    env: &Environment,
    name: &str,
    context: &SignerContext<'_>,
) -> Result<ChainSigner, SignerError> {
    match named(env, name)? {
        Signer::Dev { index } => {
            let mnemonic = dev_mnemonic(env)?;
            Ok(ChainSigner::Local(LocalKey::new(
                derive_account(mnemonic, *index)?.signer,
            )))
        }
        Signer::Env { var } => Ok(ChainSigner::Local(env_key(env, var, context.vars)?)),
        Signer::Keystore { path, password_env } => {
            let password = match password_env.as_deref().and_then(|v| context.vars.get(v)) {
                Some(text) => Password::new(text),
                None => (context.ask)(&format!("Password for {}: ", path.display()))?,
            };
            Ok(ChainSigner::Local(Keystores::unlock(path, &password)?))
        }
        Signer::External { url, address, api } => {
            let transport = (context.remote)(url, *api)?;
            Ok(ChainSigner::External(Arc::new(ExternalSigner::new(
                *address, transport,
            ))))
        }
    }
}

/// The address of signer `name` of `env`, without unlocking anything that
/// needs a password (a keystore's declared address, an external signer's
/// configured one). Environment-variable keys follow the same refusals as
/// when signing.
pub fn address_of(env: &Environment, name: &str, vars: &Vars) -> Result<Address, SignerError> {
    match named(env, name)? {
        Signer::Dev { index } => Ok(derive_account(dev_mnemonic(env)?, *index)?.address),
        Signer::Env { var } => Ok(env_key(env, var, vars)?.address()),
        Signer::Keystore { path, .. } => {
            if !path.exists() {
                return Err(KeystoreError::Missing(path.clone()).into());
            }
            Keystores::declared_address(path).ok_or_else(|| SignerError::Undeclared(path.clone()))
        }
        Signer::External { address, .. } => Ok(*address),
    }
}

fn named<'e>(env: &'e Environment, name: &str) -> Result<&'e Signer, SignerError> {
    env.signer(name).ok_or_else(|| SignerError::Unknown {
        env: env.name.clone(),
        name: name.to_owned(),
        known: match env.signer_names().join(", ") {
            names if names.is_empty() => "none".to_owned(),
            names => names,
        },
    })
}

fn dev_mnemonic(env: &Environment) -> Result<&str, SignerError> {
    match &env.target {
        Target::Embedded(devnet) => Ok(&devnet.mnemonic),
        Target::Rpc(_) => Err(SignerError::DevOutsideDevelopment(env.name.clone())),
    }
}

fn env_key(env: &Environment, var: &str, vars: &Vars) -> Result<LocalKey, SignerError> {
    let why = if env.protected {
        Some("is protected")
    } else if env.multisig != Multisig::Off {
        Some("requires a multisig")
    } else {
        None
    };
    if let Some(why) = why {
        return Err(SignerError::EnvKeyRefused {
            env: env.name.clone(),
            why,
        });
    }
    let text = vars
        .get(var)
        .ok_or_else(|| SignerError::MissingVar(var.to_owned()))?;
    let text = text.trim();
    let hex = text.strip_prefix("0x").unwrap_or(text);
    let bytes: B256 = hex
        .parse()
        .map_err(|_| SignerError::BadKey(var.to_owned()))?;
    let key =
        PrivateKeySigner::from_bytes(&bytes).map_err(|_| SignerError::BadKey(var.to_owned()))?;
    Ok(LocalKey::new(key))
}

#[cfg(test)]
mod impersonation_tests {
    use super::*;

    #[test]
    fn an_impersonation_signature_names_its_account_and_a_real_one_does_not() {
        let account = Address::repeat_byte(0xab);
        assert_eq!(
            impersonated_by(&impersonation_signature(account)),
            Some(account)
        );
        let key = PrivateKeySigner::random();
        let real = key.sign_hash_sync(&B256::repeat_byte(1)).expect("signs");
        assert_eq!(impersonated_by(&real), None);
        let signer = ChainSigner::Impersonated(account);
        assert_eq!(signer.address(), account);
        assert!(signer.sign_hash(B256::ZERO).is_err(), "signs nothing else");
    }
}
