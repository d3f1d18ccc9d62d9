//! `healthdex bundle`: the static search, driven from Node through the bundle's own
//! `healthdex.js` over a plain static file server (tests/js/bundle_driver.mjs), and
//! compared with the server's answers on the same corpus. Node is on every machine
//! this project builds on; a missing `node` fails these tests.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use healthdex::search::eval::{Metrics, read_judgments, section_id};
use healthdex::search::{Engine, SearchRequest};
use serde_json::{Value, json};

use crate::util::{copy_dir, healthdex, medquad, repo_corpus, shared_index};

/// Writes the bundle of `corpus` into a new temporary folder.
fn bundle_of(corpus: &Path) -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    let run = healthdex(
        corpus,
        &[
            "bundle",
            corpus.to_str().unwrap(),
            "--out",
            out.path().to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 0, "bundle failed: {}", run.stderr);
    out
}

/// What the driver printed for one request.
struct Answer {
    results: Value,
    files: Vec<String>,
}

/// Opens `bundle` in Node and runs each `(query, options)`; also returns the files
/// fetched while opening. Options `{"serve": DIR}` instead serve another folder
/// from then on; `{"suggest": true}` asks for completions of the text;
/// `{"together": [QUERY, …]}` runs those searches at the same time.
fn drive(bundle: &Path, requests: &[(String, Value)]) -> (Vec<String>, Vec<Answer>) {
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("requests.jsonl");
    let lines: String = requests
        .iter()
        .map(
            |(q, o)| match (o.get("serve"), o.get("suggest"), o.get("together")) {
                (Some(dir), _, _) => format!("{}\n", json!({ "serve": dir })),
                (_, Some(_), _) => format!("{}\n", json!({ "suggest": q })),
                (_, _, Some(queries)) => format!("{}\n", json!({ "together": queries })),
                _ => format!("{}\n", json!({"query": q, "options": o})),
            },
        )
        .collect();
    std::fs::write(&list, lines).unwrap();
    let driver = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/js/bundle_driver.mjs");
    let output = Command::new("node")
        .arg(&driver)
        .arg(bundle)
        .arg(&list)
        .output()
        .expect("node runs (it is needed for the static bundle's tests; install Node.js 20)");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "the driver failed: {stderr}");
    let mut lines = std::str::from_utf8(&output.stdout).unwrap().lines();
    let opened: Value = serde_json::from_str(lines.next().expect("an opening line")).unwrap();
    let files = |v: &Value| -> Vec<String> {
        v.as_array()
            .map(|a| a.iter().map(|f| f.as_str().unwrap().to_string()).collect())
            .unwrap_or_default()
    };
    let answers = lines
        .filter(|line| !line.starts_with("{\"serving\""))
        .map(|line| {
            let v: Value = serde_json::from_str(line).unwrap();
            assert!(v.get("error").is_none(), "a search failed: {v}");
            Answer {
                files: files(&v["files"]),
                results: v["results"].clone(),
            }
        })
        .collect();
    (files(&opened["opened"]), answers)
}

fn ids(results: &Value) -> Vec<String> {
    results["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            format!(
                "{}#{}",
                h["path"].as_str().unwrap(),
                h["anchor"].as_str().unwrap()
            )
        })
        .collect()
}

fn server_ids(engine: &Engine, query: &str) -> Vec<String> {
    let request = SearchRequest {
        limit: 10,
        ..SearchRequest::new(query)
    };
    engine
        .search(&request)
        .unwrap()
        .hits
        .iter()
        .map(section_id)
        .collect()
}

/// nDCG@10 of the server and of the bundle on a judged suite, and the share of
/// queries whose ten hits are the same sections in the same order.
fn compare_on_suite(corpus: &Path, suite: &str) -> (f64, f64, f64) {
    let text = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/relevance")
            .join(suite),
    )
    .unwrap();
    let judgments = read_judgments(&text).unwrap();
    let engine = shared_index(corpus);
    let bundle = bundle_of(corpus);
    let requests: Vec<(String, Value)> = judgments
        .iter()
        .map(|j| (j.query.clone(), json!({"limit": 10})))
        .collect();
    let (_, answers) = drive(bundle.path(), &requests);
    let (mut server, mut bundled, mut same) = (0.0, 0.0, 0);
    for (judgment, answer) in judgments.iter().zip(&answers) {
        let theirs = server_ids(engine, &judgment.query);
        let ours = ids(&answer.results);
        server += Metrics::score(&theirs, &judgment.relevant).ndcg;
        bundled += Metrics::score(&ours, &judgment.relevant).ndcg;
        if theirs == ours {
            same += 1;
        } else {
            eprintln!("{}: server {theirs:?}\n   bundle {ours:?}", judgment.query);
        }
    }
    let n = judgments.len() as f64;
    eprintln!(
        "{suite}: server nDCG@10 {:.3}, bundle {:.3}; identical top 10 in {same} of {n}",
        server / n,
        bundled / n
    );
    (server / n, bundled / n, f64::from(same) / n)
}

