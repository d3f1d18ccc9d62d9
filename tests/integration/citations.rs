//! Citations measured on judged fixtures: in-text markers linked to references
//! (`tests/fixtures/citations/markers/`, each article with the links, warnings and
//! look-alikes its TOML file says it must give), and the evidence type of real
//! reference strings (`tests/fixtures/citations/evidence.jsonl`). Both print their
//! figures; run with `--nocapture` to see them.

use std::collections::{BTreeMap, HashMap};

use healthdex::article::{
    Article, Evidence, ParseOptions, RefId, lint, parse_article, parse_reference,
};
use serde::Deserialize;

use crate::util::{fixtures, healthdex, parse_fixture, repo_corpus, temp_corpus};

/// What one marker fixture must give.
#[derive(Debug, Deserialize)]
struct Expectations {
    /// Short names for the article's references: name → text found in exactly one
    /// entry.
    refs: HashMap<String, String>,
    #[serde(default)]
    marker: Vec<ExpectedMarker>,
    #[serde(default)]
    warning: Vec<ExpectedWarning>,
}

#[derive(Debug, Deserialize)]
struct ExpectedMarker {
    line: usize,
    text: String,
    /// The references it must link to, by short name.
    #[serde(default)]
    refs: Vec<String>,
    /// It (or a part of it) must be reported as unlinked.
    #[serde(default)]
    warn: bool,
    /// It is no citation: no link, no warning.
    #[serde(default)]
    none: bool,
}

#[derive(Debug, Deserialize)]
struct ExpectedWarning {
    line: usize,
    contains: String,
}

/// One link: line, marker as written, reference.
type Link = (usize, String, RefId);

/// Counts for one fixture (or all of them).
#[derive(Debug, Default)]
struct Tally {
    markers: usize,
    expected: usize,
    produced: usize,
    correct: usize,
}

impl Tally {
    fn add(&mut self, other: &Tally) {
        self.markers += other.markers;
        self.expected += other.expected;
        self.produced += other.produced;
        self.correct += other.correct;
    }

    fn precision(&self) -> f64 {
        ratio(self.correct, self.produced)
    }

    fn recall(&self) -> f64 {
        ratio(self.correct, self.expected)
    }
}

fn ratio(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        1.0
    } else {
        part as f64 / whole as f64
    }
}

