//! The invariants the fuzz targets check, shared by the targets in
//! `fuzz/fuzz_targets/` and by the replay test `tests/integration/fuzz_regressions.rs`,
//! so a stored input is judged by exactly the code that found it.
//!
//! Each public function takes the raw bytes of one input and panics, with a message
//! naming the broken invariant, when healthdex misbehaves on it. Every invariant is
//! one the code documents or guarantees by construction; the comment next to each
//! check says where it comes from. Things that are false by design are not checked,
//! and the comments say why where that is not obvious.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use healthdex::article::{self, Article, ParseOptions, Reference, Section};
use healthdex::search::limits::{
    CORRECTIONS_PER_WORD, MAX_CORRECTED_WORDS, MAX_QUERY_CHARS, SECTIONS_PER_GROUP,
};
use healthdex::search::understand::{MAX_SLOTS, Matcher, Phrase, QueryPlan, required_slots};
use healthdex::search::{Hit, Profile, SearchOptions, SearchResults, Snippet};
use healthdex::{Engine, ErrorKind, IndexOptions, SearchRequest, Severity, Warning};

/// One target's checks, given the bytes of one input.
pub type Check = fn(&[u8]);

/// The fuzz targets by name, as `fuzz/seeds/<name>/` and `fuzz/regressions/<name>/`
/// are named.
pub const TARGETS: &[(&str, Check)] = &[
    ("parse_article", parse_article),
    ("parse_text", parse_text),
    ("parse_page", parse_page),
    ("parse_reference", parse_reference),
    ("query_plan", query_plan),
    ("engine_search", engine_search),
];

/// Path the fuzzed article is read under (it names the article in warnings and seeds
/// its URL and fallback title).
const ARTICLE_PATH: &str = "fuzz/input.md";
/// Path a fuzzed plain-text article is read under (`.txt`: structure inferred).
const TEXT_PATH: &str = "fuzz/input.txt";
/// Path a fuzzed built HTML page is read under (`article/page/`).
const PAGE_PATH: &str = "fuzz/page/index.html";

/// Longest snippet text: `SNIPPET_CHARS` (220, private to src/search/snippet.rs)
/// plus an ellipsis at each end.
const MAX_SNIPPET_TEXT_CHARS: usize = 220 + 2;

/// Whether the finding `name` is tolerated in this run: a comma-separated list in
/// `HEALTHDEX_FUZZ_TOLERATE` lets a fuzzer go on past a reported, not yet fixed bug
/// (`HEALTHDEX_FUZZ_TOLERATE=url-without-host,empty-plan,date-overflow fuzz/run`). The replay test does not set
/// it, so every kept regression fails there until it is fixed.
fn tolerated(name: &str) -> bool {
    static LIST: OnceLock<Vec<String>> = OnceLock::new();
    LIST.get_or_init(|| {
        std::env::var("HEALTHDEX_FUZZ_TOLERATE")
            .unwrap_or_default()
            .split(',')
            .map(|finding| finding.trim().to_string())
            .filter(|finding| !finding.is_empty())
            .collect()
    })
    .iter()
    .any(|finding| finding == name)
}

// ---------------------------------------------------------------------------
// parse_article: bytes -> corpus::decode -> parse_article

/// Decodes `data` as an article file would be and, when it is not skipped, parses it.
pub fn parse_article(data: &[u8]) {
    parse_file(ARTICLE_PATH, data);
}

/// [`parse_article`] for a `.txt` file (structure inferred from the text).
pub fn parse_text(data: &[u8]) {
    parse_file(TEXT_PATH, data);
}

/// [`parse_article`] for a built HTML page.
pub fn parse_page(data: &[u8]) {
    parse_file(PAGE_PATH, data);
}

fn parse_file(path: &str, data: &[u8]) {
    let decoded = healthdex::corpus::decode(path, data);
    check_decoded(path, data, &decoded);
    let Ok((text, _)) = decoded else {
        return;
    };
    let options = ParseOptions::default();
    let parsed = healthdex::parse_article(path, &text, &options);
    // Parsing is pure (src/article/mod.rs: "does no I/O"): the same text gives the
    // same article and warnings.
    let again = healthdex::parse_article(path, &text, &options);
    assert_eq!(
        parsed.article, again.article,
        "parse_article is not deterministic"
    );
    assert_eq!(
        parsed.warnings, again.warnings,
        "parse warnings are not deterministic"
    );
    check_warnings(path, &parsed.warnings, Severity::Warning);
    check_article(&parsed.article, &text, path);
    // `index --check` lints every article; its warnings name the article too.
    check_warnings(path, &article::lint(&parsed.article), Severity::Warning);
}

