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

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::http::StatusCode;
use rustc_hash::FxHashMap;
use tokio::sync::Semaphore;

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
    cache: Mutex<Cache>,
    parses: Semaphore,
}

impl Default for Articles {
    fn default() -> Articles {
        Articles {
            manifest: Mutex::new(None),
            cache: Mutex::new(Cache::default()),
            parses: Semaphore::new(PARSES_AT_ONCE),
        }
    }
}

/// Answers of one commit, least recently used first in `order`.
#[derive(Default)]
struct Cache {
    opstamp: u64,
    answers: FxHashMap<String, Bytes>,
    order: VecDeque<String>,
    bytes: usize,
}

impl Cache {
    fn get(&mut self, opstamp: u64, path: &str) -> Option<Bytes> {
        if opstamp != self.opstamp {
            return None;
        }
        let found = self.answers.get(path)?.clone();
        if let Some(at) = self.order.iter().position(|p| p == path) {
            let path = self.order.remove(at).unwrap_or_default();
            self.order.push_back(path);
        }
        Some(found)
    }

    fn put(&mut self, opstamp: u64, path: String, answer: Bytes) {
        if opstamp != self.opstamp {
            *self = Cache {
                opstamp,
                ..Cache::default()
            };
        }
        if answer.len() > CACHE_BYTES / 2 || self.answers.contains_key(&path) {
            return;
        }
        while self.bytes + answer.len() > CACHE_BYTES {
            let Some(oldest) = self.order.pop_front() else {
                break;
            };
            if let Some(gone) = self.answers.remove(&oldest) {
                self.bytes -= gone.len();
            }
        }
        self.bytes += answer.len();
        self.order.push_back(path.clone());
        self.answers.insert(path, answer);
    }
}

/// The JSON answer for the article at `path` (relative to the corpus root).
pub(super) async fn answer(state: &Arc<AppState>, path: String) -> Result<Bytes, ApiError> {
    let (opstamp, manifest) = {
        let state = Arc::clone(state);
        super::blocking(move || current_manifest(&state)).await?
    };
    let cached = || lock(&state.articles.cache).get(opstamp, &path);
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
    lock(&state.articles.cache).put(opstamp, path, answer.clone());
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cache_keeps_one_commit_and_drops_the_least_recently_used() {
        let mut cache = Cache::default();
        let answer = |n: usize| Bytes::from(vec![b'x'; n]);
        cache.put(1, "a.md".into(), answer(CACHE_BYTES / 3));
        cache.put(1, "b.md".into(), answer(CACHE_BYTES / 3));
        assert!(cache.get(1, "a.md").is_some());
        cache.put(1, "c.md".into(), answer(CACHE_BYTES / 3 + 10));
        assert!(
            cache.get(1, "b.md").is_none(),
            "b was the least recently used"
        );
        assert!(cache.get(1, "a.md").is_some() && cache.get(1, "c.md").is_some());
        assert!(cache.bytes <= CACHE_BYTES);
        assert!(cache.get(2, "a.md").is_none(), "another commit");
        cache.put(2, "d.md".into(), answer(10));
        assert_eq!((cache.answers.len(), cache.bytes), (1, 10));
        cache.put(2, "huge.md".into(), answer(CACHE_BYTES / 2 + 1));
        assert!(cache.get(2, "huge.md").is_none());
    }
}
