//! The hand-off to OpenSearch (and, as far as the two still agree, Elasticsearch):
//! the records as a `_bulk` body, the settings and mappings to create the index
//! with (`settings.rs`: analyzers mirroring [`crate::text`], healthdex's synonyms),
//! and healthdex's understanding of a query as a search body (`query.rs`). A folder
//! written by [`write_folder`] holds two files: [`INDEX_FILE`], the body of
//! `PUT /NAME`, and [`BULK_FILE`], the body of `POST /_bulk`.
//!
//! Checked for structure only: the JSON parses, has the documented shape, and
//! carries healthdex's words, fields and weights. It has never been sent to a live
//! cluster from here; see the README ("Past one machine") for what may differ.

mod query;
mod settings;

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::str::FromStr;

use super::SectionRecord;
use crate::search::Synonyms;
use crate::{Error, Result};

pub use query::{HIGHLIGHT_CHARS, TIER_BOOST, query, search_body};
pub use settings::{analyzers, index_body, mappings, synonym_rules};

/// The `_bulk` body: one action line and one record line per section.
pub const BULK_FILE: &str = "bulk.ndjson";
/// The body of `PUT /NAME`: settings (analyzers) and mappings.
pub const INDEX_FILE: &str = "index.json";
/// The index name when none is given.
pub const DEFAULT_INDEX_NAME: &str = "healthdex";
/// Analyzer of prose fields at index time (healthdex's `healthdex_en`).
pub const ENGLISH: &str = "healthdex_en";
/// Analyzer of prose fields at search time: [`ENGLISH`] plus healthdex's synonyms.
pub const ENGLISH_SEARCH: &str = "healthdex_en_search";
/// Analyzer of names (healthdex's `healthdex_names`).
pub const NAMES: &str = "healthdex_names";
/// Analyzer of words already analyzed by healthdex (a plan's stems), so the
/// search body is matched word for word; `_` stands for a position a stop word
/// held ([`GAP`]).
pub const STEMS: &str = "healthdex_stems";
/// The placeholder [`STEMS`] drops while keeping its position.
pub const GAP: &str = "_";
/// OpenSearch's longest index name, in bytes.
const MAX_INDEX_NAME_BYTES: usize = 255;

/// An OpenSearch index name, checked against OpenSearch's rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexName(String);

impl IndexName {
    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for IndexName {
    fn default() -> Self {
        IndexName(DEFAULT_INDEX_NAME.to_string())
    }
}

impl FromStr for IndexName {
    type Err = String;

