//! The static bundle's JavaScript planner (`src/bundle/js/`) is the Rust planner's
//! equal: `node tests/js/planner.test.mjs` replays each query's plan from the
//! vocabulary answers `healthdex plan --batch` recorded, over every query of the
//! relevance suites and a few hundred generated ones, and checks the JS analyzer
//! against the Rust analyzers over whole vocabularies and every Unicode character.
//! Node is required: a machine without it fails these tests rather than skipping
//! them.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use healthdex::search::Synonyms;
use healthdex::search::limits::MAX_QUERY_ITEMS;
use healthdex::search::understand::MAX_SLOTS;
use healthdex::text::{Analyzer, PortableText};
use serde_json::json;

use crate::util::{healthdex, medquad, repo_corpus, shared};

/// A site's own synonym list beside the built-in one, with what sites write:
/// one-way entries, accents, a Greek capital final sigma, a word that is also part
/// of another name, a group longer than the alternatives a search adds.
const SITE_SYNONYMS: &str = "leaky gut => intestinal permeability, gut barrier dysfunction
ΣΟΦΙΑΣ | sophia
café au lait spots | café-au-lait macules
molar | back tooth
gut flora | gut microbiota | intestinal microbiome
tummy ache | tummyache | stomach ache | stomachache | bellyache | belly ache | sore tummy | stomach pain | tummy pain
";

/// The portable tables and the configuration the batch runs with, in one folder.
struct Setup {
    dir: tempfile::TempDir,
    synonyms: Synonyms,
}

impl Setup {
    fn new() -> Setup {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("site-synonyms.txt"), SITE_SYNONYMS).unwrap();
        std::fs::write(
            dir.path().join("healthdex.toml"),
            "[synonyms]\nfiles = [\"site-synonyms.txt\"]\n",
        )
        .unwrap();
        let loaded = healthdex::config::load(Some(&dir.path().join("healthdex.toml"))).unwrap();
        let synonyms = (*loaded.search_options().unwrap().synonyms).clone();
        write_json(&dir.path().join("text.json"), &PortableText::current());
        write_json(&dir.path().join("synonyms.json"), &synonyms.portable());
        Setup { dir, synonyms }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// The server's traced plans of `lines` (batch lines) on the index in `index_dir`.
    fn plans(&self, name: &str, index_dir: &Path, lines: &[String]) -> PathBuf {
        let queries = self.path(&format!("{name}-queries.jsonl"));
        std::fs::write(&queries, lines.join("\n") + "\n").unwrap();
        let run = healthdex(
            self.dir.path(),
            &[
                "plan",
                "--batch",
                queries.to_str().unwrap(),
                "--index",
                index_dir.to_str().unwrap(),
                "--no-refresh",
                "--config",
                self.path("healthdex.toml").to_str().unwrap(),
            ],
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert_eq!(run.stdout.lines().count(), lines.len());
        let plans = self.path(&format!("{name}-plans.jsonl"));
        std::fs::write(&plans, &run.stdout).unwrap();
        plans
    }

    /// Runs the conformance script; panics with its report if anything differs.
    /// Returns what it printed.
    fn node(&self, args: &[&Path], mode: &str) -> String {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/js/planner.test.mjs");
        let output = Command::new("node")
            .arg(&script)
            .arg(mode)
            .args(args)
            .output()
            .unwrap_or_else(|e| {
                panic!("`node` could not be run ({e}): the JS planner tests need Node.js 20 or newer on PATH")
            });
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            output.status.success(),
            "the JS {mode} differ from Rust's:\n{stderr}{stdout}"
        );
        eprintln!("{}", stdout.trim());
        stdout.into_owned()
    }

