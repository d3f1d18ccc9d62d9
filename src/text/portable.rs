//! The text analysis as data, for a planner that runs elsewhere (the static
//! bundle's JavaScript): the word lists and the ASCII folding table the analyzers
//! use, so the other side holds no copy of its own. Tokenizing, lower-casing and
//! stemming are written again there and proved equal by the conformance test.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use tantivy::tokenizer::{AsciiFoldingFilter, RawTokenizer, TextAnalyzer};

use super::{CLITIC_ONLY, FILLER, MAX_TOKEN_BYTES, STEMMER, STOP_WORDS};

/// What another implementation of the analyzers needs besides the algorithms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortableText {
    /// The stemmer the stems must equal ([`STEMMER`]).
    pub stemmer: String,
    /// Tokens of this many UTF-8 bytes or more are dropped.
    pub max_token_bytes: usize,
    /// Words the prose analyzer drops ([`STOP_WORDS`]).
    pub stop_words: Vec<String>,
    /// Question filler a query drops ([`FILLER`]).
    pub filler: Vec<String>,
    /// Filler only right after an apostrophe ([`CLITIC_ONLY`]).
    #[serde(default)]
    pub clitic_only: Vec<String>,
    /// Each character that can appear in a lower-cased token and that ASCII
    /// folding replaces, with its replacement.
    pub folding: BTreeMap<char, String>,
}

impl PortableText {
    /// The tables of this build's analyzers.
    pub fn current() -> PortableText {
        PortableText {
            stemmer: STEMMER.to_string(),
            max_token_bytes: MAX_TOKEN_BYTES,
            stop_words: STOP_WORDS.iter().map(|w| w.to_string()).collect(),
            filler: FILLER.iter().map(|w| w.to_string()).collect(),
            clitic_only: CLITIC_ONLY.iter().map(|w| w.to_string()).collect(),
            folding: folding_table(),
        }
    }
}

/// Tantivy's folding of every character a lower-cased token can hold (the
/// characters of some character's lower case), where it changes the character.
fn folding_table() -> BTreeMap<char, String> {
    let mut fold = TextAnalyzer::builder(RawTokenizer::default())
        .filter(AsciiFoldingFilter)
        .build();
    let mut table = BTreeMap::new();
    for c in lower_case_chars() {
        let text = c.to_string();
        let mut stream = fold.token_stream(&text);
        if stream.advance() && stream.token().text != text {
            table.insert(c, stream.token().text.clone());
        }
    }
    table
}

/// Every non-ASCII character that lower-casing some character yields.
fn lower_case_chars() -> Vec<char> {
    let mut chars: Vec<char> = (0..=u32::from(char::MAX))
        .filter_map(char::from_u32)
        .flat_map(char::to_lowercase)
        .filter(|c| !c.is_ascii())
        .collect();
    chars.sort_unstable();
    chars.dedup();
    chars
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_folds_what_the_analyzer_folds() {
        let table = PortableText::current().folding;
        assert_eq!(table.get(&'é').map(String::as_str), Some("e"));
        assert_eq!(table.get(&'ß').map(String::as_str), Some("ss"));
        assert_eq!(table.get(&'ø').map(String::as_str), Some("o"));
        assert!(
            !table.contains_key(&'É'),
            "upper case never reaches folding"
        );
        assert!(!table.contains_key(&'馬'), "no ASCII form, left as is");
    }
}
