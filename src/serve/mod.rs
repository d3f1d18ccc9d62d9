//! The HTTP side: a JSON API for developers and the search page for readers, on
//! axum/tokio. Handlers are thin: they check the request, call the same library
//! functions as the CLI ([`Engine::search`](crate::search::Engine::search),
//! [`Engine::suggest`](crate::search::Engine::suggest), the article parser) on
//! tokio's blocking pool, and turn every failure into a JSON error with
//! the right status. The engine's index reader follows new commits, so results
//! change as soon as `healthdex index` finishes, without a restart.
//!
//! | route | answer |
//! |---|---|
//! | `GET /` | the search page (`page/index.html`): the shared UI of [`crate::ui`] mounted with the server source; its scripts and styles at `assets/NAME.HASH.js` / `.css`, named by their content and cached for a year |
//! | `GET /api/search?q=&limit=&offset=&tag=&author=&evidence=&since=&until=&group=&explain=` | the JSON of `search --format json` (`tag`, `author` and `evidence` repeatable) |
//! | `GET /api/suggest?q=` | completions of the last word, from titles and headings (after another word, those found right after it) |
//! | `GET /api/tags?limit=` | the most common tags, with how many articles have each |
//! | `GET /api/articles/{path}` | an article's metadata, sections and parsed references |
//! | `GET /api/refs?q=&work=&check=&limit=` | the works the articles cite, as `healthdex refs` lists them |
//! | `GET /healthz` | `{"status": "ok", "sections": N, "commit": TAG, "index": DIR, "since": TIME}` (the folder served and since when), or 503 `degraded` when the index folder cannot be opened |
//!
//! The page refers to its assets and the API by relative URLs, so it works under
//! any path prefix a proxy forwards (`/search/` → `/`). Every answer carries
//! `nosniff` and an `X-Request-Id`; API answers carry `Cache-Control: no-cache`
//! and an `ETag` (see [`http`]). The index can be switched under a running server
//! (see [`live`]).

pub mod access_log;
pub mod answers;
mod articles;
pub mod http;
pub mod listen;
pub mod live;
mod refs;

use std::net::SocketAddr;
use std::sync::{Arc, LazyLock};
use std::time::Duration;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;
use tokio::sync::Semaphore;
use tower_http::timeout::TimeoutLayer;

use crate::index;
use crate::search::limits::SUGGESTIONS;
use crate::search::{Profile, RawRequest};
use crate::{Error, ErrorKind};
/// A request that takes longer is answered with 408.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// Requests handled at once; more wait their turn.
const MAX_CONCURRENT_REQUESTS: usize = 256;

const PAGE: &str = include_str!("page/index.html");
/// The page's frame around the UI.
const PAGE_CSS: (&str, &str) = ("app.css", include_str!("page/app.css"));
/// The page's entry module: mounts the UI with the server source.
const PAGE_JS: (&str, &str) = ("app.js", include_str!("page/app.js"));
/// Tags `/api/tags` lists unless asked for another number (at most [`MAX_TAGS`]).
const DEFAULT_TAGS: usize = 20;
/// The most tags `/api/tags` lists.
const MAX_TAGS: usize = 100;
/// The page runs only its own script and style.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";
/// Content-named assets never change under their name.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// The page with its assets' content-named URLs filled in.
struct Page {
    html: axum::body::Bytes,
    assets: Vec<crate::ui::Asset>,
}

static PAGE_FILES: LazyLock<Page> = LazyLock::new(|| {
    use crate::ui::{SERVER_SOURCE_JS, UI_CSS, UI_JS, content_named};
    // Each file after those it refers to: ui.js links ui.css, app.js imports both modules.
    let assets = content_named(&[UI_CSS, UI_JS, SERVER_SOURCE_JS, PAGE_CSS, PAGE_JS]);
    let html = assets.iter().fold(PAGE.to_string(), |html, asset| {
        html.replace(
            &format!("\"assets/{}\"", asset.file),
            &format!("\"assets/{}\"", asset.name),
        )
    });
    Page {
        html: html.into(),
        assets,
    }
});

