//! The search page (the shared UI of `src/ui/` mounted with the server source) in
//! a real browser: headless Chromium driven through chromedriver (Debian packages
//! `chromium` and `chromium-driver`, installed by `.ci/run`). Skipped with a
//! message when they are not installed, unless `HEALTHDEX_REQUIRE_BROWSER=1` (set
//! in CI), where a missing browser fails. Screenshots of the results page are
//! written to `target/browser/results.png` and, on a 390×844 phone, to
//! `target/browser/phone.png` (and the first to `docs/screenshot.png` when
//! `HEALTHDEX_UPDATE_SCREENSHOT=1`).

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
    let (dir, _) = temp_corpus(&repo_corpus());
    in_browser_serving(dir.path(), Window::Desktop, |client, base| async move {
        scenario(&client, &base).await;
        client
    });
}

/// The window a test's browser has.
#[derive(Clone, Copy, PartialEq)]
enum Window {
    Desktop,
    /// A 390×844 CSS-pixel phone with touch (chromedriver's mobile emulation).
    Phone,
}

/// Serves `corpus` with `healthdex serve` and runs `scenario` with the server's
/// base URL in a fresh browser (skipped when there is no browser; see
/// [`browser_available`]).
fn in_browser_serving<F, Fut>(corpus: &Path, window: Window, scenario: F)
where
    F: FnOnce(Client, String) -> Fut,
    Fut: std::future::Future<Output = Client>,
{
    if !browser_available() {
        return;
    }
    let server = Server::start(corpus, &[]);
    let base = server.base.clone();
    in_browser(window, move |client| scenario(client, base));
}

/// Runs `scenario` in a fresh headless browser (its own profile and driver), then
/// closes the browser.
fn in_browser<F, Fut>(window: Window, scenario: F)
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
        let client = scenario(connect(port, profile.path(), window).await).await;
        let _ = client.close().await;
    });
}

#[test]
fn the_page_shows_each_hits_sources_and_filters_by_evidence() {
    let dir = crate::util::corpus_of(&[("eczema.md", crate::sources::ARTICLE)]);
    in_browser_serving(dir.path(), Window::Desktop, |client, base| async move {
        sources_scenario(&client, &base).await;
        client
    });
}