    /// Lower case, at most 255 bytes, none of `\ / * ? " < > | , # :` or spaces,
    /// not starting with `_`, `-` or `+`, not `.` or `..`.
    fn from_str(name: &str) -> std::result::Result<IndexName, String> {
        let bad = |why: &str| Err(format!("`{name}` cannot name an OpenSearch index: {why}"));
        if name.is_empty() || name == "." || name == ".." {
            return bad("pick a name such as `healthdex`");
        }
        if name.len() > MAX_INDEX_NAME_BYTES {
            return bad("it is over 255 bytes long");
        }
        if name.chars().any(char::is_uppercase) {
            return bad("index names are lower case");
        }
        if name.starts_with(['_', '-', '+']) {
            return bad("it may not start with `_`, `-` or `+`");
        }
        if let Some(c) = name
            .chars()
            .find(|c| c.is_whitespace() || "\\/*?\"<>|,#:".contains(*c))
        {
            return bad(&format!("it may not contain `{c}`"));
        }
        Ok(IndexName(name.to_string()))
    }
}

/// Writes the `_bulk` body: for each record an `index` action naming `index` and
/// the record's id, then the record, each on its own line ending in `\n` (the last
/// one too, as `_bulk` requires).
pub fn write_bulk(
    mut out: impl Write,
    index: &IndexName,
    records: &[SectionRecord],
) -> std::io::Result<()> {
    for record in records {
        let action = serde_json::json!({"index": {"_index": index.as_str(), "_id": record.id}});
        serde_json::to_writer(&mut out, &action)?;
        out.write_all(b"\n")?;
        serde_json::to_writer(&mut out, record)?;
        out.write_all(b"\n")?;
    }
    out.flush()
}

/// Writes [`INDEX_FILE`] and [`BULK_FILE`] into `dir`, creating it if needed. A
/// folder holding anything else is refused and left as it is: healthdex never
/// overwrites what it did not create.
pub fn write_folder(
    dir: &Path,
    index: &IndexName,
    records: &[SectionRecord],
    synonyms: &Synonyms,
) -> Result<()> {
    check_folder(dir)?;
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    write_file(&dir.join(INDEX_FILE), |out| {
        serde_json::to_writer_pretty(&mut *out, &index_body(synonyms))?;
        out.write_all(b"\n")
    })?;
    write_file(&dir.join(BULK_FILE), |out| write_bulk(out, index, records))
}

/// Refuses a path that is a file, or a folder with entries other than the two
/// files this module writes (as regular files).
fn check_folder(dir: &Path) -> Result<()> {
    let refuse = |reason: String| Error::OutputFolder {
        path: dir.to_path_buf(),
        reason,
    };
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(_) if dir.exists() && !dir.is_dir() => return Err(refuse("it is a file".into())),
        Err(err) => return Err(Error::io(dir, err)),
    };
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let name = entry.file_name();
        let ours = [INDEX_FILE, BULK_FILE].iter().any(|ours| name == *ours)
            && entry.file_type().is_ok_and(|kind| kind.is_file());
        if !ours {
            return Err(refuse(format!(
                "it holds `{}`, which healthdex did not write",
                name.to_string_lossy()
            )));
        }
    }
    Ok(())
}

fn write_file(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<File>) -> std::io::Result<()>,
) -> Result<()> {
    let file = File::create(path).map_err(|e| Error::io(path, e))?;
    let mut out = BufWriter::new(file);
    write(&mut out)
        .and_then(|()| out.flush())
        .map_err(|e| Error::io(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_names_follow_opensearch_rules() {
        for good in ["healthdex", "health-2024", "a.b_c", "santé"] {
            assert_eq!(good.parse::<IndexName>().unwrap().as_str(), good);
        }
        let bad = [
            ("", "pick a name"),
            ("..", "pick a name"),
            ("Health", "lower case"),
            ("_all", "may not start"),
            ("-x", "may not start"),
            ("a b", "may not contain ` `"),
            ("a,b", "may not contain `,`"),
            ("a:b", "may not contain `:`"),
            ("a/b", "may not contain `/`"),
        ];
        for (name, why) in bad {
            let err = name.parse::<IndexName>().unwrap_err();
            assert!(err.contains(why), "{name}: {err}");
        }
        assert!("a".repeat(256).parse::<IndexName>().is_err());
    }

    #[test]
    fn a_folder_with_other_files_is_refused_and_left_alone() {
        let home = tempfile::tempdir().unwrap();
        let dir = home.path().join("os");
        std::fs::create_dir(&dir).unwrap();
        std::fs::write(dir.join("notes.txt"), "mine").unwrap();
        let err = write_folder(&dir, &IndexName::default(), &[], &Synonyms::default()).unwrap_err();
        assert!(err.to_string().contains("`notes.txt`"), "{err}");
        assert_eq!(err.kind(), crate::ErrorKind::Refused);
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);

        let fresh = home.path().join("new");
        write_folder(&fresh, &IndexName::default(), &[], &Synonyms::default()).unwrap();
        write_folder(&fresh, &IndexName::default(), &[], &Synonyms::default())
            .expect("its own two files may be written again");
        let file = home.path().join("file");
        std::fs::write(&file, "x").unwrap();
        let err =
            write_folder(&file, &IndexName::default(), &[], &Synonyms::default()).unwrap_err();
        assert!(err.to_string().contains("it is a file"), "{err}");
    }
}
