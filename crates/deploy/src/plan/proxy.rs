//! Proxy steps (`proxy = "uups" | "transparent" | "beacon"`): the kinds,
//! the part each generated step plays, and how one written step is read
//! into the steps it stands for (`<id>.impl`, `<id>.beacon`, `<id>`,
//! `<id>.upgrade`).

use std::collections::BTreeMap;

use toml::Spanned;

use super::{Action, Calldata, Expr, Step, StepReader, Via, raw::RawStep};

/// OpenZeppelin's proxy contracts, as found in a build (by path suffix).
pub const ERC1967_PROXY: &str = "proxy/ERC1967/ERC1967Proxy.sol:ERC1967Proxy";
/// The transparent proxy.
pub const TRANSPARENT_PROXY: &str =
    "proxy/transparent/TransparentUpgradeableProxy.sol:TransparentUpgradeableProxy";
/// The admin a transparent proxy creates.
pub const PROXY_ADMIN: &str = "proxy/transparent/ProxyAdmin.sol:ProxyAdmin";
/// The beacon.
pub const UPGRADEABLE_BEACON: &str = "proxy/beacon/UpgradeableBeacon.sol:UpgradeableBeacon";
/// The beacon proxy.
pub const BEACON_PROXY: &str = "proxy/beacon/BeaconProxy.sol:BeaconProxy";

/// The name a transparent proxy's `ProxyAdmin` goes by in a plan: the
/// proxy's constructor creates it, and the chain tells where.
pub fn admin_name(proxy: &str) -> String {
    format!("{proxy}.admin")
}

/// The step that deploys proxy `proxy`'s implementation.
pub fn implementation_name(proxy: &str) -> String {
    format!("{proxy}.impl")
}

/// The step that deploys beacon proxy `proxy`'s beacon.
pub fn beacon_name(proxy: &str) -> String {
    format!("{proxy}.beacon")
}

/// The step that upgrades proxy `proxy`.
pub fn upgrade_name(proxy: &str) -> String {
    format!("{proxy}.upgrade")
}

/// How an upgradeable contract's proxy delegates (`proxy = "…"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProxyKind {
    /// `ERC1967Proxy`; the implementation upgrades itself
    /// (`upgradeToAndCall`, allowed by its `_authorizeUpgrade`).
    Uups,
    /// `TransparentUpgradeableProxy`, upgraded through the `ProxyAdmin` its
    /// constructor creates for the owner.
    Transparent,
    /// `BeaconProxy` reading its implementation from an
    /// `UpgradeableBeacon` the owner upgrades.
    Beacon,
}

impl ProxyKind {
    /// As written in plans and OpenZeppelin's manifests.
    pub fn as_str(self) -> &'static str {
        match self {
            ProxyKind::Uups => "uups",
            ProxyKind::Transparent => "transparent",
            ProxyKind::Beacon => "beacon",
        }
    }
}

/// What part a step plays: a plain step as written, or one of the steps a
/// `proxy = "…"` step stands for.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum StepRole {
    /// A step as written.
    #[default]
    Plain,
    /// `<id>.impl`: the implementation behind proxy `proxy`. A change of
    /// its code (metadata stripped) is an upgrade, not a redeploy.
    Implementation {
        /// The proxy's step.
        proxy: String,
        /// The proxy's kind.
        kind: ProxyKind,
        /// OpenZeppelin's validation kinds waived (`unsafe_allow`,
        /// `--unsafe-allow`): journaled with the implementation.
        unsafe_allow: Vec<String>,
    },
    /// `<id>`: the proxy, created once; it takes its first implementation
    /// (or beacon) as a constructor argument, and later ones by upgrades.
    Proxy {
        /// Its kind.
        kind: ProxyKind,
        /// The implementation's step.
        implementation: String,
    },
    /// `<id>.beacon`: the beacon of beacon proxy `proxy`.
    Beacon {
        /// The proxy's step.
        proxy: String,
        /// The implementation's step.
        implementation: String,
    },
    /// `<id>.upgrade`: points the proxy at the plan's implementation when
    /// it points elsewhere; done when it already does.
    Upgrade {
        /// The proxy's step.
        proxy: String,
        /// The proxy's kind.
        kind: ProxyKind,
        /// The implementation's step.
        implementation: String,
    },
}

