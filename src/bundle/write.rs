//! Putting a [`Bundle`] into a folder, safely and without noise. A file whose bytes
//! are already there is not touched (its time stays, so a deploy diff shows only
//! what changed). The folder's `.healthdex-bundle` lists what healthdex wrote
//! there: only files on that list are ever replaced or removed, and a file
//! healthdex did not write stops the build with an error instead of being
//! overwritten.
//!
//! Order keeps a site that is being served whole: data files first (in
//! parallel), then the entry modules that name them, then stale files removed. A
//! new data file is written straight under its name, since no entry names it
//! until it is complete (its name is its content's hash); an entry module, or a
//! file that is there with other bytes, is written to a temporary name and renamed
//! into place, so a reader never sees half of it. The list is written before the
//! new files too, so after a crash the next build knows the files it left as its
//! own.

use std::collections::BTreeSet;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::{Bundle, ENTRY_MODULES};
use crate::error::{Error, Result};

/// The list of files healthdex wrote into a bundle folder.
pub const MANIFEST: &str = ".healthdex-bundle";

/// What [`write()`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WriteReport {
    /// Files written (new or changed): the data files by name, then the entry
    /// modules, which are written after every data file.
    pub written: Vec<String>,
    /// Files already there with the same bytes.
    pub unchanged: usize,
    /// Files of an earlier bundle no longer needed, removed.
    pub removed: Vec<String>,
}

/// Writes `bundle` into `dir` (created if missing).
pub fn write(dir: &Path, bundle: &Bundle) -> Result<WriteReport> {
    fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let ours = previous_files(dir)?;
    check_foreign_files(dir, bundle, &ours)?;
    create_folders(dir, bundle)?;
    write_list(dir, ours.iter().chain(bundle.files.keys()))?;
    let (entries, data): (Vec<_>, Vec<_>) = bundle
        .files
        .iter()
        .partition(|(name, _)| ENTRY_MODULES.contains(&name.as_str()));
    let mut report = WriteReport::default();
    // In parallel: creating 17,928 files was half a MedQuAD build's time.
    let data_written: Vec<Result<bool>> = data
        .par_iter()
        .map(|(name, bytes)| put(&dir.join(name), bytes))
        .collect();
    for ((name, _), written) in data.iter().zip(data_written) {
        match written? {
            true => report.written.push(name.to_string()),
            false => report.unchanged += 1,
        }
    }
    for (name, bytes) in entries {
        match replace(&dir.join(name), bytes)? {
            true => report.written.push(name.clone()),
            false => report.unchanged += 1,
        }
    }
    write_list(dir, bundle.files.keys())?;
    for stale in ours.iter().filter(|n| !bundle.files.contains_key(*n)) {
        let path = dir.join(stale);
        match fs::remove_file(&path) {
            Ok(()) => report.removed.push(stale.clone()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::io(&path, e)),
        }
        remove_empty_parents(dir, &path);
    }
    Ok(report)
}

/// Writes the list of healthdex's files (`names`, each once) atomically.
fn write_list<'a>(dir: &Path, names: impl Iterator<Item = &'a String>) -> Result<()> {
    let names: BTreeSet<&String> = names.collect();
    let list: String = names.into_iter().map(|n| format!("{n}\n")).collect();
    write_atomically(&dir.join(MANIFEST), list.as_bytes())
}

/// Creates every folder the bundle's files go in, each once.
fn create_folders(dir: &Path, bundle: &Bundle) -> Result<()> {
    let folders: BTreeSet<&str> = bundle
        .files
        .keys()
        .filter_map(|name| name.rsplit_once('/').map(|(folder, _)| folder))
        .collect();
    for folder in folders {
        let path = dir.join(folder);
        fs::create_dir_all(&path).map_err(|e| Error::io(&path, e))?;
    }
    Ok(())
}

/// Writes a data file under its own name if it is not there (nothing names it
/// yet, so no reader can see it half-written), or replaces it if it is there with
/// other bytes; `false` if it is there already.
fn put(path: &Path, bytes: &[u8]) -> Result<bool> {
    match fs::File::create_new(path) {
        Ok(mut file) => {
            if let Err(e) = file.write_all(bytes) {
                drop(file);
                let _ = fs::remove_file(path);
                return Err(Error::io(path, e));
            }
            Ok(true)
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => replace(path, bytes),
        Err(e) => Err(Error::io(path, e)),
    }
}

/// Replaces a file atomically unless it already holds `bytes`; `false` if it does.
fn replace(path: &Path, bytes: &[u8]) -> Result<bool> {
    if fs::read(path).is_ok_and(|old| old == *bytes) {
        return Ok(false);
    }
    write_atomically(path, bytes)?;
    Ok(true)
}

/// The files the last build listed (none for a new folder). Names that would
/// leave the folder are ignored: the list is a file anyone could edit.
fn previous_files(dir: &Path) -> Result<BTreeSet<String>> {
    let path = dir.join(MANIFEST);
    let text = match fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeSet::new()),
        Err(e) => return Err(Error::io(&path, e)),
    };
    Ok(text
        .lines()
        .filter(|name| is_inside(name))
        .map(str::to_string)
        .collect())
}

/// Whether a listed name stays inside the folder (relative, no `..`).
fn is_inside(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('/')
        && !name.contains('\\')
        && name
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != "..")
}

