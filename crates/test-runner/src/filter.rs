//! forge's test filters: `--match-test`, `--match-contract`, `--match-path`
//! and their `--no-match-…` forms (regular expressions).

use std::{collections::HashSet, sync::Arc};

use regex::Regex;

/// A bad filter pattern.
#[derive(Debug, thiserror::Error)]
#[error("--{flag} `{pattern}` is not a valid regular expression: {source}")]
pub struct FilterError {
    flag: &'static str,
    pattern: String,
    #[source]
    source: regex::Error,
}

/// Which tests to run.
#[derive(Clone, Debug, Default)]
pub struct TestFilter {
    match_test: Option<Regex>,
    no_match_test: Option<Regex>,
    match_contract: Option<Regex>,
    no_match_contract: Option<Regex>,
    match_path: Option<Regex>,
    no_match_path: Option<Regex>,
    /// Only these tests, by contract and function name (`--rerun`).
    only: Option<Arc<HashSet<(String, String)>>>,
}

fn compile(flag: &'static str, pattern: Option<&str>) -> Result<Option<Regex>, FilterError> {
    pattern
        .map(|p| {
            Regex::new(p).map_err(|source| FilterError {
                flag,
                pattern: p.to_owned(),
                source,
            })
        })
        .transpose()
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
            match_path: compile("match-path", match_path)?,
            no_match_path: compile("no-match-path", no_match_path)?,
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
            && Self::keeps(&self.match_path, &self.no_match_path, source)
            && self
                .only
                .as_ref()
                .is_none_or(|only| only.iter().any(|(c, _)| c == name))
    }

    /// Whether a test function (by name) of `contract` is selected.
    pub fn test(&self, contract: &str, name: &str) -> bool {
        Self::keeps(&self.match_test, &self.no_match_test, name)
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
            Some("token"),
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
        assert!(only.contract("contracts/test/token/T.t.sol", "TokenTest"));
        assert!(!only.contract("contracts/test/token/O.t.sol", "OtherTest"));
        let err = TestFilter::new(Some("("), None, None, None, None, None).expect_err("bad regex");
        assert!(err.to_string().contains("--match-test `(`"), "{err}");
    }
}
