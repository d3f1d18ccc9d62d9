//! Building and updating the index from a corpus folder.
//!
//! [`update`] compares the folder with the manifest of the last commit: files whose
//! size and modification time are unchanged are not read; the others are read and
//! hashed, and only those whose content changed are parsed (in parallel, with
//! rayon) and re-indexed, after their old sections are deleted. Removed files are
//! deleted. Everything lands in one commit whose payload is the new manifest.
//!
//! A missing or incompatible index is built in a sibling folder and moved into
//! place when complete, so a crash never leaves a half-built index where the last
//! good one was.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;
use tantivy::directory::error::LockError;
use tantivy::indexer::{IndexWriterOptions, LogMergePolicy};
use tantivy::{Index, IndexWriter, TantivyError, Term};

use super::document::section_documents;
use super::inspect::{State, inspect};
use super::lock::UpdateLock;
use super::manifest::{FileEntry, IndexSettings, Manifest};
use super::schema::{self, Fields};
use super::swap;
use crate::article::ParseOptions;
use crate::corpus::{self, Discovered, Loaded, SourceFile};
#[cfg(feature = "semantic")]
use crate::semantic::{Encoder, VectorReport, VectorUpdate};
use crate::{Error, Result, Severity, Warning};

/// What the indexer tells the vectors of the `semantic` feature; without the
/// feature, nothing.
#[cfg(not(feature = "semantic"))]
struct VectorUpdate;

#[cfg(not(feature = "semantic"))]
impl VectorUpdate {
    fn forget_all(&mut self) {}
    fn forget(&self, _path: &str) {}
    fn article(&self, _article: &crate::article::Article) {}
}

/// Memory each indexing thread may buffer before it writes a segment.
const WRITER_BUDGET_PER_THREAD: usize = 64 * 1024 * 1024;
/// Markdown read, parsed and indexed at a time, to bound memory on large corpora.
const BATCH_BYTES: u64 = 32 * 1024 * 1024;
/// Bytes of changed Markdown that justify one more indexing thread.
const BYTES_PER_WRITER_THREAD: u64 = 2 * 1024 * 1024;
/// An update that would remove more than this share of the indexed articles (and at
/// least [`MASS_REMOVAL_MIN`] of them), or all of them, is refused unless allowed:
/// an empty, moved or unmounted corpus folder looks exactly like a mass deletion.
pub const MASS_REMOVAL_SHARE: f64 = 0.5;
/// Fewest removed articles that count as a mass removal (short of all of them).
pub const MASS_REMOVAL_MIN: usize = 5;
/// Share of deleted documents in a segment that makes it worth merging.
const DELETED_RATIO_BEFORE_MERGE: f32 = 0.3;

/// What to index and where.
#[derive(Debug, Clone)]
pub struct IndexOptions {
    /// Folder of Markdown articles.
    pub root: PathBuf,
    /// Folder of the index (created if missing).
    pub index_dir: PathBuf,
    /// Drafts and base URL (changing them rebuilds the index).
    pub settings: IndexSettings,
    /// Wait for another process's update to finish instead of failing.
    pub wait: bool,
    /// Let an update remove most or all of the indexed articles (see
    /// [`MASS_REMOVAL_SHARE`]); without it such an update is refused.
    pub allow_mass_removal: bool,
    /// The sentence-embedding model: when given, every section gets a vector and
    /// the index is searched in hybrid mode (see [`crate::semantic`]). Without it,
    /// an index that has vectors keeps those of unchanged sections.
    #[cfg(feature = "semantic")]
    pub encoder: Option<std::sync::Arc<Encoder>>,
}

impl IndexOptions {
    /// Index `root` into `index_dir` with the default settings.
    pub fn new(root: impl Into<PathBuf>, index_dir: impl Into<PathBuf>) -> IndexOptions {
        IndexOptions {
            root: root.into(),
            index_dir: index_dir.into(),
            settings: IndexSettings::default(),
            wait: false,
            allow_mass_removal: false,
            #[cfg(feature = "semantic")]
            encoder: None,
        }
    }
}

