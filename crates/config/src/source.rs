//! Turning byte offsets in a configuration file into lines and columns.

use std::{ops::Range, path::PathBuf};

use crate::Location;

/// The text of one configuration file, kept to locate errors in it.
#[derive(Clone, Debug)]
pub(crate) struct SourceFile {
    pub(crate) path: PathBuf,
    text: String,
}

impl SourceFile {
    pub(crate) fn new(path: PathBuf, text: String) -> Self {
        Self { path, text }
    }

    pub(crate) fn text(&self) -> &str {
        &self.text
    }

    /// The location of a byte span (its start) under a key path.
    pub(crate) fn locate(
        &self,
        span: Option<Range<usize>>,
        key: impl Into<String>,
    ) -> Box<Location> {
        let (line, column) = match span {
            Some(span) => {
                let (line, column) = line_column(&self.text, span.start);
                (Some(line), Some(column))
            }
            None => (None, None),
        };
        Box::new(Location {
            file: self.path.clone(),
            line,
            column,
            key: key.into(),
        })
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub(crate) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before
        .get(line_start..)
        .map_or(1, |s| s.chars().count() + 1);
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns_are_one_based() {
        let text = "a = 1\nbb = 2\n";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 6), (2, 1));
        assert_eq!(line_column(text, 9), (2, 4));
        assert_eq!(line_column(text, 1000), (3, 1));
    }
}