    /// Checks the plans; returns how many of them exercise each part of the
    /// planner (`features` in the script).
    /// The static bundle of `corpus`, built with this setup's configuration.
    fn bundle(&self, corpus: &Path) -> PathBuf {
        let out = self.path("bundle");
        let run = healthdex(
            self.dir.path(),
            &[
                "bundle",
                corpus.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
                "--config",
                self.path("healthdex.toml").to_str().unwrap(),
                "--quiet",
            ],
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
        out
    }

    fn check_plans(&self, plans: &Path) -> serde_json::Map<String, serde_json::Value> {
        let printed = self.node(
            &[&self.path("text.json"), &self.path("synonyms.json"), plans],
            "plans",
        );
        let coverage = printed
            .lines()
            .find_map(|line| line.strip_prefix("coverage "))
            .expect("the script reports its coverage");
        serde_json::from_str(coverage).unwrap()
    }
}

fn write_json(path: &Path, value: &impl serde::Serialize) {
    std::fs::write(path, serde_json::to_string(value).unwrap()).unwrap();
}

/// The lines of a relevance suite (JSON with a `query`, as the batch reads them).
fn suite(name: &str) -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/relevance")
        .join(name);
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_string)
        .collect()
}

fn suite_queries(names: &[&str]) -> Vec<String> {
    names
        .iter()
        .flat_map(|name| suite(name))
        .map(|line| {
            let value: serde_json::Value = serde_json::from_str(&line).unwrap();
            value["query"].as_str().unwrap().to_string()
        })
        .collect()
}

/// A small deterministic generator (xorshift64*), so a failure can be replayed.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

/// One typing mistake: a letter dropped, doubled, swapped with the next or replaced.
fn misspell(random: &mut Random, word: &str) -> String {
    let mut chars: Vec<char> = word.chars().collect();
    if chars.len() < 4 {
        return word.to_string();
    }
    let at = 1 + random.below(chars.len() - 2);
    match random.below(4) {
        0 => {
            chars.remove(at);
        }
        1 => chars.insert(at, chars[at]),
        2 => chars.swap(at, at + 1),
        _ => chars[at] = *random.pick(&['a', 'e', 'i', 'o', 's', 'z', 'c']),
    }
    chars.into_iter().collect()
}

/// Hand-picked edge cases, each once.
const EDGE_CASES: &[&str] = &[
    "",
    "   ",
    "\t\n",
    "?!.,;",
    "-",
    "--",
    "- acne",
    "-acne",
    "-\"wet wraps\"",
    "OR",
    "OR acne OR",
    "acne OR",
    "eczema OR dermatitis itch",
    "\"leaky gut\"",
    "\"leaky gut\" probiotics",
    "“curly quotes” work",
    "\"unclosed quote runs to the end",
    "title:",
    "title:\"",
    "title:\"gut barrier\" heading:diet",
    "Title:Acne",
    "-Title:acne eczema",
    "-title:acne eczema",
    "-tag:skin eczema",
    "tag:Skin author:Osei year:2019..2021 eczema",
    "year:soon",
    "year:2021..2019 acne",
    "year:>=2020 year:<2015",
    "year:>9999 year:<1000 acne",
    "year:+2020",
    "date:2020",
    "evidence:rct probiotics",
    "evidence:RCT evidence:bogus",
    "foo:bar",
    "http://example.org/acne",
    "covid-19 vaccine",
    "café naïve Crème brûlée",
    "STRASSE straße Ærø Łódź İstanbul",
    "ΣΟΦΙΑΣ σοφιας",
    "日本語 の テスト",
    "🙂 acne 🙂",
    "e\u{301}czema",
    "ｆｕｌｌｗｉｄｔｈ ａｃｎｅ",
    "½ ² ٣ Ⅻ",
    "<img src=x onerror=alert(1)>",
    "<b>bold</b> &amp; acne",
    "what is",
    "what is the",
    "how do I know if I have it",
    "hi, could you please tell me about heart attacks? thanks",
    "symptoms of acromegaly",
    "heart attack heart attack",
    "molar pregnancy",
    "ΣΟΦΙΑΣ",
    "leaky gut leaky gut leaky gut",
    "supercalifragilisticexpialidociousnessxx and probiotics",
    "UTIs",
    "high blood pressure",
];

