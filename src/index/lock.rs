//! The update lock: one writer at a time, with the holder's pid for the message a
//! second writer shows.

use std::path::{Path, PathBuf};

use crate::{Error, Result};

/// Held while an update runs: an exclusive OS lock on `.<index name>.lock` (for the
/// default `.healthdex`, `.healthdex.lock`) next to
/// the index, holding the process id for the message other processes show. The OS
/// releases it when the process ends, however it ends.
pub(super) struct UpdateLock {
    _file: std::fs::File,
}

impl UpdateLock {
    pub(super) fn acquire(index_dir: &Path, wait: bool) -> Result<UpdateLock> {
        use std::io::{Read, Seek, Write};
        let path = lock_path(index_dir);
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        let mut file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| Error::io(&path, e))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) if wait => {
                file.lock().map_err(|e| Error::io(&path, e))?
            }
            Err(std::fs::TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                return Err(Error::Locked {
                    path: index_dir.to_path_buf(),
                    holder: holder.trim().parse().ok(),
                });
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(Error::io(&path, e)),
        }
        let _ = file.set_len(0);
        let _ = file.rewind();
        let _ = write!(file, "{}", std::process::id());
        Ok(UpdateLock { _file: file })
    }
}

fn lock_path(index_dir: &Path) -> PathBuf {
    let name = index_dir
        .file_name()
        .map_or_else(|| "index".into(), |n| n.to_string_lossy().into_owned());
    let dot = if name.starts_with('.') { "" } else { "." };
    index_dir.with_file_name(format!("{dot}{name}.lock"))
}
