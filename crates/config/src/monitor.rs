//! `[monitor]`: how often `slipway monitor` checks health, where it serves
//! its metrics, which alerts fail a `--once` pass, balance floors, where
//! alerts go (`[[monitor.sink]]`), and the transaction rules
//! (`[[monitor.rule]]`, here or in `monitor/*.toml` as `[[rule]]`), with
//! their conditions parsed — and refused with file, line and key — as the
//! file is read.

use std::{collections::BTreeMap, net::SocketAddr, path::PathBuf, time::Duration};

use alloy_primitives::{Address, B256, U256, keccak256};
use serde::{Deserialize, Deserializer, Serialize, de::Error as _};

use crate::LintSeverity;

/// `[monitor]`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct MonitorConfig {
    /// Health check interval (the SOP's 30 s).
    #[serde(with = "humantime_serde")]
    pub interval: Duration,
    /// A `--once` pass exits 1 when an alert at or above this fired.
    pub fail_on: LintSeverity,
    /// Where `/metrics`, `/healthz` and `/readyz` are served.
    pub listen: SocketAddr,
    /// Intervals without a new head before the stall alert.
    pub stall_intervals: u32,
    /// How often explorer verification (Etherscan, Sourcify) is checked.
    #[serde(with = "humantime_serde")]
    pub verify_interval: Duration,
    /// Blocks read in one pass at most; a longer gap is caught up over
    /// several passes, and reported.
    pub max_catch_up: u64,
    /// Balance floors: a signer's name, a record's name or an address →
    /// the least it should hold (`"0.5 ether"`, `"200000 gwei"`, wei).
    #[serde(deserialize_with = "floors")]
    pub floors: BTreeMap<String, U256>,
    /// `"emf"`: also write each interval's figures as CloudWatch Embedded
    /// Metric Format lines on stdout.
    pub cloudwatch: Option<CloudWatch>,
    /// Where alerts go (stdout when none is configured).
    pub sink: Vec<Sink>,
    /// Transaction and event rules.
    pub rule: Vec<Rule>,
}

impl Default for MonitorConfig {
    fn default() -> Self {
        Self {
            interval: Duration::from_secs(30),
            fail_on: LintSeverity::High,
            listen: SocketAddr::from(([127, 0, 0, 1], 9464)),
            stall_intervals: 3,
            verify_interval: Duration::from_secs(3600),
            max_catch_up: 10_000,
            floors: BTreeMap::new(),
            cloudwatch: None,
            sink: Vec::new(),
            rule: Vec::new(),
        }
    }
}

/// CloudWatch output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CloudWatch {
    /// Embedded Metric Format lines on stdout.
    Emf,
}

/// Where alerts go.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase", deny_unknown_fields)]
pub enum Sink {
    /// A line per alert on stdout.
    Stdout,
    /// A JSON line per alert appended to a file.
    Jsonl {
        /// The file, relative to the project.
        path: PathBuf,
    },
    /// Slack-compatible JSON POSTed to a URL, retried with backoff; the
    /// dedup key in an `Idempotency-Key` header and in the body.
    Webhook {
        /// The URL (may hold `${VAR}`; never shown).
        url: String,
    },
    /// A Prometheus Alertmanager (`/api/v2/alerts`).
    Alertmanager {
        /// Its base URL.
        url: String,
    },
}

/// What a rule watches.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum Watch {
    /// Logs of an event, by name or signature.
    Event(String),
    /// Transactions to a watched contract that failed.
    Failed,
    /// Calls of a function, by name or signature.
    Call(String),
}

/// A transaction or event rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Rule {
    /// Its id: the alert's name and part of its dedup key.
    pub id: String,
    /// Only this record (default: every recorded contract).
    pub contract: Option<String>,
    /// What it watches.
    pub watch: Watch,
    /// Conditions over the decoded arguments, all of which must hold.
    pub when: Vec<Clause>,
    /// Fires only when more than `count` matches fall within `within`.
    pub rate: Option<Rate>,
    /// How bad a match is.
    pub severity: LintSeverity,
    /// An alert with the same key is not sent again within this.
    pub cooldown: Duration,
    /// The automated circuit breaker: pause at this level on a match.
    pub pause: Option<String>,
    /// Where it was written (`monitor/bridge.toml`), for messages.
    pub file: PathBuf,
}

/// More than `count` matches within `within`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Rate {
    /// How many.
    pub count: u32,
    /// In how long.
    #[serde(with = "humantime_serde")]
    pub within: Duration,
}

/// A comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[allow(missing_docs)]
pub enum Op {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
}

/// A value a condition compares with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum Literal {
    /// A number (with its unit applied: `100 ether` is 10^20).
    Number(U256),
    /// An address.
    Address(Address),
    /// A 32-byte word (a hash, or a role: `DEFAULT_ADMIN_ROLE` is zero,
    /// `X_ROLE` is keccak256("X_ROLE")).
    Word(B256),
    /// true or false.
    Bool(bool),
    /// A quoted string.
    Text(String),
}

