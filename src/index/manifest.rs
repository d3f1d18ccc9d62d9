//! The manifest: what was indexed, from where, with which settings, and a content
//! hash per file, so that re-indexing touches only what changed.
//!
//! It is written to a file named after its own hash (`healthdex-manifest-<hash>.json`)
//! *before* the commit, and the commit's payload (in tantivy's `meta.json`) names
//! that file together with the schema version. The payload and the documents change
//! in one atomic step, so a crash can never leave an index whose manifest disagrees
//! with its content; an unreferenced manifest left by a crash is removed at the next
//! commit. Keeping the file list out of `meta.json` keeps opening the index for a
//! search cheap (`meta.json` is read on every open; the manifest only by `index`).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::schema::SCHEMA_VERSION;
use crate::Warning;
use crate::corpus::FilesDigest;
use crate::text::STEMMER;

/// Settings that change the indexed documents; changing one rebuilds the index.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexSettings {
    /// Index articles marked `draft: true`.
    pub drafts: bool,
    /// Prefix of article URLs (see [`crate::article::article_url`]).
    pub base_url: String,
    /// The site's own boilerplate patterns (`[input] boilerplate` in
    /// `healthdex.toml`), beside the built-in ones.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub boilerplate: Vec<String>,
}

impl IndexSettings {
    /// How articles are read with these settings. Patterns that do not compile
    /// (checked when the configuration was loaded) fall back to the built-in list.
    pub fn parse_options(&self) -> crate::article::ParseOptions {
        crate::article::ParseOptions {
            base_url: self.base_url.clone(),
            boilerplate: crate::article::Boilerplate::with_extra(&self.boilerplate)
                .unwrap_or_default(),
        }
    }
}

/// What one file contributed to the index at the last run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    /// Size in bytes at the last run.
    pub size: u64,
    /// Modification time (ns since the Unix epoch) at the last run.
    pub modified_ns: u64,
    /// Hash of the file's bytes; empty when the file could not be read.
    pub hash: String,
    /// Whether the article is in the index (false when skipped or a draft).
    pub indexed: bool,
    /// Whether the front matter says `draft: true`.
    #[serde(default)]
    pub draft: bool,
    /// Sections the article contributed.
    pub sections: usize,
    /// References the article contributed.
    pub references: usize,
    /// Problems found in the file, repeated on every run until the file changes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<Warning>,
}

/// The manifest stored with every commit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Schema version of the index.
    pub schema_version: u32,
    /// Version of healthdex that wrote it.
    pub healthdex_version: String,
    /// Absolute path of the indexed folder.
    pub root: PathBuf,
    /// Drafts and base URL of the run.
    pub settings: IndexSettings,
    /// Every file of the folder at the last run, by relative path.
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

    /// Reads the manifest named by a commit payload. `Err` says why it cannot be used.
    pub fn load(dir: &Path, payload: Option<&str>) -> Result<Manifest, String> {
        let payload = Payload::read(payload)?;
        let path = dir.join(&payload.manifest);
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("its manifest `{}` cannot be read ({e})", path.display()))?;
        serde_json::from_str(&text).map_err(|e| format!("its manifest is unreadable ({e})"))
    }

    /// The folder and settings recorded by an index of any version, read leniently
    /// (for rebuilding an incompatible index as it was); `None` if they cannot be read.
    pub fn salvage(dir: &Path) -> Option<(PathBuf, IndexSettings)> {
        #[derive(Deserialize)]
        struct Named {
            manifest: String,
        }
        #[derive(Deserialize)]
        struct Recorded {
            root: PathBuf,
            #[serde(default)]
            settings: IndexSettings,
        }
        let named: Named = serde_json::from_str(&Payload::stored(dir)?).ok()?;
        if named.manifest.contains(['/', '\\']) {
            return None;
        }
        let text = std::fs::read(dir.join(named.manifest)).ok()?;
        let recorded: Recorded = serde_json::from_slice(&text).ok()?;
        Some((recorded.root, recorded.settings))
    }

    /// Writes the manifest next to the index (durably) and returns the commit payload
    /// that names it.
    pub fn store(&self, dir: &Path) -> std::io::Result<String> {
        self.store_with_vectors(dir, None)
    }

    /// [`Manifest::store`], the payload also naming the commit's vectors file
    /// (already written, by the `semantic` feature), if any.
    pub fn store_with_vectors(&self, dir: &Path, vectors: Option<&str>) -> std::io::Result<String> {
        let json = serde_json::to_vec(self).map_err(std::io::Error::other)?;
        let name = format!(
            "{MANIFEST_PREFIX}{}.json",
            &blake3::hash(&json).to_hex()[..16]
        );
        let temporary = dir.join(format!(".{name}.tmp"));
        let mut file = std::fs::File::create(&temporary)?;
        file.write_all(&json)?;
        file.sync_all()?;
        std::fs::rename(&temporary, dir.join(&name))?;
        let payload = Payload {
            schema_version: SCHEMA_VERSION,
            healthdex_version: env!("CARGO_PKG_VERSION").to_string(),
            manifest: name,
            root: self.root.clone(),
            files_digest: self.files_digest(),
            stemmer: STEMMER.to_string(),
            vectors: vectors.map(str::to_string),
        };
        Ok(serde_json::to_string(&payload).expect("a payload always serializes"))
    }

    /// Removes manifests and vectors files other than those named by `payload` (left
    /// by earlier commits or by a run that crashed before committing).
    pub fn remove_stale(dir: &Path, payload: &str) {
        let Ok(current) = Payload::read(Some(payload)) else {
            return;
        };
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let stale = [MANIFEST_PREFIX, VECTORS_PREFIX]
                .iter()
                .any(|prefix| name.starts_with(prefix) || name.starts_with(&format!(".{prefix}")));
            let named = name == current.manifest || current.vectors.as_ref() == Some(&name);
            if stale && !named {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }

    /// The [`FilesDigest`] of the files this manifest records.
    pub fn files_digest(&self) -> String {
        files_digest(
            self.files
                .iter()
                .map(|(path, entry)| (path.as_str(), entry.size, entry.modified_ns)),
        )
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

/// The [`FilesDigest`] of a list of files (relative path, size, modification time).
pub fn files_digest<'a>(files: impl Iterator<Item = (&'a str, u64, u64)>) -> String {
    let mut digest = FilesDigest::default();
    for (path, size, modified_ns) in files {
        digest.add(path, size, modified_ns);
    }
    digest.finish()
}

