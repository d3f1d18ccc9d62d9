//! The HTTP side: a JSON API for developers and the search page for readers, on
//! axum/tokio. Handlers are thin: they check the request, call the same library
//! functions as the CLI ([`Engine::search`], [`Engine::suggest`], the article
//! parser) on tokio's blocking pool, and turn every failure into a JSON error with
//! the right status. The engine's index reader follows new commits, so results
//! change as soon as `healthdex index` finishes, without a restart.
//!
//! | route | answer |
//! |---|---|
//! | `GET /` | the search page (`page/index.html`, `app.css`, `app.js`) |
//! | `GET /api/search?q=&limit=&offset=&tag=&group=` | the JSON of `search --format json` |
//! | `GET /api/suggest?q=` | completions of the last word, from titles and headings |
//! | `GET /api/articles/{path}` | an article's metadata, sections and parsed references |
//! | `GET /healthz` | `{"status": "ok", "sections": N}` |

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;
use tower_http::timeout::TimeoutLayer;

use crate::article::{Article, ParseOptions, parse_article};
use crate::index::{self, Manifest};
use crate::search::{Engine, Filters, SearchRequest};
use crate::{Error, corpus};

/// Longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 512;
/// Most hits (or groups) one request may ask for.
pub const MAX_LIMIT: usize = 100;
/// Deepest offset one request may ask for.
pub const MAX_OFFSET: usize = 10_000;
/// Completions returned by `/api/suggest`.
const SUGGESTIONS: usize = 8;
/// A request that takes longer is answered with 408.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// Requests handled at once; more wait their turn.
const MAX_CONCURRENT_REQUESTS: usize = 256;

const PAGE: &str = include_str!("page/index.html");
const PAGE_CSS: &str = include_str!("page/app.css");
const PAGE_JS: &str = include_str!("page/app.js");
/// The page runs only its own script and style.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/// What the handlers share.
pub struct AppState {
    engine: Engine,
    index_dir: PathBuf,
    /// The manifest of the last commit seen, keyed by the index's opstamp.
    manifest: Mutex<Option<(u64, Arc<Manifest>)>>,
}

impl AppState {
    pub fn new(engine: Engine, index_dir: PathBuf) -> AppState {
        AppState {
            engine,
            index_dir,
            manifest: Mutex::new(None),
        }
    }
}

/// The application's routes, with timeouts and a concurrency limit.
pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/", get(page))
        .route(
            "/assets/app.css",
            get(|| async { asset("text/css; charset=utf-8", PAGE_CSS) }),
        )
        .route(
            "/assets/app.js",
            get(|| async { asset("text/javascript; charset=utf-8", PAGE_JS) }),
        )
        .route("/api/search", get(search))
        .route("/api/suggest", get(suggest))
        .route("/api/articles/{*path}", get(article))
        .route("/healthz", get(healthz))
        .fallback(|| async {
            ApiError::new(
                StatusCode::NOT_FOUND,
                "no such page; the API lives under /api/",
            )
        })
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .layer(tower::limit::ConcurrencyLimitLayer::new(
            MAX_CONCURRENT_REQUESTS,
        ))
        .layer(axum::extract::DefaultBodyLimit::max(16 * 1024))
        .with_state(state)
}

/// Serves until Ctrl-C or SIGTERM, then finishes the requests in flight. `ready`
/// is told the bound address (useful with port 0).
pub async fn serve(
    state: Arc<AppState>,
    address: SocketAddr,
    ready: impl FnOnce(SocketAddr),
) -> crate::Result<()> {
    let listener = tokio::net::TcpListener::bind(address)
        .await
        .map_err(|e| Error::io(format!("{address}"), e))?;
    let bound = listener
        .local_addr()
        .map_err(|e| Error::io(format!("{address}"), e))?;
    ready(bound);
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(|e| Error::io(format!("{bound}"), e))
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}

/// A JSON error: `{"error": "...", "status": 400}`.
#[derive(Debug)]
struct ApiError {
    status: StatusCode,
    message: String,
}

impl ApiError {
    fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            message: message.into(),
        }
    }

    fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, message)
    }

    fn internal(error: impl std::fmt::Display) -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, error.to_string())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({"error": self.message, "status": self.status.as_u16()});
        (self.status, Json(body)).into_response()
    }
}

