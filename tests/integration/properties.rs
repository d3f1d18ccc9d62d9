//! Property tests standing in for fuzzing (cargo-fuzz needs a nightly toolchain,
//! which this project's machines and CI do not have): Markdown → article, citation
//! parsing and query parsing/planning, on arbitrary text and on text built from
//! Markdown pieces. 256 cases each by default; set `PROPTEST_CASES` for long runs
//! (see the README's "Reliability" section). Failing inputs are kept by proptest in
//! `proptest-regressions/` next to this file and replayed first on every run.

use std::collections::HashSet;
use std::sync::OnceLock;

use healthdex::article::{ParseOptions, parse_article, parse_reference};
use healthdex::index::{self, IndexOptions};
use healthdex::search::{Engine, SearchRequest};
use proptest::prelude::*;

/// Pieces real articles are made of, plus some that break things.
const PIECES: &[&str] = &[
    "# ",
    "## ",
    "### ",
    "#### ",
    "\n",
    "\n\n",
    "---\n",
    "+++\n",
    "title: x\n",
    "title = \"y\"\n",
    "> ",
    ">>>>",
    "- ",
    "1. ",
    "* ",
    "```\n",
    "~~~",
    "    code",
    "[^1]",
    "[^1]: Smith J. 2011;3(1):1.\n",
    "[link](http://x.org)",
    "![alt](a.png)",
    "<div>",
    "</div>",
    "<script>",
    "<!--",
    "-->",
    "{#id}",
    "| a | b |\n|---|---|\n",
    "**",
    "_",
    "`",
    "\\",
    "&amp;",
    "&#x",
    "References",
    "Sources\n",
    "doi:10.1000/x",
    "(2019)",
    "et al.",
    "é",
    "🦠",
    "\u{0}",
    "\r\n",
    "\u{feff}",
    "word",
    "gut",
    "[1]",
    "[2–4]",
    "<sup>1,2</sup>",
    "¹²",
    "(Smith, 2011)",
    "Smith et al. (2011a)",
    "1. Smith J, Lee K. Title. J Test. 2011;1:1.\n",
];

fn markdownish() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..80).prop_map(|pieces| pieces.concat())
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![any::<String>(), markdownish()]
}

proptest! {
    /// The same holds when the text is read as a `.txt` file or a built page, except
    /// that a page's anchors are its own ids (two headings may share one).
    #[test]
    fn parsing_any_text_as_text_or_html_gives_a_consistent_article(source in text(), html in any::<bool>()) {
        let path = if html { "a/b/index.html" } else { "a/b.txt" };
        let article = parse_article(path, &source, &ParseOptions::default()).article;
        for (i, section) in article.sections.iter().enumerate() {
            prop_assert_eq!(section.ordinal as usize, i);
            prop_assert!(section.level <= 3);
            prop_assert_eq!(section.text.trim(), section.text.as_str());
            prop_assert!(section.url.starts_with(&article.url));
            prop_assert_eq!(&section.breadcrumbs[0], &article.title);
            for cite in &section.cites {
                prop_assert!(article.reference(cite.reference).is_some(), "{:?}", cite);
            }
        }
        prop_assert!(!article.title.is_empty());
        for warning in healthdex::article::lint(&article) {
            prop_assert!(warning.line.is_some_and(|line| line >= 1), "{}", warning);
        }
    }

    #[test]
    fn parsing_any_text_gives_a_consistent_article(source in text()) {
        let article = parse_article("a/b.md", &source, &ParseOptions::default()).article;
        let mut anchors = HashSet::new();
        for (i, section) in article.sections.iter().enumerate() {
            prop_assert_eq!(section.ordinal as usize, i);
            prop_assert!(section.level <= 3);
            prop_assert!(section.anchor.is_empty() || anchors.insert(section.anchor.clone()), "anchor repeated: {}", section.anchor);
            prop_assert_eq!(section.text.trim(), section.text.as_str());
            prop_assert!(section.url.starts_with(&article.url));
            prop_assert_eq!(&section.breadcrumbs[0], &article.title);
            for cite in &section.cites {
                prop_assert!(article.reference(cite.reference).is_some(), "{:?}", cite);
            }
        }
        prop_assert!(!article.title.is_empty());
        for warning in healthdex::article::lint(&article) {
            prop_assert!(warning.line.is_some_and(|line| line >= 1), "{}", warning);
        }
    }

    #[test]
    fn citations_never_panic_and_stay_plausible(entry in text()) {
        let reference = parse_reference(&entry);
        if let Some(year) = reference.year {
            prop_assert!((1800..=2100).contains(&year));
        }
        prop_assert!(!reference.raw.contains("  "));
        if let Some(doi) = &reference.doi {
            prop_assert!(doi.starts_with("10."));
        }
    }

    #[test]
    fn any_query_gets_an_answer(query in text()) {
        let results = engine().search(&SearchRequest { limit: 5, ..SearchRequest::new(query) });
        prop_assert!(results.is_ok(), "{:?}", results.err());
        let results = results.unwrap();
        prop_assert!(results.hits.len() <= 5);
        for hit in &results.hits {
            let chars = hit.snippet.text.chars().count();
            prop_assert!(hit.snippet.highlights.iter().all(|[a, b]| a < b && *b <= chars));
            prop_assert!(!hit.snippet.html.contains("<script"));
        }
    }
}

/// One index of the test site, shared by every case.
fn engine() -> &'static Engine {
    static ENGINE: OnceLock<(tempfile::TempDir, Engine)> = OnceLock::new();
    &ENGINE
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let options = IndexOptions::new(
                crate::util::fixtures().join("site"),
                dir.path().join("index"),
            );
            index::update(&options).unwrap();
            let engine = Engine::open(&options.index_dir).unwrap();
            (dir, engine)
        })
        .1
}
