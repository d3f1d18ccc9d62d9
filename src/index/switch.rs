//! `healthdex switch`: pointing the link that servers read (`--index
//! /srv/healthdex/current`) at another, complete index in one step.
//!
//! The new index is built beside the live one (`healthdex index content/ --index
//! /srv/healthdex/releases/N`); [`switch`] checks that it opens as a healthdex
//! index, writes a new link next to the old one and renames it over the old, so
//! at every moment the path names either the old index or the new one, never
//! nothing. A running `healthdex serve` notices within a quarter of a second.
//! Only a symbolic link (or nothing) is ever replaced: a real folder or file at
//! that path is refused and left alone.

use std::path::{Path, PathBuf};

use crate::{Error, Result};

/// Points the symbolic link `link` at the index in `target` atomically; returns
/// the absolute path the link now names. Creates the link if it does not exist.
pub fn switch(link: &Path, target: &Path) -> Result<PathBuf> {
    let target = std::fs::canonicalize(target).map_err(|e| Error::io(target, e))?;
    check_index(&target)?;
    match std::fs::symlink_metadata(link) {
        Ok(meta) if !meta.file_type().is_symlink() => {
            return Err(Error::NotALink(link.to_path_buf()));
        }
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(Error::io(link, e)),
    }
    let staged = staging_path(link);
    // A link left by a switch that was interrupted; anything else there is not ours.
    match std::fs::symlink_metadata(&staged) {
        Ok(meta) if meta.file_type().is_symlink() => {
            std::fs::remove_file(&staged).map_err(|e| Error::io(&staged, e))?;
        }
        Ok(_) => return Err(Error::NotALink(staged)),
        Err(_) => {}
    }
    symlink(&target, &staged).map_err(|e| Error::io(&staged, e))?;
    if let Err(e) = std::fs::rename(&staged, link) {
        let _ = std::fs::remove_file(&staged);
        return Err(Error::io(link, e));
    }
    Ok(target)
}

/// The index must open, read-only, with this version's schema.
fn check_index(target: &Path) -> Result<()> {
    let open = super::open_read_only(target)?;
    open.manifest()?;
    Ok(())
}

/// `.NAME.switching` beside the link: a name of ours, in the same folder so the
/// rename cannot cross filesystems.
fn staging_path(link: &Path) -> PathBuf {
    let name = link
        .file_name()
        .map_or_else(|| "index".into(), |name| name.to_string_lossy());
    link.with_file_name(format!(".{name}.switching"))
}

#[cfg(unix)]
fn symlink(target: &Path, link: &Path) -> std::io::Result<()> {
    std::os::unix::fs::symlink(target, link)
}

#[cfg(windows)]
fn symlink(target: &Path, link: &Path) -> std::io::Result<()> {
    std::os::windows::fs::symlink_dir(target, link)
}
