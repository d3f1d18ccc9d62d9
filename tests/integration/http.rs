//! `serve` as a public endpoint: cache validators, kept answers, `nosniff` and request IDs on
//! every answer, CORS only when asked for, the access log and whom it believes,
//! `--read-only`, and switching the index under a running server.

use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

use crate::util::{Server, fixtures, healthdex, http_exchange, http_get, temp_corpus};

fn json(body: &str) -> serde_json::Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"))
}

/// The script and style URLs the page refers to.
fn page_assets(page: &str) -> Vec<String> {
    ["src=\"", "href=\""]
        .iter()
        .flat_map(|attr| page.split(attr).skip(1))
        .filter_map(|rest| rest.split('"').next())
        .filter(|url| url.starts_with("assets/"))
        .map(str::to_string)
        .collect()
}

#[test]
fn api_answers_carry_an_etag_and_an_unchanged_one_gets_304() {
    let (dir, corpus) = temp_corpus(&fixtures().join("site"));
    let server = Server::start(dir.path(), &[]);
    let first = http_exchange(&server.base, "GET", "/api/search?q=leaky+gut", "");
    assert_eq!(first.status, 200);
    assert_eq!(first.header("cache-control"), Some("no-cache"));
    let etag = first.header("etag").expect("an ETag").to_string();
    let again = http_exchange(
        &server.base,
        "GET",
        "/api/search?q=leaky+gut",
        &format!("If-None-Match: {etag}\r\n"),
    );
    assert_eq!(again.status, 304);
    assert_eq!(again.body, "");
    assert_eq!(again.header("etag"), Some(etag.as_str()));

    // A new commit changes the tag: the held copy is stale.
    fs::write(
        corpus.join("zinc.md"),
        "---\ntitle: Zinc\n---\n## Zinc and the gut\n\nZinc and leaky gut.\n",
    )
    .unwrap();
    assert_eq!(healthdex(dir.path(), &["index"]).code, 0);
    let changed = wait_for(|| {
        let answer = http_exchange(
            &server.base,
            "GET",
            "/api/search?q=leaky+gut",
            &format!("If-None-Match: {etag}\r\n"),
        );
        (answer.status == 200).then_some(answer)
    });
    assert_ne!(changed.header("etag"), Some(etag.as_str()));

    let article = http_exchange(&server.base, "GET", "/api/articles/leaky-gut.md", "");
    let article_tag = article.header("etag").unwrap().to_string();
    let cached = http_exchange(
        &server.base,
        "GET",
        "/api/articles/leaky-gut.md",
        &format!("If-None-Match: {article_tag}\r\n"),
    );
    assert_eq!(cached.status, 304);
    let missing = http_exchange(&server.base, "GET", "/api/articles/nope.md", "");
    assert_eq!(missing.status, 404);
    assert_eq!(missing.header("cache-control"), Some("no-store"));
    assert_eq!(missing.header("etag"), None);
}

#[test]
fn a_repeated_request_is_answered_from_the_kept_answer_until_the_commit_changes() {
    let (dir, corpus) = temp_corpus(&fixtures().join("site"));
    let server = Server::start(dir.path(), &[]);
    let get = |target: &str| http_exchange(&server.base, "GET", target, "");
    let first = get("/api/search?q=leaky+gut");
    assert_eq!(first.header("x-cache"), Some("miss"));
    let again = get("/api/search?q=leaky+gut");
    assert_eq!(again.header("x-cache"), Some("hit"));
    assert_eq!(again.body, first.body, "the same bytes");
    assert_eq!(again.header("etag"), first.header("etag"));
    assert_eq!(again.header("content-type"), Some("application/json"));
    // Another query string is another answer; a HEAD is never answered from it.
    assert_eq!(
        get("/api/search?q=leaky+gut&limit=1").header("x-cache"),
        Some("miss")
    );
    let head = http_exchange(&server.base, "HEAD", "/api/search?q=leaky+gut", "");
    assert_eq!((head.status, head.header("x-cache")), (200, Some("miss")));
    assert_eq!(get("/api/suggest?q=leak").header("x-cache"), Some("miss"));
    assert_eq!(get("/api/suggest?q=leak").header("x-cache"), Some("hit"));
    // Errors are not kept.
    assert_eq!(get("/api/search?q=").status, 400);
    assert_eq!(get("/api/search?q=").header("x-cache"), None);

    // A new commit: the next answer is computed again, and finds the new article.
    fs::write(
        corpus.join("zinc.md"),
        "---\ntitle: Zinc\n---\n## Zinc and the gut\n\nZinc and leaky gut.\n",
    )
    .unwrap();
    assert_eq!(healthdex(dir.path(), &["index"]).code, 0);
    let after = wait_for(|| {
        let answer = get("/api/search?q=leaky+gut");
        (answer.header("etag") != first.header("etag")).then_some(answer)
    });
    assert_eq!(after.header("x-cache"), Some("miss"));
    assert!(after.body.contains("zinc.md"), "{}", after.body);
    assert_eq!(
        get("/api/search?q=leaky+gut").header("x-cache"),
        Some("hit")
    );

    // --answer-cache 0 keeps nothing.
    let uncached = Server::start(dir.path(), &["--answer-cache", "0"]);
    for _ in 0..2 {
        let answer = http_exchange(&uncached.base, "GET", "/api/search?q=leaky+gut", "");
        assert_eq!(answer.header("x-cache"), Some("miss"));
    }
}