/// What an [`update`] did.
#[derive(Debug, Clone, Default)]
pub struct IndexReport {
    /// Totals in the index after the run.
    pub articles: usize,
    /// Sections in the index after the run.
    pub sections: usize,
    /// Parsed references in the index after the run.
    pub references: usize,
    /// Files read and (re-)indexed because they are new or changed.
    pub added: usize,
    /// Files read again because their content changed.
    pub updated: usize,
    /// Files no longer in the folder, whose sections were deleted.
    pub removed: usize,
    /// Files left as they were.
    pub unchanged: usize,
    /// Files left out because of a problem (each has a warning).
    pub skipped: usize,
    /// Articles left out because they are drafts.
    pub drafts: usize,
    /// Every problem in the corpus, including those found in earlier runs on files
    /// that have not changed since.
    pub warnings: Vec<Warning>,
    /// Why the whole index was rebuilt, if it was.
    pub rebuilt: Option<String>,
    /// Time the run took.
    pub elapsed: Duration,
    /// What happened to the section vectors (boxed: a report travels inside
    /// enums whose other variants are small).
    #[cfg(feature = "semantic")]
    pub vectors: Box<VectorReport>,
}

impl IndexReport {
    /// Whether this run changed the index.
    pub fn changed_anything(&self) -> bool {
        let changed = self.added + self.updated + self.removed > 0 || self.rebuilt.is_some();
        #[cfg(feature = "semantic")]
        let changed = changed || self.vectors.embedded > 0;
        changed
    }
}

/// How far an update has got: files read (changed or not) out of those to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Files read so far.
    pub done: usize,
    /// Files to read in all.
    pub total: usize,
    /// Whether this is the embedding stage, counted in word pieces instead of files.
    #[cfg(feature = "semantic")]
    pub embedding: bool,
}

/// What one update works on.
struct Job<'a> {
    root: &'a Path,
    found: &'a Discovered,
    settings: &'a IndexSettings,
    allow_mass_removal: bool,
    progress: &'a (dyn Fn(Progress) + Sync),
    #[cfg(feature = "semantic")]
    encoder: Option<&'a Encoder>,
}

/// Brings the index in line with the corpus folder, doing as little work as possible.
pub fn update(options: &IndexOptions) -> Result<IndexReport> {
    update_with_progress(options, &|_| {})
}