/// Generated queries: words of the suites and of the synonym table, misspelled,
/// accented, joined with operators and noise, some with request filters.
fn generated(count: usize, seed: u64, words: &[String], terms: &[String]) -> Vec<String> {
    let mut random = Random(seed);
    let operators = [
        "OR",
        "-",
        "title:",
        "heading:",
        "tag:",
        "author:",
        "year:",
        "evidence:",
        "by:",
        "tags:",
        "date:",
    ];
    let values = [
        "2020",
        "2019..2021",
        ">=2018",
        "<2015",
        "<=2010",
        ">2019",
        "soon",
        "rct",
        "guideline",
        "Skin",
        "Osei",
        "\"gut barrier\"",
        "",
    ];
    let noise = [
        "?", "!", ",", "...", "(", ")", "&", "<br>", "'s", "--", "\"", "“", "”", "/", ":", "é",
        "ß", "💊", "\u{0}", "\u{85}", "\u{a0}", "\u{feff}", "\u{2028}", "what", "is", "the", "my",
        "could", "I",
    ];
    let mut lines = Vec::new();
    for _ in 0..count {
        let mut parts: Vec<String> = Vec::new();
        for _ in 0..1 + random.below(8) {
            let part = match random.below(10) {
                0..=3 => random.pick(words).clone(),
                4 => random.pick(terms).clone(),
                5 => {
                    let word = random.pick(words).clone();
                    misspell(&mut random, &word)
                }
                6 => format!("{}{}", random.pick(&operators), random.pick(&values)),
                7 => format!("{}{}", random.pick(&operators), random.pick(words)),
                8 => format!("\"{} {}\"", random.pick(words), random.pick(terms)),
                _ => random.pick(&noise).to_string(),
            };
            let part = match random.below(12) {
                0 => part.to_uppercase(),
                1 => part.replace('e', "é").replace('a', "à"),
                _ => part,
            };
            parts.push(part);
        }
        let separator = if random.chance(5) { "" } else { " " };
        let query = parts.join(separator);
        let line = if random.chance(15) {
            let mut filters = serde_json::Map::new();
            filters.insert("query".into(), json!(query));
            if random.chance(50) {
                filters.insert(
                    "tags".into(),
                    json!([random.pick(&["Skin", "gut", "HEART"])]),
                );
            }
            if random.chance(40) {
                filters.insert(
                    "authors".into(),
                    json!([random.pick(&["Amara Osei", "Dr. Müller"])]),
                );
            }
            if random.chance(30) {
                filters.insert("evidence".into(), json!(["rct"]));
            }
            if random.chance(40) {
                filters.insert("since".into(), json!("2019-06-01"));
            }
            if random.chance(30) {
                filters.insert("until".into(), json!("2022-12-31"));
            }
            serde_json::Value::Object(filters).to_string()
        } else {
            json!({ "query": query }).to_string()
        };
        lines.push(line);
    }
    lines.push(json!({ "query": "probiotics ".repeat(150) }).to_string());
    lines.push(json!({ "query": "a".repeat(5_000) }).to_string());
    let long_question: Vec<String> = (0..120).map(|i| words[i % words.len()].clone()).collect();
    lines.push(json!({ "query": long_question.join(" ") }).to_string());
    // As many distinct words as the planner makes slots (MAX_SLOTS), none of them
    // filler, so the cap itself is compared.
    let distinct: Vec<String> = (0..MAX_SLOTS)
        .map(|i| format!("zq{}{}k", letter(i / 26), letter(i % 26)))
        .collect();
    lines.push(json!({ "query": distinct.join(" ") }).to_string());
    // Filler up to four words short of what the parser reads (MAX_QUERY_ITEMS),
    // then twelve distinct words: both planners keep the same four.
    let past_the_cap: Vec<String> = (0..MAX_QUERY_ITEMS + 8)
        .map(|i| match i.checked_sub(MAX_QUERY_ITEMS - 4) {
            Some(n) => format!("zq{}k", letter(n)),
            None => ["what", "is", "the", "my"][i % 4].to_string(),
        })
        .collect();
    lines.push(json!({ "query": past_the_cap.join(" ") }).to_string());
    lines.extend(EDGE_CASES.iter().map(|q| json!({ "query": q }).to_string()));
    lines
}

/// The `i`th lower-case letter (`i` below 26).
fn letter(i: usize) -> char {
    char::from(b'a' + u8::try_from(i).expect("a letter index"))
}

