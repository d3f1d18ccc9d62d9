//! The search page in a real browser: headless Chromium driven through
//! chromedriver (Debian packages `chromium` and `chromium-driver`, installed by
//! `.ci/run`). Skipped with a message when they are not installed, unless
//! `HEALTHDEX_REQUIRE_BROWSER=1` (set in CI), where a missing browser fails.
//! A screenshot of the results page is written to `target/browser/results.png`
//! (and to `docs/screenshot.png` when `HEALTHDEX_UPDATE_SCREENSHOT=1`).

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

use crate::util::{Server, repo_corpus, temp_corpus};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start_driver() -> (Driver, u16) {
    let port = free_port();
    let child = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "chromedriver did not listen"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    (Driver(child), port)
}

fn browser_available() -> bool {
    let present = Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists();
    if !present {
        assert!(
            std::env::var_os("HEALTHDEX_REQUIRE_BROWSER").is_none(),
            "HEALTHDEX_REQUIRE_BROWSER is set but {CHROMIUM} or {CHROMEDRIVER} is missing"
        );
        eprintln!(
            "skipping: install the Debian packages chromium and chromium-driver to run the browser tests"
        );
    }
    present
}

#[test]
fn the_search_page_works_in_a_real_browser() {
    if !browser_available() {
        return;
    }
    let (dir, _) = temp_corpus(&repo_corpus());
    let server = Server::start(dir.path(), &[]);
    in_browser(|client| async move {
        scenario(&client, &server.base).await;
        client
    });
}

/// Runs `scenario` in a fresh headless browser (its own profile and driver), then
/// closes the browser.
fn in_browser<F, Fut>(scenario: F)
where
    F: FnOnce(Client) -> Fut,
    Fut: std::future::Future<Output = Client>,
{
    let (_driver, port) = start_driver();
    let profile = tempfile::tempdir().unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let client = scenario(connect(port, profile.path()).await).await;
        let _ = client.close().await;
    });
}

#[test]
fn the_page_shows_each_hits_sources_and_filters_by_evidence() {
    if !browser_available() {
        return;
    }
    let dir = crate::util::corpus_of(&[("eczema.md", crate::sources::ARTICLE)]);
    let server = Server::start(dir.path(), &[]);
    in_browser(|client| async move {
        sources_scenario(&client, &server.base).await;
        client
    });
}

