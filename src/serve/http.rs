//! What a public endpoint owes every request, apart from its route: a request ID
//! (sent back as `X-Request-Id` and logged), the client's address (the peer's,
//! unless the peer is a proxy the operator trusts, whose `X-Forwarded-For` is then
//! read), `X-Content-Type-Options: nosniff` on every answer, the access-log line,
//! cache validators for API answers (an `ETag` naming the index commit and the
//! search settings, and `304 Not Modified` when the client already holds it), and
//! CORS for the origins the operator lists (none by default).
//!
//! `X-Forwarded-*` and an incoming `X-Request-Id` are ignored unless the
//! connection comes from an address in `--trusted-proxy`: anyone can send those
//! headers, and only a proxy we run can vouch for them.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Instant, SystemTime};

use axum::body::HttpBody as _;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::access_log::{AccessLog, Entry};
use super::{AppState, answers};

/// The connection's peer, put in each request's extensions by the accept loop.
#[derive(Debug, Clone, Copy)]
pub struct Peer(pub SocketAddr);

/// `X-Request-Id`.
pub static X_REQUEST_ID: header::HeaderName = header::HeaderName::from_static("x-request-id");
const X_FORWARDED_FOR: &str = "x-forwarded-for";
/// Longest request ID taken from a trusted proxy.
const MAX_REQUEST_ID: usize = 128;
/// How long a browser may reuse a CORS preflight answer.
const CORS_MAX_AGE: std::time::Duration = std::time::Duration::from_secs(86_400);

/// An address or a network (`10.0.0.0/8`, `::1`) that proxies connect from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Network {
    address: IpAddr,
    prefix: u8,
}

impl Network {
    /// Reads `192.0.2.1`, `192.0.2.0/24`, `::1` or `fd00::/8`.
    pub fn parse(text: &str) -> Result<Network, String> {
        let (address, prefix) = match text.split_once('/') {
            Some((address, prefix)) => (address, Some(prefix)),
            None => (text, None),
        };
        let address: IpAddr = address.trim().parse().map_err(|_| {
            format!("`{text}` is not an IP address or network (e.g. 10.0.0.1 or 10.0.0.0/8)")
        })?;
        let bits = if address.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => bits,
            Some(prefix) => prefix
                .trim()
                .parse::<u8>()
                .ok()
                .filter(|&p| p <= bits)
                .ok_or_else(|| format!("`{text}`: the prefix length must be 0 to {bits}"))?,
        };
        Ok(Network { address, prefix })
    }

    /// Whether `ip` is in this network (an IPv4-mapped IPv6 address counts as IPv4).
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            v4 => v4,
        };
        let keep = |bits: u32| -> u128 {
            match self.prefix {
                0 => 0,
                p => u128::MAX << (bits - u32::from(p)),
            }
        };
        match (self.address, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = keep(32) as u32;
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = keep(128);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

/// How requests are identified, attributed and logged.
pub struct Policy {
    trusted: Vec<Network>,
    log: Option<AccessLog>,
    ids: RequestIds,
}

impl Policy {
    /// Trusts forwarding headers from `trusted`; logs to `log` if given.
    pub fn new(trusted: Vec<Network>, log: Option<AccessLog>) -> Policy {
        Policy {
            trusted,
            log,
            ids: RequestIds::new(),
        }
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        self.trusted.iter().any(|network| network.contains(ip))
    }

    /// The client's address: the peer's, or — when the peer is trusted — the last
    /// address in `X-Forwarded-For` that is not itself a trusted proxy.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        if !self.trusts(peer) {
            return peer;
        }
        let mut client = peer;
        let hops = headers
            .get_all(X_FORWARDED_FOR)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .collect::<Vec<_>>();
        for hop in hops.iter().rev() {
            let Ok(ip) = hop.trim().parse::<IpAddr>() else {
                break;
            };
            client = ip;
            if !self.trusts(ip) {
                break;
            }
        }
        client
    }

    /// The request's ID: a trusted proxy's `X-Request-Id` if it sent a sensible
    /// one, else a new one.
    fn request_id(&self, peer: IpAddr, headers: &HeaderMap) -> String {
        let forwarded = headers
            .get(&X_REQUEST_ID)
            .and_then(|value| value.to_str().ok())
            .filter(|id| {
                (1..=MAX_REQUEST_ID).contains(&id.len())
                    && id
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b))
            });
        match forwarded {
            Some(id) if self.trusts(peer) => id.to_string(),
            _ => self.ids.next(),
        }
    }
}