/// [`update`], calling `progress` after each batch of files is read.
pub fn update_with_progress(
    options: &IndexOptions,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<IndexReport> {
    let started = Instant::now();
    let root = std::fs::canonicalize(&options.root)
        .map_err(|_| Error::NotADirectory(options.root.clone()))?;
    let found = corpus::discover(&root)?;
    if !super::exists(&options.index_dir) {
        // Checked again under the lock; this first look keeps a refused path clean
        // of the lock file.
        swap::claim(&options.index_dir)?;
    }
    let _lock = UpdateLock::acquire(&options.index_dir, options.wait)?;
    swap::recover_interrupted(&options.index_dir);
    let job = Job {
        root: &root,
        found: &found,
        settings: &options.settings,
        allow_mass_removal: options.allow_mass_removal,
        progress,
        #[cfg(feature = "semantic")]
        encoder: options.encoder.as_deref(),
    };
    let state = inspect(&options.index_dir, &root, &options.settings);
    #[cfg(feature = "semantic")]
    let state = embed_everything(state, &options.index_dir, job.encoder);
    let mut report = match state {
        State::Current(index, manifest) => sync(&options.index_dir, &index, manifest, false, &job)?,
        State::Reset(index, reason) => {
            let fresh = Manifest::new(root.clone(), options.settings.clone());
            let mut report = sync(&options.index_dir, &index, fresh, true, &job)?;
            report.rebuilt = Some(reason);
            report
        }
        State::Missing(reason) => {
            let fresh = Manifest::new(root.clone(), options.settings.clone());
            let mut report = build_elsewhere(&options.index_dir, fresh, &job)?;
            report.rebuilt = reason;
            report
        }
    };
    report.warnings.splice(0..0, found.warnings.iter().cloned());
    report.skipped = report
        .warnings
        .iter()
        .filter(|w| w.severity == Severity::Skipped)
        .count();
    report.elapsed = started.elapsed();
    Ok(report)
}

/// An index asked for vectors that lacks some is re-indexed whole, so every section
/// passes by the embedding (those whose text has a vector keep it).
#[cfg(feature = "semantic")]
fn embed_everything(state: State, dir: &Path, encoder: Option<&Encoder>) -> State {
    let State::Current(index, manifest) = state else {
        return state;
    };
    let payload = index.load_metas().ok().and_then(|m| m.payload);
    let sections = manifest.totals().1;
    if encoder.is_none() || crate::semantic::covers(dir, payload.as_deref(), sections) {
        return State::Current(index, manifest);
    }
    State::Reset(
        index,
        "sections without vectors are embedded (the index had no vectors, or not for every section)"
            .to_string(),
    )
}

/// Builds a new index next to `target` and moves it into place when it is complete.
/// What is at `target` is checked first: anything healthdex did not write is refused.
fn build_elsewhere(target: &Path, manifest: Manifest, job: &Job<'_>) -> Result<IndexReport> {
    swap::claim(target)?;
    let staging = swap::sibling(target, "building");
    swap::remove(&staging);
    std::fs::create_dir_all(&staging).map_err(|e| Error::io(&staging, e))?;
    let built = build_in(&staging, manifest, job).map_err(|err| match err {
        // The staging folder is gone with the error: name the index asked for.
        Error::DiskFull { cause, .. } => Error::DiskFull {
            dir: target.to_path_buf(),
            cause,
        },
        other => other,
    });
    if built.is_err() {
        swap::remove(&staging);
    }
    let report = built?;
    swap::replace(&staging, target)?;
    Ok(report)
}

/// Creates an index in the (empty) folder `staging` and fills it.
fn build_in(staging: &Path, manifest: Manifest, job: &Job<'_>) -> Result<IndexReport> {
    let index = Index::create_in_dir(staging, Fields::build().schema).map_err(|e| {
        Error::tantivy(
            format!("cannot create an index in `{}`", staging.display()),
            e,
        )
    })?;
    schema::register_analyzers(&index);
    sync(staging, &index, manifest, false, job)
}

/// A file whose content must be (re-)indexed.
struct Change {
    file: SourceFile,
    loaded: std::result::Result<Loaded, Warning>,
    /// Whether the previous manifest had the file (so its sections must be deleted).
    known: bool,
}

/// Applies the difference between `previous` and the files on disk in one commit.
///
/// Files whose size and modification time are unchanged are not read. The others
/// are read, hashed and (if their content changed) parsed and indexed in batches of
/// about [`BATCH_BYTES`], so memory stays bounded however large the corpus is. The
/// writer is opened only once something has to change.
fn sync(
    dir: &Path,
    index: &Index,
    previous: Manifest,
    reset: bool,
    job: &Job<'_>,
) -> Result<IndexReport> {
    let (files, settings) = (job.found.files.as_slice(), job.settings);
    let mut report = IndexReport::default();
    let mut next = Manifest {
        files: Default::default(),
        ..previous.clone()
    };
    let (same_stat, candidates): (Vec<_>, Vec<_>) = files.iter().partition(|file| {
        previous
            .files
            .get(&file.path)
            .is_some_and(|entry| entry.size == file.size && entry.modified_ns == file.modified_ns)
    });
    for file in same_stat {
        next.files
            .insert(file.path.clone(), previous.files[&file.path].clone());
    }
    let on_disk: HashSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    let (kept, removed): (Vec<&String>, Vec<&String>) = previous
        .files
        .keys()
        .filter(|p| !on_disk.contains(p.as_str()))
        .partition(|p| job.found.is_unreadable(p));
    for path in kept {
        next.files
            .insert(path.clone(), previous.files[path].clone());
    }
    if !reset && !job.allow_mass_removal {
        refuse_mass_removal(&previous, &removed, job)?;
    }
    report.removed = removed.len();

    let fields = Fields::from_schema(&index.schema())
        .map_err(|e| Error::tantivy("reading the index schema", e))?;
    let expected_bytes: u64 = candidates.iter().map(|f| f.size).sum();
    let mut writer = Writer::new(dir, index, &fields, expected_bytes);
    #[cfg(feature = "semantic")]
    let mut vectors = {
        let last = index.load_metas().ok().and_then(|m| m.payload);
        VectorUpdate::start(dir, last.as_deref(), job.encoder)
    };
    #[cfg(not(feature = "semantic"))]
    let mut vectors = VectorUpdate;
    if reset {
        writer
            .get()?
            .delete_all_documents()
            .map_err(|e| Error::tantivy("clearing the index", e))?;
        vectors.forget_all();
    }
    for path in removed {
        writer.delete(path)?;
        vectors.forget(path);
    }
    let mut done = 0;
    for batch in batches(&candidates) {
        let changed = read_batch(batch, &previous, &mut next, &mut report);
        done += batch.len();
        (job.progress)(Progress {
            done,
            total: candidates.len(),
            #[cfg(feature = "semantic")]
            embedding: false,
        });
        if changed.is_empty() {
            continue;
        }
        for change in changed.iter().filter(|c| c.known) {
            writer.delete(&change.file.path)?;
            vectors.forget(&change.file.path);
        }
        let entries = index_changes(writer.get()?, &fields, changed, settings, &vectors)
            .map_err(|err| writer.stopped(err))?;
        next.files.extend(entries);
    }
    #[cfg(feature = "semantic")]
    let (vectors_file, must_commit) = {
        let must_commit = vectors.changes_anything();
        report.vectors = Box::new(vectors.finish(dir, &|done, total| {
            (job.progress)(Progress {
                done,
                total,
                embedding: true,
            })
        })?);
        (report.vectors.file.clone(), must_commit)
    };
    #[cfg(not(feature = "semantic"))]
    let (vectors_file, must_commit): (Option<String>, bool) = (None, false);
    let payload = match next != previous || must_commit {
        true => Some(commit(writer.get()?, &next, vectors_file.as_deref(), dir)?),
        false => None,
    };
    if let Some(open) = writer.open {
        finish(open, payload.as_deref(), dir)?;
    }
    report.unchanged = files.len() - report.added - report.updated;
    summarize(&next, &mut report);
    Ok(report)
}

/// Refuses an update that would remove most or all of the indexed articles.
fn refuse_mass_removal(previous: &Manifest, removed: &[&String], job: &Job<'_>) -> Result<()> {
    let indexed = previous.files.len();
    let removed = removed.len();
    let everything = removed > 0 && removed == indexed;
    let most = removed >= MASS_REMOVAL_MIN && removed as f64 > indexed as f64 * MASS_REMOVAL_SHARE;
    if everything || most {
        return Err(Error::MassRemoval {
            root: job.root.to_path_buf(),
            removed,
            indexed,
            found: job.found.files.len(),
        });
    }
    Ok(())
}

/// Groups files into batches of about [`BATCH_BYTES`] (at least one file each).
fn batches<'a>(files: &'a [&'a SourceFile]) -> impl Iterator<Item = &'a [&'a SourceFile]> + 'a {
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= files.len() {
            return None;
        }
        let mut end = start;
        let mut bytes = 0;
        while end < files.len() && (end == start || bytes + files[end].size <= BATCH_BYTES) {
            bytes += files[end].size;
            end += 1;
        }
        let batch = &files[start..end];
        start = end;
        Some(batch)
    })
}

/// Reads and hashes a batch in parallel. Files whose content is unchanged go
/// straight to `next`; the changed ones are returned for indexing.
fn read_batch(
    batch: &[&SourceFile],
    previous: &Manifest,
    next: &mut Manifest,
    report: &mut IndexReport,
) -> Vec<Change> {
    let loaded: Vec<Change> = batch
        .par_iter()
        .map(|file| Change {
            known: previous.files.contains_key(&file.path),
            loaded: corpus::load(file),
            file: (*file).clone(),
        })
        .collect();
    let mut changed = Vec::new();
    for change in loaded {
        let same_content = match (&change.loaded, previous.files.get(&change.file.path)) {
            (Ok(loaded), Some(entry)) => entry.hash == loaded.hash,
            _ => false,
        };
        if same_content {
            let entry = FileEntry {
                size: change.file.size,
                modified_ns: change.file.modified_ns,
                ..previous.files[&change.file.path].clone()
            };
            next.files.insert(change.file.path.clone(), entry);
        } else {
            if change.known {
                report.updated += 1;
            } else {
                report.added += 1;
            }
            changed.push(change);
        }
    }
    changed
}

/// The index writer, opened the first time something must change.
struct Writer<'a> {
    dir: &'a Path,
    index: &'a Index,
    fields: &'a Fields,
    expected_bytes: u64,
    open: Option<IndexWriter>,
}

