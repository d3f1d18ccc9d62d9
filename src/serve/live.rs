//! The index a server answers from, and moving to a new one with no restart and
//! no failed request.
//!
//! Two kinds of change reach a running server. A commit to the same index folder
//! (`healthdex index` updating it in place) is followed by the engine's own reader.
//! A *switch* — a new index built beside the live one, then a symbolic link
//! (`--index /srv/healthdex/current`) pointed at it in one `rename` (`healthdex
//! switch`) — is seen by [`watch`], which resolves the link every
//! [`SWITCH_POLL`] and, when it names another folder that opens, swaps the engine.
//! Requests hold an `Arc` of the engine they started with, so a request in flight
//! finishes on the old index and the next one runs on the new; nothing waits and
//! nothing fails. A target that does not open is reported once and the server keeps
//! answering from the index it has.

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime};

use crate::index;
use crate::search::Engine;

/// How often the index path is resolved again to notice a switch.
pub const SWITCH_POLL: Duration = Duration::from_millis(250);

/// The engine requests use now, and the folder it reads.
pub struct Current {
    /// The engine.
    pub engine: Engine,
    /// The folder the index path resolved to when the engine was opened.
    pub dir: PathBuf,
    /// When this engine started answering.
    pub since: SystemTime,
}

/// The index path as given, and what it currently resolves to.
pub struct LiveIndex {
    path: PathBuf,
    read_only: bool,
    current: RwLock<Arc<Current>>,
}

impl LiveIndex {
    /// Serves `engine`, opened from `path` (a folder, or a link to one). With
    /// `read_only`, indexes switched to later are opened without writing either.
    pub fn new(engine: Engine, path: PathBuf, read_only: bool) -> LiveIndex {
        let dir = resolve(&path);
        LiveIndex {
            path,
            read_only,
            current: RwLock::new(Arc::new(Current {
                engine,
                dir,
                since: SystemTime::now(),
            })),
        }
    }

    /// The index path as given on the command line.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The engine and folder to answer one request with.
    pub fn current(&self) -> Arc<Current> {
        let guard = self
            .current
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        Arc::clone(&guard)
    }

    /// Resolves the index path again and, if it names another folder holding an
    /// index that opens, makes that the current one. Returns the new folder when it
    /// switched, or the error that kept it from switching.
    pub fn check_switch(&self) -> Result<Option<PathBuf>, (PathBuf, crate::Error)> {
        let target = resolve(&self.path);
        if target == self.current().dir {
            return Ok(None);
        }
        let engine = self.open(&target).map_err(|e| (target.clone(), e))?;
        let next = Arc::new(Current {
            engine,
            dir: target.clone(),
            since: SystemTime::now(),
        });
        *self
            .current
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = next;
        Ok(Some(target))
    }

    fn open(&self, dir: &Path) -> crate::Result<Engine> {
        let open = match self.read_only {
            true => index::open_read_only(dir)?,
            false => index::open(dir)?,
        };
        let current = self.current();
        let engine = Engine::from_index(open, current.engine.options().clone())?;
        #[cfg(feature = "semantic")]
        let engine = current.engine.hybrid_like(engine, dir);
        Ok(engine)
    }
}

/// `path` with every symbolic link resolved; `path` itself when it cannot be (it
/// is gone, say), so a missing target never looks like a switch.
fn resolve(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Checks for a switch every [`SWITCH_POLL`] until the server stops, reporting
/// each switch, and each target that does not open, once on stderr.
pub async fn watch(live: Arc<LiveIndex>) {
    let mut refused: Option<PathBuf> = None;
    loop {
        tokio::time::sleep(SWITCH_POLL).await;
        let live = Arc::clone(&live);
        let Ok(outcome) = tokio::task::spawn_blocking(move || live.check_switch()).await else {
            continue;
        };
        match outcome {
            Ok(None) => {}
            Ok(Some(dir)) => {
                refused = None;
                eprintln!("healthdex: now serving the index at `{}`", dir.display());
            }
            Err((dir, error)) => {
                if refused.as_ref() != Some(&dir) {
                    eprintln!(
                        "healthdex: the index path now leads to `{}`, which cannot be served ({error}); still answering from the previous index",
                        dir.display()
                    );
                    refused = Some(dir);
                }
            }
        }
    }
}
