//! `GET /api/refs`: the works the indexed articles cite ([`crate::refs`]), as
//! `healthdex refs` lists them: `?q=` searches (`doi:…`, `pmid:…`, `author:…` or
//! words), no `q` lists the most cited, `?work=KEY` gives one work with every article
//! citing it, `?check=1` the entries that disagree; `limit` (1–100, default 20).
//!
//! The works come from the articles the index's manifest lists, read again from
//! the corpus, but only those still exactly as indexed (size and time first, then
//! the content hash), as for the articles route. They are gathered once per
//! commit, in parallel, on the first request after it; later requests reuse them.

use std::sync::{Arc, Mutex};

use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use rayon::prelude::*;
use serde_json::json;

use super::{ApiError, AppState, articles};
use crate::article::Article;
use crate::corpus;
use crate::index::Manifest;
use crate::refs::Works;

/// Works listed when the request does not say.
const DEFAULT_LIMIT: usize = 20;
/// The most works one answer lists.
const MAX_LIMIT: usize = 100;

/// The works of the last commit asked about.
#[derive(Default)]
pub struct RefsCache {
    works: Mutex<Option<(u64, Arc<Works>)>>,
}

pub(super) async fn answer(
    State(state): State<Arc<AppState>>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let request = Request::read(query.as_deref())?;
    let works = {
        let state = Arc::clone(&state);
        super::blocking(move || current_works(&state)).await?
    };
    let body = match &request {
        Request::Check => json!({"disagreements": works.disagreements()}),
        Request::Work(key) => match works.get(key) {
            Some(work) => json!({"total": 1, "works": [work]}),
            None => {
                return Err(ApiError::new(
                    StatusCode::NOT_FOUND,
                    format!("no indexed article cites a work with the key `{key}`"),
                ));
            }
        },
        Request::List { q, limit } => {
            let found: Vec<_> = match q {
                Some(q) => works.search(q),
                None => works.works.iter().collect(),
            };
            let shown: Vec<_> = found.iter().take(*limit).collect();
            json!({"total": found.len(), "works": shown})
        }
    };
    Ok(axum::Json(body).into_response())
}

/// What `/api/refs` was asked.
enum Request {
    List { q: Option<String>, limit: usize },
    Work(String),
    Check,
}

impl Request {
    fn read(query: Option<&str>) -> Result<Request, ApiError> {
        let (mut q, mut limit, mut work, mut check) = (None, DEFAULT_LIMIT, None, false);
        for (name, value) in form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
            match name.as_ref() {
                "q" => q = Some(value.trim().to_string()).filter(|q| !q.is_empty()),
                "work" => work = Some(value.trim().to_string()),
                "check" => check = matches!(value.as_ref(), "1" | "true"),
                "limit" => {
                    limit = value
                        .parse()
                        .ok()
                        .filter(|n| (1..=MAX_LIMIT).contains(n))
                        .ok_or_else(|| {
                            ApiError::bad_request(format!("limit must be 1 to {MAX_LIMIT}"))
                        })?;
                }
                _ => {}
            }
        }
        if q.as_ref().is_some_and(|q| q.chars().count() > 512) {
            return Err(ApiError::bad_request("q is longer than 512 characters"));
        }
        Ok(match (check, work) {
            (true, _) => Request::Check,
            (false, Some(key)) => Request::Work(key),
            (false, None) => Request::List { q, limit },
        })
    }
}

/// The works of the commit the index is at, gathered if this commit has none yet.
fn current_works(state: &AppState) -> Result<Arc<Works>, ApiError> {
    let (opstamp, manifest) = articles::current_manifest(state)?;
    let mut cache = state
        .refs
        .works
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some((seen, works)) = cache.as_ref()
        && *seen == opstamp
    {
        return Ok(Arc::clone(works));
    }
    let works = Arc::new(Works::gather(&indexed_articles(&manifest)));
    *cache = Some((opstamp, Arc::clone(&works)));
    Ok(works)
}

/// Every indexed article that is still as it was indexed, in path order.
fn indexed_articles(manifest: &Manifest) -> Vec<Article> {
    let options = manifest.settings.parse_options();
    manifest
        .files
        .par_iter()
        .filter(|(_, entry)| entry.indexed)
        .filter_map(|(path, entry)| {
            let file = corpus::SourceFile {
                path: path.clone(),
                absolute: manifest.root.join(path),
                size: entry.size,
                modified_ns: entry.modified_ns,
            };
            let now = corpus::stat(&file.absolute)?;
            if now != (entry.size, entry.modified_ns) {
                return None;
            }
            let prepared = crate::pipeline::prepare(&file, &options).ok()?;
            (prepared.hash == entry.hash).then_some(prepared.article)
        })
        .collect()
}
