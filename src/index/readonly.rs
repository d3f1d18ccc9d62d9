//! Opening an index without ever writing to its folder, for `serve --read-only`
//! on a shared or read-only volume.
//!
//! tantivy's reader writes even when it only reads: each reload opens
//! `.tantivy-meta.lock` for writing (creating it if missing) to keep the writer's
//! garbage collection from deleting segment files while they are opened, and that
//! open fails with `EROFS` on a read-only mount. [`ReadOnlyDirectory`] wraps the
//! memory-mapped directory, refuses every write, and takes that lock as a *shared*
//! `flock` on the existing lock file opened read-only — so a writer elsewhere on
//! the same filesystem is still kept from deleting files mid-open, and several
//! read-only servers do not queue behind each other. Without a lock file (an index
//! copied without it) there is nothing to coordinate with, and none is taken.

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tantivy::Directory;
use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    DirectoryLock, FileHandle, Lock, MmapDirectory, WatchCallback, WatchHandle, WritePtr,
};

/// A tantivy directory that reads through an [`MmapDirectory`] and never writes.
#[derive(Clone, Debug)]
pub struct ReadOnlyDirectory {
    inner: MmapDirectory,
    root: PathBuf,
}

impl ReadOnlyDirectory {
    /// Opens `dir` for reading only.
    pub fn open(dir: &Path) -> tantivy::Result<ReadOnlyDirectory> {
        let inner = MmapDirectory::open(dir).map_err(|e| {
            tantivy::TantivyError::SystemError(format!("cannot open `{}`: {e}", dir.display()))
        })?;
        Ok(ReadOnlyDirectory {
            inner,
            root: dir.to_path_buf(),
        })
    }
}

fn refused(path: &Path) -> io::Error {
    io::Error::new(
        io::ErrorKind::PermissionDenied,
        format!(
            "`{}`: the index is open read-only (serve --read-only)",
            path.display()
        ),
    )
}

/// A shared lock held until dropped.
struct SharedLock(#[allow(dead_code)] Option<File>);

impl Directory for ReadOnlyDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        self.inner.get_file_handle(path)
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        Err(DeleteError::IoError {
            io_error: Arc::new(refused(path)),
            filepath: path.to_path_buf(),
        })
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.inner.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        Err(OpenWriteError::wrap_io_error(
            refused(path),
            path.to_path_buf(),
        ))
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.inner.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, _data: &[u8]) -> io::Result<()> {
        Err(refused(path))
    }

    fn sync_directory(&self) -> io::Result<()> {
        Ok(())
    }

    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        let file = match File::open(self.root.join(&lock.filepath)) {
            Ok(file) => file,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Ok(DirectoryLock::from(Box::new(SharedLock(None))));
            }
            Err(e) => return Err(LockError::wrap_io_error(e)),
        };
        if lock.is_blocking {
            file.lock_shared().map_err(LockError::wrap_io_error)?;
        } else if file.try_lock_shared().is_err() {
            return Err(LockError::LockBusy);
        }
        Ok(DirectoryLock::from(Box::new(SharedLock(Some(file)))))
    }

    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.inner.watch(watch_callback)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_are_refused_and_nothing_is_created() {
        let dir = tempfile::tempdir().unwrap();
        let directory = ReadOnlyDirectory::open(dir.path()).unwrap();
        assert!(directory.open_write(Path::new("x")).is_err());
        assert!(directory.atomic_write(Path::new("y"), b"data").is_err());
        assert!(directory.delete(Path::new("z")).is_err());
        let lock = Lock {
            filepath: PathBuf::from(".tantivy-meta.lock"),
            is_blocking: true,
        };
        drop(directory.acquire_lock(&lock).unwrap());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn a_shared_lock_coexists_with_another_reader_but_not_with_a_writer() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(".tantivy-meta.lock"), b"").unwrap();
        let directory = ReadOnlyDirectory::open(dir.path()).unwrap();
        let lock = Lock {
            filepath: PathBuf::from(".tantivy-meta.lock"),
            is_blocking: false,
        };
        let first = directory.acquire_lock(&lock).unwrap();
        let second = directory.acquire_lock(&lock).unwrap();
        let writer = File::options()
            .write(true)
            .open(dir.path().join(".tantivy-meta.lock"))
            .unwrap();
        assert!(writer.try_lock().is_err(), "readers hold it shared");
        drop((first, second));
        assert!(writer.try_lock().is_ok());
    }
}