/// Refuses to overwrite a file that is in the way and that healthdex did not write.
fn check_foreign_files(dir: &Path, bundle: &Bundle, ours: &BTreeSet<String>) -> Result<()> {
    for name in bundle.files.keys().filter(|n| !ours.contains(*n)) {
        let path = dir.join(name);
        match fs::symlink_metadata(&path) {
            Err(_) => {}
            Ok(_) if fs::read(&path).is_ok_and(|old| old == bundle.files[name]) => {}
            Ok(_) => {
                return Err(Error::OutputFolder {
                    path: dir.to_path_buf(),
                    reason: format!(
                        "`{name}` is there and healthdex did not write it (it is not listed in {MANIFEST})"
                    ),
                });
            }
        }
    }
    Ok(())
}

fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let temporary = temporary_name(path);
    // No fsync: a bundle is rebuilt from its corpus, and syncing each of
    // thousands of small files took most of a MedQuAD build (12.7 s of wall time
    // for 4.0 s of CPU). The rename still means no reader sees half a file.
    let written = fs::File::create(&temporary).and_then(|mut file| file.write_all(bytes));
    if let Err(e) = written.and_then(|()| fs::rename(&temporary, path)) {
        let _ = fs::remove_file(&temporary);
        return Err(Error::io(path, e));
    }
    Ok(())
}

fn temporary_name(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.{}.tmp", std::process::id()))
}

/// Removes the folders a removed file leaves empty, up to (not including) `dir`.
fn remove_empty_parents(dir: &Path, file: &Path) {
    let mut at = file.parent();
    while let Some(folder) = at {
        if folder == dir || fs::remove_dir(folder).is_err() {
            return;
        }
        at = folder.parent();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bundle(files: &[(&str, &str)]) -> Bundle {
        Bundle {
            files: files
                .iter()
                .map(|(n, b)| (n.to_string(), b.as_bytes().to_vec()))
                .collect(),
        }
    }

    #[test]
    fn rewrites_only_what_changed_and_removes_only_its_own_files() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("index.html"), "the site's own page").unwrap();
        let first = write(dir.path(), &bundle(&[("a.js", "1"), ("index/x.hx", "2")])).unwrap();
        assert_eq!(first.written, ["a.js", "index/x.hx"]);
        let second = write(dir.path(), &bundle(&[("a.js", "1"), ("index/y.hx", "3")])).unwrap();
        assert_eq!(second.written, ["index/y.hx"]);
        assert_eq!(second.unchanged, 1);
        assert_eq!(second.removed, ["index/x.hx"]);
        assert!(!dir.path().join("index/x.hx").exists());
        let page = fs::read_to_string(dir.path().join("index.html")).unwrap();
        assert_eq!(page, "the site's own page");
    }

    #[test]
    fn entry_modules_are_written_after_the_files_they_name() {
        let dir = tempfile::tempdir().unwrap();
        let files = [
            ("code/abc/search.js", "1"),
            ("healthdex-ui.js", "2"),
            ("healthdex.js", "3"),
            ("index/meta-1.hx", "4"),
        ];
        let report = write(dir.path(), &bundle(&files)).unwrap();
        assert_eq!(
            report.written,
            [
                "code/abc/search.js",
                "index/meta-1.hx",
                "healthdex-ui.js",
                "healthdex.js"
            ]
        );
        let again = write(dir.path(), &bundle(&files)).unwrap();
        assert_eq!((again.written.len(), again.unchanged), (0, 4));
    }

    #[test]
    fn a_listed_file_with_other_bytes_is_replaced() {
        // What a build that stopped half-way leaves: its files listed, one of them short.
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("index")).unwrap();
        fs::write(dir.path().join("index/x.hx"), "hal").unwrap();
        fs::write(dir.path().join(MANIFEST), "index/x.hx\n").unwrap();
        let report = write(dir.path(), &bundle(&[("index/x.hx", "half")])).unwrap();
        assert_eq!(report.written, ["index/x.hx"]);
        let bytes = fs::read_to_string(dir.path().join("index/x.hx")).unwrap();
        assert_eq!(bytes, "half");
        let list = fs::read_to_string(dir.path().join(MANIFEST)).unwrap();
        assert_eq!(list, "index/x.hx\n");
    }

    #[test]
    fn a_file_it_did_not_write_is_never_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("healthdex.js"), "someone else's").unwrap();
        let error = write(dir.path(), &bundle(&[("healthdex.js", "ours")])).unwrap_err();
        assert!(
            error.to_string().contains("healthdex did not write it"),
            "{error}"
        );
        let kept = fs::read_to_string(dir.path().join("healthdex.js")).unwrap();
        assert_eq!(kept, "someone else's");
    }

    #[test]
    fn a_tampered_list_cannot_remove_files_outside_the_folder() {
        let outer = tempfile::tempdir().unwrap();
        let dir = outer.path().join("bundle");
        fs::create_dir(&dir).unwrap();
        fs::write(outer.path().join("keep.txt"), "x").unwrap();
        fs::write(dir.join(MANIFEST), "../keep.txt\n/etc/hostname\n").unwrap();
        write(&dir, &bundle(&[("a.js", "1")])).unwrap();
        assert!(outer.path().join("keep.txt").exists());
    }
}
