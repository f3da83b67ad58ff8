//! Who signs an environment's transactions, resolved from its `signer`.

use std::{fmt, sync::Arc};

use alloy_primitives::{Address, B256};
use alloy_signer_local::PrivateKeySigner;
use slipway_config::{Environment, Multisig, Signer, Target, Vars};

use crate::{KeystoreError, Keystores, Password};

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

/// The signer of an environment.
#[derive(Clone)]
pub enum ChainSigner {
    /// A key in memory: a dev account, an environment variable or a keystore.
    Local(LocalKey),
    /// An external signer (HSM, cloud KMS, hardware wallet).
    External(Arc<dyn alloy_signer::Signer + Send + Sync>),
}

impl ChainSigner {
    /// The account that signs.
    pub fn address(&self) -> Address {
        match self {
            Self::Local(key) => key.address(),
            Self::External(signer) => signer.address(),
        }
    }
}

impl ChainSigner {
    /// Signs a 32-byte hash (a transaction's signing hash).
    pub async fn sign_hash(&self, hash: B256) -> Result<alloy_primitives::Signature, SignerError> {
        use alloy_signer::SignerSync;
        match self {
            Self::Local(key) => key
                .signer()
                .sign_hash_sync(&hash)
                .map_err(|e| SignerError::Sign(e.to_string())),
            Self::External(signer) => signer
                .sign_hash(&hash)
                .await
                .map_err(|e| SignerError::Sign(e.to_string())),
        }
    }
}

impl fmt::Debug for ChainSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Local(key) => key.fmt(f),
            Self::External(signer) => write!(f, "External({})", signer.address()),
        }
    }
}

/// Why an environment's signer cannot be used. Never contains a key.
#[derive(Debug, thiserror::Error)]
pub enum SignerError {
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
        /// Production, or a multisig required.
        why: &'static str,
    },
    /// The variable holding the key is not set.
    #[error("the signer's private key variable ${0} is not set (in the environment or .env)")]
    MissingVar(String),
    /// The variable holds no valid key (its value is not shown).
    #[error("${0} does not hold a valid private key (32 bytes of hex)")]
    BadKey(String),
    /// The dev account cannot be derived.
    #[error("dev account {0} cannot be derived from the development mnemonic")]
    Derive(u32),
    /// A keystore problem.
    #[error(transparent)]
    Keystore(#[from] KeystoreError),
    /// The signer refused or failed.
    #[error("signing failed: {0}")]
    Sign(String),
    /// No password: neither a variable nor a terminal.
    #[error("{0}")]
    Password(String),
}

/// The signer `env` names. Passwords come from `vars` (the keystore's
/// `password_env`) or from `ask` (a terminal prompt).
pub fn resolve_signer(
    env: &Environment,
    vars: &Vars,
    ask: &dyn Fn(&str) -> Result<Password, SignerError>,
) -> Result<ChainSigner, SignerError> {
    match &env.signer {
        Signer::Dev { index } => {
            let Target::Embedded(devnet) = &env.target else {
                return Err(SignerError::DevOutsideDevelopment(env.name.clone()));
            };
            let key = slipway_devnet::derive_account(&devnet.mnemonic, *index)
                .map_err(|_| SignerError::Derive(*index))?;
            Ok(ChainSigner::Local(LocalKey::new(key.signer)))
        }
        Signer::Env { var } => {
            let why = if env.name == "production" {
                Some("is production")
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
                .ok_or_else(|| SignerError::MissingVar(var.clone()))?;
            let text = text.trim();
            let hex = text.strip_prefix("0x").unwrap_or(text);
            let bytes: B256 = hex.parse().map_err(|_| SignerError::BadKey(var.clone()))?;
            let key = PrivateKeySigner::from_bytes(&bytes)
                .map_err(|_| SignerError::BadKey(var.clone()))?;
            Ok(ChainSigner::Local(LocalKey::new(key)))
        }
        Signer::Keystore { path, password_env } => {
            let password = match password_env.as_deref().and_then(|v| vars.get(v)) {
                Some(text) => Password::new(text),
                None => ask(&format!("Password for {}: ", path.display()))?,
            };
            Ok(ChainSigner::Local(Keystores::unlock(path, &password)?))
        }
    }
}