/// What `corpus::decode` promises: skipped files say why, decoded text is never
/// blank, and valid UTF-8 comes back as it is (less a byte-order mark).
fn check_decoded(path: &str, data: &[u8], decoded: &Result<(String, Vec<Warning>), Warning>) {
    match decoded {
        Err(skipped) => check_warnings(path, std::slice::from_ref(skipped), Severity::Skipped),
        Ok((text, warnings)) => {
            check_warnings(path, warnings, Severity::Warning);
            assert!(!text.trim().is_empty(), "decode returned blank text");
            // UTF-16 needs a BOM (FF FE or FE FF), which is never valid UTF-8, so a
            // valid UTF-8 input took the UTF-8 path: BOM removed, nothing repaired.
            if let Ok(utf8) = std::str::from_utf8(data) {
                let expected = utf8.strip_prefix('\u{feff}').unwrap_or(utf8);
                assert_eq!(text, expected, "valid UTF-8 was changed by decode");
                assert!(
                    warnings.is_empty(),
                    "valid UTF-8 got warnings: {warnings:?}"
                );
            }
        }
    }
}

/// Every warning names the article, has a 1-based line if any, and says something.
fn check_warnings(path: &str, warnings: &[Warning], severity: Severity) {
    for warning in warnings {
        assert_eq!(warning.path, path, "warning names another path: {warning}");
        assert_eq!(warning.severity, severity, "unexpected severity: {warning}");
        assert!(warning.line != Some(0), "warning on line 0: {warning}");
        assert!(!warning.message.trim().is_empty(), "empty warning message");
    }
}

fn check_article(article: &Article, text: &str, path: &str) {
    assert_eq!(article.path, path);
    // A page's anchors are its own ids as written (article/page/walk.rs): not slugs,
    // and a heading without an id shares the nearest one above it, or has none.
    let page = path.ends_with(".html");
    // choose_title: a trimmed front-matter title, the first non-empty H1 (whitespace
    // collapsed), or a name made from the file name: never empty, never padded.
    assert!(!article.title.is_empty(), "empty title");
    assert_eq!(article.title.trim(), article.title, "title is not trimmed");
    // article_url: an absolute front-matter URL as is, otherwise base URL (empty
    // here) + `/` + ….
    assert!(
        article.url.starts_with('/') || article.url.contains("://"),
        "article URL {:?} is neither site-relative nor absolute",
        article.url
    );
    // No `{` means no `{#id}` heading attributes, so every anchor is a slug.
    let explicit_ids_possible = text.contains('{') || page;
    let mut anchors = HashSet::new();
    let mut previous_line = 0;
    for (i, section) in article.sections.iter().enumerate() {
        let what = format!("section {i} ({:?})", section.heading);
        // Article::sections: "sections[i].ordinal == i".
        assert_eq!(section.ordinal as usize, i, "{what}: wrong ordinal");
        // Section::level: "Heading level 1-3, or 0 for the intro".
        assert!(section.level <= 3, "{what}: level {}", section.level);
        // Section::line is 1-based, and sections come in reading order.
        assert!(section.line >= 1, "{what}: line 0");
        assert!(
            section.line >= previous_line,
            "{what}: line {} before the previous section's line {previous_line}",
            section.line
        );
        previous_line = section.line;
        // Section::url: "The article URL plus #anchor (just the article URL for the
        // intro)" (article::section_url).
        assert_eq!(
            section.url,
            article::section_url(&article.url, &section.anchor),
            "{what}: URL does not match its anchor"
        );
        // Section::breadcrumbs: "Article title, then the enclosing headings, then
        // this heading".
        assert_eq!(
            section.breadcrumbs.first(),
            Some(&article.title),
            "{what}: breadcrumbs do not start with the title"
        );
        // Section::text is tidied (markdown.rs `tidy`): every line trimmed, no
        // empty lines.
        for line in section
            .text
            .split('\n')
            .filter(|_| !section.text.is_empty())
        {
            assert!(
                !line.is_empty() && line.trim() == line,
                "{what}: untidy text line {line:?} in {:?}",
                section.text
            );
        }
        if section.level == 0 {
            // Only the intro has level 0, and it comes first; it has no heading or
            // anchor, and it is kept only when it holds text or references.
            assert_eq!(i, 0, "{what}: a level-0 section that is not the first");
            assert!(
                section.heading.is_empty(),
                "{what}: the intro has a heading"
            );
            assert!(section.anchor.is_empty(), "{what}: the intro has an anchor");
            assert_eq!(
                section.breadcrumbs,
                std::slice::from_ref(&article.title),
                "{what}: intro crumbs"
            );
            assert!(
                !section.text.is_empty() || !section.references.is_empty(),
                "{what}: an empty intro was kept"
            );
        } else {
            check_heading_section(section, &what, explicit_ids_possible, page);
            // Anchors are "unique within the article" (Section::anchor, anchor.rs).
            assert!(
                page || anchors.insert(section.anchor.as_str()),
                "{what}: anchor {:?} used twice",
                section.anchor
            );
        }
        for reference in &section.references {
            check_reference(reference);
        }
        check_cites(article, section, &what);
    }
    // lint reads cites and unlinked markers: it must not panic, and its warnings
    // name a line.
    check_warnings(path, &article::lint(article), Severity::Warning);
    // Articles are exported as JSON (`healthdex export`) and stored as JSON; the
    // JSON must read back as an article. (Equality is not asserted: serde_json
    // without `float_roundtrip` may move a float of `meta.extra` by one ULP.)
    let json = serde_json::to_string(article).expect("an article serialises to JSON");
    serde_json::from_str::<Article>(&json).expect("an article's JSON reads back");
}

