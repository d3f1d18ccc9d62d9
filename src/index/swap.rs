//! Replacing an index folder safely, and only one healthdex made.
//!
//! A new index is built in a sibling staging folder and moved into place when it is
//! complete, so a crash never leaves a half-built index where the last good one was.
//! Before anything at the index path is moved or removed, [`claim`] checks that it is
//! ours: a folder holding a readable tantivy `meta.json` and nothing but the files
//! tantivy and healthdex write (segment files, locks, manifests, temporary files of
//! an atomic write), or an empty folder. A regular file, a folder of dotfiles, or an
//! index with anything else beside it is refused with [`Error::NotAnIndex`] and left
//! untouched. Removal deletes only those known files and then the empty folder, never
//! a whole tree, so even a mistake in recognition cannot delete a user's data.

use std::path::{Path, PathBuf};

use super::manifest::{MANIFEST_PREFIX, VECTORS_PREFIX};
use crate::{Error, Result};

/// What [`claim`] found at an index path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// Nothing there: a new index may be moved in.
    Vacant,
    /// An empty folder, or a folder of healthdex/tantivy index files only.
    Ours,
}

/// Checks that `target` is free or holds only what healthdex writes, so it may be
/// replaced. Anything else is an error that names the path and what is in the way.
pub fn claim(target: &Path) -> Result<Claim> {
    let metadata = match std::fs::symlink_metadata(target) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Claim::Vacant),
        Err(e) => return Err(Error::io(target, e)),
        Ok(metadata) => metadata,
    };
    if !metadata.is_dir() {
        return Err(Error::NotAnIndex {
            path: target.to_path_buf(),
            reason: "it is a file, not a folder".into(),
        });
    }
    let names = entry_names(target)?;
    if names.is_empty() {
        return Ok(Claim::Ours);
    }
    if let Some(foreign) = names.iter().find(|name| !is_index_file(name)) {
        return Err(Error::NotAnIndex {
            path: target.to_path_buf(),
            reason: format!("it holds `{foreign}`, which healthdex did not write"),
        });
    }
    if !has_readable_meta(target) {
        return Err(Error::NotAnIndex {
            path: target.to_path_buf(),
            reason: "it has no readable `meta.json`".into(),
        });
    }
    Ok(Claim::Ours)
}

/// Names of the entries of a folder (lossy for names that are not UTF-8, which are
/// never index files and so are refused).
fn entry_names(dir: &Path) -> Result<Vec<String>> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        names.push(entry.file_name().to_string_lossy().into_owned());
    }
    Ok(names)
}

/// Whether `meta.json` in `dir` is a tantivy index meta file.
fn has_readable_meta(dir: &Path) -> bool {
    let Ok(text) = std::fs::read_to_string(dir.join("meta.json")) else {
        return false;
    };
    serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .and_then(|meta| meta.get("segments").map(serde_json::Value::is_array))
        .unwrap_or(false)
}

/// Whether `name` is a file tantivy or healthdex writes in an index folder.
pub(crate) fn is_index_file(name: &str) -> bool {
    const FIXED: &[&str] = &[
        "meta.json",
        ".managed.json",
        ".tantivy-meta.lock",
        ".tantivy-writer.lock",
    ];
    FIXED.contains(&name)
        || is_segment_file(name)
        || is_manifest_file(name)
        || is_atomic_write_temp(name)
}

/// `<32 hex>.<component>` or `<32 hex>.<opstamp>.del`.
fn is_segment_file(name: &str) -> bool {
    const COMPONENTS: &[&str] = &["idx", "pos", "term", "store", "temp", "fast", "fieldnorm"];
    let Some((stem, rest)) = name.split_once('.') else {
        return false;
    };
    let hex = stem.len() == 32 && stem.bytes().all(|b| b.is_ascii_hexdigit());
    let component = COMPONENTS.contains(&rest)
        || rest.strip_suffix(".del").is_some_and(|opstamp| {
            !opstamp.is_empty() && opstamp.bytes().all(|b| b.is_ascii_digit())
        });
    hex && component
}