/// How the server is run, beyond its address.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// See [`listen::HEADER_READ_TIMEOUT`].
    pub header_timeout: Duration,
    /// Origins whose pages may read the API (`*` for any); none by default.
    pub cors_origins: Vec<String>,
    /// Addresses whose `X-Forwarded-For` and `X-Request-Id` are believed.
    pub trusted_proxies: Vec<http::Network>,
    /// Where to write the access log, and how.
    pub access_log: Option<(access_log::LogTarget, access_log::LogFormat)>,
    /// Open every index read-only (see [`crate::index::open_read_only`]).
    pub read_only: bool,
}

impl Default for ServeOptions {
    fn default() -> ServeOptions {
        ServeOptions {
            header_timeout: listen::HEADER_READ_TIMEOUT,
            cors_origins: Vec::new(),
            trusted_proxies: Vec::new(),
            access_log: None,
            read_only: false,
        }
    }
}

/// What the handlers share.
pub struct AppState {
    live: Arc<live::LiveIndex>,
    http: http::Policy,
    /// The manifest of the last commit seen, and the answers of the articles route.
    articles: articles::Articles,
    /// The works of the last commit asked about.
    refs: refs::RefsCache,
    /// Search, suggest and tag answers of the current commit.
    answers: answers::AnswerCache,
}

impl AppState {
    /// State for serving `live`, identifying, attributing and logging requests
    /// by `http`.
    pub fn new(live: live::LiveIndex, http: http::Policy) -> AppState {
        AppState {
            live: Arc::new(live),
            http,
            articles: articles::Articles::default(),
            refs: refs::RefsCache::default(),
            answers: answers::AnswerCache::default(),
        }
    }

    /// The same state with `budget` bytes for kept answers (0 keeps none).
    pub fn with_answer_budget(mut self, budget: usize) -> AppState {
        self.answers = answers::AnswerCache::new(budget);
        self
    }
}

/// The application's routes, with timeouts, a concurrency limit, CORS for
/// `cors_origins`, and the per-request layer of [`http::around`].
pub fn router(state: Arc<AppState>, cors_origins: &[String]) -> Router {
    let cached_by_commit = Router::new()
        .route("/api/search", get(search))
        .route("/api/suggest", get(suggest))
        .route("/api/tags", get(tags))
        .route_layer(axum::middleware::from_fn_with_state(
            Arc::clone(&state),
            http::commit_validators,
        ));
    let mut app = Router::new()
        .route("/", get(page))
        .route("/assets/{name}", get(asset))
        .merge(cached_by_commit)
        .route("/api/articles/{*path}", get(article))
        .route("/api/refs", get(refs::answer))
        .route("/healthz", get(healthz))
        .fallback(|| async {
            ApiError::new(
                StatusCode::NOT_FOUND,
                "no such page; the API lives under /api/",
            )
        })
        .method_not_allowed_fallback(|| async {
            ApiError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "only GET (and HEAD) requests are answered",
            )
        })
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .layer(tower::limit::ConcurrencyLimitLayer::new(
            MAX_CONCURRENT_REQUESTS,
        ))
        .layer(axum::extract::DefaultBodyLimit::max(16 * 1024));
    if let Some(cors) = http::cors(cors_origins) {
        app = app.layer(cors);
    }
    app.layer(axum::middleware::from_fn(check_head))
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&state),
            http::around,
        ))
        .with_state(state)
}

/// The longest request target answered (a query is at most 512 characters, so
/// this leaves room for every parameter); longer ones get 414.
pub const MAX_URI_BYTES: usize = 8 * 1024;
/// The most header lines, and header bytes, answered; more get 431. hyper itself
/// refuses heads it cannot buffer — over [`listen::MAX_HEAD_BYTES`] or
/// [`listen::MAX_HEADERS`] lines — with an empty 431 before the request reaches
/// this check.
pub const MAX_HEADERS: usize = 100;
/// See [`MAX_HEADERS`].
pub const MAX_HEADER_BYTES: usize = 32 * 1024;

