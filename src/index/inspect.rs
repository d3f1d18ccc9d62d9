//! "What is at this path?": the state of an index folder for an update — a readable
//! index of this corpus with these settings, one whose documents must all be
//! replaced (another folder or other settings), or none usable (with the reason).

use std::path::Path;

use tantivy::Index;

use super::manifest::{IndexSettings, Manifest};
use super::schema::{self, Fields};

/// What is at the index path, and what that means for this run.
pub(super) enum State {
    /// A readable index of this corpus with these settings.
    Current(Index, Manifest),
    /// A readable index whose documents must all be replaced (other root or settings).
    Reset(Index, String),
    /// No usable index: build a new one (with the reason, if one existed).
    Missing(Option<String>),
}

/// Reads what is at `dir`: never fails, an unusable index is `Missing` with why.
pub(super) fn inspect(dir: &Path, root: &Path, settings: &IndexSettings) -> State {
    if !super::exists(dir) {
        return State::Missing(None);
    }
    let opened = Index::open_in_dir(dir).map_err(|e| format!("it cannot be opened ({e})"));
    let checked = opened.and_then(|index| {
        let metas = index
            .load_metas()
            .map_err(|e| format!("its metadata cannot be read ({e})"))?;
        let manifest = Manifest::load(dir, metas.payload.as_deref())?;
        if index.schema() != Fields::build().schema {
            return Err("its schema is from another version of healthdex".to_string());
        }
        Ok((index, manifest))
    });
    match checked {
        Err(reason) => State::Missing(Some(format!(
            "the index at `{}` was rebuilt because {reason}",
            dir.display()
        ))),
        Ok((index, manifest)) => {
            schema::register_analyzers(&index);
            if manifest.root != root {
                let reason = format!(
                    "the index held `{}` and now indexes `{}`",
                    manifest.root.display(),
                    root.display()
                );
                State::Reset(index, reason)
            } else if manifest.settings != *settings {
                State::Reset(
                    index,
                    "the index settings changed (drafts or base URL)".to_string(),
                )
            } else {
                State::Current(index, manifest)
            }
        }
    }
}