#[test]
fn the_bundle_ranks_the_bundled_corpus_as_the_server_does() {
    let (server, bundle, same) = compare_on_suite(&repo_corpus(), "corpus.jsonl");
    assert!(
        bundle >= 0.95 * server,
        "bundle {bundle:.3} vs server {server:.3}"
    );
    assert!(
        same >= 0.8,
        "only {same:.2} of the queries have the server's top 10"
    );
}

#[test]
fn the_bundle_ranks_medquad_as_the_server_does() {
    let Some(medquad) = medquad() else { return };
    for suite in ["medquad.jsonl", "medquad-long.jsonl"] {
        let (server, bundle, _) = compare_on_suite(&medquad, suite);
        assert!(
            bundle >= 0.95 * server,
            "{suite}: bundle {bundle:.3} vs server {server:.3}"
        );
    }
}

#[test]
fn the_bundle_answers_with_the_api_json() {
    let corpus = repo_corpus();
    let engine = shared_index(&corpus);
    let bundle = bundle_of(&corpus);
    let queries = [
        "leaky gut",
        "probiotcs for eczema",
        "heart attack",
        "zzzqqq",
    ];
    let requests: Vec<(String, Value)> =
        queries.iter().map(|q| (q.to_string(), json!({}))).collect();
    let (_, answers) = drive(bundle.path(), &requests);
    for (query, answer) in queries.iter().zip(&answers) {
        let request = SearchRequest {
            facets: true,
            ..SearchRequest::new(*query)
        };
        let server = serde_json::to_value(engine.search(&request).unwrap()).unwrap();
        let keys =
            |v: &Value| -> BTreeSet<String> { v.as_object().unwrap().keys().cloned().collect() };
        assert_eq!(keys(&answer.results), keys(&server), "{query}");
        assert_eq!(answer.results["total"], server["total"], "{query}");
        for field in ["corrections", "did_you_mean", "also_searched", "missing"] {
            assert_eq!(answer.results[field], server[field], "{query}: {field}");
        }
        let hits = answer.results["hits"].as_array().unwrap();
        for (ours, theirs) in hits.iter().zip(server["hits"].as_array().unwrap()) {
            assert_eq!(keys(ours), keys(theirs), "{query}");
            for field in [
                "path",
                "title",
                "heading",
                "breadcrumbs",
                "anchor",
                "url",
                "tags",
                "date",
                "sources",
            ] {
                assert_eq!(ours[field], theirs[field], "{query}: {field}");
            }
            let html = ours["snippet"]["html"].as_str().unwrap();
            let without_marks = html.replace("<mark>", "").replace("</mark>", "");
            assert!(!without_marks.contains('<'), "only <mark> in {html}");
        }
    }
    let probiotics = &answers[1].results;
    assert_eq!(probiotics["corrections"][0]["typed"], "probiotcs");
    let heart = ids(&answers[2].results).join(" ");
    assert!(!heart.is_empty());
    assert!(answers[3].results["hits"].as_array().unwrap().is_empty());
}