/// Answers requests whose head is too large with the JSON error of every other
/// refusal, before any route sees them.
async fn check_head(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let uri = request.uri().to_string().len();
    if uri > MAX_URI_BYTES {
        return ApiError::new(
            StatusCode::URI_TOO_LONG,
            format!("the request target is {uri} bytes long; at most {MAX_URI_BYTES} are accepted"),
        )
        .into_response();
    }
    let headers = request.headers();
    let header_bytes: usize = headers
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len() + 4)
        .sum();
    if headers.len() > MAX_HEADERS || header_bytes > MAX_HEADER_BYTES {
        return ApiError::new(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            format!(
                "the request has {} header lines ({header_bytes} bytes); at most {MAX_HEADERS} lines and {MAX_HEADER_BYTES} bytes are accepted",
                headers.len()
            ),
        )
        .into_response();
    }
    next.run(request).await
}

/// Serves until Ctrl-C or SIGTERM, then finishes the requests in flight (for at
/// most [`listen::DRAIN_TIMEOUT`]). `ready` is told the bound address (useful with
/// port 0). Connections are bounded as [`listen`] says. While it runs, the index
/// path is watched for a switch ([`live::watch`]).
pub async fn serve(
    state: Arc<AppState>,
    address: SocketAddr,
    options: &ServeOptions,
    ready: impl FnOnce(SocketAddr),
) -> crate::Result<()> {
    let listener = listen::bind(address).map_err(|e| Error::io(format!("{address}"), e))?;
    let bound = listener
        .local_addr()
        .map_err(|e| Error::io(format!("{address}"), e))?;
    ready(bound);
    let watcher = tokio::spawn(live::watch(Arc::clone(&state.live)));
    let app = router(state, &options.cors_origins);
    listen::accept_loop(listener, app, options.header_timeout, shutdown_signal()).await;
    watcher.abort();
    Ok(())
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

impl From<Error> for ApiError {
    /// A library error answered by its kind: the caller's mistake is a 400, an
    /// index that is missing or busy a 503, anything else a 500.
    fn from(error: Error) -> ApiError {
        let status = match error.kind() {
            ErrorKind::BadRequest => StatusCode::BAD_REQUEST,
            ErrorKind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            ErrorKind::Refused | ErrorKind::Setup | ErrorKind::Internal => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
        };
        let message = match &error {
            Error::InvalidRequest(message) => message.clone(),
            other => other.to_string(),
        };
        ApiError::new(status, message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({"error": self.message, "status": self.status.as_u16()});
        let headers = [(header::CACHE_CONTROL, "no-store")];
        (self.status, headers, Json(body)).into_response()
    }
}

async fn page(request_headers: HeaderMap) -> Response {
    let mut response = http::validated(
        &request_headers,
        "p",
        "text/html; charset=utf-8",
        PAGE_FILES.html.clone(),
    );
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    response
}

/// One of the page's scripts or styles, by its content-named file name.
async fn asset(Path(name): Path<String>) -> Response {
    let Some(asset) = PAGE_FILES.assets.iter().find(|asset| asset.name == name) else {
        return ApiError::new(
            StatusCode::NOT_FOUND,
            format!("no asset `{name}`; asset names change with their content, so reload the page"),
        )
        .into_response();
    };
    let headers = [
        (header::CONTENT_TYPE, asset.content_type),
        (header::CACHE_CONTROL, IMMUTABLE),
    ];
    (headers, asset.body.clone()).into_response()
}

/// The `q` parameter of `/api/suggest`, read as text so every problem gets a JSON answer.
#[derive(Debug, Default, Deserialize)]
struct Params {
    q: Option<String>,
}

impl Params {
    fn query(&self) -> Result<String, ApiError> {
        let q = self.q.as_deref().unwrap_or("").trim();
        if q.is_empty() {
            return Err(ApiError::bad_request(
                "the query is empty; pass it as ?q=...",
            ));
        }
        let max = Profile::HTTP.max_query_chars;
        if q.chars().count() > max {
            return Err(ApiError::bad_request(format!(
                "the query is longer than {max} characters"
            )));
        }
        Ok(q.to_string())
    }
}

/// The search parameters of a query string (`tag` and `author` may repeat).
fn search_request(query: Option<&str>) -> Result<crate::search::SearchRequest, ApiError> {
    let pairs = form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .map(|(name, value)| (name.into_owned(), value.into_owned()));
    Ok(RawRequest::from_pairs(pairs).into_request(&Profile::HTTP)?)
}

fn params(extracted: Result<Query<Params>, QueryRejection>) -> Result<Params, ApiError> {
    extracted.map(|Query(params)| params).map_err(|e| {
        ApiError::bad_request(format!(
            "the query string cannot be read: {}",
            e.body_text()
        ))
    })
}

/// CPU-bound pieces of work (searches, parses) that run at once, per core. With
/// no bound, 64 connections of searches nobody asked before grew tokio's blocking
/// pool to 185 threads sharing two cores: each search took 32 times as long and p99
/// was 283 ms. Two per core keep both cores busy while the next one is handed over
/// (one per core left them idle in between: 0.80× the requests/s) and make the rest
/// wait in order of arrival: p99 67 ms at the same requests/s (ARCHITECTURE).
pub const TURNS_PER_CORE: usize = 2;

static CPU_TURNS: LazyLock<Semaphore> = LazyLock::new(|| Semaphore::new(cpu_turns()));

/// How many pieces of CPU-bound work run at once: [`TURNS_PER_CORE`] per core.
pub fn cpu_turns() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get()) * TURNS_PER_CORE
}