impl StepRole {
    /// The part in words (`implementation of Box`); none for a plain step.
    pub fn describe(&self) -> Option<String> {
        match self {
            StepRole::Plain => None,
            StepRole::Implementation { proxy, .. } => Some(format!("implementation of {proxy}")),
            StepRole::Proxy { kind, .. } => Some(format!("{} proxy", kind.as_str())),
            StepRole::Beacon { proxy, .. } => Some(format!("beacon of {proxy}")),
            StepRole::Upgrade { proxy, kind, .. } => {
                Some(format!("upgrade of {proxy} ({})", kind.as_str()))
            }
        }
    }
}

impl StepReader<'_, '_> {
    /// A written step: a plain one, or the steps a proxy step stands for.
    pub(super) fn step(&mut self, raw: Spanned<RawStep>) -> Vec<Step> {
        let offset = raw.span().start;
        let Some(proxy) = raw.get_ref().proxy.clone() else {
            return self.plain_step(raw).into_iter().collect();
        };
        let kind = match proxy.get_ref().as_str() {
            "uups" => ProxyKind::Uups,
            "transparent" => ProxyKind::Transparent,
            "beacon" => ProxyKind::Beacon,
            other => {
                self.at.error(
                    proxy.span().start,
                    None,
                    format!(
                        "`proxy = \"{other}\"` is unknown: \"uups\", \"transparent\" or \"beacon\""
                    ),
                );
                return Vec::new();
            }
        };
        let mut raw = raw.into_inner();
        let Some(artifact) = raw.deploy.clone() else {
            self.at.error(
                offset,
                None,
                "`proxy` belongs to deploy steps: `deploy = \"Implementation\"` with `proxy = \"uups\"`",
            );
            return Vec::new();
        };
        let initializer = raw.initializer.take();
        let owner = raw.owner.take();
        let upgrade_call = raw.upgrade_call.take();
        let upgrade_args = std::mem::take(&mut raw.upgrade_args);
        let mut unsafe_allow = Vec::new();
        for kind in std::mem::take(&mut raw.unsafe_allow) {
            if slipway_upgrades::VALIDATION_KINDS.contains(&kind.get_ref().as_str()) {
                unsafe_allow.push(kind.into_inner());
            } else {
                self.at.error(
                    kind.span().start,
                    None,
                    format!(
                        "`unsafe_allow` names `{}`, which is not one of OpenZeppelin's validation kinds ({})",
                        kind.get_ref(),
                        slipway_upgrades::VALIDATION_KINDS.join(", ")
                    ),
                );
            }
        }
        let initializer_args = std::mem::take(&mut raw.args);
        let value = raw.value.take();
        let mistakes = [
            (raw.via.is_some(), "`via`"),
            (!raw.libraries.is_empty(), "`libraries`"),
        ];
        for (given, key) in mistakes {
            if given {
                self.at.error(
                    offset,
                    None,
                    format!("{key} cannot be used with `proxy` yet: deploy the proxy without it"),
                );
            }
        }
        let Some(implementation) = self.plain_step(Spanned::new(offset..offset, raw)) else {
            return Vec::new();
        };
        // One salt for the implementation, the beacon and the proxy: their
        // init codes differ, and so do their CREATE2 addresses.
        let salt = match &implementation.action {
            Action::Deploy { salt, .. } => *salt,
            Action::Call { .. } => None,
        };
        let id = implementation.id.clone();
        let sid = Some(id.as_str());
        let line = implementation.line;
        let artifact = artifact.into_inner();
        let init_args: Vec<Expr> = initializer_args
            .iter()
            .filter_map(|a| self.value(a.get_ref(), a.span().start, sid))
            .collect();
        let value = value.and_then(|v| self.value(v.get_ref(), v.span().start, sid));
        let calldata = |function: Option<String>, args: Vec<Expr>| match function {
            Some(function) => Expr::Calldata(Box::new(Calldata {
                function,
                artifact: artifact.clone(),
                args,
                resolved: None,
            })),
            None => Expr::Literal(toml::Value::String("0x".into())),
        };
        if initializer.is_none() && !init_args.is_empty() {
            self.at.error(
                offset,
                sid,
                "`args` of a proxy step are its initializer's: name it with `initializer = \"initialize\"`",
            );
        }
        let init = calldata(initializer.map(Spanned::into_inner), init_args);
        let upgrade_args: Vec<Expr> = upgrade_args
            .iter()
            .filter_map(|a| self.value(a.get_ref(), a.span().start, sid))
            .collect();
        if upgrade_call.is_none() && !upgrade_args.is_empty() {
            self.at.error(
                offset,
                sid,
                "`upgrade_args` go with `upgrade_call = \"initializeV2\"`",
            );
        }
        let reinit = calldata(upgrade_call.map(Spanned::into_inner), upgrade_args);
        let owner = match (kind, owner) {
            (ProxyKind::Uups, Some(owner)) => {
                self.at.error(
                    owner.span().start,
                    sid,
                    "a UUPS proxy is upgraded by whoever the implementation's `_authorizeUpgrade` allows: pass the owner among the initializer's `args`, not as `owner`",
                );
                None
            }
            (_, Some(owner)) => self.value(owner.get_ref(), owner.span().start, sid),
            (_, None) => Some(Expr::Ref("deployer".into())),
        };
        let owner = owner.unwrap_or(Expr::Ref("deployer".into()));
        let impl_id = implementation_name(&id);
        let beacon_id = beacon_name(&id);
        let step = |id: String, action: Action, args: Vec<Expr>, role: StepRole| Step {
            id,
            line,
            action,
            args,
            value: None,
            after: Vec::new(),
            role,
        };
        let deploy = |artifact: &str| Action::Deploy {
            artifact: artifact.to_owned(),
            salt,
            via: Via::Proxy,
            libraries: BTreeMap::new(),
        };
        let me = Expr::Ref(impl_id.clone());
        let mut steps = vec![Step {
            id: impl_id.clone(),
            after: implementation.after.clone(),
            role: StepRole::Implementation {
                proxy: id.clone(),
                kind,
                unsafe_allow,
            },
            ..implementation
        }];
        let role = StepRole::Proxy {
            kind,
            implementation: impl_id.clone(),
        };
        let upgrade = |to: Expr, function: &str, args: Vec<Expr>| {
            step(
                upgrade_name(&id),
                Action::Call {
                    function: function.to_owned(),
                    to,
                },
                args,
                StepRole::Upgrade {
                    proxy: id.clone(),
                    kind,
                    implementation: impl_id.clone(),
                },
            )
        };
        match kind {
            ProxyKind::Uups => {
                steps.push(step(
                    id.clone(),
                    deploy(ERC1967_PROXY),
                    vec![me.clone(), init],
                    role,
                ));
                steps.push(upgrade(
                    Expr::Ref(id.clone()),
                    "upgradeToAndCall(address,bytes)",
                    vec![me, reinit],
                ));
            }
            ProxyKind::Transparent => {
                steps.push(step(
                    id.clone(),
                    deploy(TRANSPARENT_PROXY),
                    vec![me.clone(), owner, init],
                    role,
                ));
                steps.push(upgrade(
                    Expr::Ref(admin_name(&id)),
                    "upgradeAndCall(address,address,bytes)",
                    vec![Expr::Ref(id.clone()), me, reinit],
                ));
            }
            ProxyKind::Beacon => {
                steps.push(step(
                    beacon_id.clone(),
                    deploy(UPGRADEABLE_BEACON),
                    vec![me.clone(), owner],
                    StepRole::Beacon {
                        proxy: id.clone(),
                        implementation: impl_id.clone(),
                    },
                ));
                steps.push(step(
                    id.clone(),
                    deploy(BEACON_PROXY),
                    vec![Expr::Ref(beacon_id.clone()), init],
                    role,
                ));
                if !matches!(reinit, Expr::Literal(_)) {
                    self.at.error(
                        offset,
                        sid,
                        "a beacon's upgrade calls no function (its proxies share it): leave out `upgrade_call`",
                    );
                }
                steps.push(upgrade(
                    Expr::Ref(beacon_id),
                    "upgradeTo(address)",
                    vec![me],
                ));
            }
        }
        if let Some(value) = value
            && let Some(proxy) = steps.iter_mut().find(|s| s.id == id)
        {
            proxy.value = Some(value);
        }
        steps
    }
}

impl super::Plan {
    /// Names OpenZeppelin's proxies by their whole path under `dir` (the
    /// project's OpenZeppelin Contracts), so that another copy in the
    /// build (a 4.x package beside the 5.x one) is never taken for them.
    pub fn use_openzeppelin_at(&mut self, dir: &std::path::Path) {
        for step in &mut self.steps {
            if let Action::Deploy { artifact, .. } = &mut step.action
                && [
                    ERC1967_PROXY,
                    TRANSPARENT_PROXY,
                    UPGRADEABLE_BEACON,
                    BEACON_PROXY,
                ]
                .contains(&artifact.as_str())
            {
                *artifact = format!("{}/{artifact}", dir.display());
            }
        }
    }
}
