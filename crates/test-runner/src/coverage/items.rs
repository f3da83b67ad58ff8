//! What coverage counts in a source file, read from its AST: functions,
//! statements, branches (`if`/`else`, `?:`, `require`, `assert`) and lines.

use serde_json::Value;

/// A byte range of a source file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Span {
    pub(crate) start: u32,
    pub(crate) length: u32,
}

impl Span {
    /// Parses solc's `start:length:file`.
    fn parse(src: &str) -> Option<(Self, u32)> {
        let mut parts = src.split(':');
        let start = parts.next()?.parse().ok()?;
        let length = parts.next()?.parse().ok()?;
        let file = parts.next()?.parse().ok()?;
        Some((Self { start, length }, file))
    }

    pub(crate) fn contains(&self, other: Span) -> bool {
        other.start >= self.start && other.start + other.length <= self.start + self.length
    }
}

/// The kinds of branch point, with which way their JUMPI goes: solc's
/// legacy code generator jumps over the true body of an `if` when the
/// condition is false, and jumps to the true arm of `?:` and past the revert
/// of `require`/`assert` when it holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BranchKind {
    If,
    Ternary,
    Require,
    Assert,
}

impl BranchKind {
    /// Whether a taken JUMPI means the condition held.
    pub(crate) fn taken_is_true(self) -> bool {
        !matches!(self, Self::If)
    }

    pub(crate) fn label(self) -> &'static str {
        match self {
            Self::If => "if",
            Self::Ternary => "?:",
            Self::Require => "require",
            Self::Assert => "assert",
        }
    }
}

/// The items of one source file.
#[derive(Clone, Debug, Default)]
pub(crate) struct FileItems {
    /// Name and span of each implemented function (constructors, fallback
    /// and receive included).
    pub(crate) functions: Vec<(String, Span)>,
    /// Span of each statement.
    pub(crate) statements: Vec<Span>,
    /// Each branch point: kind and span.
    pub(crate) branches: Vec<(BranchKind, Span)>,
}

const STATEMENTS: [&str; 13] = [
    "ExpressionStatement",
    "VariableDeclarationStatement",
    "Return",
    "EmitStatement",
    "RevertStatement",
    "IfStatement",
    "ForStatement",
    "WhileStatement",
    "DoWhileStatement",
    "Break",
    "Continue",
    "InlineAssembly",
    "TryStatement",
];

/// Walks an AST (as JSON) collecting the items of file `file`.
pub(crate) fn collect(ast: &Value, file: u32) -> FileItems {
    let mut items = FileItems::default();
    walk(ast, file, &mut items);
    items
}

fn walk(node: &Value, file: u32, items: &mut FileItems) {
    match node {
        Value::Array(children) => children.iter().for_each(|c| walk(c, file, items)),
        Value::Object(map) => {
            if let (Some(kind), Some((span, f))) = (
                map.get("nodeType").and_then(Value::as_str),
                map.get("src").and_then(Value::as_str).and_then(Span::parse),
            ) && f == file
            {
                visit(kind, map, span, items);
            }
            map.values().for_each(|c| walk(c, file, items));
        }
        _ => {}
    }
}

fn visit(kind: &str, node: &serde_json::Map<String, Value>, span: Span, items: &mut FileItems) {
    match kind {
        "FunctionDefinition" if node.get("implemented") == Some(&Value::Bool(true)) => {
            let name = match node.get("kind").and_then(Value::as_str) {
                Some("constructor") => "constructor",
                Some("fallback") => "fallback",
                Some("receive") => "receive",
                _ => node.get("name").and_then(Value::as_str).unwrap_or(""),
            };
            items.functions.push((name.to_owned(), span));
        }
        "IfStatement" => items.branches.push((BranchKind::If, span)),
        "Conditional" => items.branches.push((BranchKind::Ternary, span)),
        "FunctionCall" => {
            let callee = node
                .get("expression")
                .and_then(|e| e.get("name"))
                .and_then(Value::as_str);
            match callee {
                Some("require") => items.branches.push((BranchKind::Require, span)),
                Some("assert") => items.branches.push((BranchKind::Assert, span)),
                _ => {}
            }
        }
        _ => {}
    }
    if STATEMENTS.contains(&kind) {
        items.statements.push(span);
    }
}

/// 1-based line of each byte offset of `text`.
pub(crate) struct Lines {
    starts: Vec<u32>,
}

impl Lines {
    pub(crate) fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| u32::try_from(i + 1).unwrap_or(u32::MAX)),
        );
        Self { starts }
    }

    pub(crate) fn line(&self, offset: u32) -> u32 {
        u32::try_from(self.starts.partition_point(|s| *s <= offset)).unwrap_or(u32::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_and_lines() {
        assert_eq!(
            Span::parse("10:5:2"),
            Some((
                Span {
                    start: 10,
                    length: 5
                },
                2
            ))
        );
        assert_eq!(Span::parse("10:5"), None);
        let outer = Span {
            start: 10,
            length: 10,
        };
        assert!(outer.contains(Span {
            start: 12,
            length: 8
        }));
        assert!(!outer.contains(Span {
            start: 12,
            length: 9
        }));
        let lines = Lines::new("a\nbc\n\nd");
        assert_eq!(
            [
                lines.line(0),
                lines.line(2),
                lines.line(3),
                lines.line(5),
                lines.line(6)
            ],
            [1, 2, 2, 3, 4]
        );
    }
}
