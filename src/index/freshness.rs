//! The refresh policy of commands that read an index (`search`, `serve`, `eval`,
//! `bench`): open the index once, read its manifest once, and compare the corpus
//! folder with it by file size and modification time. Only when something differs
//! is the writer's lock taken and [`update`](super::update) run; a search over an
//! unchanged corpus writes nothing, not even a lock file.
//!
//! A missing index is built only when the caller says from which folder
//! ([`Refresh::corpus`] or [`Refresh::default_corpus`]); otherwise it is
//! [`Error::NoIndex`], and nothing is created. An index from an incompatible
//! version is rebuilt from the folder and with the settings (drafts, base URL) its
//! manifest recorded, so a rebuild never drops a `--base-url`.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use super::manifest::{IndexSettings, Manifest};
use super::{IndexOptions, IndexReport, OpenIndex, open, update};
use crate::corpus::{self, Discovered};
use crate::{Error, Result};

/// What a reading command asks of the index before it searches.
#[derive(Debug, Clone, Default)]
pub struct Refresh {
    /// The index folder.
    pub index_dir: PathBuf,
    /// The folder to index, given explicitly (it replaces the one the index holds).
    pub corpus: Option<PathBuf>,
    /// The folder to build from when there is no index and no [`Refresh::corpus`]
    /// (the CLI's `corpus` when the index is the default one); `None` makes a
    /// missing index an error.
    pub default_corpus: Option<PathBuf>,
    /// Compare the index with its corpus and update it if needed.
    pub check_corpus: bool,
}

/// What [`ensure`] did before handing the index over.
#[derive(Debug)]
pub enum Refreshed {
    /// The index was used as it was (current, or not checked).
    Unchanged,
    /// It was brought up to date, or built; `why` says why it was built.
    Updated {
        /// What the update did.
        report: IndexReport,
        /// Why the index was built from scratch, if it was.
        why: Option<String>,
    },
    /// Another process is updating it: the last committed version is searched.
    Busy,
    /// The folder it was built from is gone: the index is searched as it is.
    CorpusMissing(PathBuf),
    /// The update was refused (it would have removed most of the index; the
    /// message says why and what to do): the last commit is searched.
    Refused(String),
}

/// Makes sure there is a usable, current index (as [`Refresh`] asks) and opens it.
pub fn ensure(refresh: &Refresh) -> Result<(OpenIndex, Refreshed)> {
    match open(&refresh.index_dir) {
        Ok(index) if !refresh.check_corpus => Ok((index, Refreshed::Unchanged)),
        Ok(index) => match check(refresh, &index.stamp())? {
            Verdict::Current => Ok((index, Refreshed::Unchanged)),
            Verdict::CorpusMissing(root) => Ok((index, Refreshed::CorpusMissing(root))),
            Verdict::Stale => bring_up_to_date(refresh, index),
        },
        Err(Error::NoIndex(_)) => build_missing(refresh),
        Err(Error::IncompatibleIndex { found, .. }) => rebuild(refresh, &found),
        Err(err) => Err(err),
    }
}

/// What the last commit of an index recorded about its corpus: enough to tell
/// whether the corpus changed without reading the manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    /// The indexed folder (absolute).
    pub root: PathBuf,
    /// [`FilesDigest`](crate::corpus::FilesDigest) of the indexed files.
    pub files_digest: String,
}

/// What [`check`] concluded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// No file was added, removed or touched since the stamp.
    Current,
    /// The folder the index was built from is gone (and no other was named).
    CorpusMissing(PathBuf),
    /// Something may have changed: [`bring_up_to_date`] decides and updates.
    Stale,
}

/// Compares the corpus folder with a [`Stamp`]: one walk of the folder (a stat per
/// file) and a digest. Reads nothing in the index and writes nothing, so it can
/// run on another thread while the last commit is searched.
pub fn check(refresh: &Refresh, stamp: &Stamp) -> Result<Verdict> {
    let root = refresh.corpus.clone().unwrap_or_else(|| stamp.root.clone());
    if refresh.corpus.is_none() && !root.is_dir() {
        return Ok(Verdict::CorpusMissing(root));
    }
    let root = std::fs::canonicalize(&root).map_err(|_| Error::NotADirectory(root.clone()))?;
    if root != stamp.root {
        return Ok(Verdict::Stale);
    }
    Ok(
        if corpus::digest_files(&root)?.finish() == stamp.files_digest {
            Verdict::Current
        } else {
            Verdict::Stale
        },
    )
}