#[test]
fn every_answer_is_nosniff_with_a_request_id_and_assets_are_cached_for_good() {
    let (dir, _) = temp_corpus(&fixtures().join("site"));
    let server = Server::start(dir.path(), &[]);
    let page = http_exchange(&server.base, "GET", "/", "");
    let assets = page_assets(&page.body);
    // The page's frame (app.css, the entry app.js) and the shared UI it loads
    // (ui.css, ui.js and server-source.js, preloaded).
    assert_eq!(assets.len(), 5, "{assets:?}");
    let mut ids = Vec::new();
    let mut paths: Vec<String> = vec![
        "/".into(),
        "/api/search?q=gut".into(),
        "/api/search?limit=0&q=gut".into(),
        "/healthz".into(),
        "/no/such/page".into(),
    ];
    paths.extend(assets.iter().map(|asset| format!("/{asset}")));
    for path in &paths {
        let answer = http_exchange(&server.base, "GET", path, "");
        assert_eq!(
            answer.header("x-content-type-options"),
            Some("nosniff"),
            "{path}"
        );
        ids.push(answer.header("x-request-id").expect(path).to_string());
    }
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), paths.len(), "request IDs are unique");
    for asset in &assets {
        let answer = http_exchange(&server.base, "GET", &format!("/{asset}"), "");
        assert_eq!(answer.status, 200, "{asset}");
        assert!(
            answer
                .header("cache-control")
                .unwrap()
                .contains("immutable"),
            "{asset}"
        );
    }
    let stale = http_exchange(&server.base, "GET", "/assets/app.0000.js", "");
    assert_eq!(stale.status, 404);
    // The page itself is revalidated, so a deploy's new asset names reach readers.
    assert_eq!(page.header("cache-control"), Some("no-cache"));
    let held = page.header("etag").unwrap();
    let revalidated = http_exchange(
        &server.base,
        "GET",
        "/",
        &format!("If-None-Match: {held}\r\n"),
    );
    assert_eq!(revalidated.status, 304);
}

#[test]
fn cors_is_off_unless_an_origin_is_listed() {
    let (dir, _) = temp_corpus(&fixtures().join("site"));
    let origin = "Origin: https://blog.example.org\r\n";
    let closed = Server::start(dir.path(), &[]);
    let answer = http_exchange(&closed.base, "GET", "/api/search?q=gut", origin);
    assert_eq!(answer.header("access-control-allow-origin"), None);
    drop(closed);

    let open = Server::start(dir.path(), &["--cors-origin", "https://blog.example.org/"]);
    let answer = http_exchange(&open.base, "GET", "/api/search?q=gut", origin);
    assert_eq!(
        answer.header("access-control-allow-origin"),
        Some("https://blog.example.org")
    );
    let other = http_exchange(
        &open.base,
        "GET",
        "/api/search?q=gut",
        "Origin: https://elsewhere.example\r\n",
    );
    assert_eq!(other.header("access-control-allow-origin"), None);
    let preflight = http_exchange(
        &open.base,
        "OPTIONS",
        "/api/search?q=gut",
        &format!("{origin}Access-Control-Request-Method: GET\r\n"),
    );
    assert!(preflight.status < 300, "{}", preflight.status);
    assert!(
        preflight
            .header("access-control-allow-methods")
            .unwrap()
            .contains("GET")
    );

    let refused = healthdex(
        dir.path(),
        &["serve", "--cors-origin", "https://x.org/path"],
    );
    assert_eq!(refused.code, 2);
    assert!(
        refused.stderr.contains("is not an origin"),
        "{}",
        refused.stderr
    );
}