/// IDs unique within the process and, by a per-process prefix, across replicas.
struct RequestIds {
    prefix: String,
    next: AtomicU64,
}

impl RequestIds {
    fn new() -> RequestIds {
        let started = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let mut hasher = blake3::Hasher::new();
        hasher.update(&started.to_le_bytes());
        hasher.update(&std::process::id().to_le_bytes());
        RequestIds {
            prefix: hasher.finalize().to_hex()[..8].to_string(),
            next: AtomicU64::new(1),
        }
    }

    fn next(&self) -> String {
        format!(
            "{}-{:x}",
            self.prefix,
            self.next.fetch_add(1, Ordering::Relaxed)
        )
    }
}

/// The outermost layer: identifies the request, answers it, marks the answer
/// `nosniff` with its ID, and logs it.
pub async fn around(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let arrived = (SystemTime::now(), Instant::now());
    let policy = &state.http;
    let peer = request
        .extensions()
        .get::<Peer>()
        .map_or(IpAddr::from([0, 0, 0, 0]), |peer| peer.0.ip());
    let headers = request.headers();
    let id = policy.request_id(peer, headers);
    let head_only = request.method() == Method::HEAD;
    let logged = policy.log.as_ref().map(|_| Entry {
        arrived: arrived.0,
        client: policy.client(peer, headers),
        peer,
        method: request.method().to_string(),
        target: request.uri().to_string(),
        protocol: format!("{:?}", request.version()),
        status: 0,
        bytes: 0,
        took: Default::default(),
        request_id: id.clone(),
        referer: text_header(headers, header::REFERER),
        user_agent: text_header(headers, header::USER_AGENT),
    });
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if let Ok(value) = HeaderValue::from_str(&id) {
        headers.insert(X_REQUEST_ID.clone(), value);
    }
    if let (Some(log), Some(mut entry)) = (&policy.log, logged) {
        entry.status = response.status().as_u16();
        entry.bytes = match head_only {
            true => 0,
            false => response.body().size_hint().exact().unwrap_or(0),
        };
        entry.took = arrived.1.elapsed();
        log.record(&entry);
    }
    response
}

fn text_header(headers: &HeaderMap, name: header::HeaderName) -> Option<String> {
    headers
        .get(name)
        .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
}

