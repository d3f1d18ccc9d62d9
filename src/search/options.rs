//! How an [`Engine`](super::Engine) searches: field weights, synonyms, typo
//! correction, the per-article cap, and full ranking or the plain BM25 yardstick.
//! Built once (from `healthdex.toml` by [`crate::config`]) and shared by every
//! request.

use std::sync::Arc;

use super::understand::Synonyms;

/// Relative weights of the fields in ranking.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FieldWeights {
    /// The article title.
    pub title: f32,
    /// The section's own heading.
    pub heading: f32,
    /// The section text.
    pub body: f32,
    /// Enclosing headings of the section.
    pub parents: f32,
    /// Citations listed in the section.
    pub references: f32,
}

impl Default for FieldWeights {
    fn default() -> Self {
        FieldWeights {
            title: 2.2,
            heading: 2.0,
            body: 1.0,
            parents: 0.5,
            references: 0.2,
        }
    }
}

/// Full query understanding, or the plain BM25 yardstick.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    #[default]
    /// healthdex's ranking: understanding, synonyms, typos, proximity.
    Full,
    /// Plain BM25 over the query's words.
    Baseline,
}

/// How searches are run; shared by every request of an [`Engine`](super::Engine).
#[derive(Debug, Clone)]
pub struct SearchOptions {
    /// Field weights.
    pub weights: FieldWeights,
    /// Synonym table (built-in and configured lists).
    pub synonyms: Arc<Synonyms>,
    /// Correct words that are not in the index.
    pub fuzzy: bool,
    /// Most sections of one article before sections of other articles (0: no limit).
    pub per_article: usize,
    /// Full ranking or the BM25 yardstick.
    pub mode: Mode,
}

impl Default for SearchOptions {
    fn default() -> Self {
        SearchOptions {
            weights: FieldWeights::default(),
            synonyms: Arc::new(Synonyms::builtin()),
            fuzzy: true,
            per_article: 3,
            mode: Mode::Full,
        }
    }
}

impl SearchOptions {
    /// A digest of everything here that changes answers (the synonym table by its
    /// content), so a cache validator can name the options it was made with.
    pub fn digest(&self) -> blake3::Hash {
        let mut hasher = blake3::Hasher::new();
        let plain = format!(
            "{:?}|{}|{}|{:?}",
            self.weights, self.fuzzy, self.per_article, self.mode
        );
        hasher.update(plain.as_bytes());
        hasher.update(self.synonyms.digest().as_bytes());
        hasher.finalize()
    }

    /// Plain BM25: the yardstick of the relevance suite.
    pub fn baseline() -> SearchOptions {
        SearchOptions {
            weights: FieldWeights::default(),
            synonyms: Arc::new(Synonyms::default()),
            fuzzy: false,
            per_article: 0,
            mode: Mode::Baseline,
        }
    }
}
