//! The index: building and updating it from a corpus folder ([`update`]) and
//! opening it for search ([`open`]). The schema lives in `schema.rs`; what was
//! indexed is recorded in a [`Manifest`] stored atomically with each commit.

mod build;
pub(crate) mod document;
mod freshness;
mod inspect;
mod lock;
mod manifest;
mod readonly;
pub(crate) mod schema;
mod swap;
mod switch;

use std::path::{Path, PathBuf};

use tantivy::Index;

pub use build::{
    IndexOptions, IndexReport, MASS_REMOVAL_MIN, MASS_REMOVAL_SHARE, Progress, update,
    update_with_progress,
};
pub use freshness::{Refresh, Refreshed, Stamp, Verdict, bring_up_to_date, check, ensure};
pub use manifest::{FileEntry, IndexSettings, Manifest, Payload, VECTORS_PREFIX, files_digest};
pub use readonly::ReadOnlyDirectory;
pub use switch::switch;

use crate::{Error, Result};
use schema::Fields;

/// Default location of the index, relative to the working directory.
pub const DEFAULT_INDEX_DIR: &str = ".healthdex";

/// An index opened for reading, with its schema fields.
pub struct OpenIndex {
    /// The tantivy index.
    pub index: Index,
    pub(crate) fields: Fields,
    /// The index folder.
    pub dir: PathBuf,
    /// The commit payload (versions and the name of the manifest file).
    payload: Option<String>,
    /// The payload, read.
    payload_read: Payload,
}

impl OpenIndex {
    /// What the last commit recorded about the corpus, for [`check`].
    pub fn stamp(&self) -> Stamp {
        Stamp {
            root: self.payload_read.root.clone(),
            files_digest: self.payload_read.files_digest.clone(),
        }
    }

    /// The file name of the commit's section vectors (an index built with
    /// `--semantic`), if it has them.
    pub fn vectors_file(&self) -> Option<&str> {
        self.payload_read.vectors.as_deref()
    }

    /// What was indexed, from where, with which settings.
    pub fn manifest(&self) -> Result<Manifest> {
        Manifest::load(&self.dir, self.payload.as_deref()).map_err(|found| {
            Error::IncompatibleIndex {
                path: self.dir.clone(),
                found,
            }
        })
    }
}

/// The [`Stamp`] of the last commit of the index in `dir`, read from `meta.json`
/// alone (without opening the index), so a freshness [`check`] can start at once;
/// `None` when there is no index or its payload is from another version.
pub fn read_stamp(dir: &Path) -> Option<Stamp> {
    let payload = Payload::read(Payload::stored(dir).as_deref()).ok()?;
    Some(Stamp {
        root: payload.root,
        files_digest: payload.files_digest,
    })
}

/// Whether a tantivy index exists in `dir`.
pub fn exists(dir: &Path) -> bool {
    dir.join("meta.json").is_file()
}

/// Opens an index for search. Fails with a message naming the next step when the
/// index is missing or was written by an incompatible version. Cheap: the manifest
/// is only read when asked for.
pub fn open(dir: &Path) -> Result<OpenIndex> {
    open_with(dir, Access::ReadWrite)
}

/// Opens an index like [`open`], through a [`ReadOnlyDirectory`]: neither opening
/// it nor searching it, however long, writes anything to `dir`.
pub fn open_read_only(dir: &Path) -> Result<OpenIndex> {
    open_with(dir, Access::ReadOnly)
}

#[derive(Clone, Copy)]
enum Access {
    ReadWrite,
    ReadOnly,
}

fn open_with(dir: &Path, access: Access) -> Result<OpenIndex> {
    if !exists(dir) {
        return Err(Error::NoIndex(dir.to_path_buf()));
    }
    let incompatible = |found: String| Error::IncompatibleIndex {
        path: dir.to_path_buf(),
        found,
    };
    let index = match access {
        Access::ReadWrite => Index::open_in_dir(dir),
        Access::ReadOnly => ReadOnlyDirectory::open(dir).and_then(Index::open),
    }
    .map_err(|e| incompatible(e.to_string()))?;
    schema::register_analyzers(&index);
    let metas = index
        .load_metas()
        .map_err(|e| Error::tantivy(format!("cannot read the index at `{}`", dir.display()), e))?;
    let payload_read = Payload::read(metas.payload.as_deref()).map_err(incompatible)?;
    if index.schema() != Fields::build().schema {
        return Err(incompatible("a different schema".to_string()));
    }
    let fields = Fields::from_schema(&index.schema()).map_err(|e| incompatible(e.to_string()))?;
    Ok(OpenIndex {
        index,
        fields,
        dir: dir.to_path_buf(),
        payload: metas.payload,
        payload_read,
    })
}
