//! forge's test filters: `--match-test`, `--match-contract` and their
//! `--no-match-…` forms (regular expressions), and `--match-path` /
//! `--no-match-path` (globs, as forge takes them: `*` crosses `/`, a
//! pattern that starts with `./` also matches paths without it, and a
//! pattern found in the file's name matches).

use std::{collections::HashSet, path::Path, sync::Arc};

use globset::{Glob, GlobMatcher};
use regex::Regex;

/// A bad filter pattern.
#[derive(Debug, thiserror::Error)]
#[error("--{flag} `{pattern}` is not a valid {kind}: {reason}")]
pub struct FilterError {
    flag: &'static str,
    pattern: String,
    kind: &'static str,
    reason: String,
}

/// A `--match-path` glob, matched as forge matches it.
#[derive(Clone, Debug)]
struct PathGlob(GlobMatcher);

impl PathGlob {
    fn new(flag: &'static str, pattern: &str) -> Result<Self, FilterError> {
        Glob::new(pattern)
            .map(|g| Self(g.compile_matcher()))
            .map_err(|e| FilterError {
                flag,
                pattern: pattern.to_owned(),
                kind: "glob",
                reason: e.kind().to_string(),
            })
    }

    fn is_match(&self, path: &str) -> bool {
        let glob = self.0.glob().glob();
        if self.0.is_match(path) {
            return true;
        }
        if Path::new(path)
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|name| name.contains(glob))
        {
            return true;
        }
        !path.starts_with("./") && glob.starts_with("./") && self.0.is_match(format!("./{path}"))
    }
}

/// Which tests to run.
#[derive(Clone, Debug, Default)]
pub struct TestFilter {
    match_test: Option<Regex>,
    no_match_test: Option<Regex>,
    match_contract: Option<Regex>,
    no_match_contract: Option<Regex>,
    match_path: Option<PathGlob>,
    no_match_path: Option<PathGlob>,
    /// Only these tests, by contract and function name (`--rerun`).
    only: Option<Arc<HashSet<(String, String)>>>,
}

fn compile(flag: &'static str, pattern: Option<&str>) -> Result<Option<Regex>, FilterError> {
    pattern
        .map(|p| {
            Regex::new(p).map_err(|e| FilterError {
                flag,
                pattern: p.to_owned(),
                kind: "regular expression",
                reason: e.to_string(),
            })
        })
        .transpose()
}

fn glob(flag: &'static str, pattern: Option<&str>) -> Result<Option<PathGlob>, FilterError> {
    pattern.map(|p| PathGlob::new(flag, p)).transpose()
}

impl TestFilter {
    /// Builds a filter from the six optional patterns.
    pub fn new(
        match_test: Option<&str>,
        no_match_test: Option<&str>,
        match_contract: Option<&str>,
        no_match_contract: Option<&str>,
        match_path: Option<&str>,
        no_match_path: Option<&str>,
    ) -> Result<Self, FilterError> {
        Ok(Self {
            match_test: compile("match-test", match_test)?,
            no_match_test: compile("no-match-test", no_match_test)?,
            match_contract: compile("match-contract", match_contract)?,
            no_match_contract: compile("no-match-contract", no_match_contract)?,
            match_path: glob("match-path", match_path)?,
            no_match_path: glob("no-match-path", no_match_path)?,
            only: None,
        })
    }

    /// This filter narrowed to the named tests: (contract, function name).
    pub fn only(mut self, tests: impl IntoIterator<Item = (String, String)>) -> Self {
        self.only = Some(Arc::new(tests.into_iter().collect()));
        self
    }

    fn keeps(yes: &Option<Regex>, no: &Option<Regex>, text: &str) -> bool {
        yes.as_ref().is_none_or(|r| r.is_match(text))
            && no.as_ref().is_none_or(|r| !r.is_match(text))
    }