/// Runs CPU-bound library work off the async threads, at most [`cpu_turns`] at a
/// time; the others wait their turn in order of arrival.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let _turn = CPU_TURNS.acquire().await.map_err(ApiError::internal)?;
    tokio::task::spawn_blocking(work)
        .await
        .map_err(ApiError::internal)?
}

async fn search(
    State(state): State<Arc<AppState>>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let request = search_request(query.as_deref())?;
    let current = state.live.current();
    let results = blocking(move || Ok(current.engine.search(&request)?)).await?;
    Ok(Json(results).into_response())
}

async fn suggest(
    State(state): State<Arc<AppState>>,
    query: Result<Query<Params>, QueryRejection>,
) -> Result<Response, ApiError> {
    let typed = params(query)?.query()?;
    let answer = typed.clone();
    let current = state.live.current();
    let suggestions = blocking(move || {
        current
            .engine
            .suggest(&typed, SUGGESTIONS)
            .map_err(ApiError::internal)
    })
    .await?;
    Ok(Json(json!({"query": answer, "suggestions": suggestions})).into_response())
}

/// The `limit` of `/api/tags`: 1 to [`MAX_TAGS`], [`DEFAULT_TAGS`] when absent.
#[derive(Debug, Default, Deserialize)]
struct TagParams {
    limit: Option<String>,
}

fn tag_limit(params: &TagParams) -> Result<usize, ApiError> {
    let Some(limit) = params.limit.as_deref().map(str::trim) else {
        return Ok(DEFAULT_TAGS);
    };
    match limit.parse::<usize>() {
        Ok(n) if (1..=MAX_TAGS).contains(&n) => Ok(n),
        _ => Err(ApiError::bad_request(format!(
            "limit must be a whole number from 1 to {MAX_TAGS}, not `{limit}`"
        ))),
    }
}

async fn tags(
    State(state): State<Arc<AppState>>,
    query: Result<Query<TagParams>, QueryRejection>,
) -> Result<Response, ApiError> {
    let params = query.map(|Query(p)| p).map_err(|e| {
        ApiError::bad_request(format!(
            "the query string cannot be read: {}",
            e.body_text()
        ))
    })?;
    let limit = tag_limit(&params)?;
    let current = state.live.current();
    let tags = blocking(move || Ok(current.engine.tags(limit)?)).await?;
    Ok(Json(json!({"tags": tags})).into_response())
}

async fn article(
    State(state): State<Arc<AppState>>,
    Path(path): Path<String>,
    request_headers: HeaderMap,
) -> Result<Response, ApiError> {
    let body = articles::answer(&state, path).await?;
    Ok(http::validated(
        &request_headers,
        "a",
        "application/json",
        body,
    ))
}

