//! Warnings about individual articles. Parsing and indexing never fail because of
//! one file's content; instead they collect [`Warning`]s that name the file, the line
//! where known, what is wrong and what to do about it. The CLI prints them, and
//! `--strict` turns them into a failing exit code for site builds.

use std::fmt;

use serde::{Deserialize, Serialize};

/// How serious a problem with an article is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The article was indexed, perhaps with something missing.
    Warning,
    /// The article was left out of the index.
    Skipped,
}

/// One problem found in one article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    /// Path of the article relative to the indexed folder, with `/` separators.
    pub path: String,
    /// 1-based line number, when the problem has a position.
    pub line: Option<usize>,
    /// Whether the article was indexed anyway or left out.
    pub severity: Severity,
    /// What is wrong and what to do about it, in one sentence.
    pub message: String,
}

impl Warning {
    /// A problem that did not keep the article out of the index.
    pub fn new(path: &str, line: Option<usize>, message: impl Into<String>) -> Self {
        Warning {
            path: path.to_string(),
            line,
            severity: Severity::Warning,
            message: message.into(),
        }
    }

    /// A problem that kept the article out of the index.
    pub fn skipped(path: &str, line: Option<usize>, message: impl Into<String>) -> Self {
        Warning {
            severity: Severity::Skipped,
            ..Warning::new(path, line, message)
        }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        let label = match self.severity {
            Severity::Warning => "warning",
            Severity::Skipped => "skipped",
        };
        write!(f, ": {label}: {}", self.message)
    }
}