impl<'a> Writer<'a> {
    fn new(dir: &'a Path, index: &'a Index, fields: &'a Fields, expected_bytes: u64) -> Writer<'a> {
        Writer {
            dir,
            index,
            fields,
            expected_bytes,
            open: None,
        }
    }

    fn get(&mut self) -> Result<&mut IndexWriter> {
        if self.open.is_none() {
            self.open = Some(open_writer(self.dir, self.index, self.expected_bytes)?);
        }
        Ok(self.open.as_mut().expect("opened above"))
    }

    /// The real cause of `err` when it says the writer stopped: a worker thread's
    /// error, which tantivy returns when the workers are joined.
    fn stopped(&mut self, err: Error) -> Error {
        let Error::Tantivy {
            cause: tantivy::TantivyError::ErrorInThread(_),
            ..
        } = &err
        else {
            return err;
        };
        match self.open.as_mut().map(|open| open.prepare_commit().err()) {
            Some(Some(cause)) => Error::writing(self.dir, "cannot write the index", cause),
            _ => err,
        }
    }

    /// Deletes every section of an article.
    fn delete(&mut self, path: &str) -> Result<()> {
        let term = Term::from_field_text(self.fields.path, path);
        self.get()?.delete_term(term);
        Ok(())
    }
}

/// A writer sized to the work: one thread for a small update, all cores for a build.
fn open_writer(dir: &Path, index: &Index, bytes: u64) -> Result<IndexWriter> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let threads = usize::try_from(bytes / BYTES_PER_WRITER_THREAD)
        .unwrap_or(cores)
        .clamp(1, cores);
    let options = IndexWriterOptions::builder()
        .num_worker_threads(threads)
        .memory_budget_per_thread(WRITER_BUDGET_PER_THREAD)
        .num_merge_threads(1)
        .build();
    let writer = index.writer_with_options(options).map_err(|e| match e {
        TantivyError::LockFailure(LockError::LockBusy, _) => Error::Locked {
            path: dir.to_path_buf(),
            holder: None,
        },
        other => Error::tantivy("cannot open the index for writing", other),
    })?;
    let mut policy = LogMergePolicy::default();
    policy.set_del_docs_ratio_before_merge(DELETED_RATIO_BEFORE_MERGE);
    writer.set_merge_policy(Box::new(policy));
    // A process killed mid-commit leaves files no commit refers to. Their names are
    // derived from the segment and opstamp, so the next run would try to create the
    // same file and fail; remove them before writing anything.
    writer
        .garbage_collect_files()
        .wait()
        .map_err(|e| Error::tantivy("cannot clean up files left by an interrupted run", e))?;
    Ok(writer)
}