/// `healthdex-manifest-<hash>.json` or `healthdex-vectors-<hash>.bin`, or its
/// temporary `.….tmp`.
fn is_manifest_file(name: &str) -> bool {
    let name = name
        .strip_prefix('.')
        .and_then(|n| n.strip_suffix(".tmp"))
        .unwrap_or(name);
    let hash = name
        .strip_prefix(MANIFEST_PREFIX)
        .and_then(|rest| rest.strip_suffix(".json"))
        .or_else(|| {
            name.strip_prefix(VECTORS_PREFIX)
                .and_then(|rest| rest.strip_suffix(".bin"))
        });
    hash.is_some_and(|hash| !hash.is_empty() && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// tantivy's atomic writes go through `tempfile`'s default names: `.tmp` and six
/// alphanumeric characters.
fn is_atomic_write_temp(name: &str) -> bool {
    name.strip_prefix(".tmp")
        .is_some_and(|rest| rest.len() == 6 && rest.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// A sibling of `target` for this process: `<name>.<what>-<pid>`.
pub fn sibling(target: &Path, what: &str) -> PathBuf {
    target.with_file_name(format!(
        "{}.{what}-{}",
        folder_name(target),
        std::process::id()
    ))
}

fn folder_name(target: &Path) -> String {
    target
        .file_name()
        .map_or_else(|| "index".into(), |n| n.to_string_lossy().into_owned())
}

/// Moves `staging` to `target`, replacing what was there (which [`claim`] must have
/// accepted), and removes the replaced index.
pub fn replace(staging: &Path, target: &Path) -> Result<()> {
    match claim(target)? {
        Claim::Ours => {
            let old = sibling(target, "old");
            std::fs::rename(target, &old).map_err(|e| Error::io(target, e))?;
            std::fs::rename(staging, target).map_err(|e| Error::io(target, e))?;
            remove(&old);
        }
        Claim::Vacant => {
            if let Some(parent) = target.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
            }
            std::fs::rename(staging, target).map_err(|e| Error::io(target, e))?;
        }
    }
    Ok(())
}

/// Removes an index folder healthdex wrote: its known files, then the folder if it
/// is empty. Anything unknown stays (and so does the folder). Best effort: a file
/// that cannot be removed now is collected by the next run.
pub fn remove(dir: &Path) {
    let Ok(names) = entry_names(dir) else {
        return;
    };
    for name in names.iter().filter(|name| is_index_file(name)) {
        let _ = std::fs::remove_file(dir.join(name));
    }
    let _ = std::fs::remove_dir(dir);
}

/// Cleans up after an update that was killed: half-built staging folders are
/// removed, and if the process died between moving the old index aside and moving
/// the new one in, the old one is put back. Runs under the update lock, so no
/// other update can be using these folders. Only folders of index files are touched.
pub fn recover_interrupted(target: &Path) {
    let Some(parent) = target.parent() else {
        return;
    };
    let parent = if parent.as_os_str().is_empty() {
        Path::new(".")
    } else {
        parent
    };
    let name = folder_name(target);
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let leftover = file_name.starts_with(&format!("{name}.building-"))
            || file_name.starts_with(&format!("{name}.old-"));
        if !leftover || !matches!(claim(&entry.path()), Ok(Claim::Ours)) {
            continue;
        }
        if file_name.starts_with(&format!("{name}.old-")) && !target.exists() {
            let _ = std::fs::rename(entry.path(), target);
        } else {
            remove(&entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_files_are_recognised_by_exact_shape() {
        let known = [
            "meta.json",
            ".managed.json",
            ".tantivy-writer.lock",
            "0123456789abcdef0123456789abcdef.idx",
            "0123456789abcdef0123456789abcdef.fieldnorm",
            "0123456789abcdef0123456789abcdef.42.del",
            "healthdex-manifest-0123456789abcdef.json",
            ".healthdex-manifest-0123456789abcdef.json.tmp",
            ".tmpA1b2C3",
        ];
        for name in known {
            assert!(is_index_file(name), "{name}");
        }
        let foreign = [
            ".git",
            ".env",
            ".bashrc",
            ".ssh",
            "notes.txt",
            "meta.json.bak",
            "0123456789abcdef0123456789abcdef.exe",
            "0123456789abcdef0123456789abcdef..del",
            "healthdex-manifest-.json",
            "healthdex-manifest-nothex.json",
            ".tmp",
            ".tmpfolder-of-mine",
        ];
        for name in foreign {
            assert!(!is_index_file(name), "{name}");
        }
    }

    #[test]
    fn folders_of_dotfiles_and_plain_files_are_not_claimed() {
        let dir = tempfile::tempdir().unwrap();
        let dotfiles = dir.path().join("home");
        std::fs::create_dir_all(dotfiles.join(".ssh")).unwrap();
        std::fs::write(dotfiles.join(".bashrc"), "export A=1").unwrap();
        assert!(matches!(
            claim(&dotfiles),
            Err(Error::NotAnIndex { reason, .. }) if reason.contains(".")
        ));

        let file = dir.path().join("precious.txt");
        std::fs::write(&file, "keep me").unwrap();
        assert!(matches!(claim(&file), Err(Error::NotAnIndex { .. })));

        let no_meta = dir.path().join("segments-only");
        std::fs::create_dir(&no_meta).unwrap();
        std::fs::write(no_meta.join(".managed.json"), "[]").unwrap();
        assert!(matches!(claim(&no_meta), Err(Error::NotAnIndex { .. })));

        let empty = dir.path().join("empty");
        std::fs::create_dir(&empty).unwrap();
        assert_eq!(claim(&empty).unwrap(), Claim::Ours);
        assert_eq!(claim(&dir.path().join("none")).unwrap(), Claim::Vacant);
    }

    #[test]
    fn remove_keeps_anything_it_does_not_know() {
        let dir = tempfile::tempdir().unwrap();
        let index = dir.path().join("index");
        std::fs::create_dir(&index).unwrap();
        std::fs::write(index.join("meta.json"), r#"{"segments":[]}"#).unwrap();
        std::fs::write(index.join("mine.txt"), "mine").unwrap();
        remove(&index);
        assert!(!index.join("meta.json").exists());
        assert_eq!(
            std::fs::read_to_string(index.join("mine.txt")).unwrap(),
            "mine"
        );
    }
}
