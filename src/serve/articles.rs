//! `GET /api/articles/{path}`: an indexed article's metadata, sections and parsed
//! references, with bounded work and memory however it is asked for.
//!
//! The article is read from the corpus and parsed again (the index keeps sections,
//! not references), but only if the file is still what was indexed: the size and
//! time the manifest recorded before it is opened, the same content hash after.
//! Each answer is kept as JSON bytes for the commit it was made from, so a popular
//! (or a huge) article is parsed once per commit, not once per request: the cache
//! holds at most [`CACHE_BYTES`], the least recently used answers leave first, and
//! at most [`PARSES_AT_ONCE`] articles are parsed at any moment. A request that
//! times out while waiting for its turn starts no work.

use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::http::StatusCode;
use tokio::sync::Semaphore;

use super::answers::{AnswerCache, Key};
use super::{ApiError, AppState};
use crate::corpus;
use crate::index::{self, Manifest};

/// Article answers kept in memory, in bytes of JSON.
pub const CACHE_BYTES: usize = 64 * 1024 * 1024;
/// Articles parsed at the same time; other requests for articles wait (and time
/// out with 408 like any slow request).
pub const PARSES_AT_ONCE: usize = 2;

/// The state of the articles route.
pub struct Articles {
    manifest: Mutex<Option<(u64, Arc<Manifest>)>>,
    cache: AnswerCache,
    parses: Semaphore,
}

impl Default for Articles {
    fn default() -> Articles {
        Articles {
            manifest: Mutex::new(None),
            cache: AnswerCache::with_largest(CACHE_BYTES, CACHE_BYTES / 2),
            parses: Semaphore::new(PARSES_AT_ONCE),
        }
    }
}

/// The JSON answer for the article at `path` (relative to the corpus root).
pub(super) async fn answer(state: &Arc<AppState>, path: String) -> Result<Bytes, ApiError> {
    let (opstamp, manifest) = {
        let state = Arc::clone(state);
        super::blocking(move || current_manifest(&state)).await?
    };
    let commit = opstamp.to_string();
    let key = Key {
        route: "articles".to_string(),
        query: path.clone(),
    };
    let cached = || state.articles.cache.get(&commit, &key);
    if let Some(answer) = cached() {
        return Ok(answer);
    }
    let _turn = state
        .articles
        .parses
        .acquire()
        .await
        .map_err(ApiError::internal)?;
    // Another request may have parsed it while this one waited.
    if let Some(answer) = cached() {
        return Ok(answer);
    }
    let answer = {
        let path = path.clone();
        super::blocking(move || read_article(&manifest, &path)).await?
    };
    state.articles.cache.put(&commit, key, answer.clone());
    Ok(answer)
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Reads an indexed article from the corpus and parses it again, so the answer
/// carries everything the parser knows (references included).
fn read_article(manifest: &Manifest, path: &str) -> Result<Bytes, ApiError> {
    let not_found = || {
        ApiError::new(
            StatusCode::NOT_FOUND,
            format!("no indexed article `{path}`"),
        )
    };
    let entry = manifest
        .files
        .get(path)
        .filter(|entry| entry.indexed)
        .ok_or_else(not_found)?;
    let file = corpus::SourceFile {
        path: path.to_string(),
        absolute: manifest.root.join(path),
        size: entry.size,
        modified_ns: entry.modified_ns,
    };
    let changed = || {
        ApiError::new(
            StatusCode::CONFLICT,
            format!(
                "`{path}` changed since it was indexed; run `healthdex index` to index it again"
            ),
        )
    };
    // Only what was indexed is served: the file must still have the size and time
    // the manifest recorded (so a file replaced by a symlink elsewhere, or by a huge
    // file, is not read at all) and, once read, the same content hash.
    let now = corpus::stat(&file.absolute).ok_or_else(not_found)?;
    if now != (entry.size, entry.modified_ns) {
        return Err(changed());
    }
    let options = manifest.settings.parse_options();
    let prepared = crate::pipeline::prepare(&file, &options)
        .map_err(|warning| ApiError::new(StatusCode::NOT_FOUND, warning.to_string()))?;
    if prepared.hash != entry.hash {
        return Err(changed());
    }
    let json = serde_json::to_vec(&prepared.article).map_err(ApiError::internal)?;
    Ok(Bytes::from(json))
}

/// The manifest of the index as it is now (and its opstamp), re-read only after a
/// new commit.
pub(super) fn current_manifest(state: &AppState) -> Result<(u64, Arc<Manifest>), ApiError> {
    // Only meta.json and the manifest are read; nothing is written.
    let open = index::open_read_only(&state.live.current().dir).map_err(ApiError::internal)?;
    let opstamp = open.index.load_metas().map_err(ApiError::internal)?.opstamp;
    let mut cache = lock(&state.articles.manifest);
    if let Some((seen, manifest)) = cache.as_ref()
        && *seen == opstamp
    {
        return Ok((opstamp, Arc::clone(manifest)));
    }
    let manifest = Arc::new(open.manifest().map_err(ApiError::internal)?);
    *cache = Some((opstamp, Arc::clone(&manifest)));
    Ok((opstamp, manifest))
}
