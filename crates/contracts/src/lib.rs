//! What every chain-facing part of slipway knows about the project's
//! contracts, below deploy, verify, call and the coming monitor and ops:
//!
//! - the artifact index of a build ([`Artifacts`]): find a contract by name
//!   or path, with close-name suggestions; creation and runtime code with
//!   library slots, linking;
//! - ABI decoding ([`Decoder`]) of calldata, return data, reverts and
//!   events, from every ABI of the build;
//! - a function call as people write it ([`Invocation`]): by address or
//!   record, by signature or name, arguments as Solidity writes them;
//! - deployment records ([`DeploymentRecord`], `deployments/<env>/*.json`),
//!   which carry the chain's genesis hash so that a record from another
//!   chain is detected wherever it is read.

mod artifacts;
mod decode;
mod error;
mod invoke;
mod records;

pub use artifacts::{Artifact, Artifacts, LinkReferences, fill, names_contract};
pub use decode::{DecodedEvent, Decoder, EventArg, display_value};
pub use error::{ChainIdentity, FindError, LinkError, OtherChain, RecordError};
pub use invoke::{Invocation, InvokeError};
pub use records::{DeploymentRecord, ImplementationRecord, ProxyRecord, read_records, records_dir};