/// Parses the changed files in parallel and adds their sections to the writer.
fn index_changes(
    writer: &IndexWriter,
    fields: &Fields,
    changes: Vec<Change>,
    settings: &IndexSettings,
    vectors: &VectorUpdate,
) -> Result<Vec<(String, FileEntry)>> {
    let options = settings.parse_options();
    changes
        .into_par_iter()
        .map(|change| {
            let entry = index_one(writer, fields, &change, &options, settings.drafts)?;
            if let Some(article) = entry.1 {
                vectors.article(&article);
            }
            let entry = entry.0;
            Ok((change.file.path, entry))
        })
        .collect()
}

fn index_one(
    writer: &IndexWriter,
    fields: &Fields,
    change: &Change,
    options: &ParseOptions,
    drafts: bool,
) -> Result<(FileEntry, Option<crate::article::Article>)> {
    let mut entry = FileEntry {
        size: change.file.size,
        modified_ns: change.file.modified_ns,
        hash: String::new(),
        indexed: false,
        draft: false,
        sections: 0,
        references: 0,
        warnings: Vec::new(),
    };
    let loaded = match &change.loaded {
        Ok(loaded) => loaded,
        Err(warning) => {
            entry.warnings.push(warning.clone());
            return Ok((entry, None));
        }
    };
    let parsed = crate::pipeline::prepare_loaded(&change.file.path, loaded, options);
    entry.hash = parsed.hash;
    entry.warnings = parsed.warnings;
    entry.draft = parsed.article.meta.draft;
    if parsed.article.sections.is_empty() {
        entry.warnings.push(Warning::skipped(
            &change.file.path,
            None,
            "has no text after the front matter; there is nothing to index",
        ));
        return Ok((entry, None));
    }
    if entry.draft && !drafts {
        return Ok((entry, None));
    }
    for doc in section_documents(fields, &parsed.article) {
        writer.add_document(doc).map_err(|e| match e {
            // A worker thread failed (the disk, most likely): not this article's fault.
            tantivy::TantivyError::ErrorInThread(_) => {
                Error::tantivy("the index writer stopped", e)
            }
            _ => Error::tantivy(format!("cannot index `{}`", change.file.path), e),
        })?;
    }
    entry.indexed = true;
    entry.sections = parsed.article.sections.len();
    entry.references = parsed.article.references().count();
    Ok((entry, Some(parsed.article)))
}

