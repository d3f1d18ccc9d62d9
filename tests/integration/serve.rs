//! `healthdex serve`: the JSON API, its errors, live index updates and shutdown.

use std::fs;

use crate::util::{Server, fixtures, healthdex, http_get, http_with_headers, temp_corpus};

fn json(body: &str) -> serde_json::Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"))
}

#[test]
fn the_api_answers_like_the_cli() {
    let (dir, _) = temp_corpus(&fixtures().join("site"));
    let server = Server::start(dir.path(), &[]);
    let (status, body) = http_get(&server.base, "/api/search?q=leaky+gut&limit=2");
    assert_eq!(status, 200, "{body}");
    let api = json(&body);
    let cli = crate::util::search_json(dir.path(), &["leaky gut", "--limit", "2"]);
    assert_eq!(api["hits"], cli["hits"]);
    assert_eq!(api["total"], cli["total"]);
    assert!(api["facets"]["tags"].as_array().unwrap().len() > 1);

    let grouped = json(&http_get(&server.base, "/api/search?q=gut&group=1").1);
    assert!(!grouped["groups"].as_array().unwrap().is_empty());
    let tagged = json(&http_get(&server.base, "/api/search?q=gut&tag=diet").1);
    assert!(
        tagged["hits"]
            .as_array()
            .unwrap()
            .iter()
            .all(|h| h["path"] == "fibre.md")
    );

    let suggestions = json(&http_get(&server.base, "/api/suggest?q=leaky+gu").1);
    assert_eq!(
        suggestions["suggestions"][0]["text"], "leaky gut",
        "{suggestions:#}"
    );

    let article = json(&http_get(&server.base, "/api/articles/leaky-gut.md").1);
    assert_eq!(article["title"], "Leaky gut explained");
    assert_eq!(
        article["sections"][3]["references"][0]["doi"],
        "10.1136/gutjnl-2019-318427"
    );
    assert_eq!(json(&http_get(&server.base, "/healthz").1)["status"], "ok");

    let (status, page) = http_get(&server.base, "/");
    assert_eq!(status, 200);
    assert!(
        page.contains("<div id=\"healthdex\"") && page.matches("<h1").count() == 1,
        "the page has one <h1> and the UI's mount point: {page}"
    );
    let script = page
        .split("src=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap();
    assert!(
        script.starts_with("assets/app.") && script.ends_with(".js"),
        "a relative, content-named script URL: {script}"
    );
    assert_eq!(http_get(&server.base, &format!("/{script}")).0, 200);
}

/// Every (tag, article) pair among all the hits of a query, counted per tag.
fn articles_per_tag(hits: &serde_json::Value) -> std::collections::BTreeMap<String, usize> {
    let mut pairs = std::collections::BTreeSet::new();
    for hit in hits.as_array().unwrap() {
        for tag in hit["tags"].as_array().unwrap() {
            pairs.insert((tag.as_str().unwrap().to_string(), hit["path"].to_string()));
        }
    }
    let mut counts = std::collections::BTreeMap::new();
    for (tag, _) in pairs {
        *counts.entry(tag).or_insert(0) += 1;
    }
    counts
}

#[test]
fn tag_counts_are_articles_and_the_main_tags_are_listed() {
    let (dir, _) = temp_corpus(&crate::util::repo_corpus());
    let server = Server::start(dir.path(), &[]);
    let all = json(&http_get(&server.base, "/api/search?q=gut&limit=100").1);
    assert!(
        all["total"].as_u64().unwrap() <= 100,
        "every hit is on the page"
    );
    let expected = articles_per_tag(&all["hits"]);
    let facets: std::collections::BTreeMap<String, usize> = all["facets"]["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["tag"].as_str().unwrap().to_string(),
                t["count"].as_u64().unwrap() as usize,
            )
        })
        .collect();
    assert_eq!(
        facets, expected,
        "each tag counts the articles with a matching section"
    );
    let sections_tagged_gut = all["hits"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["tags"].as_array().unwrap().iter().any(|t| t == "gut"))
        .count();
    assert!(
        facets["gut"] < sections_tagged_gut,
        "not the sections ({sections_tagged_gut})"
    );

    // The main tags count every indexed article once, as the exported records say.
    let records = healthdex(dir.path(), &["export", "corpus", "--format", "ndjson"]);
    assert_eq!(records.code, 0, "{}", records.stderr);
    let sections: Vec<serde_json::Value> = records.stdout.lines().map(json).collect();
    let everything = articles_per_tag(&serde_json::Value::Array(sections));
    let (status, body) = http_get(&server.base, "/api/tags?limit=3");
    assert_eq!(status, 200, "{body}");
    let tags = json(&body)["tags"].as_array().unwrap().clone();
    assert_eq!(tags.len(), 3);
    let mut ranked: Vec<(usize, &String)> = everything.iter().map(|(t, n)| (*n, t)).collect();
    ranked.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    let listed: Vec<(usize, String)> = tags
        .iter()
        .map(|t| {
            (
                t["count"].as_u64().unwrap() as usize,
                t["tag"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let top: Vec<(usize, String)> = ranked[..3]
        .iter()
        .map(|(n, t)| (*n, t.to_string()))
        .collect();
    assert_eq!(listed, top, "the three tags with the most articles");
    assert_eq!(http_get(&server.base, "/api/tags?limit=0").0, 400);
    let default = json(&http_get(&server.base, "/api/tags").1);
    assert_eq!(
        default["tags"].as_array().unwrap().len(),
        everything.len().min(20)
    );
}

#[test]
fn bad_requests_get_json_errors_with_the_right_status() {
    let (dir, _) = temp_corpus(&fixtures().join("site"));
    let server = Server::start(dir.path(), &[]);
    let long = "a".repeat(513);
    let cases = [
        ("/api/search".to_string(), 400),
        ("/api/search?q=".to_string(), 400),
        ("/api/search?q=%20%20".to_string(), 400),
        (format!("/api/search?q={long}"), 400),
        ("/api/search?q=gut&limit=1000000".to_string(), 400),
        ("/api/search?q=gut&limit=0".to_string(), 400),
        ("/api/search?q=gut&offset=-5".to_string(), 400),
        ("/api/search?q=gut&group=maybe".to_string(), 400),
        ("/api/suggest?q=".to_string(), 400),
        ("/api/articles/no-such.md".to_string(), 404),
        ("/api/articles/..%2F..%2Fetc%2Fpasswd".to_string(), 404),
        ("/nowhere".to_string(), 404),
        (format!("/api/search?q=gut&x={}", "a".repeat(9_000)), 414),
    ];
    let many_headers: String = (0..150).map(|n| format!("X-Extra-{n}: 1\r\n")).collect();
    let big_header = format!("X-Big: {}\r\n", "b".repeat(40_000));
    let cases = cases
        .into_iter()
        .map(|(path, status)| (path, String::new(), status))
        .chain([
            ("/api/search?q=gut".to_string(), many_headers, 431),
            ("/api/search?q=gut".to_string(), big_header, 431),
        ]);
    for (path, headers, expected) in cases {
        let (status, body) = http_with_headers(&server.base, "GET", &path, &headers);
        assert_eq!(status, expected, "{path}: {body}");
        let error = json(&body);
        assert!(
            error["error"].as_str().is_some_and(|m| !m.is_empty()),
            "{path}: {body}"
        );
    }
    let (status, body) = http_get(&server.base, "/api/search?q=%FF%FE%00gut");
    assert!(
        status == 200 || status == 400,
        "invalid UTF-8 gets an answer, not a 500: {status} {body}"
    );
    let hostile = format!("/api/search?q={}", "%28%22".repeat(200));
    assert_eq!(http_get(&server.base, &hostile).0, 200);
}

#[test]
fn a_running_server_sees_a_new_index_without_restart() {
    let (dir, corpus) = temp_corpus(&fixtures().join("site"));
    let server = Server::start(dir.path(), &[]);
    assert_eq!(
        json(&http_get(&server.base, "/api/search?q=zinc").1)["total"],
        0
    );
    fs::write(
        corpus.join("zinc.md"),
        "---\ntitle: Zinc\n---\n## Zinc and skin\n\nZinc lozenges.\n",
    )
    .unwrap();
    assert_eq!(healthdex(dir.path(), &["index"]).code, 0);
    let found = (0..50).any(|_| {
        std::thread::sleep(std::time::Duration::from_millis(100));
        json(&http_get(&server.base, "/api/search?q=zinc").1)["total"] == 1
    });
    assert!(found, "the new article was not served within 5 s");
}

#[test]
fn sigterm_stops_the_server_cleanly() {
    let (dir, _) = temp_corpus(&fixtures().join("site"));
    let server = Server::start(dir.path(), &[]);
    assert_eq!(http_get(&server.base, "/healthz").0, 200);
    let status = server.terminate();
    assert!(status.success(), "{status:?}");
}

#[test]
fn wrong_methods_get_a_json_405_and_healthz_reports_a_lost_index() {
    let (dir, _) = temp_corpus(&fixtures().join("site"));
    let server = Server::start(dir.path(), &[]);
    for path in ["/api/search?q=gut", "/healthz"] {
        let (status, body) = crate::util::http_request(&server.base, "POST", path);
        assert_eq!(status, 405, "{path}: {body}");
        assert_eq!(json(&body)["status"], 405, "{path}: {body}");
    }
    let (status, body) = http_get(&server.base, "/healthz");
    assert_eq!(status, 200, "{body}");
    assert_eq!(json(&body)["status"], "ok");

    std::fs::rename(dir.path().join(".healthdex"), dir.path().join("moved")).unwrap();
    let (status, body) = http_get(&server.base, "/healthz");
    assert_eq!(status, 503, "{body}");
    assert_eq!(json(&body)["status"], "degraded");
}

#[test]
fn idle_and_half_sent_connections_neither_block_probes_nor_delay_shutdown() {
    use std::io::{Read, Write};
    use std::net::TcpStream;
    let (dir, _) = temp_corpus(&fixtures().join("site"));
    let server = Server::start(dir.path(), &["--header-timeout", "2"]);
    let address = server.base.trim_start_matches("http://").to_string();
    // 2,000 connections that never send a byte, and 50 that stop mid-request.
    let mut held: Vec<TcpStream> = (0..2_000)
        .map(|_| TcpStream::connect(&address).unwrap())
        .collect();
    for _ in 0..50 {
        let mut stream = TcpStream::connect(&address).unwrap();
        stream
            .write_all(b"GET /api/search?q=gut HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            .unwrap();
        held.push(stream);
    }
    for _ in 0..20 {
        let (status, body) = http_get(&server.base, "/api/search?q=gut");
        assert_eq!(status, 200, "{body}");
    }
    // The server closes a connection that does not finish its request head (the
    // bound is generous: the header-read timeout is 2 s here).
    let half_sent = held.last_mut().unwrap();
    half_sent
        .set_read_timeout(Some(std::time::Duration::from_secs(60)))
        .unwrap();
    let mut rest = Vec::new();
    let closed = half_sent.read_to_end(&mut rest);
    assert!(closed.is_ok(), "{closed:?}");
    // SIGTERM ends the process even while the others are still open.
    let status = server.terminate();
    assert!(status.success(), "{status:?}");
    drop(held);
}

#[cfg(unix)]
#[test]
fn the_article_route_serves_only_what_was_indexed() {
    let (dir, corpus) = temp_corpus(&fixtures().join("site"));
    let server = Server::start(dir.path(), &[]);
    let (status, indexed) = http_get(&server.base, "/api/articles/leaky-gut.md");
    assert_eq!(status, 200, "{indexed}");

    // Replaced by a link to a file outside the corpus: not followed. An answer
    // already made from the indexed file is still that answer.
    let secret = dir.path().join("secret.txt");
    std::fs::write(&secret, "password=hunter2\n").unwrap();
    for name in ["leaky-gut.md", "eczema.md"] {
        std::fs::remove_file(corpus.join(name)).unwrap();
        std::os::unix::fs::symlink(&secret, corpus.join(name)).unwrap();
    }
    let (status, body) = http_get(&server.base, "/api/articles/leaky-gut.md");
    assert_eq!((status, &body), (200, &indexed));
    let (status, body) = http_get(&server.base, "/api/articles/eczema.md");
    assert_eq!(status, 409, "{body}");
    assert!(!body.contains("hunter2"), "{body}");
    assert!(body.contains("healthdex index"), "{body}");
    assert!(
        !body.contains(&*dir.path().to_string_lossy()),
        "no absolute paths: {body}"
    );

    // Replaced by a file of another size: not read either.
    std::fs::remove_file(corpus.join("eczema.md")).unwrap();
    std::fs::write(corpus.join("eczema.md"), "x".repeat(1 << 20)).unwrap();
    let (status, _) = http_get(&server.base, "/api/articles/eczema.md");
    assert_eq!(status, 409);
}