/// `ETag`s and `304`s for answers that depend only on the request and the index
/// commit (search and suggest): the tag is read before the handler runs, so an
/// unchanged answer costs no search at all, and again after, so an answer is
/// never labelled with a commit it was not computed from (a reload in between
/// leaves it without a tag).
///
/// The same rule keeps answers in the server's [`AnswerCache`](super::answers):
/// a request asked before at the same commit is answered from it (`X-Cache: hit`),
/// and an answer is kept only if the commit did not change while it was computed.
pub async fn commit_validators(
    State(state): State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Response {
    let tag = |state: &AppState| format!("\"{}\"", state.live.current().engine.commit_tag());
    let before = tag(&state);
    if matches(request.headers(), &before) {
        return not_modified(&before);
    }
    // Only GET answers are kept: a HEAD answer has no body to keep.
    let key = (request.method() == Method::GET).then(|| answers::Key {
        route: request.uri().path().to_string(),
        query: request.uri().query().unwrap_or_default().to_string(),
    });
    if let Some(body) = key.as_ref().and_then(|key| state.answers.get(&before, key)) {
        return kept_answer(body, &before);
    }
    let response = next.run(request).await;
    if response.status() != StatusCode::OK {
        let mut response = response;
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        return response;
    }
    let after = tag(&state);
    let (mut parts, body) = response.into_parts();
    let same_commit = after == before;
    let body = match (same_commit, key) {
        (true, Some(key)) => match axum::body::to_bytes(body, usize::MAX).await {
            Ok(bytes) => {
                state.answers.put(&before, key, bytes.clone());
                axum::body::Body::from(bytes)
            }
            Err(error) => return super::ApiError::internal(error).into_response(),
        },
        _ => body,
    };
    set_validators(&mut parts.headers, same_commit.then_some(&before));
    parts
        .headers
        .insert(X_CACHE.clone(), HeaderValue::from_static("miss"));
    Response::from_parts(parts, body)
}

/// Says whether an answer came from the [`AnswerCache`](super::answers).
pub static X_CACHE: header::HeaderName = header::HeaderName::from_static("x-cache");

/// A kept JSON answer, with the validators of its commit.
fn kept_answer(body: axum::body::Bytes, tag: &str) -> Response {
    let mut response = ([(header::CONTENT_TYPE, "application/json")], body).into_response();
    set_validators(response.headers_mut(), Some(&tag.to_string()));
    response
        .headers_mut()
        .insert(X_CACHE.clone(), HeaderValue::from_static("hit"));
    response
}

/// The `ETag` for an answer's exact bytes (`prefix` keeps tags of different
/// routes apart).
pub fn content_tag(prefix: &str, body: &[u8]) -> String {
    format!("\"{prefix}{}\"", &blake3::hash(body).to_hex()[..20])
}

/// `body` with its content tag, or a `304` if the request already holds it.
pub fn validated(
    request_headers: &HeaderMap,
    prefix: &str,
    content_type: &'static str,
    body: axum::body::Bytes,
) -> Response {
    let tag = content_tag(prefix, &body);
    if matches(request_headers, &tag) {
        return not_modified(&tag);
    }
    let mut response = ([(header::CONTENT_TYPE, content_type)], body).into_response();
    set_validators(response.headers_mut(), Some(&tag));
    response
}

/// `Cache-Control: no-cache` (caches may keep the answer but must ask again
/// before using it) and the `ETag`, if there is one.
fn set_validators(headers: &mut HeaderMap, tag: Option<&String>) {
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if let Some(value) = tag.and_then(|tag| HeaderValue::from_str(tag).ok()) {
        headers.insert(header::ETAG, value);
    }
}

fn not_modified(tag: &str) -> Response {
    let mut response = StatusCode::NOT_MODIFIED.into_response();
    set_validators(response.headers_mut(), Some(&tag.to_string()));
    response
}

/// Whether `If-None-Match` names `tag` (or is `*`), compared weakly as RFC 9110
/// asks for this header.
fn matches(headers: &HeaderMap, tag: &str) -> bool {
    let strip = |t: &str| t.trim().trim_start_matches("W/").to_string();
    let tag = strip(tag);
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|candidate| candidate.trim() == "*" || strip(candidate) == tag)
}

/// A CORS layer allowing GET and HEAD from `origins` (`*` for any), or `None`
/// when no origin is allowed — the default: browsers then refuse other sites'
/// scripts the answers.
pub fn cors(origins: &[String]) -> Option<tower_http::cors::CorsLayer> {
    use tower_http::cors::{AllowOrigin, CorsLayer};
    if origins.is_empty() {
        return None;
    }
    let allow = if origins.iter().any(|origin| origin == "*") {
        AllowOrigin::any()
    } else {
        AllowOrigin::list(
            origins
                .iter()
                .filter_map(|origin| HeaderValue::from_str(origin).ok()),
        )
    };
    Some(
        CorsLayer::new()
            .allow_origin(allow)
            .allow_methods([Method::GET, Method::HEAD])
            .allow_headers([header::IF_NONE_MATCH])
            .expose_headers([header::ETAG, X_REQUEST_ID.clone()])
            .max_age(CORS_MAX_AGE),
    )
}