/// Distinct words of queries (split at spaces) and synonym terms, for generating.
fn pools(queries: &[String], synonyms: &Synonyms) -> (Vec<String>, Vec<String>) {
    let words: BTreeSet<String> = queries
        .iter()
        .flat_map(|q| q.split_whitespace().map(str::to_string))
        .collect();
    let terms: BTreeSet<String> = synonyms
        .entries()
        .into_iter()
        .map(|(term, _)| term.to_string())
        .collect();
    (words.into_iter().collect(), terms.into_iter().collect())
}

#[test]
fn js_planner_equals_rust_on_the_corpus_suite_and_generated_queries() {
    let setup = Setup::new();
    let index = shared(&repo_corpus());
    let queries = suite_queries(&["corpus.jsonl", "medquad.jsonl", "medquad-long.jsonl"]);
    let (words, terms) = pools(&queries, &setup.synonyms);
    let mut lines = suite("corpus.jsonl");
    lines.extend(generated(400, 0x5eed_1234, &words, &terms));
    let plans = setup.plans("corpus", &index.dir, &lines);
    let traced = std::fs::read_to_string(&plans).unwrap();
    assert!(
        traced.contains("\"near\":{\"") && traced.contains("\"together\":{\""),
        "the queries should make the planner ask for corrections and neighbours"
    );
    let coverage = setup.check_plans(&plans);
    let uncovered: Vec<&String> = coverage
        .iter()
        .filter(|(_, count)| count.as_u64() == Some(0))
        .map(|(name, _)| name)
        .collect();
    assert!(uncovered.is_empty(), "no query exercises {uncovered:?}");
}

/// Both MedQuAD suites' queries and 300 generated from their words.
fn medquad_lines(setup: &Setup) -> Vec<String> {
    let queries = suite_queries(&["medquad.jsonl", "medquad-long.jsonl"]);
    let (words, terms) = pools(&queries, &setup.synonyms);
    let mut lines = suite("medquad.jsonl");
    lines.extend(suite("medquad-long.jsonl"));
    lines.extend(generated(300, 0xfeed_5678, &words, &terms));
    lines
}

#[test]
fn js_planner_equals_rust_on_the_medquad_suites() {
    let Some(data) = medquad() else { return };
    let setup = Setup::new();
    let index = shared(&data);
    let lines = medquad_lines(&setup);
    let plans = setup.plans("medquad", &index.dir, &lines);
    let coverage = setup.check_plans(&plans);
    for part in [
        "synonym",
        "correction",
        "found_together",
        "missing",
        "dropped",
    ] {
        assert!(
            coverage[part].as_u64() > Some(0),
            "no query exercises {part}: {coverage:?}"
        );
    }
}

/// Every distinct space-separated piece of the Markdown files under `dir`.
fn pieces_of_files(dir: &Path, into: &mut BTreeSet<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            pieces_of_files(&path, into);
        } else if path.extension().is_some_and(|e| e == "md") {
            let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
            into.extend(text.split_whitespace().map(str::to_string));
        }
    }
}

/// Every Unicode scalar value, 64 to a line, each followed by a space (so each
/// letter or digit is a token alone), and tokens near the 40-byte limit.
fn every_character() -> Vec<String> {
    let chars: Vec<char> = (0..=u32::from(char::MAX))
        .filter_map(char::from_u32)
        .collect();
    let mut texts: Vec<String> = chars
        .chunks(64)
        .map(|chunk| chunk.iter().map(|c| format!("{c} ")).collect())
        .collect();
    for n in 36..=42 {
        texts.push("a".repeat(n));
        texts.push(format!("{}é", "a".repeat(n - 2)));
        texts.push(format!("{}É", "a".repeat(n - 2)));
        texts.push(format!("{}ß", "a".repeat(n - 2)));
        texts.push(format!("{}İ", "a".repeat(n - 2)));
    }
    texts
}