/// Stores the manifest and commits with a payload naming it and the vectors file
/// (already stored), if any; returns the payload.
fn commit(
    writer: &mut IndexWriter,
    manifest: &Manifest,
    vectors: Option<&str>,
    dir: &Path,
) -> Result<String> {
    let payload = manifest
        .store_with_vectors(dir, vectors)
        .map_err(|e| Error::writing_file(dir, dir, e))?;
    let mut prepared = writer
        .prepare_commit()
        .map_err(|e| Error::writing(dir, "cannot commit the index", e))?;
    prepared.set_payload(&payload);
    prepared
        .commit()
        .map_err(|e| Error::writing(dir, "cannot commit the index", e))?;
    Ok(payload)
}

/// Lets merges finish, then removes manifests no commit refers to any more.
fn finish(writer: IndexWriter, payload: Option<&str>, dir: &Path) -> Result<()> {
    writer
        .wait_merging_threads()
        .map_err(|e| Error::writing(dir, "cannot finish merging index segments", e))?;
    if let Some(payload) = payload {
        Manifest::remove_stale(dir, payload);
    }
    Ok(())
}

fn summarize(manifest: &Manifest, report: &mut IndexReport) {
    let (articles, sections, references) = manifest.totals();
    report.articles = articles;
    report.sections = sections;
    report.references = references;
    report.drafts = manifest
        .files
        .values()
        .filter(|f| f.draft && !f.indexed)
        .count();
    report.warnings = manifest.warnings().cloned().collect();
}