fn marker_fixtures() -> Vec<String> {
    let dir = fixtures().join("citations/markers");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("the marker fixtures exist")
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "toml"))
        .map(|path| path.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The reference whose entry holds `text`; exactly one must.
fn reference_with(article: &Article, text: &str) -> RefId {
    let found: Vec<RefId> = article
        .reference_ids()
        .filter(|(_, r)| r.raw.contains(text))
        .map(|(id, _)| id)
        .collect();
    assert_eq!(
        found.len(),
        1,
        "{}: `{text}` must name exactly one reference, names {found:?}",
        article.path
    );
    found[0]
}

/// Counts of each item, for comparing lists that may repeat.
fn counts<T: Ord + Clone>(items: &[T]) -> BTreeMap<T, usize> {
    let mut map = BTreeMap::new();
    for item in items {
        *map.entry(item.clone()).or_insert(0) += 1;
    }
    map
}

/// Checks one fixture: returns its tally, the links that differ from the
/// judgments, and the other differences (a warning missing or unexpected, a
/// look-alike taken as a marker).
fn check_fixture(name: &str) -> (Tally, Vec<String>, Vec<String>) {
    let relative = format!("citations/markers/{name}.md");
    let (article, parse_warnings) = parse_fixture(&relative).expect("the fixture parses");
    assert!(parse_warnings.is_empty(), "{name}: {parse_warnings:?}");
    let toml_path = fixtures().join(format!("citations/markers/{name}.toml"));
    let expectations: Expectations =
        toml::from_str(&std::fs::read_to_string(&toml_path).unwrap()).expect("valid expectations");
    let ids: HashMap<&str, RefId> = expectations
        .refs
        .iter()
        .map(|(short, text)| (short.as_str(), reference_with(&article, text)))
        .collect();

    let expected: Vec<Link> = expectations
        .marker
        .iter()
        .flat_map(|m| {
            m.refs.iter().map(|r| {
                let id = *ids
                    .get(r.as_str())
                    .unwrap_or_else(|| panic!("{name}: unknown reference name {r}"));
                (m.line, m.text.clone(), id)
            })
        })
        .collect();
    let produced: Vec<Link> = article
        .sections
        .iter()
        .flat_map(|s| s.cites.iter())
        .map(|c| (c.line, c.marker.clone(), c.reference))
        .collect();
    let (want, got) = (counts(&expected), counts(&produced));
    let correct = want
        .iter()
        .map(|(link, n)| (*n).min(got.get(link).copied().unwrap_or(0)))
        .sum();

    let mut links = Vec::new();
    for (link, n) in &want {
        let have = got.get(link).copied().unwrap_or(0);
        if have < *n {
            links.push(format!("{name}: missing link {link:?} ({have} of {n})"));
        }
    }
    for (link, n) in &got {
        let allowed = want.get(link).copied().unwrap_or(0);
        if *n > allowed {
            links.push(format!(
                "{name}: unexpected link {link:?} ({n}, expected {allowed})"
            ));
        }
    }
    let mut problems = check_warnings(name, &article, &expectations);
    problems.extend(check_look_alikes(name, &article, &expectations));

    let tally = Tally {
        markers: expectations.marker.len(),
        expected: expected.len(),
        produced: produced.len(),
        correct,
    };
    (tally, links, problems)
}

/// Every warning `lint` gives is expected, and every expected one is given.
fn check_warnings(name: &str, article: &Article, expectations: &Expectations) -> Vec<String> {
    let warnings = lint(article);
    let mut problems = Vec::new();
    let matches_marker = |m: &ExpectedMarker, line: Option<usize>, message: &str| {
        m.warn && line == Some(m.line) && message.contains(&format!("`{}`", m.text))
    };
    let matches_other = |w: &ExpectedWarning, line: Option<usize>, message: &str| {
        line == Some(w.line) && message.contains(&w.contains)
    };
    for warning in &warnings {
        let expected = expectations
            .marker
            .iter()
            .any(|m| matches_marker(m, warning.line, &warning.message))
            || expectations
                .warning
                .iter()
                .any(|w| matches_other(w, warning.line, &warning.message));
        if !expected {
            problems.push(format!("{name}: unexpected warning {warning}"));
        }
    }
    for m in expectations.marker.iter().filter(|m| m.warn) {
        if !warnings
            .iter()
            .any(|w| matches_marker(m, w.line, &w.message))
        {
            problems.push(format!("{name}:{}: no warning for `{}`", m.line, m.text));
        }
    }
    for w in &expectations.warning {
        if !warnings
            .iter()
            .any(|got| matches_other(w, got.line, &got.message))
        {
            problems.push(format!(
                "{name}:{}: no warning containing {:?}",
                w.line, w.contains
            ));
        }
    }
    problems
}

/// Look-alikes are neither linked nor reported.
fn check_look_alikes(name: &str, article: &Article, expectations: &Expectations) -> Vec<String> {
    let mut problems = Vec::new();
    for m in expectations.marker.iter().filter(|m| m.none) {
        let taken = article.sections.iter().any(|s| {
            s.cites
                .iter()
                .any(|c| c.line == m.line && c.marker == m.text)
                || s.unlinked
                    .iter()
                    .any(|u| u.line == m.line && u.marker == m.text)
        });
        if taken {
            problems.push(format!(
                "{name}:{}: `{}` was read as a citation",
                m.line, m.text
            ));
        }
    }
    problems
}

#[test]
fn marker_linking_precision_and_recall_on_judged_fixtures() {
    let mut total = Tally::default();
    let mut links = Vec::new();
    let mut problems = Vec::new();
    println!("fixture        markers  links  linked  correct  precision  recall");
    for name in marker_fixtures() {
        let (tally, wrong_links, found) = check_fixture(&name);
        println!(
            "{name:<14} {:>7}  {:>5}  {:>6}  {:>7}  {:>9.3}  {:>6.3}",
            tally.markers,
            tally.expected,
            tally.produced,
            tally.correct,
            tally.precision(),
            tally.recall()
        );
        total.add(&tally);
        links.extend(wrong_links);
        problems.extend(found);
    }
    println!(
        "{:<14} {:>7}  {:>5}  {:>6}  {:>7}  {:>9.3}  {:>6.3}",
        "all",
        total.markers,
        total.expected,
        total.produced,
        total.correct,
        total.precision(),
        total.recall()
    );
    for problem in links.iter().chain(&problems) {
        println!("  {problem}");
    }
    assert!(
        total.markers >= 150,
        "only {} judged markers",
        total.markers
    );
    assert!(
        total.precision() >= 0.98,
        "precision {:.3} < 0.98",
        total.precision()
    );
    assert!(
        total.recall() >= 0.92,
        "recall {:.3} < 0.92",
        total.recall()
    );
    assert!(
        problems.is_empty(),
        "warnings or look-alikes differ from the judgments:\n{problems:#?}"
    );
}

/// A reference string with the evidence type judged by reading it.
#[derive(Debug, Deserialize)]
struct Judged {
    evidence: String,
    reference: String,
}

/// An entry of a bundled corpus article (found by a text it holds) with its
/// judged evidence type.
#[derive(Debug, Deserialize)]
struct JudgedInCorpus {
    file: String,
    contains: String,
    evidence: String,
}

/// One classified case: a short label, the judgment and what healthdex says.
type Case = (String, Evidence, Evidence);

fn judgment(name: &str) -> Evidence {
    Evidence::from_name(name).unwrap_or_else(|| panic!("unknown evidence type {name:?}"))
}

fn jsonl<T: for<'de> Deserialize<'de>>(relative: &str) -> Vec<T> {
    let text = std::fs::read_to_string(fixtures().join(relative)).expect("the fixture exists");
    text.lines()
        .filter(|line| !line.trim().is_empty())
        .enumerate()
        .map(|(i, line)| {
            serde_json::from_str(line).unwrap_or_else(|err| panic!("{relative}:{}: {err}", i + 1))
        })
        .collect()
}

fn judged_strings() -> Vec<Case> {
    jsonl::<Judged>("citations/evidence.jsonl")
        .into_iter()
        .map(|j| {
            let got = parse_reference(&j.reference).evidence;
            let label: String = j.reference.chars().take(70).collect();
            (label, judgment(&j.evidence), got)
        })
        .collect()
}

/// The bundled corpus's entries, classified as the article parser leaves them.
fn judged_corpus_entries() -> Vec<Case> {
    jsonl::<JudgedInCorpus>("citations/evidence-corpus.jsonl")
        .into_iter()
        .map(|j| {
            let path = repo_corpus().join(&j.file);
            let text = std::fs::read_to_string(&path).expect("the corpus article exists");
            let article = parse_article(&j.file, &text, &ParseOptions::default()).article;
            let found: Vec<_> = article
                .references()
                .filter(|r| r.raw.contains(&j.contains))
                .collect();
            assert_eq!(
                found.len(),
                1,
                "{}: `{}` must be in exactly one entry",
                j.file,
                j.contains
            );
            (
                format!("{}: {}", j.file, j.contains),
                judgment(&j.evidence),
                found[0].evidence,
            )
        })
        .collect()
}

/// Precision of each type healthdex assigned, as (type, correct, assigned).
fn precision_by_type(cases: &[Case]) -> Vec<(Evidence, usize, usize)> {
    Evidence::ALL
        .into_iter()
        .filter(|kind| *kind != Evidence::Unknown)
        .filter_map(|kind| {
            let assigned: Vec<&Case> = cases.iter().filter(|(_, _, got)| *got == kind).collect();
            let correct = assigned.iter().filter(|(_, want, _)| *want == kind).count();
            (!assigned.is_empty()).then_some((kind, correct, assigned.len()))
        })
        .collect()
}

/// Prints the confusion summary of `cases` and returns the types whose precision
/// is under 0.9.
fn report(title: &str, cases: &[Case]) -> Vec<String> {
    let unknown = cases
        .iter()
        .filter(|(_, _, got)| *got == Evidence::Unknown)
        .count();
    println!(
        "{title}: {} references, {unknown} left unknown ({:.1}%)",
        cases.len(),
        100.0 * ratio(unknown, cases.len())
    );
    let short = |kind: Evidence| kind.as_str().chars().take(6).collect::<String>();
    let header: Vec<String> = Evidence::ALL
        .iter()
        .map(|k| format!("{:>7}", short(*k)))
        .collect();
    println!("  judged \\ given   {}", header.join(""));
    for want in Evidence::ALL {
        let row: Vec<String> = Evidence::ALL
            .iter()
            .map(|got| {
                let n = cases
                    .iter()
                    .filter(|(_, w, g)| *w == want && g == got)
                    .count();
                format!("{n:>7}")
            })
            .collect();
        println!("  {:<16} {}", want.as_str(), row.join(""));
    }
    let mut low = Vec::new();
    for (kind, correct, assigned) in precision_by_type(cases) {
        let precision = ratio(correct, assigned);
        println!(
            "  precision {:<18} {correct:>3}/{assigned:<3} = {precision:.3}",
            kind.as_str()
        );
        if precision < 0.9 {
            low.push(format!("{title}: {kind} precision {precision:.3}"));
        }
    }
    for (label, want, got) in cases {
        if *got != Evidence::Unknown && got != want {
            println!("  wrong: {label} — judged {want}, given {got}");
        }
    }
    low
}

#[test]
fn evidence_types_are_precise_on_judged_references() {
    let strings = judged_strings();
    let corpus = judged_corpus_entries();
    assert!(
        strings.len() >= 120,
        "only {} judged reference strings",
        strings.len()
    );
    let both: Vec<Case> = strings.iter().chain(&corpus).cloned().collect();
    let mut low = report("judged strings", &strings);
    low.extend(report("bundled corpus", &corpus));
    low.extend(report("both", &both));
    assert!(low.is_empty(), "{low:#?}");
    // Answering `unknown` to everything would be precise; at least two in five
    // references must get a type.
    let assigned: usize = precision_by_type(&both).iter().map(|(_, _, n)| n).sum();
    assert!(
        assigned * 5 >= both.len() * 2,
        "only {assigned} of {} references get a type",
        both.len()
    );
}

#[test]
fn index_check_reports_citation_problems_with_file_and_line() {
    let (dir, _) = temp_corpus(&fixtures().join("citations/markers"));
    let run = healthdex(dir.path(), &["index", "--check"]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    for expected in [
        "numeric.md:43: warning: the citation `[13]` points at reference 13, which the article does not list (the last is reference 12); fix the number or add the entry",
        "numeric.md:44: warning: the citation `[6–3]` is not a range healthdex can read",
        "footnotes.md:18: warning: the citation `[^missing]` has no footnote; add `[^missing]: …`",
        "footnotes.md:28: warning: the footnote `[^unused]` (`Allen SJ",
        "apa.md:26: warning: the citation `(Chen et al., 2019)` fits 2 references (line 42, line 43)",
        "apa.md:35: warning: the citation `(Smyth et al., 2018)` matches no reference",
        "mixed.md:15: warning: the citation `(Ford et al., 2017)` fits the entries on line 22, line 24, which are the same work listed more than once; keep one entry",
        "superscripts.md:26: warning: the citation `¹⁶` points at reference 16",
        "mixed.md:24: warning: reference 5 (`Ford AC, Lacy BE, Talley NJ. Irritable bowel syndrome. New E…`) is the same work as the entry on line 22 (the same DOI), written differently",
    ] {
        assert!(
            run.stderr.contains(expected),
            "missing {expected:?} in:\n{}",
            run.stderr
        );
    }
    assert!(
        !dir.path().join(".healthdex").exists(),
        "--check writes no index"
    );
}
