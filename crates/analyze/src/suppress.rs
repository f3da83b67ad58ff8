//! Inline suppressions, read from the comments of a file: slipway's own
//! (`slipway-disable-next-line ID -- reason`, `-line`, `-start`/`-end`),
//! and the ones projects already carry: Slither's
//! (`slither-disable-next-line ID,ID`, `-start`/`-end`) and forge lint's
//! (`forge-lint: disable-next-line(ID)`, `-line`, `-start`/`-end`). No id
//! means every detector.

use crate::Suppression;

/// One suppression: lines it covers, the ids (`None`: all), its form and
/// reason.
#[derive(Clone, Debug)]
struct Rule {
    first: usize,
    last: usize,
    ids: Option<Vec<String>>,
    kind: String,
    reason: Option<String>,
}

/// The suppressions of one file.
#[derive(Clone, Debug, Default)]
pub(crate) struct Suppressions {
    rules: Vec<Rule>,
}

/// forge lint's ids for the classes slipway names otherwise.
fn alias(id: &str) -> &str {
    match id {
        "erc20-unchecked-transfer" => "unchecked-transfer",
        "unchecked-call" => "unchecked-lowlevel",
        other => other,
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Scope {
    NextLine,
    Line,
    Start,
    End,
}

/// A suppression comment as written.
struct Marker {
    scope: Scope,
    ids: Option<Vec<String>>,
    reason: Option<String>,
    kind: String,
}

/// The suppression comment on `line`, if any.
fn parse(line: &str) -> Option<Marker> {
    let comment = line.find("//").map(|at| &line[at + 2..])?.trim();
    let forms: [(&str, Scope, bool); 10] = [
        ("slipway-disable-next-line", Scope::NextLine, false),
        ("slipway-disable-line", Scope::Line, false),
        ("slipway-disable-start", Scope::Start, false),
        ("slipway-disable-end", Scope::End, false),
        ("slither-disable-next-line", Scope::NextLine, false),
        ("slither-disable-start", Scope::Start, false),
        ("slither-disable-end", Scope::End, false),
        ("forge-lint: disable-next-line", Scope::NextLine, true),
        ("forge-lint: disable-line", Scope::Line, true),
        ("forge-lint: disable-start", Scope::Start, true),
    ];
    let forms = forms
        .into_iter()
        .chain([("forge-lint: disable-end", Scope::End, true)]);
    for (form, scope, parenthesised) in forms {
        let Some(rest) = comment.strip_prefix(form) else {
            continue;
        };
        if rest.starts_with(|c: char| c.is_alphanumeric() || c == '-') {
            continue;
        }
        let (ids_text, reason) = match rest.split_once("--") {
            Some((ids, reason)) => (
                ids,
                Some(reason.trim().to_owned()).filter(|r| !r.is_empty()),
            ),
            None => (rest, None),
        };
        let ids_text = if parenthesised {
            ids_text
                .trim()
                .trim_start_matches('(')
                .split(')')
                .next()
                .unwrap_or("")
        } else {
            ids_text
        };
        let ids: Vec<String> = ids_text
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|s| !s.is_empty())
            .map(|s| alias(s).to_owned())
            .collect();
        return Some(Marker {
            scope,
            ids: (!ids.is_empty()).then_some(ids),
            reason,
            kind: form.to_owned(),
        });
    }
    None
}

impl Suppressions {
    /// Reads the suppressions of `text`.
    pub(crate) fn of(text: &str) -> Self {
        let mut rules = Vec::new();
        let mut open: Vec<Rule> = Vec::new();
        let count = text.lines().count();
        for (index, line) in text.lines().enumerate() {
            let number = index + 1;
            let Some(Marker {
                scope,
                ids,
                reason,
                kind,
            }) = parse(line)
            else {
                continue;
            };
            match scope {
                Scope::NextLine => rules.push(Rule {
                    first: number + 1,
                    last: number + 1,
                    ids,
                    kind,
                    reason,
                }),
                Scope::Line => rules.push(Rule {
                    first: number,
                    last: number,
                    ids,
                    kind,
                    reason,
                }),
                Scope::Start => open.push(Rule {
                    first: number,
                    last: count,
                    ids,
                    kind,
                    reason,
                }),
                Scope::End => {
                    // Closes the latest open region with the same ids.
                    if let Some(at) = open.iter().rposition(|r| r.ids == ids) {
                        let mut rule = open.remove(at);
                        rule.last = number;
                        rules.push(rule);
                    }
                }
            }
        }
        rules.extend(open);
        Self { rules }
    }

    /// The suppression that covers a finding of `id` starting on `line`.
    pub(crate) fn find(&self, id: &str, line: usize) -> Option<Suppression> {
        self.rules
            .iter()
            .find(|r| {
                (r.first..=r.last).contains(&line)
                    && r.ids.as_ref().is_none_or(|ids| ids.iter().any(|i| i == id))
            })
            .map(|r| Suppression {
                kind: r.kind.clone(),
                reason: r.reason.clone(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "\
a // slipway-disable-next-line reentrancy-eth -- guarded by the bridge's pause
b
c // slipway-disable-line tx-origin
// slither-disable-next-line unchecked-transfer,unused-return
e
// forge-lint: disable-next-line(erc20-unchecked-transfer)
g
// slipway-disable-start -- generated code
i
// slipway-disable-end
k
// slipway-disable-next-line-x calls-loop
m
";

    #[test]
    fn each_form_covers_its_lines_and_ids() {
        let s = Suppressions::of(TEXT);
        let found = s.find("reentrancy-eth", 2).expect("next line");
        assert_eq!(found.kind, "slipway-disable-next-line");
        assert_eq!(
            found.reason.as_deref(),
            Some("guarded by the bridge's pause")
        );
        assert!(s.find("reentrancy-eth", 3).is_none(), "only the next line");
        assert!(s.find("tx-origin", 2).is_none());
        assert!(s.find("tx-origin", 3).is_some(), "same line");
        assert!(s.find("unused-return", 5).is_some(), "slither, second id");
        assert!(
            s.find("unchecked-transfer", 5).is_some(),
            "slither, first id"
        );
        assert!(s.find("calls-loop", 5).is_none(), "slither names its ids");
        let forge = s
            .find("unchecked-transfer", 7)
            .expect("forge lint's id is mapped");
        assert_eq!(forge.kind, "forge-lint: disable-next-line");
        for line in 8..=10 {
            assert!(s.find("anything", line).is_some(), "region line {line}");
        }
        assert!(s.find("anything", 11).is_none(), "after the region");
        assert!(
            s.find("calls-loop", 13).is_none(),
            "a longer word is not the marker"
        );
    }

    #[test]
    fn an_unclosed_region_runs_to_the_end() {
        let s = Suppressions::of("a\n// slither-disable-start timestamp\nc\nd\n");
        assert!(s.find("timestamp", 4).is_some());
        assert!(s.find("timestamp", 1).is_none());
    }
}