/// `argument op value`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Clause {
    /// The decoded argument's name (`amount`).
    pub arg: String,
    /// The comparison.
    pub op: Op,
    /// The value.
    pub value: Literal,
}

/// `amount > 100 ether and role == DEFAULT_ADMIN_ROLE`.
pub fn parse_condition(text: &str) -> Result<Vec<Clause>, String> {
    let mut clauses = Vec::new();
    let normalized = text.replace("&&", " and ");
    let mut parts = vec![Vec::new()];
    for word in normalized.split_whitespace() {
        match (word, parts.last_mut()) {
            ("and", _) | (_, None) => parts.push(Vec::new()),
            (word, Some(part)) => part.push(word),
        }
    }
    for part in parts.iter().map(|words| words.join(" ")) {
        let part = part.as_str();
        if part.is_empty() {
            return Err(format!("`{text}` has an empty condition"));
        }
        let ops = [
            ("==", Op::Eq),
            ("!=", Op::Ne),
            (">=", Op::Ge),
            ("<=", Op::Le),
            (">", Op::Gt),
            ("<", Op::Lt),
        ];
        let Some((at, token, op)) = ops
            .iter()
            .filter_map(|(token, op)| part.find(token).map(|at| (at, *token, *op)))
            .min_by_key(|(at, token, _)| (*at, std::cmp::Reverse(token.len())))
        else {
            return Err(format!(
                "`{part}` is not a condition: expected `argument op value` with op one of == != > >= < <="
            ));
        };
        let arg = part[..at].trim();
        let value = part[at + token.len()..].trim();
        if arg.is_empty() || !arg.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(format!("`{arg}` is not an argument name (in `{part}`)"));
        }
        let value = literal(value).map_err(|e| format!("{e} (in `{part}`)"))?;
        if matches!(
            value,
            Literal::Bool(_) | Literal::Text(_) | Literal::Address(_) | Literal::Word(_)
        ) && !matches!(op, Op::Eq | Op::Ne)
        {
            return Err(format!(
                "`{part}`: only == and != compare that kind of value"
            ));
        }
        clauses.push(Clause {
            arg: arg.to_owned(),
            op,
            value,
        });
    }
    Ok(clauses)
}

/// A value as a condition or a floor writes it.
fn literal(text: &str) -> Result<Literal, String> {
    if let Some(quoted) = text.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
        return Ok(Literal::Text(quoted.to_owned()));
    }
    match text {
        "true" => return Ok(Literal::Bool(true)),
        "false" => return Ok(Literal::Bool(false)),
        "DEFAULT_ADMIN_ROLE" => return Ok(Literal::Word(B256::ZERO)),
        _ => {}
    }
    if text.starts_with("0x") {
        if text.len() == 42 {
            return text
                .parse()
                .map(Literal::Address)
                .map_err(|_| format!("`{text}` is not an address"));
        }
        if text.len() == 66 {
            return text
                .parse()
                .map(Literal::Word)
                .map_err(|_| format!("`{text}` is not a 32-byte word"));
        }
    }
    if text.ends_with("_ROLE") && text.chars().all(|c| c.is_ascii_uppercase() || c == '_') {
        return Ok(Literal::Word(keccak256(text)));
    }
    amount(text).map(Literal::Number)
}

/// `100 ether`, `30 gwei`, `5 wei`, `12345`, `1.5 ether`.
pub fn amount(text: &str) -> Result<U256, String> {
    let mut words = text.split_whitespace();
    let (Some(number), unit, None) = (words.next(), words.next(), words.next()) else {
        return Err(format!("`{text}` is not a value"));
    };
    let decimals = match unit {
        None | Some("wei") => 0,
        Some("gwei") => 9,
        Some("ether" | "eth") => 18,
        Some(other) => return Err(format!("`{other}` is not a unit: wei, gwei or ether")),
    };
    alloy_primitives::utils::parse_units(number, decimals)
        .map(|v| v.get_absolute())
        .map_err(|_| format!("`{text}` is not a number"))
}

fn floors<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, U256>, D::Error> {
    let written = BTreeMap::<String, String>::deserialize(d)?;
    written
        .into_iter()
        .map(|(who, value)| Ok((who, amount(&value).map_err(D::Error::custom)?)))
        .collect()
}

/// A rule as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: String,
    #[serde(default)]
    contract: Option<String>,
    #[serde(default)]
    event: Option<String>,
    #[serde(default)]
    failed: bool,
    #[serde(default)]
    call: Option<String>,
    #[serde(default)]
    when: Option<String>,
    #[serde(default)]
    rate: Option<Rate>,
    #[serde(default = "medium")]
    severity: LintSeverity,
    #[serde(default, with = "humantime_serde")]
    cooldown: Option<Duration>,
    #[serde(default)]
    action: Option<RawAction>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAction {
    pause: String,
}

