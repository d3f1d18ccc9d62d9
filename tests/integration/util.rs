//! Helpers shared by the integration tests: fixture paths, temporary corpora, and
//! running the `healthdex` binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use healthdex::article::{Article, ParseOptions, parse_article};
use healthdex::{Warning, corpus};

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

pub fn repo_corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")
}

/// Reads a fixture file through the same decoding and parsing as the indexer.
pub fn parse_fixture(relative: &str) -> Result<(Article, Vec<Warning>), Warning> {
    let bytes = std::fs::read(fixtures().join(relative)).expect("fixture exists");
    let (text, mut warnings) = corpus::decode(relative, &bytes)?;
    let parsed = parse_article(relative, &text, &ParseOptions::default());
    warnings.extend(parsed.warnings);
    Ok((parsed.article, warnings))
}

/// Copies a folder (recursively) into a new temporary directory, under `corpus/`.
pub fn temp_corpus(from: &Path) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let corpus = dir.path().join("corpus");
    copy_dir(from, &corpus);
    (dir, corpus)
}

/// A temporary folder holding `corpus/` with these `(name, text)` articles.
pub fn corpus_of(articles: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    for (name, text) in articles {
        std::fs::write(corpus.join(name), text).unwrap();
    }
    dir
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// The output of one run of the binary.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `healthdex` with `args` in `cwd`.
pub fn healthdex(cwd: &Path, args: &[&str]) -> Run {
    let output: Output = Command::new(env!("CARGO_BIN_EXE_healthdex"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .output()
        .expect("the healthdex binary runs");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// The article path of every hit, in order.
pub fn hit_paths(results: &serde_json::Value) -> Vec<String> {
    results["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["path"].as_str().unwrap().to_string())
        .collect()
}

/// Runs a search with `--format json` and parses the output.
pub fn search_json(cwd: &Path, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["search", "--format", "json"];
    all.extend_from_slice(args);
    let run = healthdex(cwd, &all);
    assert_eq!(run.code, 0, "search {args:?} failed: {}", run.stderr);
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", run.stdout))
}

/// A `healthdex serve` process, stopped when dropped.
pub struct Server {
    child: std::process::Child,
    pub base: String,
}

impl Server {
    /// Starts `healthdex serve --port 0` in `cwd` and waits until it listens.
    pub fn start(cwd: &Path, extra: &[&str]) -> Server {
        use std::io::BufRead;
        let mut child = Command::new(env!("CARGO_BIN_EXE_healthdex"))
            .args(["serve", "--port", "0"])
            .args(extra)
            .current_dir(cwd)
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("healthdex serve starts");
        let stderr = child.stderr.take().unwrap();
        let mut lines = std::io::BufReader::new(stderr).lines();
        let (base, _) = serving_address(&mut lines);
        let base = base.expect("serve printed its address");
        std::thread::spawn(move || lines.for_each(drop));
        Server { child, base }
    }

    /// Sends SIGTERM and returns the exit status.
    pub fn terminate(mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        self.child.wait().unwrap()
    }
}

/// Reads `serve`'s stderr up to the line naming its address: the base URL (none if
/// the output ended first) and every line before it.
pub fn serving_address(
    lines: &mut impl Iterator<Item = std::io::Result<String>>,
) -> (Option<String>, Vec<String>) {
    let mut before = Vec::new();
    for line in lines.by_ref() {
        let Ok(line) = line else { break };
        if let Some(rest) = line.strip_prefix("healthdex: serving ") {
            let base = rest.split_whitespace().next().unwrap_or("");
            return (Some(base.trim_end_matches('/').to_string()), before);
        }
        before.push(line);
    }
    (None, before)
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A minimal HTTP/1.1 GET: (status, body).
pub fn http_get(base: &str, path_and_query: &str) -> (u16, String) {
    http_request(base, "GET", path_and_query)
}

/// Sends one request with `method` and no body; returns the status and the body.
pub fn http_request(base: &str, method: &str, path_and_query: &str) -> (u16, String) {
    http_with_headers(base, method, path_and_query, "")
}

/// Sends one request with `method`, the extra header lines `headers` (each ending
/// in CRLF) and no body; returns the status and the body.
pub fn http_with_headers(
    base: &str,
    method: &str,
    path_and_query: &str,
    headers: &str,
) -> (u16, String) {
    let answer = http_exchange(base, method, path_and_query, headers);
    (answer.status, answer.body)
}

/// An HTTP answer: status, header lines (names lower-cased) and body.
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Answer {
    /// The value of the first header called `name` (lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Sends one request like [`http_with_headers`] and returns the whole answer.
pub fn http_exchange(base: &str, method: &str, path_and_query: &str, headers: &str) -> Answer {
    use std::io::{Read, Write};
    let address = base.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(20)))
        .unwrap();
    write!(
        stream,
        "{method} {path_and_query} HTTP/1.1\r\nHost: {address}\r\n{headers}Content-Length: 0\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        unchunk(body)
    } else {
        body.to_string()
    };
    let headers = head
        .lines()
        .skip(1)
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_string()))
        .collect();
    Answer {
        status,
        headers,
        body,
    }
}

fn unchunk(body: &str) -> String {
    let mut out = String::new();
    let mut rest = body;
    while let Some((size, after)) = rest.split_once("\r\n") {
        let size = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if size == 0 || after.len() < size {
            break;
        }
        out.push_str(&after[..size]);
        rest = after[size..].trim_start_matches("\r\n");
    }
    out
}

/// The 5,475 MedQuAD articles, if this machine has them: `medquad/` in
/// `HEALTHDEX_DATA_DIR` when it is set, else `../shared/data/medquad`. With
/// `HEALTHDEX_REQUIRE_DATA` set (as `.ci/run` does), a missing folder fails the test
/// instead of skipping it.
pub fn medquad() -> Option<PathBuf> {
    let data = std::env::var_os("HEALTHDEX_DATA_DIR").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data"),
        PathBuf::from,
    );
    let path = data.join("medquad");
    if path.is_dir() {
        return Some(path);
    }
    assert!(
        std::env::var_os("HEALTHDEX_REQUIRE_DATA").is_none(),
        "HEALTHDEX_REQUIRE_DATA is set but {} is missing",
        path.display()
    );
    eprintln!(
        "skipping: {} not found (MedQuAD is read from ../shared/data)",
        path.display()
    );
    None
}

/// An index of a corpus folder, built once per test binary and shared by every
/// test that asks for the same folder.
pub struct SharedIndex {
    /// The index folder (inside a temporary folder that lives as long as the tests).
    pub dir: PathBuf,
    pub report: healthdex::index::IndexReport,
    pub engine: healthdex::search::Engine,
    _home: tempfile::TempDir,
}

/// The [`SharedIndex`] of `corpus`, built on first use.
pub fn shared(corpus: &Path) -> &'static SharedIndex {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    type Indexes = Mutex<HashMap<PathBuf, &'static SharedIndex>>;
    static INDEXES: OnceLock<Indexes> = OnceLock::new();
    let mut indexes = INDEXES.get_or_init(Indexes::default).lock().unwrap();
    indexes.entry(corpus.to_path_buf()).or_insert_with(|| {
        let home = tempfile::tempdir().unwrap();
        let options = healthdex::index::IndexOptions::new(corpus, home.path().join("index"));
        let report = healthdex::index::update(&options).unwrap();
        let engine = healthdex::search::Engine::open(&options.index_dir).unwrap();
        Box::leak(Box::new(SharedIndex {
            dir: options.index_dir,
            report,
            engine,
            _home: home,
        }))
    })
}

/// The engine of the [`SharedIndex`] of `corpus`.
pub fn shared_index(corpus: &Path) -> &'static healthdex::search::Engine {
    &shared(corpus).engine
}

/// Rewrites a value in the commit payload of the index in `index_dir`, as another
/// version of healthdex would have written it: `key` is a payload key
/// (`schema_version`, `stemmer`), `value` its new JSON value. Panics if the key is
/// not there.
pub fn rewrite_payload(index_dir: &Path, key: &str, value: &str) {
    let meta_path = index_dir.join("meta.json");
    let meta = std::fs::read_to_string(&meta_path).unwrap();
    // The payload is a JSON string inside meta.json, so its quotes are escaped.
    let pattern = format!(r#"\\"{key}\\":(\d+|\\"[^\\]*\\")"#);
    let escaped = value.replace('"', "\\\"");
    let replacement = format!("\\\"{key}\\\":{escaped}");
    let rewritten = regex::Regex::new(&pattern)
        .unwrap()
        .replace(&meta, regex::NoExpand(&replacement))
        .into_owned();
    assert_ne!(meta, rewritten, "the payload has no `{key}`");
    std::fs::write(&meta_path, rewritten).unwrap();
}