async fn page() -> Response {
    let mut response = axum::response::Html(PAGE).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    response
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    let headers = [
        (header::CONTENT_TYPE, content_type),
        (header::CACHE_CONTROL, "no-cache"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    ];
    (headers, body).into_response()
}

/// Query-string parameters, read as text so every problem gets a JSON answer.
#[derive(Debug, Default, Deserialize)]
struct Params {
    q: Option<String>,
    limit: Option<String>,
    offset: Option<String>,
    tag: Option<String>,
    group: Option<String>,
}

impl Params {
    fn query(&self) -> Result<String, ApiError> {
        let q = self.q.as_deref().unwrap_or("").trim();
        if q.is_empty() {
            return Err(ApiError::bad_request(
                "the query is empty; pass it as ?q=...",
            ));
        }
        if q.chars().count() > MAX_QUERY_CHARS {
            return Err(ApiError::bad_request(format!(
                "the query is longer than {MAX_QUERY_CHARS} characters"
            )));
        }
        Ok(q.to_string())
    }

    fn request(&self) -> Result<SearchRequest, ApiError> {
        Ok(SearchRequest {
            query: self.query()?,
            limit: number("limit", self.limit.as_deref(), 10, 1, MAX_LIMIT)?,
            offset: number("offset", self.offset.as_deref(), 0, 0, MAX_OFFSET)?,
            filters: Filters {
                tags: self
                    .tag
                    .iter()
                    .filter(|t| !t.trim().is_empty())
                    .cloned()
                    .collect(),
                ..Filters::default()
            },
            group: flag("group", self.group.as_deref())?,
            explain: false,
            facets: true,
        })
    }
}

fn number(
    name: &str,
    value: Option<&str>,
    default: usize,
    min: usize,
    max: usize,
) -> Result<usize, ApiError> {
    let Some(text) = value.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(default);
    };
    match text.parse::<usize>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(ApiError::bad_request(format!(
            "{name} must be a whole number from {min} to {max}, not `{text}`"
        ))),
    }
}

fn flag(name: &str, value: Option<&str>) -> Result<bool, ApiError> {
    match value.map(str::trim) {
        None | Some("" | "0" | "false" | "no") => Ok(false),
        Some("1" | "true" | "yes") => Ok(true),
        Some(other) => Err(ApiError::bad_request(format!(
            "{name} must be 1 or 0, not `{other}`"
        ))),
    }
}

fn params(extracted: Result<Query<Params>, QueryRejection>) -> Result<Params, ApiError> {
    extracted.map(|Query(params)| params).map_err(|e| {
        ApiError::bad_request(format!(
            "the query string cannot be read: {}",
            e.body_text()
        ))
    })
}

/// Runs CPU-bound library work off the async threads.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(ApiError::internal)?
}

async fn search(
    State(state): State<Arc<AppState>>,
    query: Result<Query<Params>, QueryRejection>,
) -> Result<Response, ApiError> {
    let request = params(query)?.request()?;
    let results =
        blocking(move || state.engine.search(&request).map_err(ApiError::internal)).await?;
    Ok(Json(results).into_response())
}

async fn suggest(
    State(state): State<Arc<AppState>>,
    query: Result<Query<Params>, QueryRejection>,
) -> Result<Response, ApiError> {
    let typed = params(query)?.query()?;
    let answer = typed.clone();
    let suggestions = blocking(move || {
        state
            .engine
            .suggest(&typed, SUGGESTIONS)
            .map_err(ApiError::internal)
    })
    .await?;
    Ok(Json(json!({"query": answer, "suggestions": suggestions})).into_response())
}

async fn article(
    State(state): State<Arc<AppState>>,
    Path(path): Path<String>,
) -> Result<Response, ApiError> {
    let article = blocking(move || read_article(&state, &path)).await?;
    Ok(Json(article).into_response())
}

async fn healthz(State(state): State<Arc<AppState>>) -> Response {
    Json(json!({"status": "ok", "sections": state.engine.sections()})).into_response()
}

/// Reads an indexed article from the corpus and parses it again, so the answer
/// carries everything the parser knows (references included).
fn read_article(state: &AppState, path: &str) -> Result<Article, ApiError> {
    let manifest = current_manifest(state)?;
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
    let loaded = corpus::load(&file)
        .map_err(|warning| ApiError::new(StatusCode::NOT_FOUND, warning.to_string()))?;
    let options = ParseOptions {
        base_url: manifest.settings.base_url.clone(),
    };
    Ok(parse_article(path, &loaded.text, &options).article)
}

/// The manifest of the index as it is now, re-read only after a new commit.
fn current_manifest(state: &AppState) -> Result<Arc<Manifest>, ApiError> {
    let open = index::open(&state.index_dir).map_err(ApiError::internal)?;
    let opstamp = open.index.load_metas().map_err(ApiError::internal)?.opstamp;
    let mut cache = state
        .manifest
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some((seen, manifest)) = cache.as_ref()
        && *seen == opstamp
    {
        return Ok(Arc::clone(manifest));
    }
    let manifest = Arc::new(open.manifest().map_err(ApiError::internal)?);
    *cache = Some((opstamp, Arc::clone(&manifest)));
    Ok(manifest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_flags_are_checked() {
        assert_eq!(number("limit", None, 10, 1, 100).unwrap(), 10);
        assert_eq!(number("limit", Some("5"), 10, 1, 100).unwrap(), 5);
        for bad in ["0", "101", "-1", "ten", "1e3"] {
            assert!(number("limit", Some(bad), 10, 1, 100).is_err(), "{bad}");
        }
        assert!(flag("group", Some("1")).unwrap());
        assert!(!flag("group", None).unwrap());
        assert!(flag("group", Some("maybe")).is_err());
    }

    #[test]
    fn queries_must_be_present_and_bounded() {
        let params = |q: &str| Params {
            q: Some(q.to_string()),
            ..Params::default()
        };
        assert!(params("  ").query().is_err());
        assert!(params(&"a".repeat(513)).query().is_err());
        assert_eq!(params(" leaky gut ").query().unwrap(), "leaky gut");
    }
}
