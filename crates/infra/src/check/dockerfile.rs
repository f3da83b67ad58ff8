//! A Dockerfile's final stage against the rules: a non-root user, a
//! health check, no secret in `ENV` or `ARG`. Instructions continued over
//! lines with `\` are joined; comments are skipped.

use std::path::Path;

use slipway_analyze::Finding;

use super::rules::{self, finding, is_root, literal, secret_name};

/// An instruction and the line it starts on.
struct Instruction {
    line: usize,
    keyword: String,
    rest: String,
}

fn instructions(text: &str) -> Vec<Instruction> {
    let mut found = Vec::new();
    let mut pending: Option<(usize, String)> = None;
    for (index, raw) in text.lines().enumerate() {
        let line = raw.trim_end_matches('\r');
        let trimmed = line.trim();
        if pending.is_none() && (trimmed.is_empty() || trimmed.starts_with('#')) {
            continue;
        }
        let (start, mut joined) = pending.take().unwrap_or((index + 1, String::new()));
        if !trimmed.starts_with('#') || joined.is_empty() {
            joined.push(' ');
            joined.push_str(trimmed.trim_end_matches('\\'));
        }
        if trimmed.ends_with('\\') {
            pending = Some((start, joined));
            continue;
        }
        let joined = joined.trim().to_owned();
        let (keyword, rest) = joined
            .split_once(char::is_whitespace)
            .unwrap_or((&joined, ""));
        found.push(Instruction {
            line: start,
            keyword: keyword.to_ascii_uppercase(),
            rest: rest.trim().to_owned(),
        });
    }
    found
}

/// `KEY=value` pairs (or the legacy `KEY value`) of an `ENV`/`ARG`.
fn assignments(rest: &str) -> Vec<(String, String)> {
    if !rest.contains('=') {
        return rest
            .split_once(char::is_whitespace)
            .map(|(k, v)| vec![(k.to_owned(), v.trim().to_owned())])
            .unwrap_or_default();
    }
    rest.split_whitespace()
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.trim_matches('"').to_owned()))
        .collect()
}

/// The findings of the Dockerfile `path` with `text`.
pub(crate) fn check(path: &Path, text: &str) -> Vec<Finding> {
    let all = instructions(text);
    let Some(last_from) = all.iter().rposition(|i| i.keyword == "FROM") else {
        return Vec::new();
    };
    let stage = &all[last_from..];
    let from_line = stage[0].line;
    let mut found = Vec::new();
    match stage.iter().rev().find(|i| i.keyword == "USER") {
        Some(user) if is_root(&user.rest) => found.push(finding(
            rules::ROOT_USER,
            path,
            (user.line, 1),
            format!("the final stage runs as `{}`", user.rest),
            "user",
        )),
        Some(_) => {}
        None => found.push(finding(
            rules::ROOT_USER,
            path,
            (from_line, 1),
            "the final stage sets no USER: it runs as root unless its base image says otherwise"
                .into(),
            "user",
        )),
    }
    match stage.iter().rev().find(|i| i.keyword == "HEALTHCHECK") {
        Some(check) if check.rest.trim().eq_ignore_ascii_case("NONE") => found.push(finding(
            rules::NO_HEALTHCHECK,
            path,
            (check.line, 1),
            "HEALTHCHECK NONE turns the health check off".into(),
            "healthcheck",
        )),
        Some(_) => {}
        None => found.push(finding(
            rules::NO_HEALTHCHECK,
            path,
            (from_line, 1),
            "the final stage has no HEALTHCHECK".into(),
            "healthcheck",
        )),
    }
    for instruction in all
        .iter()
        .filter(|i| i.keyword == "ENV" || i.keyword == "ARG")
    {
        for (key, value) in assignments(&instruction.rest) {
            if secret_name(&key) && literal(&value) {
                found.push(finding(
                    rules::PLAIN_SECRET,
                    path,
                    (instruction.line, 1),
                    format!(
                        "{} {key} holds a value in the Dockerfile: it is baked into the image; pass it at run time from a secret",
                        instruction.keyword
                    ),
                    &format!("env {key}"),
                ));
            }
        }
    }
    found
}