#[test]
fn the_access_log_believes_forwarded_addresses_only_from_trusted_proxies() {
    let (dir, _) = temp_corpus(&fixtures().join("site"));
    let spoof =
        "X-Forwarded-For: 203.0.113.66\r\nX-Request-Id: forged-id\r\nUser-Agent: probe \"1\"\r\n";
    let untrusted_log = dir.path().join("plain.log");
    let server = Server::start(
        dir.path(),
        &["--access-log", untrusted_log.to_str().unwrap()],
    );
    let answer = http_exchange(&server.base, "GET", "/api/search?q=gut", spoof);
    assert_ne!(answer.header("x-request-id"), Some("forged-id"));
    assert!(server.terminate().success());
    let line = fs::read_to_string(&untrusted_log).unwrap();
    assert!(line.starts_with("127.0.0.1 - - ["), "{line}");
    assert!(
        line.contains("\"GET /api/search?q=gut HTTP/1.1\" 200 "),
        "{line}"
    );
    assert!(
        line.contains("\"probe \\\"1\\\"\""),
        "quotes escaped: {line}"
    );
    assert!(
        !line.contains("203.0.113.66") && !line.contains("forged-id"),
        "{line}"
    );

    let trusted_log = dir.path().join("trusted.log");
    let server = Server::start(
        dir.path(),
        &[
            "--access-log",
            trusted_log.to_str().unwrap(),
            "--access-log-format",
            "json",
            "--trusted-proxy",
            "127.0.0.0/8",
        ],
    );
    let answer = http_exchange(&server.base, "GET", "/api/search?q=gut", spoof);
    assert_eq!(answer.header("x-request-id"), Some("forged-id"));
    assert!(server.terminate().success());
    let entry = json(fs::read_to_string(&trusted_log).unwrap().trim());
    assert_eq!(entry["client"], "203.0.113.66");
    assert_eq!(entry["peer"], "127.0.0.1");
    assert_eq!(entry["request_id"], "forged-id");
    assert_eq!(entry["status"], 200);
}

