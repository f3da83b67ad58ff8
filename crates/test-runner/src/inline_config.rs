//! forge's inline configuration: `/// forge-config: default.fuzz.runs = 10`
//! in a test contract's or test function's NatSpec, read from the build's
//! AST. A function's line wins over its contract's, the running profile's
//! over `default`'s.

use foundry_compilers::artifacts::ast::{Ast, Node, NodeType};

/// Keys an inline line may set.
const KNOWN: &[&str] = &[
    "fuzz.runs",
    "fuzz.max-test-rejects",
    "invariant.runs",
    "invariant.depth",
    "invariant.fail-on-revert",
];

/// One `forge-config:` line.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Line {
    /// The function it is written above; `None`: the contract's.
    function: Option<String>,
    profile: String,
    key: String,
    value: String,
}

/// The inline configuration of one test contract.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InlineConfig {
    lines: Vec<Line>,
}

impl InlineConfig {
    /// The lines written in `contract`'s NatSpec and its functions', from
    /// its source file's AST.
    pub(crate) fn of(ast: Option<&Ast>, contract: &str) -> Self {
        let Some(node) = ast.and_then(|ast| {
            ast.nodes.iter().find(|n| {
                n.node_type == NodeType::ContractDefinition
                    && n.attribute::<String>("name").as_deref() == Some(contract)
            })
        }) else {
            return Self::default();
        };
        let mut lines = parse(None, &documentation(node));
        for function in node
            .nodes
            .iter()
            .filter(|n| n.node_type == NodeType::FunctionDefinition)
        {
            let name = function.attribute::<String>("name");
            lines.extend(parse(name, &documentation(function)));
        }
        Self { lines }
    }

    /// The value of `key` for `function` under `profile`, or why a line
    /// cannot be used.
    fn value(&self, function: &str, profile: &str, key: &str) -> Option<&str> {
        let rank = |line: &Line| {
            let on_function = line.function.as_deref() == Some(function);
            (on_function, line.profile == profile)
        };
        self.lines
            .iter()
            .filter(|l| l.key == key || l.key.replace('_', "-") == key)
            .filter(|l| l.function.is_none() || l.function.as_deref() == Some(function))
            .filter(|l| l.profile == profile || l.profile == "default")
            .max_by_key(|l| rank(l))
            .map(|l| l.value.as_str())
    }

    /// A number set for `function`: `Ok(None)` when none is.
    pub(crate) fn number(
        &self,
        function: &str,
        profile: &str,
        key: &str,
    ) -> Result<Option<u32>, String> {
        self.value(function, profile, key)
            .map(|v| {
                v.replace('_', "")
                    .parse()
                    .map_err(|_| format!("forge-config: {key} = {v} is not a number"))
            })
            .transpose()
    }

    /// A flag set for `function`.
    pub(crate) fn flag(
        &self,
        function: &str,
        profile: &str,
        key: &str,
    ) -> Result<Option<bool>, String> {
        self.value(function, profile, key)
            .map(|v| {
                v.parse()
                    .map_err(|_| format!("forge-config: {key} = {v} is not true or false"))
            })
            .transpose()
    }

    /// A line `function` is under whose key slipway does not know.
    pub(crate) fn unknown(&self, function: &str) -> Option<String> {
        self.lines
            .iter()
            .filter(|l| l.function.is_none() || l.function.as_deref() == Some(function))
            .find(|l| {
                !KNOWN.contains(&l.key.replace('_', "-").as_str())
                    && !KNOWN.contains(&l.key.as_str())
            })
            .map(|l| {
                format!(
                    "forge-config: `{}.{}` is not a key slipway knows (known: {})",
                    l.profile,
                    l.key,
                    KNOWN.join(", ")
                )
            })
    }
}

/// A node's NatSpec text (`documentation` is a string or `{ text }`).
fn documentation(node: &Node) -> String {
    match node.other.get("documentation") {
        Some(serde_json::Value::String(text)) => text.clone(),
        Some(serde_json::Value::Object(doc)) => doc
            .get("text")
            .and_then(serde_json::Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        _ => String::new(),
    }
}

fn parse(function: Option<String>, text: &str) -> Vec<Line> {
    text.lines()
        .filter_map(|line| {
            let rest = line.split_once("forge-config:")?.1.trim();
            let (path, value) = rest.split_once('=')?;
            let (profile, key) = path.trim().split_once('.')?;
            Some(Line {
                function: function.clone(),
                profile: profile.trim().to_owned(),
                key: key.trim().to_owned(),
                value: value.trim().trim_matches('"').to_owned(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(lines: &[(Option<&str>, &str)]) -> InlineConfig {
        InlineConfig {
            lines: lines
                .iter()
                .flat_map(|(f, text)| parse(f.map(str::to_owned), text))
                .collect(),
        }
    }

    #[test]
    fn a_functions_line_wins_and_the_running_profile_over_default() {
        let c = config(&[
            (None, "forge-config: default.fuzz.runs = 10"),
            (
                Some("test_a"),
                " forge-config: default.fuzz.runs = 20\n forge-config: ci.fuzz.runs = 1_000",
            ),
            (
                Some("test_b"),
                "forge-config: default.invariant.fail-on-revert = true",
            ),
        ]);
        assert_eq!(c.number("test_a", "default", "fuzz.runs"), Ok(Some(20)));
        assert_eq!(c.number("test_a", "ci", "fuzz.runs"), Ok(Some(1000)));
        assert_eq!(
            c.number("test_b", "default", "fuzz.runs"),
            Ok(Some(10)),
            "the contract's"
        );
        assert_eq!(
            c.number("test_c", "ci", "fuzz.runs"),
            Ok(Some(10)),
            "default's under ci"
        );
        assert_eq!(
            c.flag("test_b", "default", "invariant.fail-on-revert"),
            Ok(Some(true))
        );
        assert_eq!(c.number("test_b", "default", "invariant.depth"), Ok(None));
        assert!(c.unknown("test_a").is_none());
        let bad = config(&[(
            Some("t"),
            "forge-config: default.fuzz.runs = many\nforge-config: default.fuzz.colour = red",
        )]);
        assert!(bad.number("t", "default", "fuzz.runs").is_err());
        assert!(bad.unknown("t").is_some_and(|m| m.contains("fuzz.colour")));
    }
}