    /// Whether a contract (by source path and name) is selected.
    pub fn contract(&self, source: &str, name: &str) -> bool {
        Self::keeps(&self.match_contract, &self.no_match_contract, name)
            && self.match_path.as_ref().is_none_or(|g| g.is_match(source))
            && self
                .no_match_path
                .as_ref()
                .is_none_or(|g| !g.is_match(source))
            && self
                .only
                .as_ref()
                .is_none_or(|only| only.iter().any(|(c, _)| c == name))
    }

    /// Whether a test function of `contract` is selected: the patterns
    /// match its signature (`test_x(uint256)`), as forge's do.
    pub fn test(&self, contract: &str, signature: &str) -> bool {
        let name = signature.split('(').next().unwrap_or(signature);
        Self::keeps(&self.match_test, &self.no_match_test, signature)
            && self
                .only
                .as_ref()
                .is_none_or(|only| only.iter().any(|(c, t)| c == contract && t == name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_select_and_exclude() {
        let f = TestFilter::new(
            Some("Transfer"),
            Some("Fuzz"),
            None,
            Some("^Skip"),
            Some("contracts/test/token/*"),
            None,
        )
        .expect("valid");
        assert!(f.test("T", "test_Transfer"));
        assert!(!f.test("T", "test_TransferFuzz"));
        assert!(!f.test("T", "test_Mint"));
        assert!(f.contract("contracts/test/token/T.t.sol", "TokenTest"));
        assert!(!f.contract("contracts/test/token/T.t.sol", "SkipTest"));
        assert!(!f.contract("contracts/test/vault/V.t.sol", "VaultTest"));
        let only = f
            .clone()
            .only([("TokenTest".to_owned(), "test_Transfer".to_owned())]);
        assert!(only.test("TokenTest", "test_Transfer"));
        assert!(
            !only.test("OtherTest", "test_Transfer"),
            "same name, other contract"
        );
        assert!(!only.test("TokenTest", "test_TransferAll"));
        // The patterns see the signature, as forge's do.
        let exact =
            TestFilter::new(Some("^test_A\\(\\)$"), None, None, None, None, None).expect("valid");
        assert!(exact.test("T", "test_A()"));
        assert!(!exact.test("T", "test_A(uint256)"));
        assert!(
            only.test("TokenTest", "test_Transfer(uint256)"),
            "--rerun names functions"
        );
        assert!(only.contract("contracts/test/token/T.t.sol", "TokenTest"));
        assert!(!only.contract("contracts/test/token/O.t.sol", "OtherTest"));
        let err = TestFilter::new(Some("("), None, None, None, None, None).expect_err("bad regex");
        assert!(err.to_string().contains("--match-test `(`"), "{err}");
    }

    #[test]
    fn paths_match_as_forges_globs() {
        let path = |p: &str| TestFilter::new(None, None, None, None, Some(p), None).expect("glob");
        // `*` crosses `/`, as in forge (globset without literal separators).
        assert!(path("test/*.t.sol").contract("test/unit/Deep.t.sol", "D"));
        assert!(path("**/Deep.t.sol").contract("test/unit/Deep.t.sol", "D"));
        // A leading `./` also matches paths without it.
        assert!(path("./test/*").contract("test/Counter.t.sol", "C"));
        // A pattern found in the file name matches.
        assert!(path("Counter").contract("test/Counter.t.sol", "C"));
        assert!(!path("src/*").contract("test/Counter.t.sol", "C"));
        // No longer a regular expression: `.*` is not "anything".
        assert!(!path("^test").contract("test/Counter.t.sol", "C"));
        let skip =
            TestFilter::new(None, None, None, None, None, Some("test/fork/**")).expect("glob");
        assert!(!skip.contract("test/fork/Fork.t.sol", "F"));
        assert!(skip.contract("test/Unit.t.sol", "U"));
        let err = TestFilter::new(None, None, None, None, Some("a[b"), None).expect_err("bad glob");
        assert!(
            err.to_string()
                .contains("--match-path `a[b` is not a valid glob"),
            "{err}"
        );
    }
}