/// Updates an index whose [`check`] was [`Verdict::Stale`], reading its manifest
/// once. Nothing is written when the difference was only in folders that cannot be
/// read now (their entries are kept). If another process holds the lock, the last
/// commit is used.
pub fn bring_up_to_date(refresh: &Refresh, index: OpenIndex) -> Result<(OpenIndex, Refreshed)> {
    let manifest = match index.manifest() {
        Ok(manifest) => manifest,
        Err(Error::IncompatibleIndex { found, .. }) => return rebuild(refresh, &found),
        Err(err) => return Err(err),
    };
    let root = refresh
        .corpus
        .clone()
        .unwrap_or_else(|| manifest.root.clone());
    let root = std::fs::canonicalize(&root).map_err(|_| Error::NotADirectory(root.clone()))?;
    if root == manifest.root && is_current(&manifest, &corpus::discover(&root)?) {
        return Ok((index, Refreshed::Unchanged));
    }
    drop(index);
    match run_update(refresh, root, manifest.settings, None) {
        Err(Error::Locked { .. }) => Ok((open(&refresh.index_dir)?, Refreshed::Busy)),
        Err(refused @ Error::MassRemoval { .. }) => Ok((
            open(&refresh.index_dir)?,
            Refreshed::Refused(refused.to_string()),
        )),
        other => other,
    }
}

/// Whether every file on disk is in the manifest with the same size and
/// modification time, and every file of the manifest is still there (or in a
/// folder that cannot be read now, whose entries an update would keep anyway).
fn is_current(manifest: &Manifest, found: &Discovered) -> bool {
    let same = found.files.iter().all(|file| {
        manifest
            .files
            .get(&file.path)
            .is_some_and(|e| e.size == file.size && e.modified_ns == file.modified_ns)
    });
    if !same {
        return false;
    }
    let on_disk: HashSet<&str> = found.files.iter().map(|f| f.path.as_str()).collect();
    manifest
        .files
        .keys()
        .all(|path| on_disk.contains(path.as_str()) || found.is_unreadable(path))
}

/// No index yet: build one if the caller named a folder.
fn build_missing(refresh: &Refresh) -> Result<(OpenIndex, Refreshed)> {
    let Some(root) = refresh
        .corpus
        .clone()
        .or_else(|| refresh.default_corpus.clone())
    else {
        return Err(Error::NoIndex(refresh.index_dir.clone()));
    };
    if !root.is_dir() {
        return Err(Error::NoIndex(refresh.index_dir.clone()));
    }
    let why = format!(
        "no index at `{}` yet; indexing `{}` first",
        refresh.index_dir.display(),
        root.display()
    );
    run_update(refresh, root, IndexSettings::default(), Some(why))
}

/// An index from another version: rebuilt from the folder and settings it recorded.
fn rebuild(refresh: &Refresh, found: &str) -> Result<(OpenIndex, Refreshed)> {
    let salvaged = Manifest::salvage(&refresh.index_dir);
    let root = refresh
        .corpus
        .clone()
        .or_else(|| salvaged.as_ref().map(|(root, _)| root.clone()))
        .or_else(|| refresh.default_corpus.clone())
        .filter(|root| root.is_dir())
        .ok_or_else(|| Error::IncompatibleIndex {
            path: refresh.index_dir.clone(),
            found: found.to_string(),
        })?;
    let settings = salvaged.map(|(_, settings)| settings).unwrap_or_default();
    let why = format!(
        "the index at `{}` is from an incompatible version ({found}); rebuilding it from `{}`",
        refresh.index_dir.display(),
        root.display()
    );
    run_update(refresh, root, settings, Some(why))
}

fn run_update(
    refresh: &Refresh,
    root: PathBuf,
    settings: IndexSettings,
    why: Option<String>,
) -> Result<(OpenIndex, Refreshed)> {
    let mut options = IndexOptions::new(root, &refresh.index_dir);
    options.settings = settings;
    let report = update(&options)?;
    Ok((
        open(&refresh.index_dir)?,
        Refreshed::Updated { report, why },
    ))
}

impl Refresh {
    /// Refresh the index at `index_dir` from the folder it was built from.
    pub fn new(index_dir: impl AsRef<Path>) -> Refresh {
        Refresh {
            index_dir: index_dir.as_ref().to_path_buf(),
            check_corpus: true,
            ..Refresh::default()
        }
    }
}