/// Start of the name of manifest files in the index folder.
pub const MANIFEST_PREFIX: &str = "healthdex-manifest-";
/// Start of the name of vectors files (the `semantic` feature) in the index folder.
pub const VECTORS_PREFIX: &str = "healthdex-vectors-";

/// The commit payload: the versions that wrote the index and its manifest file.
#[derive(Debug, Serialize, Deserialize)]
pub struct Payload {
    /// Schema version of the index.
    pub schema_version: u32,
    /// Version of healthdex that wrote it.
    pub healthdex_version: String,
    /// File name of the manifest in the index folder.
    pub manifest: String,
    /// The indexed folder (as in the manifest).
    #[serde(default)]
    pub root: PathBuf,
    /// [`FilesDigest`] of the manifest's files.
    #[serde(default)]
    pub files_digest: String,
    /// The stemmer the words were stored with ([`STEMMER`]).
    #[serde(default)]
    pub stemmer: String,
    /// File name of the section vectors in the index folder (an index built with
    /// `--semantic`); absent for a lexical index.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vectors: Option<String>,
}

impl Payload {
    /// The commit payload as stored in `dir/meta.json`, read without opening the
    /// index; `None` if there is none.
    pub fn stored(dir: &Path) -> Option<String> {
        #[derive(Deserialize)]
        struct Meta {
            payload: Option<String>,
        }
        let meta: Meta =
            serde_json::from_slice(&std::fs::read(dir.join("meta.json")).ok()?).ok()?;
        meta.payload
    }

    /// Reads a commit payload and checks its schema version. `Err` says why the index
    /// cannot be used as it is.
    pub fn read(payload: Option<&str>) -> Result<Payload, String> {
        let payload = payload.ok_or("it has no healthdex manifest")?;
        let probe: VersionProbe = serde_json::from_str(payload)
            .map_err(|e| format!("its payload is unreadable ({e})"))?;
        if probe.schema_version != SCHEMA_VERSION {
            return Err(format!(
                "it was written with schema version {} (healthdex {}), this is version {SCHEMA_VERSION}",
                probe.schema_version,
                probe.healthdex_version.as_deref().unwrap_or("unknown")
            ));
        }
        let payload: Payload = serde_json::from_str(payload)
            .map_err(|e| format!("its payload is unreadable ({e})"))?;
        if payload.stemmer != STEMMER {
            return Err(format!(
                "its words were stemmed by `{}`, this version stems with `{STEMMER}`",
                payload.stemmer
            ));
        }
        Ok(payload)
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
    fn stores_loads_and_rejects_other_versions() {
        let dir = tempfile::tempdir().unwrap();
        let manifest = Manifest::new(PathBuf::from("/corpus"), IndexSettings::default());
        let payload = manifest.store(dir.path()).unwrap();
        assert_eq!(
            Manifest::load(dir.path(), Some(&payload)).unwrap(),
            manifest
        );

        let old = payload.replace(
            &format!("\"schema_version\":{SCHEMA_VERSION}"),
            "\"schema_version\":0",
        );
        assert!(
            Manifest::load(dir.path(), Some(&old))
                .unwrap_err()
                .contains("schema version 0")
        );
        assert!(Manifest::load(dir.path(), None).is_err());
        assert!(Manifest::load(dir.path(), Some("{not json")).is_err());
    }

    #[test]
    fn files_digest_ignores_order_and_sees_every_change() {
        let files = [("a.md", 10, 1), ("b/c.md", 20, 2)];
        let digest = files_digest(files.iter().copied());
        assert_eq!(digest, files_digest(files.iter().rev().copied()));
        let changes = [
            vec![("a.md", 11, 1), ("b/c.md", 20, 2)],
            vec![("a.md", 10, 2), ("b/c.md", 20, 2)],
            vec![("a.md", 10, 1)],
            vec![("a.md", 10, 1), ("b/c.md", 20, 2), ("d.md", 1, 1)],
            vec![("a.md", 10, 1), ("b/d.md", 20, 2)],
        ];
        for changed in changes {
            assert_ne!(digest, files_digest(changed.iter().copied()), "{changed:?}");
        }
    }

    #[test]
    fn stale_manifests_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let mut manifest = Manifest::new(PathBuf::from("/a"), IndexSettings::default());
        let first = manifest.store(dir.path()).unwrap();
        manifest.root = PathBuf::from("/b");
        let second = manifest.store(dir.path()).unwrap();
        Manifest::remove_stale(dir.path(), &second);
        assert!(Manifest::load(dir.path(), Some(&first)).is_err());
        assert_eq!(
            Manifest::load(dir.path(), Some(&second)).unwrap().root,
            PathBuf::from("/b")
        );
    }
}
