//! Accepting connections, with the bounds a public endpoint needs and `axum::serve`
//! does not offer: hyper's header-read timeout (it also runs while a keep-alive
//! connection waits for its next request, so idle and half-sent connections are
//! closed after [`HEADER_READ_TIMEOUT`]); a cap on open connections derived from the
//! process's limit of open files (raised to its hard limit first, so idle sockets
//! cannot exhaust it); and, on shutdown, a drain bounded by [`DRAIN_TIMEOUT`].

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

/// A connection that has not sent a whole request head within this time (a new
/// one, or a keep-alive one between requests) is closed; `serve --header-timeout`
/// changes it.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// On SIGTERM or Ctrl-C, requests in flight get this long to finish.
pub const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);
/// Open files kept free for the index and the process itself.
pub const RESERVED_FILES: u64 = 128;
/// Most connections held open at once, whatever the limit of open files.
pub const MAX_CONNECTIONS: u64 = 16_384;

/// Connections the kernel may queue before they are accepted (capped by the
/// system's `somaxconn`). tokio's default of 1,024 dropped SYNs in a burst of 2,000
/// connections, and each dropped SYN costs its client a one-second retransmit.
pub const ACCEPT_BACKLOG: u32 = 4_096;
/// The most bytes of a request head buffered per connection: with the connection
/// cap this bounds the memory idle and slow clients can hold. Larger heads get
/// hyper's own (empty) 431; smaller ones that are still too large for the API get
/// its JSON 414/431 (see [`super::MAX_URI_BYTES`]).
pub const MAX_HEAD_BYTES: usize = 64 * 1024;
/// The most header lines hyper parses; see [`MAX_HEAD_BYTES`].
pub const MAX_HEADERS: usize = 200;

/// A listening socket on `address` with [`ACCEPT_BACKLOG`].
pub fn bind(address: std::net::SocketAddr) -> std::io::Result<TcpListener> {
    let socket = match address {
        std::net::SocketAddr::V4(_) => tokio::net::TcpSocket::new_v4()?,
        std::net::SocketAddr::V6(_) => tokio::net::TcpSocket::new_v6()?,
    };
    socket.set_reuseaddr(true)?;
    socket.bind(address)?;
    socket.listen(ACCEPT_BACKLOG)
}

/// How many connections may be open at once: the limit of open files (after
/// raising it to the hard limit) less [`RESERVED_FILES`], at most
/// [`MAX_CONNECTIONS`]. Connections beyond it are closed as soon as accepted.
pub fn connection_limit() -> usize {
    let files = raise_open_files_limit();
    usize::try_from(
        files
            .saturating_sub(RESERVED_FILES)
            .clamp(64, MAX_CONNECTIONS),
    )
    .unwrap_or(64)
}

#[cfg(unix)]
fn raise_open_files_limit() -> u64 {
    use rustix::process::{Resource, getrlimit, setrlimit};
    let mut limit = getrlimit(Resource::Nofile);
    if let (Some(current), Some(hard)) = (limit.current, limit.maximum)
        && current < hard
    {
        limit.current = Some(hard);
        let _ = setrlimit(Resource::Nofile, limit);
    }
    getrlimit(Resource::Nofile)
        .current
        .unwrap_or(MAX_CONNECTIONS + RESERVED_FILES)
}

#[cfg(not(unix))]
fn raise_open_files_limit() -> u64 {
    MAX_CONNECTIONS + RESERVED_FILES
}

/// Serves `app` on `listener` until `shutdown` completes, then stops accepting and
/// drains for at most [`DRAIN_TIMEOUT`]. Connections that send no whole request head
/// within `header_timeout` are closed.
pub async fn accept_loop(
    listener: TcpListener,
    app: Router,
    header_timeout: Duration,
    shutdown: impl Future<Output = ()>,
) {
    let permits = Arc::new(Semaphore::new(connection_limit()));
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut shutdown => break,
        };
        let (stream, peer) = match accepted {
            Ok(accepted) => accepted,
            // Out of file descriptors or a connection reset before it was taken:
            // wait a moment rather than spin.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            }
        };
        let Ok(permit) = Arc::clone(&permits).try_acquire_owned() else {
            drop(stream);
            continue;
        };
        let mut builder = hyper::server::conn::http1::Builder::new();
        builder
            .timer(TokioTimer::new())
            .header_read_timeout(header_timeout)
            .max_buf_size(MAX_HEAD_BYTES)
            .max_headers(MAX_HEADERS);
        let with_peer = tower::ServiceBuilder::new()
            .map_request(
                move |mut request: axum::http::Request<hyper::body::Incoming>| {
                    request.extensions_mut().insert(super::http::Peer(peer));
                    request
                },
            )
            .service(app.clone());
        let service = TowerToHyperService::new(with_peer);
        let connection = graceful.watch(builder.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            let _ = connection.await;
            drop(permit);
        });
    }
    drop(listener);
    let _ = tokio::time::timeout(DRAIN_TIMEOUT, graceful.shutdown()).await;
}