/// `ok` while the index folder can still be opened; `degraded` (503) once it cannot
/// (removed, replaced by something unreadable), though answers continue from the
/// commit already open.
async fn healthz(State(state): State<Arc<AppState>>) -> Response {
    let current = state.live.current();
    let dir = current.dir.clone();
    // The commit's stamp, read from meta.json alone: a probe should not open the
    // whole index (mmapping its segments) every few seconds.
    let readable = tokio::task::spawn_blocking(move || index::read_stamp(&dir).is_some())
        .await
        .unwrap_or(false);
    let sections = current.engine.sections();
    let commit = current.engine.commit_tag();
    let index = current.dir.display().to_string();
    let since = access_log::iso_time(current.since);
    let mut response = match readable {
        true => Json(json!({"status": "ok", "sections": sections, "commit": commit, "index": index, "since": since}))
            .into_response(),
        false => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({
                "status": "degraded",
                "sections": sections,
                "commit": commit,
                "index": index,
                "since": since,
                "error": "the index folder can no longer be opened; answers come from the last commit read",
            })),
        )
            .into_response(),
    };
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn repeated_tags_and_every_filter_reach_the_request() {
        let request = search_request(Some(
            "q=leaky%20gut&tag=gut&tag=skin&author=Osei&since=2020-01-01&until=2024-12-31&explain=1",
        ))
        .unwrap();
        assert_eq!(request.query, "leaky gut");
        assert_eq!(request.filters.tags, ["gut", "skin"]);
        assert_eq!(request.filters.authors, ["Osei"]);
        assert!(request.filters.since.is_some() && request.filters.until.is_some());
        assert!(request.explain);
    }

    #[test]
    fn library_errors_get_the_status_of_their_kind() {
        let bad = ApiError::from(Error::InvalidRequest("limit must be 1 to 100".into()));
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        assert_eq!(bad.message, "limit must be 1 to 100");
        let busy = ApiError::from(Error::NoIndex(PathBuf::from("x")));
        assert_eq!(busy.status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(
            search_request(Some("q=gut&limit=101")).unwrap_err().status,
            StatusCode::BAD_REQUEST
        );
    }

    #[test]
    fn the_tag_limit_has_a_default_and_bounds() {
        let limit = |l: Option<&str>| {
            tag_limit(&TagParams {
                limit: l.map(String::from),
            })
        };
        assert_eq!(limit(None).unwrap(), DEFAULT_TAGS);
        assert_eq!(limit(Some("5")).unwrap(), 5);
        for bad in ["0", "101", "-1", "many"] {
            assert_eq!(
                limit(Some(bad)).unwrap_err().status,
                StatusCode::BAD_REQUEST
            );
        }
    }

    #[test]
    fn every_asset_the_page_names_is_served_under_that_name() {
        let page = &*PAGE_FILES;
        let html = std::str::from_utf8(&page.html).unwrap();
        for asset in &page.assets {
            let url = format!("\"assets/{}\"", asset.name);
            assert!(html.contains(&url), "the page links or preloads {url}");
        }
        let entry = page.assets.iter().find(|a| a.file == "app.js").unwrap();
        for module in ["ui.js", "server-source.js"] {
            let named = &page.assets.iter().find(|a| a.file == module).unwrap().name;
            assert!(
                entry.body.contains(&format!("'./{named}'")),
                "app.js imports {named}"
            );
        }
    }

    #[test]
    fn no_more_pieces_of_work_run_at_once_than_there_are_turns() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .unwrap();
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        runtime.block_on(async {
            let tasks: Vec<_> = (0..cpu_turns() * 8)
                .map(|_| {
                    let (running, most) = (Arc::clone(&running), Arc::clone(&most));
                    tokio::spawn(blocking(move || {
                        let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                        most.fetch_max(now, Ordering::SeqCst);
                        std::thread::sleep(Duration::from_millis(5));
                        running.fetch_sub(1, Ordering::SeqCst);
                        Ok(())
                    }))
                })
                .collect();
            for task in tasks {
                task.await.unwrap().unwrap();
            }
        });
        let most = most.load(Ordering::SeqCst);
        assert!(most <= cpu_turns(), "{most} at once, {} turns", cpu_turns());
        assert!(most >= 2, "work did run side by side ({most})");
    }

    #[test]
    fn queries_must_be_present_and_bounded() {
        let params = |q: &str| Params {
            q: Some(q.to_string()),
        };
        assert!(params("  ").query().is_err());
        assert!(params(&"a".repeat(513)).query().is_err());
        assert_eq!(params(" leaky gut ").query().unwrap(), "leaky gut");
    }
}
