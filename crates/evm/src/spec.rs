//! Hardfork names to revm's spec ids.

use revm::primitives::hardfork::SpecId;
use slipway_config::Hardfork;

/// The revm spec of a hardfork.
pub fn spec_id(hardfork: Hardfork) -> SpecId {
    match hardfork {
        Hardfork::Byzantium => SpecId::BYZANTIUM,
        Hardfork::Constantinople => SpecId::PETERSBURG,
        Hardfork::Petersburg => SpecId::PETERSBURG,
        Hardfork::Istanbul => SpecId::ISTANBUL,
        Hardfork::Berlin => SpecId::BERLIN,
        Hardfork::London => SpecId::LONDON,
        Hardfork::Paris => SpecId::MERGE,
        Hardfork::Shanghai => SpecId::SHANGHAI,
        Hardfork::Cancun => SpecId::CANCUN,
        Hardfork::Prague => SpecId::PRAGUE,
        Hardfork::Osaka => SpecId::OSAKA,
    }
}