/// Checks an origin for `--cors-origin`: `*`, or `scheme://host[:port]` with no
/// path, as browsers send it in `Origin`. Returns it in that form.
pub fn check_origin(text: &str) -> Result<String, String> {
    let origin = text.trim();
    if origin == "*" {
        return Ok(origin.to_string());
    }
    let origin = origin.strip_suffix('/').unwrap_or(origin);
    let well_formed = origin.split_once("://").is_some_and(|(scheme, rest)| {
        matches!(scheme, "http" | "https")
            && !rest.is_empty()
            && !rest.contains(['/', '?', '#', '@', ' '])
    });
    match well_formed && HeaderValue::from_str(origin).is_ok() {
        true => Ok(origin.to_ascii_lowercase()),
        false => Err(format!(
            "`{text}` is not an origin; give the scheme and host (and port) only, e.g. https://example.org or http://localhost:1313"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(
                header::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                HeaderValue::from_str(value).unwrap(),
            );
        }
        map
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn networks_match_addresses_and_prefixes() {
        let net = Network::parse("10.0.0.0/8").unwrap();
        assert!(net.contains(ip("10.200.3.4")));
        assert!(!net.contains(ip("11.0.0.1")));
        assert!(net.contains(ip("::ffff:10.1.2.3")), "IPv4-mapped");
        assert!(Network::parse("::1").unwrap().contains(ip("::1")));
        assert!(Network::parse("0.0.0.0/0").unwrap().contains(ip("8.8.8.8")));
        assert!(Network::parse("10.0.0.0/33").is_err());
        assert!(Network::parse("proxy.local").is_err());
    }

    #[test]
    fn forwarded_addresses_count_only_from_trusted_peers() {
        let spoofed = headers(&[("x-forwarded-for", "6.6.6.6, 203.0.113.9")]);
        let nobody = Policy::new(vec![], None);
        assert_eq!(nobody.client(ip("127.0.0.1"), &spoofed), ip("127.0.0.1"));
        let proxy = Policy::new(vec![Network::parse("127.0.0.1").unwrap()], None);
        assert_eq!(
            proxy.client(ip("127.0.0.1"), &spoofed),
            ip("203.0.113.9"),
            "the hop the proxy saw, not what the client claimed before it"
        );
        assert_eq!(proxy.client(ip("192.0.2.1"), &spoofed), ip("192.0.2.1"));
        let chain = headers(&[
            ("x-forwarded-for", "203.0.113.9"),
            ("x-forwarded-for", "127.0.0.1"),
        ]);
        assert_eq!(proxy.client(ip("127.0.0.1"), &chain), ip("203.0.113.9"));
    }

    #[test]
    fn request_ids_are_taken_only_from_trusted_proxies_and_only_if_sane() {
        let sent = headers(&[("x-request-id", "f3a9c2d1e4b5")]);
        let proxy = Policy::new(vec![Network::parse("127.0.0.1").unwrap()], None);
        assert_eq!(proxy.request_id(ip("127.0.0.1"), &sent), "f3a9c2d1e4b5");
        assert_ne!(proxy.request_id(ip("192.0.2.1"), &sent), "f3a9c2d1e4b5");
        let odd = headers(&[("x-request-id", "a b\"c")]);
        assert_ne!(proxy.request_id(ip("127.0.0.1"), &odd), "a b\"c");
        let (a, b) = (proxy.ids.next(), proxy.ids.next());
        assert_ne!(a, b);
    }

    #[test]
    fn if_none_match_is_compared_weakly_and_accepts_lists_and_star() {
        let tag = "\"abc\"";
        assert!(matches(&headers(&[("if-none-match", "\"abc\"")]), tag));
        assert!(matches(&headers(&[("if-none-match", "W/\"abc\"")]), tag));
        assert!(matches(
            &headers(&[("if-none-match", "\"x\", \"abc\"")]),
            tag
        ));
        assert!(matches(&headers(&[("if-none-match", "*")]), tag));
        assert!(!matches(&headers(&[("if-none-match", "\"abcd\"")]), tag));
        assert!(!matches(&HeaderMap::new(), tag));
    }

    #[test]
    fn origins_are_scheme_and_host_only() {
        assert_eq!(
            check_origin("https://Example.org/").unwrap(),
            "https://example.org"
        );
        assert_eq!(
            check_origin("http://localhost:1313").unwrap(),
            "http://localhost:1313"
        );
        assert_eq!(check_origin("*").unwrap(), "*");
        for bad in [
            "example.org",
            "https://example.org/search",
            "ftp://x",
            "https://",
        ] {
            assert!(check_origin(bad).is_err(), "{bad}");
        }
    }
}