fn medium() -> LintSeverity {
    LintSeverity::Medium
}

impl<'de> Deserialize<'de> for Rule {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = RawRule::deserialize(d)?;
        if raw.id.is_empty()
            || !raw
                .id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(D::Error::custom(format!(
                "`{}` is not a rule id: letters, digits, - and _",
                raw.id
            )));
        }
        let watch = match (raw.event, raw.failed, raw.call) {
            (Some(event), false, None) => Watch::Event(event.trim().to_owned()),
            (None, true, None) => Watch::Failed,
            (None, false, Some(call)) => Watch::Call(call.trim().to_owned()),
            _ => {
                return Err(D::Error::custom(format!(
                    "rule `{}` must watch exactly one of: event = \"Name\", failed = true, call = \"function\"",
                    raw.id
                )));
            }
        };
        let when = match &raw.when {
            Some(text) => parse_condition(text).map_err(D::Error::custom)?,
            None => Vec::new(),
        };
        if !when.is_empty() && matches!(watch, Watch::Failed) {
            return Err(D::Error::custom(format!(
                "rule `{}`: `when` applies to an event's or a call's arguments, not to failed transactions",
                raw.id
            )));
        }
        if let Some(rate) = &raw.rate
            && (rate.count == 0 || rate.within.is_zero())
        {
            return Err(D::Error::custom(format!(
                "rule `{}`: a rate needs a count and a time above zero",
                raw.id
            )));
        }
        let pause = match raw.action {
            Some(action) => {
                let level = action.pause.trim().to_ascii_lowercase();
                if !["deposits", "releases", "all"].contains(&level.as_str()) {
                    return Err(D::Error::custom(format!(
                        "rule `{}`: pause = \"{}\" is not a level: deposits, releases or all",
                        raw.id, action.pause
                    )));
                }
                Some(level)
            }
            None => None,
        };
        Ok(Self {
            id: raw.id,
            contract: raw.contract,
            watch,
            when,
            rate: raw.rate,
            severity: raw.severity,
            cooldown: raw.cooldown.unwrap_or(Duration::from_secs(300)),
            pause,
            file: PathBuf::new(),
        })
    }
}

/// A `monitor/*.toml` file: `[[rule]]` tables.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RuleFile {
    #[serde(default)]
    pub(crate) rule: Vec<Rule>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conditions_parse_with_units_roles_and_addresses() {
        let clauses = parse_condition(
            "amount > 100 ether and role == DEFAULT_ADMIN_ROLE && account != 0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
        )
        .expect("parses");
        assert_eq!(clauses.len(), 3);
        assert_eq!(clauses[0].op, Op::Gt);
        assert_eq!(
            clauses[0].value,
            Literal::Number(U256::from(100u128 * 10u128.pow(18)))
        );
        assert_eq!(clauses[1].value, Literal::Word(B256::ZERO));
        assert!(matches!(clauses[2].value, Literal::Address(_)));
        assert_eq!(parse_condition("level >= 2").expect("parses")[0].op, Op::Ge);
        assert_eq!(
            parse_condition("role == GUARDIAN_ROLE").expect("parses")[0].value,
            Literal::Word(keccak256("GUARDIAN_ROLE"))
        );
        assert_eq!(amount("1.5 ether"), Ok(U256::from(15u128 * 10u128.pow(17))));
    }

    #[test]
    fn bad_conditions_say_why() {
        for (text, words) in [
            ("amount", "not a condition"),
            ("amount > lots", "not a number"),
            ("amount > 5 pounds", "not a unit"),
            ("role > DEFAULT_ADMIN_ROLE", "only == and !="),
            ("my amount > 5", "not an argument name"),
            ("amount > 5 and", "empty condition"),
        ] {
            let error = parse_condition(text).expect_err(text);
            assert!(error.contains(words), "{text}: {error}");
        }
    }

    #[test]
    fn a_rule_watches_exactly_one_thing() {
        let rule: Rule = toml::from_str(
            "id = \"big\"\nevent = \"Released\"\nwhen = \"amount > 1 ether\"\nseverity = \"high\"\naction = { pause = \"all\" }\n",
        )
        .expect("rule");
        assert_eq!(rule.watch, Watch::Event("Released".into()));
        assert_eq!(rule.pause.as_deref(), Some("all"));
        assert_eq!(rule.cooldown, Duration::from_secs(300));
        let both = toml::from_str::<Rule>("id = \"x\"\nevent = \"A\"\nfailed = true\n")
            .expect_err("refused")
            .to_string();
        assert!(both.contains("exactly one"), "{both}");
        let level =
            toml::from_str::<Rule>("id = \"x\"\nevent = \"A\"\naction = { pause = \"most\" }\n")
                .expect_err("refused")
                .to_string();
        assert!(level.contains("not a level"), "{level}");
    }
}