#[test]
fn js_analyzer_equals_rust_on_whole_vocabularies_and_every_character() {
    let setup = Setup::new();
    let mut pieces = BTreeSet::new();
    pieces_of_files(&repo_corpus(), &mut pieces);
    if let Some(data) = medquad() {
        pieces_of_files(&data, &mut pieces);
    }
    let terms = setup.synonyms.portable().terms;
    let queries = suite_queries(&["corpus.jsonl", "medquad.jsonl", "medquad-long.jsonl"]);
    let texts: Vec<String> = pieces
        .into_iter()
        .chain(terms)
        .chain(queries)
        .chain(EDGE_CASES.iter().map(|s| s.to_string()))
        .chain(every_character())
        .collect();
    let mut analyzer = Analyzer::new();
    let mut out = String::new();
    for text in &texts {
        let line = json!({
            "text": text,
            "names": analyzer.names(text),
            "stems": analyzer.stems(text),
            "key_words": analyzer.key_words(text),
        });
        out.push_str(&line.to_string());
        out.push('\n');
    }
    let analysis = setup.path("analysis.jsonl");
    std::fs::write(&analysis, out).unwrap();
    setup.node(&[&setup.path("text.json"), &analysis], "analysis");
}

#[test]
fn plan_trace_lists_the_vocabulary_questions_and_batch_reports_bad_lines() {
    let index = shared(&repo_corpus());
    let dir = tempfile::tempdir().unwrap();
    let index_dir = index.dir.to_str().unwrap();
    let run = healthdex(
        dir.path(),
        &[
            "plan",
            "--trace",
            "--index",
            index_dir,
            "--no-refresh",
            "probiotcs",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let traced: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        traced["vocabulary"]["doc_freq"]["probiotcs"], 0,
        "{traced:#}"
    );
    let near = traced["vocabulary"]["near"]["2|probiotcs"]
        .as_array()
        .unwrap();
    assert!(near.iter().any(|w| w[0] == "probiotics"), "{near:?}");
    assert_eq!(
        traced["plan"]["notes"]["corrections"][0]["typed"],
        "probiotcs"
    );

    let batch = dir.path().join("queries.txt");
    std::fs::write(
        &batch,
        "acne\n{\"query\": \"eczema\", \"evidence\": [\"horoscope\"]}\n",
    )
    .unwrap();
    let run = healthdex(
        dir.path(),
        &[
            "plan",
            "--batch",
            batch.to_str().unwrap(),
            "--index",
            index_dir,
            "--no-refresh",
        ],
    );
    assert_ne!(run.code, 0);
    assert!(run.stderr.contains("queries.txt:2"), "{}", run.stderr);
    assert!(
        run.stderr.contains("evidence must be one of"),
        "{}",
        run.stderr
    );
    std::fs::write(&batch, "{\"query\": \"eczema\", \"tags\": \"Skin\"}\n").unwrap();
    let run = healthdex(
        dir.path(),
        &[
            "plan",
            "--batch",
            batch.to_str().unwrap(),
            "--index",
            index_dir,
            "--no-refresh",
        ],
    );
    assert!(
        run.stderr.contains("queries.txt:1") && run.stderr.contains("must be JSON"),
        "{}",
        run.stderr
    );
}

/// End to end: the bundle plans with its own vocabulary (the chunks it fetches),
/// and its plans must be the server's.
#[test]
fn the_bundle_plans_every_query_as_the_server_does() {
    let setup = Setup::new();
    let corpus = repo_corpus();
    let index = shared(&corpus);
    let queries = suite_queries(&["corpus.jsonl", "medquad.jsonl", "medquad-long.jsonl"]);
    let (words, terms) = pools(&queries, &setup.synonyms);
    let mut lines = suite("corpus.jsonl");
    lines.extend(generated(400, 0x5eed_1234, &words, &terms));
    let plans = setup.plans("bundle", &index.dir, &lines);
    let bundle = setup.bundle(&corpus);
    setup.node(&[&bundle, &plans], "bundle");
}

/// [`the_bundle_plans_every_query_as_the_server_does`] on MedQuAD.
#[test]
fn the_bundle_plans_medquad_as_the_server_does() {
    let Some(data) = medquad() else { return };
    let setup = Setup::new();
    let index = shared(&data);
    let lines = medquad_lines(&setup);
    let plans = setup.plans("bundle-medquad", &index.dir, &lines);
    let bundle = setup.bundle(&data);
    setup.node(&[&bundle, &plans], "bundle");
}