/// Section::cites: each names a reference the article has (Article::reference), by
/// a marker that is written somewhere, on a line of the file; an unlinked marker
/// names an existing candidate when it is ambiguous.
fn check_cites(article: &Article, section: &Section, what: &str) {
    for cite in &section.cites {
        assert!(
            article.reference(cite.reference).is_some(),
            "{what}: cite {cite:?} names no reference"
        );
        assert!(!cite.marker.is_empty(), "{what}: cite with an empty marker");
        assert!(cite.line >= 1, "{what}: cite on line 0");
    }
    for unlinked in &section.unlinked {
        assert!(unlinked.line >= 1, "{what}: unlinked marker on line 0");
        if let article::CiteProblem::Ambiguous { candidates } = &unlinked.problem {
            assert!(
                candidates.len() >= 2,
                "{what}: ambiguous with {candidates:?}"
            );
            for id in candidates {
                assert!(article.reference(*id).is_some(), "{what}: candidate {id:?}");
            }
        }
    }
}

fn check_heading_section(section: &Section, what: &str, explicit_ids_possible: bool, page: bool) {
    // end_heading collapses the heading's whitespace.
    let collapsed = section
        .heading
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert_eq!(
        section.heading, collapsed,
        "{what}: heading whitespace not collapsed"
    );
    // breadcrumbs(): the title, enclosing headings of strictly lower levels, then
    // the heading itself; so at most `level` headings follow the title.
    assert_eq!(
        section.breadcrumbs.last(),
        Some(&section.heading),
        "{what}: breadcrumbs do not end with the heading"
    );
    assert!(
        (2..=section.level as usize + 1).contains(&section.breadcrumbs.len()),
        "{what}: {} breadcrumbs at level {}",
        section.breadcrumbs.len(),
        section.level
    );
    assert!(
        page || !section.anchor.is_empty(),
        "{what}: a heading without an anchor"
    );
    if !explicit_ids_possible {
        // anchor.rs: the GitHub-style slug of the heading ("section" when it has no
        // letters or digits), with the first free `-N` suffix when it is taken.
        let mut base = github_slug(&section.heading);
        if base.is_empty() {
            base = "section".to_string();
        }
        let suffix_ok = section
            .anchor
            .strip_prefix(base.as_str())
            .and_then(|rest| rest.strip_prefix('-'))
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
        assert!(
            section.anchor == base || suffix_ok,
            "{what}: anchor {:?} is not the slug {base:?} (or it with -N)",
            section.anchor
        );
    }
}

/// The documented anchor rule (src/article/anchor.rs): lower-case, whitespace
/// becomes `-`, characters other than letters, digits, `-` and `_` are dropped.
fn github_slug(heading: &str) -> String {
    let mut slug = String::new();
    for c in heading.trim().chars() {
        if c.is_alphanumeric() || c == '-' || c == '_' {
            slug.extend(c.to_lowercase());
        } else if c.is_whitespace() {
            slug.push('-');
        }
    }
    slug
}

// ---------------------------------------------------------------------------
// parse_reference: text -> parse_reference

/// Parses `data` (as UTF-8, invalid bytes replaced) as one bibliography entry.
pub fn parse_reference(data: &[u8]) {
    let entry = String::from_utf8_lossy(data);
    let reference = healthdex::parse_reference(&entry);
    // "Parsing is pure: no I/O, no state besides lazily compiled patterns."
    assert_eq!(
        reference,
        healthdex::parse_reference(&entry),
        "parse_reference is not deterministic"
    );
    check_reference(&reference);
}

