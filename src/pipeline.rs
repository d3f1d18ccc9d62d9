//! The one hop from a file to an [`Article`]: load and decode ([`corpus::load`]),
//! parse ([`parse_article`]), and every warning of both, in order. The indexer,
//! `export`, `index --check` and the HTTP article route all go through it, so an
//! article is read the same way everywhere.

use crate::Warning;
use crate::article::{Article, ParseOptions, parse_article};
use crate::corpus::{self, Loaded, SourceFile};

/// An article read from its file.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub article: Article,
    /// Hash of the file's bytes (see [`corpus::content_hash`]).
    pub hash: String,
    /// Problems found while decoding and parsing, decoding first.
    pub warnings: Vec<Warning>,
}

/// Loads and parses one file. `Err` means the file is skipped, with the reason.
pub fn prepare(file: &SourceFile, options: &ParseOptions) -> Result<Prepared, Warning> {
    corpus::load(file).map(|loaded| prepare_loaded(&file.path, &loaded, options))
}

/// Parses a file already loaded (the indexer loads first, to compare hashes).
pub fn prepare_loaded(path: &str, loaded: &Loaded, options: &ParseOptions) -> Prepared {
    let parsed = parse_article(path, &loaded.text, options);
    let mut warnings = loaded.warnings.clone();
    warnings.extend(parsed.warnings);
    Prepared {
        article: parsed.article,
        hash: loaded.hash.clone(),
        warnings,
    }
}