async fn sources_scenario(client: &Client, base: &str) {
    client.goto(&format!("{base}/?q=probiotics")).await.unwrap();
    eventually("a hit's sources", || async {
        text_of(client, "details.sources summary")
            .await
            .contains("2 sources · 1 systematic review, 1 randomised trial")
    })
    .await;
    client
        .find(Locator::Css("details.sources summary"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let labels = client
        .find_all(Locator::Css(
            "details.sources[open] li.source .evidence-label",
        ))
        .await
        .unwrap();
    let mut words = Vec::new();
    for label in labels {
        words.push(label.text().await.unwrap());
    }
    assert_eq!(
        words,
        ["randomised trial", "systematic review"],
        "kinds in words"
    );
    // The "Cites:" row filters to sections citing that kind.
    client
        .find(Locator::Css(
            "#evidence button[data-evidence='systematic-review']",
        ))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    eventually("the evidence filter in the URL and the status", || async {
        let url = client
            .current_url()
            .await
            .map(|u| u.to_string())
            .unwrap_or_default();
        url.contains("evidence=systematic-review")
            && text_of(client, "#status")
                .await
                .contains("citing a systematic review")
    })
    .await;
    let hits = client
        .find_all(Locator::Css("#results li.hit"))
        .await
        .unwrap();
    assert_eq!(hits.len(), 1, "only the section citing the review");
}

async fn connect(port: u16, profile: &Path) -> Client {
    let args = [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1100,1000",
    ];
    let mut args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    args.push(format!("--user-data-dir={}", profile.display()));
    let mut capabilities = serde_json::Map::new();
    capabilities.insert(
        "goog:chromeOptions".into(),
        json!({"binary": CHROMIUM, "args": args}),
    );
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(capabilities)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("a WebDriver session")
}

/// Polls `check` until it is true or 10 s pass.
async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let started = Instant::now();
    while !check().await {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn text_of(client: &Client, css: &str) -> String {
    match client.find(Locator::Css(css)).await {
        Ok(element) => element.text().await.unwrap_or_default(),
        Err(_) => String::new(),
    }
}

async fn scenario(client: &Client, base: &str) {
    client.goto(&format!("{base}/")).await.unwrap();
    let box_ = client.find(Locator::Css("#q")).await.unwrap();

    // Type a topic: grouped results with marked snippets, and the query in the URL.
    box_.send_keys("leaky gut").await.unwrap();
    eventually("marked results", || async {
        client
            .find_all(Locator::Css("#results li.group .snippet mark"))
            .await
            .map(|m| !m.is_empty())
            .unwrap_or(false)
    })
    .await;
    let groups = client
        .find_all(Locator::Css("#results li.group"))
        .await
        .unwrap();
    assert!(groups.len() >= 2, "results are grouped by article");
    eventually("the query in the URL", || async {
        client
            .current_url()
            .await
            .map(|u| u.query().unwrap_or("").contains("q=leaky"))
            .unwrap_or(false)
    })
    .await;
    assert!(text_of(client, "#status").await.contains("leaky gut"));
    save_screenshot(client).await;

    // A hostile query is shown as text, never run as HTML.
    let hostile = "<img src=x onerror=alert(1)>";
    box_.clear().await.unwrap();
    box_.send_keys(hostile).await.unwrap();
    eventually("the hostile query echoed as text", || async {
        text_of(client, "#status").await.contains(hostile)
    })
    .await;
    assert!(
        client
            .find_all(Locator::Css("#status img, #results img"))
            .await
            .unwrap()
            .is_empty()
    );
    assert!(client.get_alert_text().await.is_err(), "no alert may run");

    // The back button restores the previous query and its results.
    eventually("the hostile query in the URL", || async {
        client
            .current_url()
            .await
            .map(|u| u.query().unwrap_or("").contains("img"))
            .unwrap_or(false)
    })
    .await;
    client.back().await.unwrap();
    eventually("the previous query restored", || async {
        let value = client
            .find(Locator::Css("#q"))
            .await
            .unwrap()
            .prop("value")
            .await
            .unwrap_or_default();
        value.as_deref() == Some("leaky gut")
            && text_of(client, "#status").await.contains("leaky gut")
    })
    .await;

    // Keyboard: ArrowDown moves to the first result, Enter follows it.
    let box_ = client.find(Locator::Css("#q")).await.unwrap();
    box_.send_keys(&Key::Down.to_string()).await.unwrap();
    let focused = client.active_element().await.unwrap();
    assert_eq!(
        focused.attr("class").await.unwrap().as_deref(),
        Some("hit-link")
    );
    let href = focused.attr("href").await.unwrap().expect("a result link");
    assert!(href.contains('#'), "results link to a section: {href}");
    focused.send_keys(&Key::Enter.to_string()).await.unwrap();
    eventually("the section's page", || async {
        client
            .current_url()
            .await
            .map(|u| href.ends_with(&format!("{}#{}", u.path(), u.fragment().unwrap_or(""))))
            .unwrap_or(false)
    })
    .await;
}

async fn save_screenshot(client: &Client) {
    let png = client.screenshot().await.unwrap();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let target = root.join("target/browser");
    std::fs::create_dir_all(&target).unwrap();
    std::fs::write(target.join("results.png"), &png).unwrap();
    if std::env::var_os("HEALTHDEX_UPDATE_SCREENSHOT").is_some() {
        std::fs::create_dir_all(root.join("docs")).unwrap();
        std::fs::write(root.join("docs/screenshot.png"), &png).unwrap();
    }
    assert!(png.starts_with(b"\x89PNG"), "a PNG screenshot");
}