/// The field contracts of [`Reference`] (src/article/citation/mod.rs) and the
/// shapes its extraction steps guarantee.
fn check_reference(r: &Reference) {
    let raw = r.raw.as_str();
    // `raw`: "with Markdown removed and whitespace collapsed" (clean_markup joins
    // tokens with single spaces; the list marker strip eats the following space).
    let collapsed = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    assert_eq!(raw, collapsed, "raw is not whitespace-collapsed: {raw:?}");
    // `year`: "only when it lies in 1800-2100".
    if let Some(year) = r.year {
        assert!(
            (1800..=2100).contains(&year),
            "implausible year {year} from {raw:?}"
        );
    }
    if let Some(doi) = &r.doi {
        // DOI pattern `10\.\d{4,9}/[^\s<>]+`, checked by clean_doi: the prefix is
        // "10." and digits (Unicode digits: the pattern's `\d` is Unicode-aware).
        let (prefix, suffix) = doi
            .split_once('/')
            .unwrap_or_else(|| panic!("DOI {doi:?} has no /"));
        let digits = prefix
            .strip_prefix("10.")
            .unwrap_or_else(|| panic!("DOI {doi:?} lacks 10."));
        assert!(
            (4..=9).contains(&digits.chars().count()) && digits.chars().all(char::is_numeric),
            "DOI prefix {prefix:?} is not 10. and 4-9 digits"
        );
        assert!(!suffix.is_empty(), "DOI {doi:?} has an empty suffix");
        assert!(
            !doi.contains(|c: char| c.is_whitespace() || c == '<' || c == '>'),
            "DOI {doi:?} holds whitespace or <>"
        );
        // The DOI is cut from the entry: only `%2F` is decoded to `/` and `...` is
        // read as `…`, so every piece between those is a substring of `raw`.
        assert!(raw.contains(prefix), "DOI prefix {prefix:?} not in {raw:?}");
        assert_pieces_in(doi, &['/', '…'], raw, "DOI");
    }
    if let Some(pmid) = &r.pmid {
        // `pmid`: "PubMed identifier, digits only" (pattern `\d{1,10}`).
        assert!(
            (1..=10).contains(&pmid.chars().count()) && pmid.chars().all(char::is_numeric),
            "PMID {pmid:?} is not 1-10 digits"
        );
        assert!(raw.contains(pmid.as_str()), "PMID {pmid:?} not in {raw:?}");
    }
    if let Some(pmcid) = &r.pmcid {
        // `pmcid`: "PMC1234567" (patterns `PMC\s?(\d{3,10})`, `/(PMC\d{3,10})`).
        let digits = pmcid
            .strip_prefix("PMC")
            .unwrap_or_else(|| panic!("PMCID {pmcid:?}"));
        assert!(
            (3..=10).contains(&digits.chars().count()) && digits.chars().all(char::is_numeric),
            "PMCID {pmcid:?} is not PMC and 3-10 digits"
        );
    }
    if let Some(url) = &r.url {
        // `url`: "First URL that is not a doi.org link, trailing punctuation
        // trimmed" (pattern `(?:https?://|\bwww\.)[^\s<>"]+`, then trim_link_end).
        let lower = url.to_lowercase();
        let host = ["http://", "https://", "www."]
            .iter()
            .find_map(|prefix| lower.strip_prefix(prefix));
        // A link has something after its scheme or `www.`. Finding url-without-host:
        // "Www.:" gives the URL "Www" and "http://." gives "http://" (trim_link_end
        // takes the trailing dot of the prefix).
        let no_host = lower == "www" || host == Some("");
        assert!(
            host.is_some_and(|host| !host.is_empty()) || (no_host && tolerated("url-without-host")),
            "URL {url:?} is not http(s):// or www. followed by a host"
        );
        assert!(
            !url.contains(|c: char| c.is_whitespace() || "<>\"".contains(c)),
            "URL {url:?} holds whitespace, <, > or \""
        );
        let last = url.chars().next_back().expect("a URL is never empty");
        assert!(
            !".,;:!?'\"”’>".contains(last),
            "URL {url:?} ends in punctuation"
        );
        assert!(!is_doi_org_link(&lower), "URL {url:?} is a doi.org link");
        assert_pieces_in(url, &['…'], raw, "URL");
    }
    // clean_author, clean_title and clean_container keep only trimmed text with a
    // letter or digit.
    for author in &r.authors {
        assert!(has_words(author), "author {author:?} from {raw:?}");
    }
    for (name, value) in [("title", &r.title), ("container", &r.container)] {
        if let Some(value) = value {
            assert!(has_words(value), "{name} {value:?} from {raw:?}");
        }
    }
    // set_locators drops empty volumes and issues; clean_pages removes whitespace
    // and writes dashes as `-`; the page patterns need a digit.
    for (name, value) in [("volume", &r.volume), ("issue", &r.issue)] {
        if let Some(value) = value {
            assert!(
                !value.is_empty() && value.trim() == value,
                "{name} {value:?}"
            );
        }
    }
    if let Some(pages) = &r.pages {
        assert!(
            pages.chars().any(char::is_numeric)
                && !pages.contains(|c: char| c.is_whitespace() || c == '–' || c == '—'),
            "pages {pages:?}"
        );
    }
}

/// Not empty, trimmed, and holding at least one letter or digit.
fn has_words(text: &str) -> bool {
    text.trim() == text && text.chars().any(char::is_alphanumeric)
}

/// `(?i)^(?:https?://)?(?:dx\.|www\.)?doi\.org(?:[/?#]|$)` on a lower-cased link.
fn is_doi_org_link(lower: &str) -> bool {
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
        .unwrap_or(lower);
    let rest = rest
        .strip_prefix("dx.")
        .or_else(|| rest.strip_prefix("www."))
        .unwrap_or(rest);
    rest.strip_prefix("doi.org")
        .is_some_and(|after| after.is_empty() || after.starts_with(['/', '?', '#']))
}

