//! What speaks to a Safe multisig, and knows nothing of plans: the SafeTx
//! and its EIP-712 hash (`tx`), owners' signatures and their encoding
//! (`signatures`), batches through MultiSend (`batch`), the checks a
//! signer's screen cannot make (`checks`), a Safe's state read from the
//! chain (`state`), Safe's
//! released contracts as the npm packages ship them and
//! `safe-deployments` lists them (`release`), and putting them on a chain
//! and creating Safes (`deploy`), and what owners do on chain: approve,
//! execute, rotate owners (`exec`); and the Safe Transaction Service
//! (`service`). Safe 1.3.0, 1.4.1 and 1.5.0 are spoken
//! (their EIP-712 domain holds the chain id).

mod abi;
mod batch;
mod batching;
mod checks;
mod deploy;
mod error;
mod exec;
mod release;
mod service;
mod signatures;
mod state;
mod tx;

pub use batch::{BatchCall, pack};
pub use batching::Batching;
pub use checks::{AllowedRisks, UnsafeTx, check_transaction};
pub use deploy::{SafeSetup, create_safe, deploy_release, install_singleton_factory, predict_safe};
pub use error::SafeError;
pub use exec::{
    Landed, OwnerChange, approve_hash, approved_owners, exec_transaction, executor_approval,
};
pub use release::{
    FactoryDeployment, ReleaseError, SAFE_SINGLETON_FACTORY, SafeContract, SafeRelease,
    create2_address,
};
pub use service::{ServiceClient, ServiceError, ServiceSafe, ServiceTx};
pub use signatures::{OwnerSignature, SignatureError, SignatureKind, encode_signatures};
pub use state::{SafeState, read_state};
pub use tx::{Operation, SafeTx};