async fn sources_scenario(client: &Client, base: &str) {
    client.goto(&format!("{base}/?q=probiotics")).await.unwrap();
    eventually("a hit's sources", || async {
        text_of(client, "details.hx-sources summary")
            .await
            .contains("2 sources · 1 systematic review, 1 randomised trial")
    })
    .await;
    client
        .find(Locator::Css("details.hx-sources summary"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let labels = client
        .find_all(Locator::Css(
            "details.hx-sources[open] li.hx-source .hx-evidence-label",
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
            ".hx-evidence button[data-value='systematic-review']",
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
            && text_of(client, "#hx-status")
                .await
                .contains("citing a systematic review")
    })
    .await;
    let hits = client
        .find_all(Locator::Css(".hx-results li.hx-hit"))
        .await
        .unwrap();
    assert_eq!(hits.len(), 1, "only the section citing the review");
}

async fn connect(port: u16, profile: &Path, window: Window) -> Client {
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
    let mut options = json!({"binary": CHROMIUM, "args": args});
    if window == Window::Phone {
        options["mobileEmulation"] = json!({
            "deviceMetrics": {"width": 390, "height": 844, "pixelRatio": 3.0, "touch": true, "mobile": true}
        });
    }
    let mut capabilities = serde_json::Map::new();
    capabilities.insert("goog:chromeOptions".into(), options);
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

async fn save_screenshot(client: &Client, name: &str) {
    let png = client.screenshot().await.unwrap();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let target = root.join("target/browser");
    std::fs::create_dir_all(&target).unwrap();
    std::fs::write(target.join(name), &png).unwrap();
    if name == "results.png" && std::env::var_os("HEALTHDEX_UPDATE_SCREENSHOT").is_some() {
        std::fs::create_dir_all(root.join("docs")).unwrap();
        std::fs::write(root.join("docs/screenshot.png"), &png).unwrap();
    }
    assert!(png.starts_with(b"\x89PNG"), "a PNG screenshot");
}

/// The value of a JavaScript expression in the page (`return` is added).
async fn eval(client: &Client, expression: &str) -> serde_json::Value {
    client
        .execute(&format!("return {expression};"), Vec::new())
        .await
        .unwrap()
}

/// The search box, once the widget has mounted it: the UI module may still be
/// loading when the page's load event fires (behind a proxy, on a busy machine).
async fn search_box(client: &Client) -> fantoccini::elements::Element {
    client
        .wait()
        .for_element(Locator::Css("#hx-q"))
        .await
        .expect("the search box appears")
}

async fn box_value(client: &Client) -> String {
    eval(client, "document.getElementById('hx-q').value")
        .await
        .as_str()
        .unwrap_or_default()
        .to_string()
}

async fn active_id(client: &Client) -> String {
    eval(
        client,
        "document.activeElement && document.activeElement.id",
    )
    .await
    .as_str()
    .unwrap_or_default()
    .to_string()
}

async fn url_query(client: &Client) -> String {
    client
        .current_url()
        .await
        .map(|u| u.query().unwrap_or("").to_string())
        .unwrap_or_default()
}

async fn count(client: &Client, css: &str) -> usize {
    client
        .find_all(Locator::Css(css))
        .await
        .map(|found| found.len())
        .unwrap_or(0)
}

/// Types into whatever has the focus.
async fn type_keys(client: &Client, keys: &str) {
    client
        .active_element()
        .await
        .unwrap()
        .send_keys(keys)
        .await
        .unwrap();
}

async fn scenario(client: &Client, base: &str) {
    client.goto(&format!("{base}/")).await.unwrap();
    // One <h1>, the page's own, outside the widget.
    assert_eq!(count(client, "h1").await, 1);
    assert_eq!(count(client, "#healthdex h1").await, 0);
    assert_eq!(text_of(client, "h1").await, "Search health articles");
    let box_ = search_box(client).await;

    // Type a topic: grouped results with marked snippets, and the query in the URL.
    box_.send_keys("leaky gut").await.unwrap();
    eventually("marked results", || async {
        count(client, ".hx-results li.hx-group .hx-snippet mark").await > 0
    })
    .await;
    assert!(
        count(client, ".hx-results li.hx-group").await >= 2,
        "results are grouped by article"
    );
    assert_eq!(
        count(client, ".hx-results h2.hx-group-title").await,
        count(client, ".hx-results li.hx-group").await,
        "each article's title is an <h2> under the page's <h1>"
    );
    eventually("the query in the URL", || async {
        url_query(client).await.contains("q=leaky")
    })
    .await;
    assert!(
        text_of(client, "#hx-status").await.contains("article"),
        "{}",
        text_of(client, "#hx-status").await
    );
    save_screenshot(client, "results.png").await;

    // Arrow keys move through the section links and back to the box.
    box_.send_keys(&Key::Down.to_string()).await.unwrap();
    let links = eval(
        client,
        "Array.from(document.querySelectorAll('a.hx-hit-link')).map(a => a.href)",
    )
    .await;
    let links: Vec<String> = serde_json::from_value(links).unwrap();
    assert!(links.len() >= 2, "{links:?}");
    let focused_href = || async { eval(client, "document.activeElement.href").await };
    assert_eq!(focused_href().await, links[0].as_str());
    type_keys(client, &Key::Down.to_string()).await;
    assert_eq!(focused_href().await, links[1].as_str());
    type_keys(client, &Key::Up.to_string()).await;
    assert_eq!(focused_href().await, links[0].as_str());
    type_keys(client, &Key::Up.to_string()).await;
    assert_eq!(
        active_id(client).await,
        "hx-q",
        "ArrowUp from the first result"
    );

    // `/` and Ctrl+K focus the box; `/` typed in another field stays a character.
    eval(
        client,
        "(() => { const t = document.createElement('textarea'); t.id = 'other'; \
         document.body.appendChild(t); document.getElementById('page-title').tabIndex = -1; \
         document.getElementById('page-title').focus(); return true; })()",
    )
    .await;
    assert_eq!(active_id(client).await, "page-title");
    type_keys(client, "/").await;
    assert_eq!(active_id(client).await, "hx-q", "`/` focuses the box");
    assert_eq!(box_value(client).await, "leaky gut", "and types nothing");
    eval(client, "(document.getElementById('other').focus(), true)").await;
    type_keys(client, "/").await;
    assert_eq!(
        active_id(client).await,
        "other",
        "`/` in another field is typed"
    );
    assert_eq!(
        eval(client, "document.getElementById('other').value").await,
        "/"
    );
    type_keys(client, &format!("{}k{}", Key::Control, Key::Null)).await;
    assert_eq!(active_id(client).await, "hx-q", "Ctrl+K focuses the box");

    // A hostile query is shown as text, never run as HTML.
    let hostile = "<img src=x onerror=alert(1)>";
    box_.clear().await.unwrap();
    box_.send_keys(hostile).await.unwrap();
    eventually("the hostile query echoed as text", || async {
        eval(client, "document.getElementById('hx-status').textContent")
            .await
            .as_str()
            .is_some_and(|status| status.contains(hostile))
    })
    .await;
    assert!(
        count(client, ".hx-results li.hx-group").await > 0,
        "its words match"
    );
    assert_eq!(count(client, "#healthdex img").await, 0);
    assert!(client.get_alert_text().await.is_err(), "no alert may run");

    // The back button restores the previous query and its results.
    eventually("the hostile query in the URL", || async {
        url_query(client).await.contains("img")
    })
    .await;
    client.back().await.unwrap();
    eventually("the previous query restored", || async {
        box_value(client).await == "leaky gut" && count(client, ".hx-results li.hx-group").await > 0
    })
    .await;

    // Enter on a focused result opens it.
    let box_ = search_box(client).await;
    box_.send_keys(&Key::Down.to_string()).await.unwrap();
    let focused = client.active_element().await.unwrap();
    assert_eq!(
        focused.attr("class").await.unwrap().as_deref(),
        Some("hx-hit-link")
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

#[test]
fn a_tag_filter_is_cleared_when_a_new_query_is_typed() {
    let (dir, _) = temp_corpus(&repo_corpus());
    in_browser_serving(dir.path(), Window::Desktop, |client, base| async move {
        let base = &base;
        client.goto(&format!("{base}/?q=probiotics")).await.unwrap();
        let chip = ".hx-tags button[data-value]";
        eventually("tag chips", || async { count(&client, chip).await > 0 }).await;
        let tag = client.find(Locator::Css(chip)).await.unwrap();
        let name = tag.attr("data-value").await.unwrap().unwrap();
        tag.click().await.unwrap();
        eventually("the filter on", || async {
            url_query(&client).await.contains("tag=")
                && count(&client, ".hx-tags button[aria-pressed='true']").await == 1
                && text_of(&client, "#hx-status")
                    .await
                    .contains(&format!("tagged \u{201c}{name}\u{201d}"))
        })
        .await;
        let box_ = search_box(&client).await;
        box_.clear().await.unwrap();
        box_.send_keys("eczema").await.unwrap();
        eventually("a new query without the filter", || async {
            let query = url_query(&client).await;
            query.contains("q=eczema")
                && !query.contains("tag=")
                && count(&client, ".hx-tags button[aria-pressed='true']").await == 0
                && !text_of(&client, "#hx-status").await.contains("tagged")
        })
        .await;
        client
    });
}

const REVIEWED: &str = "---
title: Iron deficiency
description: What low iron feels like, who is at risk and how it is treated.
authors: [Ann Lee, Ben Osei]
date: 2023-04-05
updated: 2025-01-02
reviewed_by: Dr Ada Obi
last_reviewed: 2025-02-03
tags: [blood]
---
## Symptoms

Tiredness and breathlessness are common with iron deficiency.
";

#[test]
fn a_result_shows_its_dates_authors_reviewer_and_description() {
    let dir = crate::util::corpus_of(&[("iron.md", REVIEWED)]);
    in_browser_serving(dir.path(), Window::Desktop, |client, base| async move {
        let base = &base;
        client
            .goto(&format!("{base}/?q=iron+tiredness"))
            .await
            .unwrap();
        eventually("the result", || async {
            count(&client, ".hx-group").await == 1
        })
        .await;
        for day in ["2023-04-05", "2025-01-02", "2025-02-03"] {
            assert_eq!(
                count(&client, &format!(".hx-about time[datetime='{day}']")).await,
                1,
                "{day}"
            );
        }
        let about = text_of(&client, ".hx-about").await;
        assert!(about.contains("Updated"), "{about}");
        assert!(about.contains("By Ann Lee, Ben Osei"), "{about}");
        assert!(about.contains("Reviewed by Dr Ada Obi"), "{about}");
        assert_eq!(
            text_of(&client, ".hx-description").await,
            "What low iron feels like, who is at risk and how it is treated."
        );
        client
    });
}

#[test]
fn no_results_offer_words_from_the_vocabulary_and_the_main_tags() {
    let (dir, _) = temp_corpus(&repo_corpus());
    in_browser_serving(dir.path(), Window::Desktop, |client, base| async move {
        let base = &base;
        client
            .goto(&format!("{base}/?q=qqxzv%20eczzq"))
            .await
            .unwrap();
        eventually(
            "the no-results panel with suggestions and topics",
            || async {
                count(&client, ".hx-empty-words a.hx-query-link").await > 0
                    && count(&client, ".hx-empty-tags a.hx-chip").await > 0
            },
        )
        .await;
        assert!(
            text_of(&client, ".hx-empty-title")
                .await
                .starts_with("No results for")
        );
        let words = text_of(&client, ".hx-empty-words").await;
        assert!(words.contains("eczema"), "{words}");
        // A main topic is a search of its own.
        let topic = client
            .find(Locator::Css(".hx-empty-tags a.hx-chip"))
            .await
            .unwrap();
        let name = topic.attr("data-query").await.unwrap().unwrap();
        topic.click().await.unwrap();
        eventually("the topic searched", || async {
            box_value(&client).await == name && count(&client, ".hx-group").await > 0
        })
        .await;
        assert_eq!(count(&client, ".hx-empty:not([hidden])").await, 0);
        client
    });
}

#[test]
fn on_a_phone_the_first_result_is_on_screen_and_targets_are_big_enough() {
    let (dir, _) = temp_corpus(&repo_corpus());
    in_browser_serving(dir.path(), Window::Phone, |client, base| async move {
        let base = &base;
        client.goto(&format!("{base}/?q=leaky+gut")).await.unwrap();
        eventually("results", || async {
            count(&client, ".hx-group").await > 0
        })
        .await;
        let viewport = eval(&client, "[innerWidth, innerHeight]").await;
        assert_eq!(viewport, json!([390, 844]), "the phone's viewport");
        let top = eval(
            &client,
            "document.querySelector('.hx-group').getBoundingClientRect().top",
        )
        .await
        .as_f64()
        .unwrap();
        eprintln!("first result's top on a 390x844 phone: {top} px");
        assert!(top < 844.0, "the first result starts {top} px down");
        let first_link = eval(
            &client,
            "document.querySelector('.hx-hit-link').getBoundingClientRect().bottom",
        )
        .await
        .as_f64()
        .unwrap();
        assert!(
            first_link < 844.0,
            "its first section link ends {first_link} px down"
        );
        // Every link, button and summary the widget shows is at least 24×24 px.
        let small = eval(
            &client,
            "Array.from(document.querySelectorAll('#healthdex a, #healthdex button, #healthdex summary'))\
             .filter(e => e.getClientRects().length > 0)\
             .map(e => [e.textContent.trim().slice(0, 40), e.getBoundingClientRect()])\
             .filter(([, r]) => r.height < 24 || r.width < 24)\
             .map(([t, r]) => t + ' ' + Math.round(r.width) + 'x' + Math.round(r.height))",
        )
        .await;
        assert_eq!(small, json!([]), "targets under 24 px");
        let shown = count(
            &client,
            "#healthdex a, #healthdex button, #healthdex summary",
        )
        .await;
        assert!(shown > 10, "{shown} targets checked");
        save_screenshot(&client, "phone.png").await;
        client
    });
}

#[test]
fn the_page_works_in_a_browser_under_the_readme_proxy_prefix() {
    if !browser_available() || !crate::proxy::nginx_available() {
        return;
    }
    let (dir, _) = temp_corpus(&repo_corpus());
    let server = Server::start(dir.path(), &[]);
    let nginx = crate::proxy::start_nginx(
        &crate::proxy::readme_recipe(),
        std::slice::from_ref(&server.base),
    );
    let base = nginx.base.clone();
    in_browser(Window::Desktop, |client| async move {
        client.goto(&format!("{base}/search/")).await.unwrap();
        let box_ = search_box(&client).await;
        box_.send_keys("leaky gut").await.unwrap();
        eventually("results through the prefix", || async {
            count(&client, ".hx-results .hx-group .hx-snippet mark").await > 0
        })
        .await;
        let path = client.current_url().await.unwrap().path().to_string();
        assert_eq!(path, "/search/", "the query stays on the prefixed page");
        client
    });
    let log = nginx.access_log();
    for asset in [
        "/search/assets/app.",
        "/search/assets/ui.",
        "/search/assets/server-source.",
        "/search/api/search?",
    ] {
        assert!(
            log.contains(asset),
            "{asset} requested through the prefix:\n{log}"
        );
    }
    let failed: Vec<&str> = log
        .lines()
        .filter(|line| line.contains("\"GET /search/")) // not the browser's own /favicon.ico
        .filter(|line| !line.contains("\" 200 ") && !line.contains("\" 304 "))
        .collect();
    assert!(
        failed.is_empty(),
        "every request through the prefix answered: {failed:#?}"
    );
}

#[test]
fn the_widget_links_its_own_stylesheet_and_mounts_twice_without_clashing() {
    let (dir, _) = temp_corpus(&repo_corpus());
    in_browser_serving(dir.path(), Window::Desktop, |client, base| async move {
        let base = &base;
        client.goto(&format!("{base}/")).await.unwrap();
        eventually("the page's widget", || async {
            count(&client, "#hx-q").await == 1
        })
        .await;
        // A second mount, as a site page would make it: the module by its URL, the
        // default stylesheet option, the server source.
        let mounted = client
            .execute_async(
                "const done = arguments[arguments.length - 1];\
                 const ui = document.querySelector('link[rel=modulepreload][href*=\"ui.\"]').href;\
                 const src = document.querySelector('link[rel=modulepreload][href*=\"server-source.\"]').href;\
                 document.querySelectorAll('link[rel=stylesheet][href*=\"/ui.\"]').forEach(l => l.remove());\
                 const host = document.createElement('div'); host.id = 'second'; document.body.appendChild(host);\
                 Promise.all([import(ui), import(src)]).then(([u, s]) => {\
                   const handle = u.mount(host, s.serverSource(), { history: false });\
                   handle.search('eczema'); done(true);\
                 }).catch(e => done(String(e)));",
                Vec::new(),
            )
            .await
            .unwrap();
        assert_eq!(mounted, json!(true));
        eventually("the second widget's results", || async {
            count(&client, "#second .hx-group").await > 0
        })
        .await;
        let sheets = eval(
            &client,
            "Array.from(document.querySelectorAll('link[rel=stylesheet]')).map(l => l.href)\
             .filter(h => /\\/ui\\.[0-9a-f]{12}\\.css$/.test(h)).length",
        )
        .await;
        assert_eq!(
            sheets,
            json!(1),
            "the widget linked its content-named CSS once"
        );
        assert_eq!(count(&client, "#hx2-q").await, 1, "its own ids");
        assert_eq!(
            box_value(&client).await,
            "",
            "the first widget is untouched"
        );
        let styled = eval(
            &client,
            "getComputedStyle(document.querySelector('#second .hx-submit')).borderRadius",
        )
        .await;
        assert_eq!(styled, json!("8px"), "ui.css applies");
        client
    });
}

/// A static file server (Python's `http.server`, not healthdex) on loopback,
/// stopped when dropped.
struct StaticServer(Child, u16);

impl StaticServer {
    fn start(root: &Path) -> StaticServer {
        let port = free_port();
        let child = Command::new("python3")
            .args([
                "-m",
                "http.server",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
                "--directory",
            ])
            .arg(root)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 runs (its http.server serves the static bundle in this test)");
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "the static server did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        StaticServer(child, port)
    }
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A site page that holds the static search, as the README tells a site to add
/// it, under a strict content security policy.
const STATIC_PAGE: &str = r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'">
<title>Search</title>
</head>
<body>
<h1 id="page-title">Search our articles</h1>
<div id="healthdex"></div>
<script type="module" src="search/healthdex-ui.js"></script>
</body>
</html>
"#;

#[test]
fn the_static_bundle_searches_in_a_browser_with_no_server() {
    if !browser_available() {
        return;
    }
    let root = tempfile::tempdir().unwrap();
    let site = root.path().join("some/prefix");
    let run = crate::util::healthdex(
        root.path(),
        &[
            "bundle",
            repo_corpus().to_str().unwrap(),
            "--out",
            site.join("search").to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    std::fs::write(site.join("index.html"), STATIC_PAGE).unwrap();
    let server = StaticServer::start(root.path());
    let base = format!("http://127.0.0.1:{}/some/prefix", server.1);
    in_browser(Window::Desktop, |client| async move {
        static_scenario(&client, &base).await;
        client
    });
}

async fn static_scenario(client: &Client, base: &str) {
    client.goto(&format!("{base}/")).await.unwrap();
    eventually("the search box", || async {
        count(client, "#hx-q").await == 1
    })
    .await;
    let box_ = search_box(client).await;
    box_.send_keys("leaky gut").await.unwrap();
    eventually("marked, grouped results from the bundle", || async {
        count(client, ".hx-results li.hx-group .hx-snippet mark").await > 0
    })
    .await;
    assert!(count(client, ".hx-results li.hx-group").await >= 2);
    save_screenshot(client, "static.png").await;

    // Arrow keys move through the results; the first link is a deep link.
    box_.send_keys(&Key::Down.to_string()).await.unwrap();
    let href = eval(client, "document.activeElement.href").await;
    assert!(href.as_str().is_some_and(|h| h.contains('#')), "{href}");

    // A misspelling is corrected from the corpus vocabulary.
    let box_ = search_box(client).await;
    box_.clear().await.unwrap();
    box_.send_keys("probiotcs").await.unwrap();
    eventually("probiotics marked in the results", || async {
        let marked = eval(
            client,
            "Array.from(document.querySelectorAll('.hx-snippet mark')).map(m => m.textContent.toLowerCase()).join(' ')",
        )
        .await;
        marked.as_str().is_some_and(|m| m.contains("probiotic"))
    })
    .await;

    // A lay term also searches its medical name.
    box_.clear().await.unwrap();
    box_.send_keys("heart attack").await.unwrap();
    eventually("myocardial infarction searched as well", || async {
        text_of(client, ".hx-also")
            .await
            .contains("myocardial infarction")
    })
    .await;

    // A hostile query is text, never HTML.
    let hostile = "<img src=x onerror=alert(1)>";
    box_.clear().await.unwrap();
    box_.send_keys(hostile).await.unwrap();
    eventually("the hostile query echoed as text", || async {
        eval(client, "document.getElementById('hx-status').textContent")
            .await
            .as_str()
            .is_some_and(|status| status.contains(hostile))
    })
    .await;
    assert_eq!(count(client, "#healthdex img").await, 0);
    assert!(client.get_alert_text().await.is_err(), "no alert may run");

    // Enter on a result opens its section.
    box_.clear().await.unwrap();
    box_.send_keys("rosacea triggers").await.unwrap();
    eventually("results", || async {
        count(client, ".hx-results li.hx-group").await > 0
    })
    .await;
    box_.send_keys(&Key::Down.to_string()).await.unwrap();
    let focused = client.active_element().await.unwrap();
    let href = focused.attr("href").await.unwrap().expect("a result link");
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