/// Every non-empty piece of `value` between `separators` occurs in `raw`.
fn assert_pieces_in(value: &str, separators: &[char], raw: &str, what: &str) {
    for piece in value.split(separators).filter(|p| !p.is_empty()) {
        assert!(
            raw.contains(piece),
            "{what} {value:?}: piece {piece:?} is not in the entry {raw:?}"
        );
    }
}

// ---------------------------------------------------------------------------
// The index both search targets use

/// The engines over the fixture articles (`tests/fixtures/articles`), built once per
/// process: the default one (3 sections per article on the first page) and one
/// without that cap, whose order is the plain ranking.
struct Engines {
    capped: Engine,
    uncapped: Engine,
}

fn engines() -> &'static Engines {
    static ENGINES: OnceLock<Engines> = OnceLock::new();
    ENGINES.get_or_init(|| {
        let work = scratch_dir();
        let corpus = work.join("corpus");
        copy_tree(&fixture_articles(), &corpus);
        let options = IndexOptions::new(corpus, work.join("index"));
        let report = healthdex::update(&options).expect("the fixture articles index");
        assert!(report.articles > 0, "no fixture article was indexed");
        let capped = Engine::open(&options.index_dir).expect("the fixture index opens");
        let uncapped = capped.with_options(SearchOptions {
            per_article: 0,
            ..SearchOptions::default()
        });
        Engines { capped, uncapped }
    })
}

/// `tests/fixtures/articles`, from the main crate (the test) or from `fuzz/`.
fn fixture_articles() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    [
        here.join("tests/fixtures/articles"),
        here.join("../tests/fixtures/articles"),
    ]
    .into_iter()
    .find(|dir| dir.is_dir())
    .expect("tests/fixtures/articles is found next to the crate")
}