/// Every file under `dir` with its size and modification time.
fn listing(dir: &Path) -> Vec<(String, u64, std::time::SystemTime)> {
    let mut files: Vec<_> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|entry| entry.unwrap())
        .map(|entry| {
            let meta = entry.metadata().unwrap();
            (
                entry.path().display().to_string(),
                meta.len(),
                meta.modified().unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn read_only_serving_writes_nothing_and_never_rebuilds() {
    let (dir, _) = temp_corpus(&fixtures().join("site"));
    assert_eq!(healthdex(dir.path(), &["index"]).code, 0);
    let index = dir.path().join(".healthdex");
    // The lock file tantivy's reader opens for writing is what a read-only mount
    // refuses; without it a read-only server must still work.
    fs::remove_file(index.join(".tantivy-meta.lock")).unwrap();
    let before = listing(&index);
    let server = Server::start(dir.path(), &["--read-only"]);
    for path in [
        "/api/search?q=leaky+gut",
        "/api/suggest?q=leak",
        "/api/articles/leaky-gut.md",
        "/healthz",
    ] {
        assert_eq!(http_get(&server.base, path).0, 200, "{path}");
    }
    std::thread::sleep(Duration::from_millis(600));
    assert!(server.terminate().success());
    assert_eq!(
        listing(&index),
        before,
        "nothing in the index folder changed"
    );

    crate::util::rewrite_payload(&index, "schema_version", "0");
    let before = listing(&index);
    let refused = healthdex(dir.path(), &["serve", "--read-only", "--port", "0"]);
    assert_eq!(refused.code, 1);
    assert!(refused.stderr.contains("--read-only"), "{}", refused.stderr);
    assert_eq!(listing(&index), before, "an old index is not rebuilt");
}

fn wait_for<T>(mut probe: impl FnMut() -> Option<T>) -> T {
    let started = Instant::now();
    loop {
        if let Some(found) = probe() {
            return found;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "not seen within 10 s"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn switching_the_link_moves_a_running_server_to_the_new_index() {
    let (dir, corpus) = temp_corpus(&fixtures().join("site"));
    let releases = dir.path().join("releases");
    let first = releases.join("1");
    let index = |target: &Path| {
        let run = healthdex(
            dir.path(),
            &[
                "index",
                corpus.to_str().unwrap(),
                "--index",
                target.to_str().unwrap(),
            ],
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
    };
    index(&first);
    let link = dir.path().join("current");
    let run = healthdex(dir.path(), &["switch", "current", "releases/1"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let server = Server::start(dir.path(), &["--index", "current", "--no-refresh"]);
    let health = json(&http_get(&server.base, "/healthz").1);
    assert!(
        health["index"].as_str().unwrap().ends_with("releases/1"),
        "{health}"
    );
    assert_eq!(
        json(&http_get(&server.base, "/api/search?q=zinc").1)["total"],
        0
    );

    fs::write(
        corpus.join("zinc.md"),
        "---\ntitle: Zinc\n---\n## Zinc and skin\n\nZinc lozenges.\n",
    )
    .unwrap();
    let second = releases.join("2");
    index(&second);
    let run = healthdex(dir.path(), &["switch", "current", "releases/2"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        fs::read_link(&link).unwrap(),
        fs::canonicalize(&second).unwrap()
    );
    let health = wait_for(|| {
        let health = json(&http_get(&server.base, "/healthz").1);
        health["index"]
            .as_str()
            .unwrap()
            .ends_with("releases/2")
            .then_some(health)
    });
    assert_eq!(health["status"], "ok");
    assert_eq!(
        json(&http_get(&server.base, "/api/search?q=zinc").1)["total"],
        1
    );

    // Something that is not an index is refused, and the server stays put.
    fs::create_dir(releases.join("empty")).unwrap();
    let run = healthdex(dir.path(), &["switch", "current", "releases/empty"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("no index"), "{}", run.stderr);
    assert_eq!(
        fs::read_link(&link).unwrap(),
        fs::canonicalize(&second).unwrap()
    );
    // A real folder where the link should be is never replaced.
    fs::create_dir(dir.path().join("data")).unwrap();
    fs::write(dir.path().join("data/notes.txt"), "mine").unwrap();
    let run = healthdex(dir.path(), &["switch", "data", "releases/2"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("not a symbolic link"), "{}", run.stderr);
    assert_eq!(
        fs::read_to_string(dir.path().join("data/notes.txt")).unwrap(),
        "mine"
    );
}

#[cfg(target_os = "linux")]
#[test]
fn read_only_serving_works_from_a_read_only_mount() {
    use std::io::BufRead;
    let (dir, _) = temp_corpus(&fixtures().join("site"));
    assert_eq!(healthdex(dir.path(), &["index"]).code, 0);
    let index = dir.path().join(".healthdex");
    let index = index.to_str().unwrap();
    // New user and mount namespaces: the index is bind-mounted read-only over itself
    // for the server alone; the network is shared, so this test can reach it.
    let script = format!(
        r#"mount --bind '{index}' '{index}' && mount -o remount,bind,ro '{index}' || exit 90
touch '{index}/probe' 2>/dev/null && exit 91
"$HEALTHDEX" search --index '{index}' --no-refresh gut >/dev/null 2>&1 && echo "plain search worked" >&2
exec "$HEALTHDEX" serve --read-only --port 0 --index '{index}'"#
    );
    let mut child = std::process::Command::new("unshare")
        .args(["--user", "--map-root-user", "--mount", "sh", "-c", &script])
        .env("HEALTHDEX", env!("CARGO_BIN_EXE_healthdex"))
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("unshare (util-linux) runs this test; install it");
    let mut lines = std::io::BufReader::new(child.stderr.take().unwrap()).lines();
    let (base, seen) = crate::util::serving_address(&mut lines);
    let Some(base) = base else {
        let _ = child.kill();
        panic!(
            "the server did not start ({:?}): {seen:?}",
            child.wait().unwrap().code()
        );
    };
    let search = http_get(&base, "/api/search?q=leaky+gut");
    let article = http_get(&base, "/api/articles/leaky-gut.md");
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(search.0, 200, "{}", search.1);
    assert_eq!(json(&search.1)["hits"][0]["path"], "leaky-gut.md");
    assert_eq!(article.0, 200, "{}", article.1);
    assert!(
        !seen.iter().any(|line| line.contains("plain search worked")),
        "a search that is not read-only fails on this mount, or the test proves nothing: {seen:?}"
    );
}