#[test]
fn paging_and_filters_work_in_the_bundle() {
    let corpus = repo_corpus();
    let bundle = bundle_of(&corpus);
    let requests = vec![
        ("skin".to_string(), json!({"limit": 4})),
        ("skin".to_string(), json!({"limit": 2, "offset": 2})),
        ("skin".to_string(), json!({"tag": "gut"})),
        ("skin".to_string(), json!({"group": true, "limit": 3})),
    ];
    let (_, answers) = drive(bundle.path(), &requests);
    let first_four = ids(&answers[0].results);
    assert_eq!(ids(&answers[1].results), first_four[2..4]);
    let tagged = answers[2].results["hits"].as_array().unwrap();
    assert!(!tagged.is_empty());
    for hit in tagged {
        let tags: Vec<&str> = hit["tags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap())
            .collect();
        assert!(tags.contains(&"gut"), "{tags:?}");
    }
    let groups = answers[3].results["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 3);
    let paths: BTreeSet<&str> = groups.iter().map(|g| g["path"].as_str().unwrap()).collect();
    assert_eq!(paths.len(), 3, "one group per article");
}

#[test]
fn a_query_loads_only_the_chunks_and_fragments_it_needs() {
    let corpus = repo_corpus();
    let bundle = bundle_of(&corpus);
    let (opened, answers) = drive(bundle.path(), &[("leaky gut".into(), json!({}))]);
    assert!(
        opened.iter().any(|f| f.starts_with("index/meta-")),
        "{opened:?}"
    );
    let files = &answers[0].files;
    let all_fragments = std::fs::read_dir(bundle.path().join("fragment"))
        .unwrap()
        .count();
    let fetched_fragments = files.iter().filter(|f| f.starts_with("fragment/")).count();
    // Ten shown sections, and the few read to tell whether a section of the same
    // score and lengths as another of its article repeats it word for word.
    assert!(
        fetched_fragments > 0 && fetched_fragments <= 12,
        "{files:?}"
    );
    assert!(fetched_fragments < all_fragments);
    let all_chunks = std::fs::read_dir(bundle.path().join("index"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with("t-")
        })
        .count();
    let fetched_chunks = files.iter().filter(|f| f.starts_with("index/t-")).count();
    assert!(
        fetched_chunks >= 1 && fetched_chunks < all_chunks.max(2),
        "{files:?}"
    );
}

/// Every file of a folder with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let name = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (name, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

#[test]
fn rebundling_rewrites_nothing_and_an_edit_changes_only_what_it_must() {
    let home = tempfile::tempdir().unwrap();
    let corpus = home.path().join("corpus");
    copy_dir(&repo_corpus(), &corpus);
    let out = home.path().join("public/search");
    let bundle = |corpus: &Path| {
        let run = healthdex(
            home.path(),
            &[
                "bundle",
                corpus.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
            ],
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
        run.stderr
    };
    bundle(&corpus);
    let first = snapshot(&out);
    let said = bundle(&corpus);
    assert!(said.contains("(0 written,"), "{said}");
    assert_eq!(
        snapshot(&out),
        first,
        "a second build of the same corpus changed files"
    );

    let article = corpus.join("rosacea.md");
    let text = std::fs::read_to_string(&article).unwrap();
    // One word for another, so no other word moves: only the chunks holding
    // "heat" and "warmth" (stems and vocabulary) have to change.
    let edited = text.replacen("redness and heat", "redness and warmth", 1);
    assert_ne!(edited, text, "the fixture has the word to edit");
    std::fs::write(&article, edited).unwrap();
    bundle(&corpus);
    let second = snapshot(&out);
    let changed: Vec<&String> = second
        .keys()
        .filter(|name| first.get(*name) != second.get(*name))
        .collect();
    let kinds = |prefix: &str| changed.iter().filter(|n| n.starts_with(prefix)).count();
    assert_eq!(kinds("fragment/"), 1, "{changed:?}");
    assert_eq!(kinds("code/"), 0, "{changed:?}");
    assert!(
        changed.iter().any(|n| n.as_str() == "healthdex.js"),
        "{changed:?}"
    );
    let chunks = kinds("index/t-") + kinds("index/v-");
    let all_chunks = second
        .keys()
        .filter(|n| n.starts_with("index/t-") || n.starts_with("index/v-"))
        .count();
    assert!(
        (1..=4).contains(&chunks),
        "{chunks} of {all_chunks} chunks changed: {changed:?}"
    );
    let fragments = |files: &BTreeMap<String, Vec<u8>>| {
        files.keys().filter(|n| n.starts_with("fragment/")).count()
    };
    assert_eq!(
        fragments(&second),
        fragments(&first),
        "the old fragment was removed"
    );
}

#[test]
fn a_page_open_across_a_deploy_moves_to_the_new_build() {
    let home = tempfile::tempdir().unwrap();
    let corpus = home.path().join("corpus");
    copy_dir(&repo_corpus(), &corpus);
    let before = bundle_of(&corpus);
    let article = corpus.join("rosacea.md");
    let text = std::fs::read_to_string(&article).unwrap();
    std::fs::write(
        &article,
        text.replacen("redness and heat", "redness and warmth", 1),
    )
    .unwrap();
    // A fresh folder, as a site build writes: none of the old build's files.
    let after = bundle_of(&corpus);
    let requests = vec![
        ("rosacea".to_string(), json!({})),
        (String::new(), json!({"serve": after.path()})),
        ("warmth".to_string(), json!({})),
    ];
    let (_, answers) = drive(before.path(), &requests);
    assert!(!ids(&answers[0].results).is_empty());
    let warmth = ids(&answers[1].results);
    assert!(
        warmth.iter().any(|id| id.starts_with("rosacea.md")),
        "{warmth:?}"
    );
    assert!(
        answers[1].files.iter().any(|f| f == "healthdex.js"),
        "{:?}",
        answers[1].files
    );
}

#[test]
fn the_bundle_searches_with_the_sites_own_settings() {
    let home = tempfile::tempdir().unwrap();
    std::fs::write(
        home.path().join("healthdex.toml"),
        "[search]\nper_article = 1\n\n[synonyms]\nfiles = [\"site-synonyms.txt\"]\n",
    )
    .unwrap();
    // A site's own pair (not in the built-in list): its readers' word for a term
    // the articles use.
    std::fs::write(
        home.path().join("site-synonyms.txt"),
        "zonulae | tight junctions\n",
    )
    .unwrap();
    let out = home.path().join("bundle");
    let run = healthdex(
        home.path(),
        &[
            "bundle",
            repo_corpus().to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let (_, answers) = drive(
        &out,
        &[
            ("zonulae".to_string(), json!({})),
            ("gut".to_string(), json!({})),
        ],
    );
    let zonulae = &answers[0].results;
    assert_eq!(
        zonulae["also_searched"],
        json!(["tight junctions"]),
        "{zonulae}"
    );
    assert!(
        ids(zonulae)
            .iter()
            .any(|id| id.starts_with("intestinal-permeability.md")),
        "{zonulae}"
    );
    let articles: Vec<&str> = answers[1].results["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["path"].as_str().unwrap())
        .collect();
    let distinct: BTreeSet<&str> = articles.iter().copied().collect();
    assert_eq!(
        distinct.len(),
        articles.len(),
        "one section per article: {articles:?}"
    );
}

/// Queries built from operators, punctuation, accents and markup, the kind of input
/// a search box gets (deterministic: a fixed linear congruential sequence).
fn odd_queries(n: usize) -> Vec<String> {
    let parts = [
        "leaky",
        "gut",
        "\"heart attack\"",
        "-skin",
        "OR",
        "title:eczema",
        "heading:triggers",
        "tag:skin",
        "author:osei",
        "year:2024",
        "year:<1990",
        "evidence:rct",
        "évidence",
        "café",
        "Ærø",
        "<img src=x onerror=alert(1)>",
        "&amp;",
        "\"",
        "(",
        ")",
        "-",
        ":",
        "*",
        "probiotcs",
        "psorasis",
        "😀",
        "ß",
        "İ",
        "\u{0}",
        "\u{202e}",
        "1.5mg",
        "COVID-19",
        "what",
        "is",
        "the",
        "a",
        "molar",
        "pregnancy",
        "UTIs",
        "itchy",
    ];
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1);
        (state >> 33) as usize
    };
    (0..n)
        .map(|_| {
            let words = 1 + next() % 8;
            (0..words)
                .map(|_| parts[next() % parts.len()])
                .collect::<Vec<_>>()
                .join(if next() % 5 == 0 { "" } else { " " })
        })
        .collect()
}

#[test]
fn the_bundle_answers_any_query_without_an_error() {
    let bundle = bundle_of(&repo_corpus());
    let engine = shared_index(&repo_corpus());
    let queries = odd_queries(300);
    let requests: Vec<(String, Value)> = queries
        .iter()
        .map(|q| (q.clone(), json!({"limit": 5})))
        .collect();
    // `drive` fails on any search that throws.
    let (_, answers) = drive(bundle.path(), &requests);
    assert_eq!(answers.len(), queries.len());
    for (query, answer) in queries.iter().zip(&answers) {
        let request = SearchRequest {
            limit: 5,
            ..SearchRequest::new(query.trim())
        };
        let server = engine.search(&request).unwrap();
        assert_eq!(
            answer.results["total"].as_u64().unwrap() as usize,
            server.total,
            "{query:?}"
        );
    }
}

#[test]
fn the_bundle_completes_words_as_the_server_does() {
    let corpus = repo_corpus();
    let engine = shared_index(&corpus);
    let bundle = bundle_of(&corpus);
    let typed = [
        "leaky g",
        "heart a",
        "symptoms of d",
        "ecz",
        "title:dia",
        "s",
        "probiotics ",
        "zzzq",
        "Ré",
    ];
    let requests: Vec<(String, Value)> = typed
        .iter()
        .map(|t| (t.to_string(), json!({"suggest": true})))
        .collect();
    let (_, answers) = drive(bundle.path(), &requests);
    for (text, answer) in typed.iter().zip(&answers) {
        let server = serde_json::to_value(engine.suggest(text, 8).unwrap()).unwrap();
        let ours = &answer.results["suggestions"];
        if text.len() > 1 {
            assert_eq!(ours, &server, "{text:?}");
        } else {
            // One letter spans more chunks than a completion reads: the bundle's
            // are the server's first ones, or a prefix of them.
            let ours = ours.as_array().unwrap();
            assert!(!ours.is_empty());
            assert!(
                ours.iter()
                    .all(|s| s["text"].as_str().unwrap().starts_with('s'))
            );
        }
    }
    let leaky: Vec<&str> = answers[0].results["suggestions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["text"].as_str().unwrap())
        .collect();
    assert_eq!(leaky, ["leaky gut"], "only the word found after \"leaky\"");
}

#[test]
fn searches_running_at_the_same_time_keep_their_own_results() {
    let bundle = bundle_of(&repo_corpus());
    let queries = [
        "leaky gut",
        "rosacea triggers",
        "heart attack",
        "vitamin d",
        "sleep",
    ];
    let mut requests: Vec<(String, Value)> =
        queries.iter().map(|q| (q.to_string(), json!({}))).collect();
    requests.push((String::new(), json!({ "together": queries })));
    let (_, answers) = drive(bundle.path(), &requests);
    let at_once = answers[queries.len()].results["together"]
        .as_array()
        .unwrap();
    for (i, query) in queries.iter().enumerate() {
        assert_eq!(ids(&at_once[i]), ids(&answers[i].results), "{query}");
        assert_eq!(at_once[i]["query"], *query);
    }
}

#[test]
fn a_section_repeated_word_for_word_is_one_hit_in_the_bundle_as_on_the_server() {
    let repeated = "## What are the treatments for acromegaly?\n\nSurgery to remove the pituitary tumour, medicines that lower growth hormone, and radiation therapy.\n\n";
    let text = format!(
        "---\ntitle: Acromegaly\n---\nAcromegaly is a hormonal disorder.\n\n{repeated}{repeated}## How is it diagnosed?\n\nBlood tests measure growth hormone after a glucose drink.\n"
    );
    let dir = crate::util::corpus_of(&[("acromegaly.md", &text)]);
    let corpus = dir.path().join("corpus");
    let engine = shared_index(&corpus);
    let server = server_ids(engine, "acromegaly treatments surgery");
    let treatments = server.iter().filter(|id| id.contains("treatments")).count();
    assert_eq!(treatments, 1, "{server:?}");
    let bundle = bundle_of(&corpus);
    let (_, answers) = drive(
        bundle.path(),
        &[("acromegaly treatments surgery".into(), json!({}))],
    );
    assert_eq!(ids(&answers[0].results), server);
}

#[test]
fn the_bundle_finds_the_article_a_query_names_as_the_server_does() {
    let corpus = repo_corpus();
    let engine = shared_index(&corpus);
    let bundle = bundle_of(&corpus);
    // Also what is asked (an article's opening, a dose, side effects), a letter
    // that is part of a name ("vitamin d"), and a name left out because its
    // article never mentions the query's other word ("acne insulin").
    let queries = [
        "eczema",
        "psorasis",
        "high fiber foods",
        "leaky gut",
        "what's rosacea",
        "how much vitamin d should I take",
        "statins side effects",
        "acne insulin",
        "what helps with rosacea",
    ];
    let requests: Vec<(String, Value)> = queries
        .iter()
        .map(|q| (q.to_string(), json!({"limit": 10})))
        .collect();
    let (_, answers) = drive(bundle.path(), &requests);
    for (query, answer) in queries.iter().zip(&answers) {
        assert_eq!(ids(&answer.results), server_ids(engine, query), "{query}");
    }
    let first = |i: usize| answers[i].results["hits"][0]["path"].clone();
    assert_eq!(first(0), "eczema.md");
    assert_eq!(first(1), "psoriasis.md");
    assert_eq!(first(2), "dietary-fibre.md");
}