/// A fresh folder for this process's index, `healthdex-fuzz-<pid>` in the temporary
/// folder. The engines live until the process ends, so the folder cannot be
/// removed on drop; instead, those of processes that are gone are removed here
/// (libFuzzer's minimisation starts many processes).
fn scratch_dir() -> PathBuf {
    const PREFIX: &str = "healthdex-fuzz-";
    let temp = std::env::temp_dir();
    if let Ok(entries) = std::fs::read_dir(&temp) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let Some(pid) = name.strip_prefix(PREFIX) else {
                continue;
            };
            let gone = pid.parse::<u32>().is_ok()
                && Path::new("/proc/self").exists()
                && !Path::new("/proc").join(pid).exists();
            if gone {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
    let dir = temp.join(format!("{PREFIX}{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("the scratch folder is created");
    dir
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create a corpus folder");
    for entry in std::fs::read_dir(from).expect("read the fixture folder") {
        let entry = entry.expect("read a fixture entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("fixture file type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy a fixture");
        }
    }
}

// ---------------------------------------------------------------------------
// query_plan: text -> Engine::plan

/// Plans `data` (as UTF-8, invalid bytes replaced) as a query.
pub fn query_plan(data: &[u8]) {
    let query = String::from_utf8_lossy(data).into_owned();
    let engine = &engines().capped;
    let request = SearchRequest::new(query.as_str());
    let plan = engine.plan(&request);
    // Planning depends only on the text, the synonyms and the index vocabulary.
    assert_eq!(
        plan,
        engine.plan(&request),
        "Engine::plan is not deterministic"
    );
    // `--explain --format json` prints the plan; it must serialise and read back.
    let json = serde_json::to_string(&plan).expect("a plan serialises to JSON");
    let back: QueryPlan = serde_json::from_str(&json).expect("a plan's JSON reads back");
    assert_eq!(back, plan, "the plan changed through JSON: {json}");
    // parse() reads only the first MAX_QUERY_CHARS characters.
    if query.chars().count() > MAX_QUERY_CHARS {
        let clipped = healthdex::search::understand::clip(&query);
        assert_eq!(
            engine.plan(&SearchRequest::new(clipped)),
            plan,
            "text past MAX_QUERY_CHARS changed the plan"
        );
    }
    check_plan(&plan);
}

fn check_plan(plan: &QueryPlan) {
    // understand(): slots are truncated to MAX_SLOTS and `needed` is
    // required_slots(number of slots).
    assert!(plan.slots.len() <= MAX_SLOTS, "{} slots", plan.slots.len());
    assert_eq!(plan.needed, required_slots(plan.slots.len()), "needed");
    for slot in &plan.slots {
        // Every slot is built from at least one way of matching it, each with a
        // positive weight and at least one word.
        assert!(
            !slot.options.is_empty(),
            "slot {:?} has no options",
            slot.label
        );
        for option in &slot.options {
            assert!(
                option.weight.is_finite() && option.weight > 0.0,
                "slot {:?}: weight {}",
                slot.label,
                option.weight
            );
            let words = match &option.matcher {
                Matcher::EachWord(words) => words.len(),
                Matcher::Phrase(phrase) => phrase.words.len(),
            };
            assert!(
                words > 0,
                "slot {:?} has an option without words",
                slot.label
            );
        }
    }
    for boost in &plan.boosts {
        // proximity(): pairs of neighbours, or a run of 3-8 words as a phrase.
        assert!(
            boost.weight.is_finite() && boost.weight > 0.0,
            "boost weight"
        );
        assert!(
            (2..=8).contains(&boost.phrase.words.len()),
            "boost {:?} has {} words",
            boost.label,
            boost.phrase.words.len()
        );
    }
    // Empty requirements and exclusions are filtered out.
    let mut phrases = plan
        .required
        .iter()
        .map(|r| &r.phrase)
        .chain(&plan.excluded);
    assert!(
        phrases.all(|p: &Phrase| !p.words.is_empty()),
        "a phrase without words"
    );
    // `bag`: "Every analyzed word of the plain query, once"; highlights are added once.
    assert_distinct(&plan.bag, "bag");
    assert_distinct(&plan.notes.highlight, "highlight");
    // Notes: did-you-mean exactly when something was corrected; at most
    // MAX_CORRECTED_WORDS words looked up, each read as 1..=CORRECTIONS_PER_WORD words.
    let notes = &plan.notes;
    assert_eq!(
        notes.did_you_mean.is_some(),
        !notes.corrections.is_empty(),
        "did_you_mean without corrections or the reverse"
    );
    assert!(
        notes.corrections.len() <= MAX_CORRECTED_WORDS,
        "too many corrections"
    );
    for correction in &notes.corrections {
        assert!(
            (1..=CORRECTIONS_PER_WORD).contains(&correction.read_as.len()),
            "correction {correction:?}"
        );
    }
}

fn assert_distinct(words: &[String], what: &str) {
    let mut seen = HashSet::new();
    for word in words {
        assert!(
            seen.insert(word),
            "{what}: {word:?} listed twice in {words:?}"
        );
    }
}

// ---------------------------------------------------------------------------
// engine_search: text [NUL options] -> Engine::search

/// Searches the fixture index. The input is the query text, optionally followed by
/// a NUL byte and option bytes (see [`request_of`]); without a NUL it is a plain
/// query with the default options. (NUL in a query is left to `query_plan`.)
pub fn engine_search(data: &[u8]) {
    let (request, uncapped) = request_of(data);
    let engines = engines();
    let engine = if uncapped {
        &engines.uncapped
    } else {
        &engines.capped
    };
    let plan = engine.plan(&request);
    // Finding date-overflow: a date filter outside tantivy's DateTime range (i64
    // nanoseconds: 1677-09-21 to 2262-04-11) overflows in compile.rs's
    // `DateTime::from_timestamp_secs` (a panic with overflow checks, a wrong range
    // without), e.g. `gut year:<2300`.
    const LIMIT: i64 = i64::MAX / 1_000_000_000 - 86_400; // a day of margin
    let representable = |date: Option<healthdex::article::Date>| {
        date.is_none_or(|d| (-LIMIT..=LIMIT).contains(&d.unix_seconds()))
    };
    if !(representable(plan.filters.since) && representable(plan.filters.until))
        && tolerated("date-overflow")
    {
        return;
    }
    let result = engine.search(&request);
    // search() validates the request against Profile::LIBRARY first; past that, a
    // search of a sound index does not fail.
    match (request.validate(&Profile::LIBRARY), result) {
        (Err(_), Ok(_)) => panic!("an invalid request was answered: {request:?}"),
        (Err(expected), Err(error)) => {
            assert_eq!(error.kind(), ErrorKind::BadRequest, "{error}");
            assert_eq!(error.to_string(), expected.to_string());
        }
        (Ok(()), Err(error)) => panic!("a valid request failed: {error} ({:?})", error.kind()),
        (Ok(()), Ok(results)) => check_results(&request, &results, &plan, uncapped),
    }
}

/// The request an `engine_search` input stands for, and whether to search without
/// the per-article cap. After the first NUL byte: limit, offset, flags, since/until
/// years, tag, author (each byte optional).
fn request_of(data: &[u8]) -> (SearchRequest, bool) {
    let (query, options) = match data.iter().position(|&b| b == 0) {
        Some(nul) => (&data[..nul], &data[nul + 1..]),
        None => (data, &[][..]),
    };
    let byte = |i: usize| options.get(i).copied();
    let mut request = SearchRequest::new(String::from_utf8_lossy(query).into_owned());
    if let Some(b) = byte(0) {
        // 0 and 1001 are out of range on purpose.
        request.limit = match b {
            255 => 1001,
            254 => 1000,
            b => usize::from(b),
        };
    }
    if let Some(b) = byte(1) {
        request.offset = match b {
            255 => 100_001,
            254 => 100_000,
            b => usize::from(b),
        };
    }
    let flags = byte(2).unwrap_or(0);
    request.group = flags & 1 != 0;
    request.explain = flags & 2 != 0;
    request.facets = flags & 4 != 0;
    let uncapped = flags & 8 != 0;
    let date = |b: Option<u8>| {
        let b = b.unwrap_or(0);
        healthdex::article::Date::new(2000 + u16::from(b % 32), 1 + b % 12, 1 + b % 28)
    };
    if flags & 16 != 0 {
        request.filters.since = date(byte(3));
    }
    if flags & 32 != 0 {
        request.filters.until = date(byte(4));
    }
    const TAGS: &[&str] = &["skin", "gut", "diet", "Probiotics", "nothing-has-this"];
    const AUTHORS: &[&str] = &["Ann Lee", "kim", "Park", "nobody"];
    if let Some(b) = byte(5) {
        request
            .filters
            .tags
            .push(TAGS[usize::from(b) % TAGS.len()].to_string());
    }
    if let Some(b) = byte(6) {
        request
            .filters
            .authors
            .push(AUTHORS[usize::from(b) % AUTHORS.len()].to_string());
    }
    (request, uncapped)
}

fn check_results(
    request: &SearchRequest,
    results: &SearchResults,
    plan: &QueryPlan,
    uncapped: bool,
) {
    // SearchResults::query: "The query as read (its first MAX_QUERY_CHARS characters)".
    assert_eq!(
        results.query,
        healthdex::search::understand::clip(&request.query)
    );
    // The notes and the plan are those of the request's plan.
    assert_eq!(
        results.also_searched, plan.notes.also_searched,
        "also_searched"
    );
    assert_eq!(results.corrections, plan.notes.corrections, "corrections");
    assert_eq!(
        results.did_you_mean, plan.notes.did_you_mean,
        "did_you_mean"
    );
    // SearchResults::plan: "How the query was understood (when an explanation was
    // asked for)". Finding empty-plan: search() returns early, without the plan,
    // when nothing searchable is left (`???`, `tag:skin` alone).
    match (&results.plan, request.explain) {
        (Some(shown), true) => assert_eq!(shown, plan, "the explained plan differs"),
        (None, false) => {}
        (None, true) if plan.is_empty() && tolerated("empty-plan") => {}
        (shown, explain) => panic!(
            "plan shown: {}, explain asked: {explain} (empty plan: {})",
            shown.is_some(),
            plan.is_empty()
        ),
    }
    // Facets are counted only when asked for; counts are positive, most frequent first.
    if !request.facets {
        assert!(results.facets.tags.is_empty(), "facets without asking");
    }
    let counts: Vec<u64> = results.facets.tags.iter().map(|t| t.count).collect();
    assert!(counts.iter().all(|&c| c > 0), "a facet with count 0");
    assert!(
        counts.windows(2).all(|w| w[0] >= w[1]),
        "facets out of order: {counts:?}"
    );
    // There is no second tier of results exactly when the plan needs one slot or
    // none (compile(): `relaxed` only when needed > 1); only then are the scores
    // one ranking.
    let one_ranking = plan.needed <= 1;
    match &results.groups {
        None => {
            // SearchResults::groups: "The page of articles, when grouping was asked
            // for". Finding empty-plan: the same early return leaves `groups` out
            // (JSON `"hits": []`, not `"groups": []`) for `in` or `???`.
            assert!(
                !request.group || (plan.is_empty() && tolerated("empty-plan")),
                "grouping asked for, hits returned (empty plan: {})",
                plan.is_empty()
            );
            assert!(
                results.hits.len() <= request.limit,
                "more hits than the limit"
            );
            assert!(
                results.hits.len() <= results.total,
                "more hits than matches"
            );
            check_hits(&results.hits, request);
            if one_ranking {
                check_ranked(&results.hits, uncapped);
            }
        }
        Some(groups) => {
            assert!(request.group, "groups without asking");
            assert!(results.hits.is_empty(), "hits beside groups");
            assert!(groups.len() <= request.limit, "more groups than the limit");
            let sections: usize = groups.iter().map(|g| g.hits.len()).sum();
            assert!(
                sections <= results.total,
                "more grouped sections than matches"
            );
            let mut paths = HashSet::new();
            for group in groups {
                assert!(
                    paths.insert(group.path.as_str()),
                    "article {} grouped twice",
                    group.path
                );
                assert!(
                    (1..=SECTIONS_PER_GROUP).contains(&group.hits.len()),
                    "group of {} sections",
                    group.hits.len()
                );
                let best = &group.hits[0];
                assert_eq!(
                    group.score, best.score,
                    "group score is not its best section's"
                );
                assert_eq!((&group.path, &group.title), (&best.path, &best.title));
                assert!(
                    group.hits.iter().all(|h| h.path == group.path),
                    "mixed group"
                );
                // Group::url: the article URL, "no anchor".
                assert!(
                    !group.url.contains('#'),
                    "group URL {} has an anchor",
                    group.url
                );
                assert!(best.url.starts_with(&group.url), "group URL {}", group.url);
                check_hits(&group.hits, request);
                if one_ranking {
                    // Sections of a group are in rank order.
                    check_ranked(&group.hits, true);
                }
            }
            if one_ranking {
                // Groups come "in the order of their best item".
                let scores: Vec<f32> = groups.iter().map(|g| g.score).collect();
                assert!(
                    scores.windows(2).all(|w| w[0] >= w[1]),
                    "groups out of order: {scores:?}"
                );
            }
        }
    }
}

fn check_hits(hits: &[Hit], request: &SearchRequest) {
    let mut sections = HashSet::new();
    for hit in hits {
        // BM25 and the plan's weights are positive.
        assert!(
            hit.score.is_finite() && hit.score >= 0.0,
            "score {}",
            hit.score
        );
        assert!(
            sections.insert((hit.path.as_str(), hit.anchor.as_str())),
            "section {}#{} returned twice",
            hit.path,
            hit.anchor
        );
        // Hit::url: "Article URL plus #anchor (no fragment for the intro)".
        if !hit.anchor.is_empty() {
            assert!(
                hit.url.ends_with(&format!("#{}", hit.anchor)),
                "URL {} vs anchor",
                hit.url
            );
        }
        // Hit::breadcrumbs: "Title › enclosing headings › heading".
        assert_eq!(hit.breadcrumbs.first(), Some(&hit.title), "breadcrumbs");
        if !hit.heading.is_empty() {
            assert_eq!(hit.breadcrumbs.last(), Some(&hit.heading), "breadcrumbs");
        }
        // Hit::date: `YYYY-MM-DD`.
        if let Some(date) = &hit.date {
            assert!(
                date.parse::<healthdex::article::Date>().is_ok(),
                "date {date:?}"
            );
        }
        assert_eq!(hit.explain.is_some(), request.explain, "explain parts");
        if let Some(parts) = &hit.explain {
            assert!(
                parts.iter().all(|p| p.score.is_finite() && p.score > 0.0),
                "explain"
            );
        }
        check_snippet(&hit.snippet);
    }
}

/// Scores of one ranking. Sections with text come before those that are only a
/// heading or a reference list (arrange::answers_first), each in rank order, so a
/// ranking is at most two runs of falling scores. Without the per-article cap that
/// holds for the page; with it (arrange::cap_per_article) the first page is
/// reordered, but it still holds for each article's sections.
fn check_ranked(hits: &[Hit], uncapped: bool) {
    let scores: Vec<f32> = hits.iter().map(|h| h.score).collect();
    let rises = |scores: &[f32]| scores.windows(2).filter(|w| w[0] < w[1]).count();
    if uncapped {
        assert!(rises(&scores) <= 1, "hits out of rank order: {scores:?}");
        return;
    }
    let mut per_article: std::collections::HashMap<&str, Vec<f32>> =
        std::collections::HashMap::new();
    for hit in hits {
        per_article.entry(&hit.path).or_default().push(hit.score);
    }
    for (path, article) in per_article {
        assert!(
            rises(&article) <= 1,
            "{path}: sections out of rank order: {scores:?}"
        );
    }
}

/// Snippet: "HTML in which all text is escaped and the only markup is <mark>", the
/// same text as `text`, and `highlights` the character ranges of the marks.
fn check_snippet(snippet: &Snippet) {
    let html = snippet.html.as_str();
    let mut text = String::new();
    let mut chars = 0;
    let mut marks: Vec<[usize; 2]> = Vec::new();
    let mut open: Option<usize> = None;
    let mut rest = html;
    while let Some(c) = rest.chars().next() {
        if let Some(after) = rest.strip_prefix("<mark>") {
            assert!(open.is_none(), "nested <mark> in {html:?}");
            open = Some(chars);
            rest = after;
        } else if let Some(after) = rest.strip_prefix("</mark>") {
            let start = open
                .take()
                .unwrap_or_else(|| panic!("</mark> without <mark> in {html:?}"));
            marks.push([start, chars]);
            rest = after;
        } else if c == '&' {
            let (decoded, len) = [
                ("&amp;", '&'),
                ("&lt;", '<'),
                ("&gt;", '>'),
                ("&quot;", '"'),
                ("&#39;", '\''),
            ]
            .iter()
            .find(|(entity, _)| rest.starts_with(entity))
            .map(|(entity, c)| (*c, entity.len()))
            .unwrap_or_else(|| panic!("unescaped & in {html:?}"));
            text.push(decoded);
            chars += 1;
            rest = &rest[len..];
        } else {
            assert!(
                !"<>\"'".contains(c),
                "unescaped {c:?} in snippet HTML {html:?}"
            );
            text.push(c);
            chars += 1;
            rest = &rest[c.len_utf8()..];
        }
    }
    assert!(open.is_none(), "unclosed <mark> in {html:?}");
    assert_eq!(text, snippet.text, "snippet HTML and text differ");
    assert_eq!(
        marks, snippet.highlights,
        "highlights are not the marked ranges of {html:?}"
    );
    assert!(
        marks.iter().all(|[a, b]| a < b),
        "an empty mark in {html:?}"
    );
    assert!(
        chars <= MAX_SNIPPET_TEXT_CHARS,
        "snippet of {chars} characters: {:?}",
        snippet.text
    );
}
