//! Bringing the vectors in line with an index update. The indexer tells a
//! [`VectorUpdate`] which articles it re-indexed or removed; at the end, the
//! vectors of untouched articles are kept, a re-indexed section whose text is
//! unchanged keeps its vector (found by the hash of its text), and only the other
//! sections are embedded. The result is stored before the commit that names it.
//!
//! Without a model the update keeps what it can: the vectors of unchanged text
//! stay, and sections whose text changed have none until `healthdex index
//! --semantic` runs (counted in the report). Without a model and without earlier
//! vectors, nothing is written and the index is plain lexical.

use std::collections::HashSet;
use std::path::Path;
use std::sync::Mutex;

use super::model::Encoder;
use super::store::{self, Key, Vectors};
use crate::article::{Article, Section};
use crate::index::schema::article_key;
use crate::{Error, Result};

/// What the vectors of one update came to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VectorReport {
    /// Name of the vectors file the commit names; `None` for a lexical index.
    pub file: Option<String>,
    /// Sections embedded by this update.
    pub embedded: usize,
    /// Word pieces embedded by this update.
    pub tokens: usize,
    /// Time spent embedding them.
    pub embedding: std::time::Duration,
    /// Sections with a vector after the update.
    pub with_vectors: usize,
    /// Sections indexed by this update that have no vector (no model was given).
    pub without_vectors: usize,
}

/// A section waiting for its vector.
struct Passage {
    key: Key,
    text: String,
}

/// The vectors being brought in line with one update.
pub struct VectorUpdate<'a> {
    encoder: Option<&'a Encoder>,
    previous: Vectors,
    /// Whether the previous vectors only lend theirs to unchanged text (every
    /// section is indexed again).
    reset: bool,
    forgotten: Mutex<HashSet<u64>>,
    passages: Mutex<Vec<Passage>>,
}

impl<'a> VectorUpdate<'a> {
    /// Starts from the vectors named by `payload` (the last commit of the index in
    /// `dir`); earlier vectors that cannot be read are embedded again.
    pub fn start(dir: &Path, payload: Option<&str>, encoder: Option<&'a Encoder>) -> Self {
        let previous = crate::index::Payload::read(payload)
            .ok()
            .and_then(|p| p.vectors)
            .and_then(|name| Vectors::load(dir, &name).ok())
            .unwrap_or_default();
        VectorUpdate {
            encoder,
            previous,
            reset: false,
            forgotten: Mutex::default(),
            passages: Mutex::default(),
        }
    }

    /// Every section is deleted (and the articles still there indexed again).
    pub fn forget_all(&mut self) {
        self.reset = true;
    }

    /// The sections of the article at `path` are deleted (changed or removed).
    pub fn forget(&self, path: &str) {
        if let Ok(mut forgotten) = self.forgotten.lock() {
            forgotten.insert(article_key(path));
        }
    }

    /// `article` is indexed again: its sections want vectors.
    pub fn article(&self, article: &Article) {
        let key = article_key(&article.path);
        let passages = article.sections.iter().map(|section| {
            let text = passage(section);
            Passage {
                key: Key {
                    article: key,
                    ordinal: section.ordinal,
                    text: store::text_hash(&text),
                },
                text,
            }
        });
        if let Ok(mut waiting) = self.passages.lock() {
            waiting.extend(passages);
        }
    }

    /// Whether the vectors will change, so that the update must commit even when
    /// no article did (the first `--semantic` run over a lexical index).
    pub fn changes_anything(&self) -> bool {
        let added = self.passages.lock().is_ok_and(|p| !p.is_empty());
        let forgotten = self.forgotten.lock().is_ok_and(|f| !f.is_empty());
        let first = self.encoder.is_some() && self.previous.keys.is_empty();
        added || forgotten || first || self.reset
    }

    /// Embeds what must be, stores the vectors in `dir` and says what was done.
    /// `progress` gets the word pieces embedded so far and in all.
    pub fn finish(
        self,
        dir: &Path,
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> Result<VectorReport> {
        let forgotten = self.forgotten.into_inner().unwrap_or_default();
        let passages = self.passages.into_inner().unwrap_or_default();
        let mut report = VectorReport::default();
        if self.encoder.is_none() && self.previous.keys.is_empty() {
            report.without_vectors = passages.len();
            return Ok(report);
        }
        let mut next = Vectors {
            model_dir: self
                .encoder
                .map(|e| e.dir().to_path_buf())
                .unwrap_or_else(|| self.previous.model_dir.clone()),
            ..Vectors::default()
        };
        for (i, key) in self.previous.keys.iter().enumerate() {
            if !self.reset && !forgotten.contains(&key.article) {
                next.push(*key, self.previous.row(i));
            }
        }
        let by_text = self.previous.by_text();
        let mut to_embed = Vec::new();
        for passage in passages {
            match by_text.get(&passage.key.text) {
                Some(&row) => next.push(passage.key, self.previous.row(row)),
                None if self.encoder.is_some() => to_embed.push(passage),
                None => report.without_vectors += 1,
            }
        }
        if let Some(encoder) = self.encoder {
            let started = std::time::Instant::now();
            let texts: Vec<String> = to_embed.iter().map(|p| p.text.clone()).collect();
            let tokens = std::sync::atomic::AtomicUsize::new(0);
            let vectors = encoder.embed_passages(&texts, &|done, total| {
                tokens.store(total, std::sync::atomic::Ordering::Relaxed);
                progress(done, total)
            })?;
            for (passage, vector) in to_embed.iter().zip(&vectors) {
                next.push(passage.key, vector);
            }
            report.embedded = to_embed.len();
            report.tokens = tokens.into_inner();
            report.embedding = started.elapsed();
        }
        report.with_vectors = next.keys.len();
        report.file = Some(
            next.store(dir)
                .map_err(|e| Error::writing_file(dir, dir, e))?,
        );
        Ok(report)
    }
}

/// The text a section is embedded as: where it sits (title › headings) and its text.
pub fn passage(section: &Section) -> String {
    format!("{}\n{}", section.breadcrumbs.join(" › "), section.text)
}

/// Whether the vectors named by `payload` exist, read, and number `sections`.
pub fn covers(dir: &Path, payload: Option<&str>, sections: usize) -> bool {
    crate::index::Payload::read(payload)
        .ok()
        .and_then(|p| p.vectors)
        .and_then(|name| Vectors::load(dir, &name).ok())
        .is_some_and(|vectors| vectors.keys.len() == sections)
}
