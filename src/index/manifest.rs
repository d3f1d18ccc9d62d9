//! The manifest: what was indexed, from where, with which settings, and a content
//! hash per file, so that re-indexing touches only what changed. It is stored as
//! the payload of the tantivy commit itself (in `meta.json`), which makes it atomic
//! with the documents it describes: a crash can never leave an index whose
//! manifest disagrees with its content.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::schema::SCHEMA_VERSION;
use crate::Warning;

/// Settings that change the indexed documents; changing one rebuilds the index.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexSettings {
    /// Index articles marked `draft: true`.
    pub drafts: bool,
    /// Prefix of article URLs (see [`crate::article::article_url`]).
    pub base_url: String,
}

/// What one file contributed to the index at the last run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    pub size: u64,
    pub modified_ns: u64,
    /// Hash of the file's bytes; empty when the file could not be read.
    pub hash: String,
    /// Whether the article is in the index (false when skipped or a draft).
    pub indexed: bool,
    /// Whether the front matter says `draft: true`.
    #[serde(default)]
    pub draft: bool,
    pub sections: usize,
    pub references: usize,
    /// Problems found in the file, repeated on every run until the file changes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<Warning>,
}

/// The manifest stored with every commit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub schema_version: u32,
    pub healthdex_version: String,
    /// Absolute path of the indexed folder.
    pub root: PathBuf,
    pub settings: IndexSettings,
    pub files: BTreeMap<String, FileEntry>,
}

impl Manifest {
    /// An empty manifest for a new index.
    pub fn new(root: PathBuf, settings: IndexSettings) -> Manifest {
        Manifest {
            schema_version: SCHEMA_VERSION,
            healthdex_version: env!("CARGO_PKG_VERSION").to_string(),
            root,
            settings,
            files: BTreeMap::new(),
        }
    }

    /// Reads a commit payload. `Err` describes why it cannot be used.
    pub fn from_payload(payload: Option<&str>) -> Result<Manifest, String> {
        let payload = payload.ok_or("it has no healthdex manifest")?;
        let version: VersionProbe = serde_json::from_str(payload)
            .map_err(|e| format!("its manifest is unreadable ({e})"))?;
        if version.schema_version != SCHEMA_VERSION {
            return Err(format!(
                "it was written with schema version {} (healthdex {}), this is version {SCHEMA_VERSION}",
                version.schema_version,
                version.healthdex_version.as_deref().unwrap_or("unknown")
            ));
        }
        serde_json::from_str(payload).map_err(|e| format!("its manifest is unreadable ({e})"))
    }

    pub fn to_payload(&self) -> String {
        serde_json::to_string(self).expect("a manifest always serializes")
    }

    /// Totals over the indexed files: (articles, sections, references).
    pub fn totals(&self) -> (usize, usize, usize) {
        self.files
            .values()
            .filter(|f| f.indexed)
            .fold((0, 0, 0), |(a, s, r), f| {
                (a + 1, s + f.sections, r + f.references)
            })
    }

    /// Every stored warning, in path order.
    pub fn warnings(&self) -> impl Iterator<Item = &Warning> {
        self.files.values().flat_map(|f| f.warnings.iter())
    }
}

/// Reads only the version fields, so an old or future layout is recognised.
#[derive(Deserialize)]
struct VersionProbe {
    schema_version: u32,
    healthdex_version: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects_other_versions() {
        let manifest = Manifest::new(PathBuf::from("/corpus"), IndexSettings::default());
        let payload = manifest.to_payload();
        assert_eq!(Manifest::from_payload(Some(&payload)).unwrap(), manifest);

        let old = payload.replace(
            &format!("\"schema_version\":{SCHEMA_VERSION}"),
            "\"schema_version\":0",
        );
        assert!(
            Manifest::from_payload(Some(&old))
                .unwrap_err()
                .contains("schema version 0")
        );
        assert!(Manifest::from_payload(None).is_err());
        assert!(Manifest::from_payload(Some("{not json")).is_err());
    }
}
