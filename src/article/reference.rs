//! Bibliography entries. This module owns a single job: taking one raw entry from a
//! references list or a footnote (already turned into plain text by the caller) and
//! reading it as a structured [`Reference`]: authors, year, title, container (journal,
//! book, site or publisher), volume, issue, pages and the identifiers DOI, PMID, PMCID
//! and URL. It understands author–date entries (APA, Harvard, including book chapters),
//! Vancouver/AMA journal and book entries, the "Journal Year, Vol, Pages" layout and MLA,
//! and failing those it splits free text into sentences as well as it can. Parsing is pure: no I/O, no state besides lazily compiled patterns, and no
//! input, however long or malformed, makes it panic.

use std::ops::Range;
use std::sync::LazyLock;

use regex::{Captures, Regex};
use serde::{Deserialize, Serialize};

/// One bibliography entry, split into the fields a reader or a search index needs.
/// Fields that could not be found are `None` (or empty, for `authors`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reference {
    /// The entry as written, with Markdown removed and whitespace collapsed.
    pub raw: String,
    /// Each author as written ("Bowe, W. P.", "Bowe WP", "Institute of Medicine");
    /// "et al." is not an author.
    pub authors: Vec<String>,
    /// Year of publication, only when it lies in 1800–2100.
    pub year: Option<u16>,
    pub title: Option<String>,
    /// Journal, book, website or publisher.
    pub container: Option<String>,
    pub volume: Option<String>,
    pub issue: Option<String>,
    /// A page range ("1167-1176", "e13-e115") or an article number ("1").
    pub pages: Option<String>,
    /// Bare DOI ("10.xxxx/..."), without resolver prefix or trailing punctuation.
    pub doi: Option<String>,
    /// PubMed identifier, digits only.
    pub pmid: Option<String>,
    /// PubMed Central identifier ("PMC1234567").
    pub pmcid: Option<String>,
    /// First URL that is not a doi.org link, trailing punctuation trimmed.
    pub url: Option<String>,
}

/// Parses one bibliography entry. Never panics, for any input (including empty, huge, or garbage).
pub fn parse_reference(raw: &str) -> Reference {
    let text = strip_list_marker(&clean_markup(raw)).to_owned();
    let mut ids = Reference::default();
    let work = mark_ellipses(truncate(&text, MAX_PARSE_BYTES));
    let work = extract_identifiers(&work, &mut ids);
    let work = tidy(&remove_noise(&work));
    Reference {
        raw: text,
        doi: ids.doi,
        pmid: ids.pmid,
        pmcid: ids.pmcid,
        url: ids.url,
        ..parse_body(&work)
    }
}

/// Only this many bytes of an entry are parsed. Real entries are far shorter; the cap
/// keeps hostile input cheap. `raw` still holds the whole entry.
const MAX_PARSE_BYTES: usize = 8 * 1024;

/// Publication years outside this range are treated as ordinary numbers.
const YEARS: std::ops::RangeInclusive<u16> = 1800..=2100;

/// Words that end in a full stop without ending a sentence (compared in lower case,
/// without the final dot).
const ABBREVIATIONS: &[&str] = &[
    "vs", "e.g", "i.e", "st", "dr", "mr", "mrs", "ms", "prof", "no", "vol", "inc", "ltd", "co",
    "corp", "jr", "sr", "approx", "fig", "ed", "eds", "ca", "cf", "spp", "sp", "subsp", "var",
    "dept", "u.s", "u.k", "u.s.a", "pp", "p", "ch", "suppl", "pt", "viz", "mt",
];

// ---------------------------------------------------------------------------
// Patterns
// ---------------------------------------------------------------------------

/// Compiles one of this module's fixed patterns; they are covered by the tests.
fn compile(pattern: &str) -> Regex {
    Regex::new(pattern).expect("fixed citation pattern must compile")
}

macro_rules! pattern {
    ($name:ident, $($part:expr),+ $(,)?) => {
        static $name: LazyLock<Regex> = LazyLock::new(|| compile(concat!($($part),+)));
    };
}

/// A four-digit number that might be a year (range checked separately).
macro_rules! year {
    () => {
        r"((?:18|19|20|21)\d{2})"
    };
}

/// A page, page range or article number: "1", "1167-76", "e13-e115", "S1-5".
macro_rules! pages {
    () => {
        r"([A-Za-z]{0,2}\d+[A-Za-z]?(?:\s*[-–—]\s*[A-Za-z]{0,2}\d+[A-Za-z]?)?)"
    };
}

/// An English month name or its abbreviation ("Mar", "March", "Sept.").
macro_rules! month {
    () => {
        r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]{0,6}\.?"
    };
}

/// A written date such as "March 3, 2020", "3 March 2020", "2021 Jan 5" or "2021-01-05".
macro_rules! date {
    () => {
        concat!(
            r"(?:",
            month!(),
            r"\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}|\d{1,2}(?:st|nd|rd|th)?\s+",
            month!(),
            r",?\s+\d{4}|\d{4}\s+",
            month!(),
            r"(?:\s+\d{1,2})?|\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.]\d{1,2}[/.]\d{2,4}|",
            month!(),
            r"\s+\d{4}|\d{4})"
        )
    };
}

pattern!(
    LIST_MARKER,
    r"^(?:[-+•‣◦]\s+|\[\d{1,4}\]:?\s*|\[\^[0-9A-Za-z_-]{1,20}\]:?\s*|\^\d{1,3}\s+|\(\d{1,3}\)\s+|\d{1,3}[.)]\s+)"
);
pattern!(ELLIPSIS, r"\.(?:\s?\.){2,}");
pattern!(
    DOI,
    r"(?i)(?:\bdoi\s*:?\s*)?(?:(?:https?://)?(?:dx\.|www\.)?doi\.org/)?(10\.\d{4,9}/[^\s<>]+)"
);
pattern!(
    DOI_HOST,
    r"(?i)^(?:https?://)?(?:dx\.|www\.)?doi\.org(?:[/?#]|$)"
);
pattern!(DOI_IN_URL, r"(10\.\d{4,9}/[^\s?#<>]+)");
pattern!(URL, r#"(?i)(?:https?://|\bwww\.)[^\s<>"]+"#);
pattern!(PMID, r"(?i)(?:\bPubMed\s+)?\bPMID\s*:?\s*(\d{1,10})\b");
pattern!(
    PMCID,
    r"(?i)(?:\bPubMed\s+Central\s+)?(?:\bPMCID\s*:?\s*)?\bPMC\s?(\d{3,10})\b"
);
pattern!(
    PUBMED_URL,
    r"(?i)(?:pubmed\.ncbi\.nlm\.nih\.gov/|nih\.gov/pubmed/)(\d{1,10})\b"
);
pattern!(PMC_URL, r"(?i)/(PMC\d{3,10})\b");

/// Clutter that is neither title nor container: access dates, "Available from",
/// "[Internet]", link labels of database exports, ISBNs and orphaned identifier labels.
static NOISE: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    [
        r"(?i)\[\s*(?:internet|online|serial\s+online|online\s+resource|electronic\s+resource|e-?book|(?:database|homepage)\s+on\s+the\s+internet)\s*\]",
        r"(?i)[\[(]\s*(?:cited|accessed|last\s+accessed|viewed|retrieved|updated|last\s+updated|modified)\b[^\[\]()]*[\])]",
        concat!(r"(?i)\b(?:last\s+)?(?:accessed|viewed)(?:\s+on)?\s*:?\s*", date!(), "?"),
        concat!(r"(?i)\bretrieved(?:\s+on)?\s*:?\s*", date!(), r"?\s*,?\s*(?:from\b\s*:?)?"),
        r"(?i)\bavailable\s+(?:online\s+)?(?:at|from|on)\b\s*:?|\bavailable\s+online\b\s*:?",
        r"(?i)\b(?:url|link)\s*:",
        concat!(r"(?i)\[?\bepub\b(?:\s+ahead\s+of\s+print)?\s*", date!(), r"?\]?"),
        r"(?i)\[\s*(?:pubmed|pmc\s+free\s+article|google\s+scholar|cross\s*ref|web\s+of\s+science|scopus|europe\s+pmc|(?:free\s+)?full\s+text|abstract)\s*\]",
        r"(?i)\bISBN(?:-1[03])?\s*:?\s*[0-9X][0-9X -]{8,16}[0-9X]",
        r"(?i)\bNIHMSID\s*:?\s*(?:NIHMS)?\d+",
        r"(?i)\b(?:doi|pmid|pmcid|pmc)\s*(?::|$)",
    ]
    .iter()
    .map(|p| compile(p))
    .collect()
});

pattern!(SPACE_BEFORE_PUNCT, r"\s+([.,;:?!])");
pattern!(STOP_AFTER_MARK, r"([?!])[.,;]+");
pattern!(RUN_ENDING_IN_STOP, r"[.,;:]+\.");
pattern!(REPEATED_MARK, r"([,;:])[,;:]+");
pattern!(EMPTY_BRACKETS, r"\(\s*\)|\[\s*\]");

pattern!(
    AUTHOR_DATE,
    r"(?i)\(\s*(?:",
    year!(),
    r"[a-z]?(?:\s*[,/–-]\s*[^()]*)?|n\.\s?d\.?|in\s+press|forthcoming|no\s+date|s\.\s?f\.?)\s*\)"
);
pattern!(HARVARD_DATE, r",\s*", year!(), r"[a-z]?\.(?:\s|$)");
pattern!(
    VANCOUVER_LOCATOR,
    r"\b",
    year!(),
    r"[a-z]?(?:\s+(?:[A-Za-z]{3,9}\.?|\d{1,2})(?:\s*[-/]\s*[A-Za-z]{3,9}\.?)?(?:\s+\d{1,2}(?:\s*-\s*\d{1,2})?)?)?",
    r"\s*;\s*(\d[0-9A-Za-z]*(?:\s+(?:Suppl|Pt|Spec\s+No)\.?\s*[0-9A-Za-z]*)?)?",
    r"\s*(?:\(([^()]+)\))?(?:\s*:\s*",
    pages!(),
    r")?"
);
pattern!(
    COMMA_LOCATOR,
    r"(?:^|[\p{L}.)]\s+)",
    year!(),
    r"[a-z]?,\s*(\d+[A-Za-z]?)\s*(?:\(([^()]+)\))?(?:\s*,\s*(?:(?:pp?\.|Article)\s*)?",
    pages!(),
    r")?\s*(?:\.|$)"
);
pattern!(BOOK_LOCATOR, r";\s*(?:c|©)?\s*", year!(), r"[a-z]?\b");
pattern!(
    TAIL_COMMA,
    r",\s*(\d+[A-Za-z]?)\s*(?:\(([^()]+)\))?(?:\s*[,:]\s*(?:(?:pp?\.|Article|Art\.)\s*)?",
    pages!(),
    r")?\s*\.?$"
);
pattern!(
    TAIL_SPACE,
    r"\s+(\d+[A-Za-z]?)\s*(?:\(([^()]+)\))?\s*[,:]\s*",
    pages!(),
    r"\s*\.?$"
);
pattern!(
    TRAILING_YEAR,
    r"(?:^|[.,;]\s*|\s)\(?(?:",
    month!(),
    r"\s+(?:\d{1,2},?\s+)?)?",
    year!(),
    r"[a-z]?(?:\s+",
    month!(),
    r"(?:\s+\d{1,2})?)?\)?\.?$"
);
pattern!(MLA_TITLE_START, r#"^([^"“]+?)\.\s+["“]"#);
pattern!(MLA_VOLUME, r"(?i)\bvol\.\s*([0-9A-Za-z]+)");
pattern!(MLA_ISSUE, r"(?i)\bno\.\s*([0-9A-Za-z]+)");
pattern!(MLA_PAGES, r"\bpp?\.\s*", pages!());
pattern!(
    MLA_YEAR,
    r",\s*(?:\d{1,2}\s+)?(?:",
    month!(),
    r"\s+)?",
    year!(),
    r"\b"
);
pattern!(MLA_AND, r",?\s+(?:and|&)\s+");
pattern!(
    CHAPTER_IN,
    r"[.?!]\s+In:?\s+(?:[^()]*?\((?:Eds?|eds?)\.?\),?\s*)?"
);
pattern!(CHAPTER_PAGES, r"\s*\(pp?\.\s*", pages!(), r"\)");
pattern!(
    ANY_YEAR,
    r"(?:^|[^\d\-–:/.])",
    year!(),
    r"[a-z]?(?:$|[^\d\-–])"
);

pattern!(
    ET_AL,
    r"(?i),?\s*\bet\.?\s*al\b\.?|,?\s*\b(?:and|&)\s+(?:others|colleagues)\b\.?"
);
pattern!(
    PERSON_MARKERS,
    r"\p{L}[\p{L}'’-]*,\s*\p{Lu}\.",
    r"|\p{Ll}\s+\p{Lu}{1,4}(?:\s*[,;&]|\s+and\b|$)",
    r"|(?:^|[,;&]\s*|\band\s+)\p{Lu}\.(?:\s?\p{Lu}\.)*\s+\p{Lu}[\p{Ll}'’-]+\s*(?:[,;&]|\band\b)"
);
pattern!(AUTHOR_SEPARATOR, r"\s*(?:[,;…]|&|\band\b)\s*");
pattern!(INITIALS_ONLY, r"^(?:\p{Lu}\p{Ll}?\.[\s-]*)+$");
pattern!(NAME_SUFFIX, r"^(?:Jr|Sr|II|III|IV)\.?$");
pattern!(HAS_INITIALS, r"\b\p{Lu}\.|\s\p{Lu}{1,4}$");
pattern!(INITIAL_WORD, r"^\p{Lu}(?:\.-?\p{Lu})*$");
pattern!(STARTS_WITH_INITIAL, r"^\p{Lu}\.(?:[\s,-]|\p{Lu}|$)");
pattern!(DOTTED_INITIALS_END, r"\p{Lu}\.\s?-?\p{Lu}\.$");

// ---------------------------------------------------------------------------
// Step 1: clean the entry
// ---------------------------------------------------------------------------

/// Collapses whitespace and drops `*`/`_` emphasis leftovers. In tokens holding a `/`
/// (links, DOIs) only the markers wrapping the token go, so `a_b` in a URL survives.
fn clean_markup(raw: &str) -> String {
    let is_emphasis = |c: char| c == '*' || c == '_';
    let mut out = String::with_capacity(raw.len().min(1 << 20));
    for token in raw.split_whitespace() {
        let before = out.len();
        if !out.is_empty() {
            out.push(' ');
        }
        let token = token.trim_matches(is_emphasis);
        if token.contains('/') {
            out.push_str(token);
        } else {
            out.extend(token.chars().filter(|&c| !is_emphasis(c)));
        }
        if out.len() == before + usize::from(before > 0) {
            out.truncate(before);
        }
    }
    out
}

/// Drops a leading list or footnote marker ("1.", "[3]", "- ", "[^2]:"), at most two deep.
fn strip_list_marker(text: &str) -> &str {
    let mut rest = text;
    for _ in 0..2 {
        match LIST_MARKER.find(rest) {
            Some(m) if m.end() < rest.len() => rest = &rest[m.end()..],
            _ => break,
        }
    }
    rest
}

/// The longest prefix of `text` that fits in `max` bytes and ends on a character boundary.
fn truncate(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Writes "..." and ". . ." as one "…", so that later steps do not read them as full stops.
fn mark_ellipses(text: &str) -> String {
    ELLIPSIS.replace_all(text, "…").into_owned()
}

// ---------------------------------------------------------------------------
// Step 2: identifiers
// ---------------------------------------------------------------------------

/// Moves the DOI, URL, PMID and PMCID out of `text` into `r`, returning what is left.
fn extract_identifiers(text: &str, r: &mut Reference) -> String {
    let text = take_dois(text, r);
    let mut urls = Vec::new();
    let text = remove_matches(&text, &URL, |caps| {
        let (url, tail) = trim_link_end(caps.get(0).map_or("", |m| m.as_str()));
        if !DOI_HOST.is_match(url) && !url.is_empty() {
            urls.push(url.to_owned());
        }
        Some(tail.to_owned())
    });
    r.url = urls.first().cloned();
    let text = remove_matches(&text, &PMID, |caps| {
        r.pmid.get_or_insert_with(|| caps[1].to_owned());
        Some(String::new())
    });
    let text = remove_matches(&text, &PMCID, |caps| {
        r.pmcid.get_or_insert_with(|| format!("PMC{}", &caps[1]));
        Some(String::new())
    });
    identifiers_from_urls(&urls, r);
    text
}

/// Removes DOIs that stand on their own (bare, labelled or as doi.org links). A DOI
/// embedded in another site's link is left for the URL step.
fn take_dois(text: &str, r: &mut Reference) -> String {
    remove_matches(text, &DOI, |caps| {
        let whole = caps.get(0)?;
        let before = text[..whole.start()].chars().next_back();
        let standalone = before.is_none_or(|c| c.is_whitespace() || "([<\"'“‘:;,".contains(c));
        if !standalone {
            return None;
        }
        let (doi, tail) = trim_link_end(&caps[1]);
        let doi = clean_doi(doi)?;
        r.doi.get_or_insert(doi);
        Some(tail.to_owned())
    })
}

/// Decodes an escaped slash and checks the "10.prefix/suffix" shape.
fn clean_doi(doi: &str) -> Option<String> {
    let doi = doi.replace("%2F", "/").replace("%2f", "/");
    let (prefix, suffix) = doi.split_once('/')?;
    (prefix.starts_with("10.") && !suffix.is_empty()).then_some(doi)
}

/// Splits trailing punctuation off a link or DOI: stops, commas, quotes, and closing
/// brackets that have no opening partner inside it. Returns (link, trimmed tail).
fn trim_link_end(link: &str) -> (&str, &str) {
    let opens = link.matches(['(', '[']).count();
    let mut closes = link.matches([')', ']']).count();
    let mut end = link.len();
    while let Some(c) = link[..end].chars().next_back() {
        let unbalanced_close = matches!(c, ')' | ']') && closes > opens;
        if !(unbalanced_close || ".,;:!?'\"”’>".contains(c)) {
            break;
        }
        if matches!(c, ')' | ']') {
            closes -= 1;
        }
        end -= c.len_utf8();
    }
    (&link[..end], &link[end..])
}

/// Fills PMID, PMCID and DOI from PubMed, PMC and publisher links when the text had none.
fn identifiers_from_urls(urls: &[String], r: &mut Reference) {
    for url in urls {
        if r.pmid.is_none() {
            r.pmid = PUBMED_URL.captures(url).map(|c| c[1].to_owned());
        }
        if r.pmcid.is_none() {
            r.pmcid = PMC_URL.captures(url).map(|c| c[1].to_uppercase());
        }
        if r.doi.is_none() {
            r.doi = DOI_IN_URL.captures(url).and_then(|c| doi_from_path(&c[1]));
        }
    }
}

/// A DOI taken from a publisher link, without page-view suffixes such as "/abstract".
fn doi_from_path(path: &str) -> Option<String> {
    let mut doi = trim_link_end(path).0;
    for suffix in ["/abstract", "/full", "/pdf", "/epdf", "/fulltext", "/"] {
        doi = doi.strip_suffix(suffix).unwrap_or(doi);
    }
    clean_doi(doi)
}

/// Rebuilds `text` without the matches for which `replace` returns a replacement
/// (a space is put in their place, then the replacement). Linear in `text`.
fn remove_matches(
    text: &str,
    re: &Regex,
    mut replace: impl FnMut(&Captures) -> Option<String>,
) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for caps in re.captures_iter(text) {
        let Some(whole) = caps.get(0) else { continue };
        let Some(replacement) = replace(&caps) else {
            continue;
        };
        out.push_str(&text[last..whole.start()]);
        out.push(' ');
        out.push_str(&replacement);
        last = whole.end();
    }
    out.push_str(&text[last..]);
    out
}

// ---------------------------------------------------------------------------
// Step 3: noise and punctuation
// ---------------------------------------------------------------------------

/// Blanks out access dates, "Available from:", "[Internet]" and similar clutter.
fn remove_noise(text: &str) -> String {
    let mut text = text.to_owned();
    for re in NOISE.iter() {
        if re.is_match(&text) {
            text = re.replace_all(&text, " ").into_owned();
        }
    }
    text
}

/// Repairs the punctuation left behind by removals: spaces before marks, runs like
/// ". ." or "?.", and empty brackets. Also collapses whitespace.
fn tidy(text: &str) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let text = EMPTY_BRACKETS.replace_all(&text, " ");
    let text = SPACE_BEFORE_PUNCT.replace_all(&text, "$1");
    let text = STOP_AFTER_MARK.replace_all(&text, "$1");
    let text = RUN_ENDING_IN_STOP.replace_all(&text, ".");
    let text = REPEATED_MARK.replace_all(&text, "$1");
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    text.trim_matches(|c: char| ",;:".contains(c) || c.is_whitespace())
        .trim_start_matches('.')
        .trim()
        .to_owned()
}

// ---------------------------------------------------------------------------
// Step 4: styles
// ---------------------------------------------------------------------------

/// Tries each citation layout in turn, most distinctive first.
fn parse_body(text: &str) -> Reference {
    if !text.chars().any(char::is_alphanumeric) {
        return Reference::default();
    }
    parse_author_date(text)
        .or_else(|| parse_vancouver_journal(text))
        .or_else(|| parse_comma_journal(text))
        .or_else(|| parse_vancouver_book(text))
        .or_else(|| parse_mla(text))
        .unwrap_or_else(|| parse_free_form(text))
}

/// APA and Harvard: "Authors (2011). Title. Journal, 3(1), 1." or "Authors, 2011. Title…".
fn parse_author_date(text: &str) -> Option<Reference> {
    let (authors, year, rest) = find_author_date(text)?;
    let mut r = Reference {
        authors: split_authors(authors),
        year,
        ..Reference::default()
    };
    let rest = rest.trim_start_matches(|c: char| c.is_whitespace() || ".,:;".contains(c));
    if take_chapter(rest, &mut r) {
        return Some(r);
    }
    let before_tail = take_tail_locators(rest, &mut r);
    let (title, container) = split_title_container(before_tail, false);
    r.title = title;
    r.container = container;
    Some(r)
}

/// Finds a "(2011)"-like date that directly follows an author block. Returns
/// (authors, year, text after the date).
fn find_author_date(text: &str) -> Option<(&str, Option<u16>, &str)> {
    for caps in AUTHOR_DATE.captures_iter(text).take(8) {
        let whole = caps.get(0)?;
        let after = &text[whole.end()..];
        let follows_well = after
            .chars()
            .next()
            .is_none_or(|c| c.is_whitespace() || ".,:;".contains(c));
        let year = caps.get(1).map(|y| plausible_year(y.as_str()));
        if !follows_well || year == Some(None) || !is_author_block(&text[..whole.start()]) {
            continue;
        }
        return Some((&text[..whole.start()], year.flatten(), after));
    }
    let caps = HARVARD_DATE.captures(text)?;
    let (whole, prefix) = (caps.get(0)?, &text[..caps.get(0)?.start()]);
    let year = plausible_year(&caps[1])?;
    (is_author_block(prefix) && PERSON_MARKERS.is_match(prefix)).then_some((
        prefix,
        Some(year),
        &text[whole.end()..],
    ))
}

/// True when `text` reads as a single run of names: no sentence ends inside it.
fn is_author_block(text: &str) -> bool {
    let text = text.trim();
    text.len() <= 4096 && segments(text).len() <= 1 && !text.contains(['?', '!'])
}

/// A chapter: "Title. In A. Editor (Ed.), Book (pp. 10-20). Publisher." The book
/// becomes the container; the publisher is dropped. Returns false when not a chapter.
fn take_chapter(text: &str, r: &mut Reference) -> bool {
    let Some(marker) = CHAPTER_IN.find(text) else {
        return false;
    };
    r.title = clean_title(&text[..marker.start() + 1]);
    let book = &text[marker.end()..];
    let book = match CHAPTER_PAGES.captures(book) {
        Some(caps) => {
            r.pages = caps.get(1).map(|p| clean_pages(p.as_str()));
            caps.get(0).map_or(book, |m| &book[..m.start()])
        }
        None => segments(book).first().map_or(book, |s| &book[s.clone()]),
    };
    r.container = clean_container(book);
    true
}

/// MLA: `Last, First, and First Last. "Title." Journal, vol. 3, no. 1, 2011, pp. 1-5.`
fn parse_mla(text: &str) -> Option<Reference> {
    let caps = MLA_TITLE_START.captures(text)?;
    let authors = caps.get(1)?;
    let quoted = text[authors.end() + 1..].trim_start();
    let (title, rest) = split_quoted_title(quoted)?;
    let first = |re: &Regex| {
        re.captures(rest)
            .and_then(|c| Some(c.get(1)?.as_str().to_owned()))
    };
    let names = ET_AL.replace_all(authors.as_str(), " ");
    Some(Reference {
        authors: MLA_AND.split(&names).filter_map(clean_author).collect(),
        year: first(&MLA_YEAR).and_then(|y| plausible_year(&y)),
        title: clean_title(title),
        container: clean_container(rest.split(',').next().unwrap_or("")),
        volume: first(&MLA_VOLUME),
        issue: first(&MLA_ISSUE),
        pages: first(&MLA_PAGES).map(|p| clean_pages(&p)),
        ..Reference::default()
    })
}

/// Vancouver/AMA journal article: "Authors. Title. Journal. 2011;3(1):1-5."
fn parse_vancouver_journal(text: &str) -> Option<Reference> {
    let caps = VANCOUVER_LOCATOR
        .captures_iter(text)
        .find(|c| (c.get(2).is_some() || c.get(3).is_some()) && plausible_year(&c[1]).is_some())?;
    let mut r = assign_segments(&text[..caps.get(0)?.start()], true);
    r.year = plausible_year(&caps[1]);
    set_locators(&mut r, &caps, 2);
    Some(r)
}

/// "Authors. Title. Journal 2011, 3(1), 1." (MDPI, ACS and similar).
fn parse_comma_journal(text: &str) -> Option<Reference> {
    let caps = COMMA_LOCATOR
        .captures_iter(text)
        .find(|c| plausible_year(&c[1]).is_some())?;
    let mut r = assign_segments(&text[..caps.get(1)?.start()], true);
    r.year = plausible_year(&caps[1]);
    set_locators(&mut r, &caps, 2);
    Some(r)
}

/// Vancouver book or web page: "Authors. Title. Place: Publisher; 2011."
fn parse_vancouver_book(text: &str) -> Option<Reference> {
    let caps = BOOK_LOCATOR
        .captures_iter(text)
        .find(|c| plausible_year(&c[1]).is_some())?;
    let mut r = assign_segments(&text[..caps.get(0)?.start()], true);
    r.year = plausible_year(&caps[1]);
    r.container = r.container.as_deref().and_then(publisher_of);
    Some(r)
}

/// Anything else: a trailing or stray year, then names, title and container by sentence.
fn parse_free_form(text: &str) -> Reference {
    let trailing = TRAILING_YEAR
        .captures(text)
        .and_then(|c| Some((c.get(0)?.start(), plausible_year(&c[1])?)));
    let (text, year) = match trailing {
        Some((start, year)) => (&text[..start], Some(year)),
        None => (text, first_year(text)),
    };
    let mut r = assign_segments(text, false);
    r.year = year;
    r
}

/// The first plausible year in `text` that is not part of a number range or identifier.
fn first_year(text: &str) -> Option<u16> {
    let mut rest = text;
    while let Some(caps) = ANY_YEAR.captures(rest) {
        if let Some(year) = plausible_year(&caps[1]) {
            return Some(year);
        }
        rest = &rest[caps.get(1)?.end()..];
    }
    None
}

/// Parses a four-digit year, keeping it only within [`YEARS`].
fn plausible_year(digits: &str) -> Option<u16> {
    digits.parse().ok().filter(|y| YEARS.contains(y))
}

// ---------------------------------------------------------------------------
// Step 5: authors, title, container, locators
// ---------------------------------------------------------------------------

/// Copies volume, issue and pages from capture groups `first`, `first + 1`, `first + 2`.
fn set_locators(r: &mut Reference, caps: &Captures, first: usize) {
    let group = |i: usize| caps.get(i).map(|m| m.as_str().trim().to_owned());
    r.volume = group(first).filter(|v| !v.is_empty());
    r.issue = group(first + 1).filter(|v| !v.is_empty());
    r.pages = group(first + 2).map(|p| clean_pages(&p));
}

/// "1167 – 1176" → "1167-1176".
fn clean_pages(pages: &str) -> String {
    pages
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| if matches!(c, '–' | '—') { '-' } else { c })
        .collect()
}

/// Reads ", 3(1), 1." (or " 3(1):1") off the end of an author–date entry into `r`,
/// returning the text before it.
fn take_tail_locators<'a>(text: &'a str, r: &mut Reference) -> &'a str {
    let Some(caps) = TAIL_COMMA
        .captures(text)
        .or_else(|| TAIL_SPACE.captures(text))
    else {
        return text;
    };
    let Some(whole) = caps.get(0) else {
        return text;
    };
    set_locators(r, &caps, 1);
    &text[..whole.start()]
}

/// Splits the text before a locator into authors, title and container. With
/// `container_last`, the last sentence is always the container (journal, publisher).
fn assign_segments(text: &str, container_last: bool) -> Reference {
    let text = text.trim_matches(|c: char| c.is_whitespace() || ".,;:".contains(c));
    let segs = segments(text);
    let mut r = Reference::default();
    let Some(first) = segs.first() else {
        return r;
    };
    let first_text = &text[first.clone()];
    let has_authors = match segs.len() {
        _ if first_text.starts_with(QUOTES) => false,
        1 => false,
        2 if container_last => PERSON_MARKERS.is_match(first_text),
        2 => PERSON_MARKERS.is_match(first_text) || first_text.split_whitespace().count() <= 6,
        _ => true,
    };
    let body = if has_authors {
        r.authors = split_authors(first_text);
        &text[segs[1].start..]
    } else {
        text
    };
    let (title, container) = split_title_container(body, container_last);
    r.title = title;
    r.container = container;
    r
}

/// Splits "Title. Container" at the last sentence end, keeping abbreviated journal
/// names ("J. Am. Acad. Dermatol.") together. A single sentence is the title, or the
/// container when `container_only_if_single` is set.
fn split_title_container(
    text: &str,
    container_only_if_single: bool,
) -> (Option<String>, Option<String>) {
    let text = text.trim();
    if let Some((title, rest)) = split_quoted_title(text) {
        return (clean_title(title), clean_container(rest));
    }
    let segs = segments(text);
    if segs.len() <= 1 {
        return if container_only_if_single {
            (None, clean_container(text))
        } else {
            (clean_title(text), None)
        };
    }
    let mut start = segs.len() - 1;
    while start > 1 && is_abbreviation_run(&text[segs[start - 1].clone()]) {
        start -= 1;
    }
    let cut = segs[start].start;
    (clean_title(&text[..cut]), clean_container(&text[cut..]))
}

/// Opening quotation marks that may wrap a title.
const QUOTES: [char; 4] = ['"', '“', '‘', '\''];

/// For a text opening with a quoted title (`"Title," Journal` or `'Title', Journal`),
/// returns the title and the text after it. The closing mark must sit next to
/// punctuation, so apostrophes and inner quotes ('old friends') do not end the title.
fn split_quoted_title(text: &str) -> Option<(&str, &str)> {
    let open = text.chars().next().filter(|c| QUOTES.contains(c))?;
    let close = match open {
        '“' => '”',
        '‘' => '’',
        other => other,
    };
    let inner_start = open.len_utf8();
    for (i, c) in text[inner_start..].char_indices() {
        let at = inner_start + i;
        if c != close || i == 0 {
            continue;
        }
        let prev = text[..at].chars().next_back();
        let next = text[at + c.len_utf8()..].chars().next();
        let closes =
            prev.is_some_and(|p| ",.?!".contains(p)) || next.is_none_or(|n| ",.;:".contains(n));
        if closes {
            let rest = text[at + c.len_utf8()..].trim_start_matches(|c: char| ",.;: ".contains(c));
            return Some((&text[inner_start..at], rest));
        }
    }
    None
}

/// True for a short sentence made only of capitalised abbreviations ("J.", "Am.", "Clin.").
fn is_abbreviation_run(segment: &str) -> bool {
    let words: Vec<&str> = segment.split_whitespace().collect();
    words.len() <= 3
        && words.iter().all(|w| {
            let w = w.trim_end_matches('.');
            let letters = w.chars().count();
            (1..=5).contains(&letters) && w.chars().next().is_some_and(char::is_uppercase)
        })
}

/// From "Washington, DC: The National Academies Press" keeps the publisher.
fn publisher_of(container: &str) -> Option<String> {
    match container.split_once(": ") {
        Some((place, publisher)) if place.split_whitespace().count() <= 4 => {
            clean_container(publisher)
        }
        _ => clean_container(container),
    }
}

/// Trims a title, keeping a closing "?" or "!", and unwraps quotes.
fn clean_title(title: &str) -> Option<String> {
    let title = title
        .trim()
        .trim_end_matches(|c: char| ".,;:".contains(c) || c.is_whitespace())
        .trim_matches(|c: char| "\"“”".contains(c))
        .trim();
    title
        .chars()
        .any(char::is_alphanumeric)
        .then(|| title.to_owned())
}

/// Trims a container name and drops a leading "In:".
fn clean_container(container: &str) -> Option<String> {
    let container = container.trim();
    let container = container.strip_prefix("In:").unwrap_or(container);
    let container = container
        .trim_end_matches(|c: char| ".,;:".contains(c) || c.is_whitespace())
        .trim();
    container
        .chars()
        .any(char::is_alphanumeric)
        .then(|| container.to_owned())
}

/// Splits an author block into names. Blocks with no sign of personal names
/// ("Institute of Medicine") stay whole; initials written after a comma
/// ("Bowe, W. P.") are joined back to their surname.
fn split_authors(block: &str) -> Vec<String> {
    let block = ET_AL.replace_all(block, " ");
    let block = block.trim_matches(|c: char| c.is_whitespace() || ",;&…".contains(c));
    if !PERSON_MARKERS.is_match(block) {
        return clean_author(block).into_iter().collect();
    }
    let mut authors: Vec<String> = Vec::new();
    let mut awaiting_initials = false;
    for part in AUTHOR_SEPARATOR.split(block).map(str::trim) {
        let joins = NAME_SUFFIX.is_match(part) || awaiting_initials && INITIALS_ONLY.is_match(part);
        match authors.last_mut() {
            Some(last) if joins => {
                last.push_str(", ");
                last.push_str(part);
                awaiting_initials = false;
            }
            _ if part.is_empty() => {}
            _ => {
                awaiting_initials = !HAS_INITIALS.is_match(part);
                authors.push(part.to_owned());
            }
        }
    }
    authors.iter().filter_map(|a| clean_author(a)).collect()
}

/// Trims one name. A final full stop is kept when it closes dotted initials
/// ("Bowe, W. P."), dropped otherwise ("Logan AC." → "Logan AC").
fn clean_author(name: &str) -> Option<String> {
    let name = name.trim_matches(|c: char| c.is_whitespace() || ",;:&".contains(c));
    let name = name.strip_prefix("and ").unwrap_or(name).trim();
    let keep_stop = name.ends_with('.') && {
        let last_word = name[..name.len() - 1].rsplit(' ').next().unwrap_or("");
        INITIAL_WORD.is_match(last_word)
            && (name.contains(',') || last_word.contains('.') || DOTTED_INITIALS_END.is_match(name))
    };
    let name = if keep_stop {
        name
    } else {
        name.trim_end_matches('.').trim_end()
    };
    name.chars()
        .any(char::is_alphanumeric)
        .then(|| name.to_owned())
}

// ---------------------------------------------------------------------------
// Sentences
// ---------------------------------------------------------------------------

/// Byte ranges of the sentences of `text`, each including its closing mark. A sentence
/// ends at ".", "?" or "!" followed by a space and a word that does not start in lower
/// case, unless the dot closes an abbreviation or an initial inside a name.
fn segments(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, mark) in text.char_indices() {
        if !matches!(mark, '.' | '?' | '!') || i < start {
            continue;
        }
        let after = &text[i + 1..];
        if !after.starts_with(char::is_whitespace) {
            continue;
        }
        let next = after.trim_start();
        if next.is_empty() {
            break;
        }
        if ends_sentence(&text[start..i], mark, next, out.is_empty()) {
            out.push(start..i + 1);
            start = text.len() - next.len();
        }
    }
    if text[start..].chars().any(|c| !c.is_whitespace()) {
        out.push(start..text.len());
    }
    out
}

/// Decides whether `mark`, preceded by `before` and followed by the word starting
/// `next`, closes a sentence. In the first sentence of a block that opens with an
/// initial ("W. P. Bowe"), initials never close it.
fn ends_sentence(before: &str, mark: char, next: &str, first: bool) -> bool {
    let Some(c) = next.chars().next() else {
        return false;
    };
    if c.is_lowercase() || !(c.is_alphanumeric() || "\"“‘'([".contains(c)) {
        return false;
    }
    if mark != '.' {
        return true;
    }
    let word = before
        .rsplit(char::is_whitespace)
        .next()
        .unwrap_or("")
        .trim_start_matches(['(', '[', '"', '“', '\'', '‘']);
    if ABBREVIATIONS.contains(&word.to_lowercase().as_str()) {
        return false;
    }
    if INITIAL_WORD.is_match(word) {
        let opens_with_initial = first && STARTS_WITH_INITIAL.is_match(before.trim_start());
        return !(STARTS_WITH_INITIAL.is_match(next) || opens_with_initial);
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One table row: an entry and the fields it must yield. Fields not listed are not
    /// checked. Values are compared as text; authors are joined with " | ", and `None`
    /// means the field must be empty.
    struct Case {
        input: &'static str,
        expect: &'static [(&'static str, Option<&'static str>)],
    }

    fn field(r: &Reference, name: &str) -> Option<String> {
        match name {
            "raw" => Some(r.raw.clone()).filter(|s| !s.is_empty()),
            "authors" => Some(r.authors.join(" | ")).filter(|s| !s.is_empty()),
            "year" => r.year.map(|y| y.to_string()),
            "title" => r.title.clone(),
            "container" => r.container.clone(),
            "volume" => r.volume.clone(),
            "issue" => r.issue.clone(),
            "pages" => r.pages.clone(),
            "doi" => r.doi.clone(),
            "pmid" => r.pmid.clone(),
            "pmcid" => r.pmcid.clone(),
            "url" => r.url.clone(),
            other => panic!("unknown field {other}"),
        }
    }

    fn check(cases: &[Case]) {
        let mut failures = Vec::new();
        for case in cases {
            let r = parse_reference(case.input);
            for (name, want) in case.expect {
                let got = field(&r, name);
                if got.as_deref() != *want {
                    failures.push(format!(
                        "{:?}\n  {name}: want {want:?}, got {got:?}",
                        case.input
                    ));
                }
            }
        }
        assert!(failures.is_empty(), "\n{}", failures.join("\n"));
    }

    const APA_BOWE: &str = "Bowe, W. P., & Logan, A. C. (2011). Acne vulgaris, probiotics and the gut-brain-skin axis - back to the future? Gut Pathogens, 3(1), 1. https://doi.org/10.1186/1757-4749-3-1";
    const VANCOUVER_BOWE: &str = "Bowe WP, Logan AC. Acne vulgaris, probiotics and the gut-brain-skin axis - back to the future? Gut Pathog. 2011;3(1):1. doi:10.1186/1757-4749-3-1";
    const VANCOUVER_HILL: &str = "Hill C, Guarner F, Reid G, et al. Expert consensus document: The International Scientific Association for Probiotics and Prebiotics consensus statement on the scope and appropriate use of the term probiotic. Nat Rev Gastroenterol Hepatol. 2014;11(8):506-514. doi:10.1038/nrgastro.2014.66. PMID: 24912386";
    const BOWE_TITLE: &str =
        "Acne vulgaris, probiotics and the gut-brain-skin axis - back to the future?";
    const HILL_TITLE: &str = "Expert consensus document: The International Scientific Association for Probiotics and Prebiotics consensus statement on the scope and appropriate use of the term probiotic";
    const NIDDK: &str = "National Institute of Diabetes and Digestive and Kidney Diseases";

    #[test]
    fn apa_entries() {
        check(&[
            Case {
                input: APA_BOWE,
                expect: &[
                    ("authors", Some("Bowe, W. P. | Logan, A. C.")),
                    ("year", Some("2011")),
                    ("title", Some(BOWE_TITLE)),
                    ("container", Some("Gut Pathogens")),
                    ("volume", Some("3")),
                    ("issue", Some("1")),
                    ("pages", Some("1")),
                    ("doi", Some("10.1186/1757-4749-3-1")),
                    ("url", None),
                    ("pmid", None),
                ],
            },
            Case {
                input: "Bowe, W.P. & Logan, A.C. (2011). Acne vulgaris, probiotics and the gut-brain-skin axis. Gut Pathogens, 3(1).",
                expect: &[
                    ("authors", Some("Bowe, W.P. | Logan, A.C.")),
                    ("year", Some("2011")),
                    (
                        "title",
                        Some("Acne vulgaris, probiotics and the gut-brain-skin axis"),
                    ),
                    ("container", Some("Gut Pathogens")),
                    ("volume", Some("3")),
                    ("issue", Some("1")),
                    ("pages", None),
                    ("doi", None),
                ],
            },
            Case {
                input: "Smith, J. A., Jones, K.-L., Brown, T., ... Zhang, Y. (2019a). Vitamin D3 vs. D2 in 2.5 million U.S. adults: A cohort study! The Journal of Nutrition, 149(5), 1167–1176.",
                expect: &[
                    (
                        "authors",
                        Some("Smith, J. A. | Jones, K.-L. | Brown, T. | Zhang, Y."),
                    ),
                    ("year", Some("2019")),
                    (
                        "title",
                        Some("Vitamin D3 vs. D2 in 2.5 million U.S. adults: A cohort study!"),
                    ),
                    ("container", Some("The Journal of Nutrition")),
                    ("volume", Some("149")),
                    ("issue", Some("5")),
                    ("pages", Some("1167-1176")),
                ],
            },
            Case {
                input: "Smith, J., et al. (2018). Probiotics for eczema. Clinical Reviews in Allergy & Immunology, 55(2), 153-165.",
                expect: &[
                    ("authors", Some("Smith, J.")),
                    ("year", Some("2018")),
                    ("title", Some("Probiotics for eczema")),
                    (
                        "container",
                        Some("Clinical Reviews in Allergy & Immunology"),
                    ),
                    ("pages", Some("153-165")),
                ],
            },
            Case {
                input: "Walker, M. (2020, March 3). Why we sleep: 10 facts. Healthline. Retrieved March 3, 2020, from https://www.healthline.com/health/sleep",
                expect: &[
                    ("authors", Some("Walker, M.")),
                    ("year", Some("2020")),
                    ("title", Some("Why we sleep: 10 facts")),
                    ("container", Some("Healthline")),
                    ("url", Some("https://www.healthline.com/health/sleep")),
                ],
            },
            Case {
                input: "Lee, K. (2021). Acne treatments. J. Am. Acad. Dermatol., 84(3), e13–e115.",
                expect: &[
                    ("title", Some("Acne treatments")),
                    ("container", Some("J. Am. Acad. Dermatol")),
                    ("volume", Some("84")),
                    ("pages", Some("e13-e115")),
                ],
            },
            Case {
                input: "Bowe, W.P. and Logan, A.C., 2011. Acne vulgaris, probiotics and the gut-brain-skin axis. Gut pathogens, 3(1), p.1.",
                expect: &[
                    ("authors", Some("Bowe, W.P. | Logan, A.C.")),
                    ("year", Some("2011")),
                    (
                        "title",
                        Some("Acne vulgaris, probiotics and the gut-brain-skin axis"),
                    ),
                    ("container", Some("Gut pathogens")),
                    ("pages", Some("1")),
                ],
            },
        ]);
    }

    #[test]
    fn corporate_and_web_entries() {
        check(&[
            Case {
                input: "Institute of Medicine. Dietary Reference Intakes for Calcium and Vitamin D. Washington, DC: The National Academies Press; 2011.",
                expect: &[
                    ("authors", Some("Institute of Medicine")),
                    ("year", Some("2011")),
                    (
                        "title",
                        Some("Dietary Reference Intakes for Calcium and Vitamin D"),
                    ),
                    ("container", Some("The National Academies Press")),
                ],
            },
            Case {
                input: "National Institute of Diabetes and Digestive and Kidney Diseases. (n.d.). Irritable bowel syndrome (IBS). Retrieved from https://www.niddk.nih.gov/health-information/digestive-diseases/irritable-bowel-syndrome",
                expect: &[
                    ("authors", Some(NIDDK)),
                    ("year", None),
                    ("title", Some("Irritable bowel syndrome (IBS)")),
                    ("container", None),
                    (
                        "url",
                        Some(
                            "https://www.niddk.nih.gov/health-information/digestive-diseases/irritable-bowel-syndrome",
                        ),
                    ),
                ],
            },
            Case {
                input: "World Health Organization. (2022). Obesity and overweight. Retrieved from: https://www.who.int/news-room/fact-sheets/detail/obesity-and-overweight.",
                expect: &[
                    ("authors", Some("World Health Organization")),
                    ("year", Some("2022")),
                    ("title", Some("Obesity and overweight")),
                    ("container", None),
                    (
                        "url",
                        Some(
                            "https://www.who.int/news-room/fact-sheets/detail/obesity-and-overweight",
                        ),
                    ),
                ],
            },
            Case {
                input: "National Health Service. Eczema [Internet]. London: NHS; 2019 [cited 2021 Jan 5]. Available from: https://www.nhs.uk/conditions/atopic-eczema/",
                expect: &[
                    ("authors", Some("National Health Service")),
                    ("year", Some("2019")),
                    ("title", Some("Eczema")),
                    ("container", Some("NHS")),
                    ("url", Some("https://www.nhs.uk/conditions/atopic-eczema/")),
                ],
            },
            Case {
                input: "Mayo Clinic Staff. Atopic dermatitis (eczema). Mayo Clinic. Available at: https://www.mayoclinic.org/diseases-conditions/atopic-dermatitis-eczema. Accessed 2021 Jan 5.",
                expect: &[
                    ("authors", Some("Mayo Clinic Staff")),
                    ("year", None),
                    ("title", Some("Atopic dermatitis (eczema)")),
                    ("container", Some("Mayo Clinic")),
                    (
                        "url",
                        Some(
                            "https://www.mayoclinic.org/diseases-conditions/atopic-dermatitis-eczema",
                        ),
                    ),
                ],
            },
            Case {
                input: "U.S. Department of Health and Human Services. (2020, December). Dietary Guidelines for Americans, 2020-2025 (9th ed.). DietaryGuidelines.gov.",
                expect: &[
                    (
                        "authors",
                        Some("U.S. Department of Health and Human Services"),
                    ),
                    ("year", Some("2020")),
                    (
                        "title",
                        Some("Dietary Guidelines for Americans, 2020-2025 (9th ed.)"),
                    ),
                    ("container", Some("DietaryGuidelines.gov")),
                ],
            },
        ]);
    }

    #[test]
    fn vancouver_entries() {
        check(&[
            Case {
                input: VANCOUVER_BOWE,
                expect: &[
                    ("authors", Some("Bowe WP | Logan AC")),
                    ("year", Some("2011")),
                    ("title", Some(BOWE_TITLE)),
                    ("container", Some("Gut Pathog")),
                    ("volume", Some("3")),
                    ("issue", Some("1")),
                    ("pages", Some("1")),
                    ("doi", Some("10.1186/1757-4749-3-1")),
                ],
            },
            Case {
                input: VANCOUVER_HILL,
                expect: &[
                    ("authors", Some("Hill C | Guarner F | Reid G")),
                    ("year", Some("2014")),
                    ("title", Some(HILL_TITLE)),
                    ("container", Some("Nat Rev Gastroenterol Hepatol")),
                    ("volume", Some("11")),
                    ("issue", Some("8")),
                    ("pages", Some("506-514")),
                    ("doi", Some("10.1038/nrgastro.2014.66")),
                    ("pmid", Some("24912386")),
                ],
            },
            Case {
                input: "Markowiak P, Śliżewska K. Effects of probiotics, prebiotics, and synbiotics on human health. Nutrients. 2017 Sep 15;9(9):1021. PMID: 28914794; PMCID: PMC5622781.",
                expect: &[
                    ("authors", Some("Markowiak P | Śliżewska K")),
                    ("year", Some("2017")),
                    ("container", Some("Nutrients")),
                    ("volume", Some("9")),
                    ("issue", Some("9")),
                    ("pages", Some("1021")),
                    ("pmid", Some("28914794")),
                    ("pmcid", Some("PMC5622781")),
                ],
            },
            Case {
                input: "Doe J, Roe R. Gut microbes and mood. Front Microbiol. 2018;9:1459.",
                expect: &[
                    ("authors", Some("Doe J | Roe R")),
                    ("title", Some("Gut microbes and mood")),
                    ("container", Some("Front Microbiol")),
                    ("volume", Some("9")),
                    ("issue", None),
                    ("pages", Some("1459")),
                ],
            },
            Case {
                input: "Smith J. Vitamin D. A review. Br J Nutr. 2010;104 Suppl 2:S1-5.",
                expect: &[
                    ("authors", Some("Smith J")),
                    ("title", Some("Vitamin D. A review")),
                    ("container", Some("Br J Nutr")),
                    ("volume", Some("104 Suppl 2")),
                    ("pages", Some("S1-5")),
                ],
            },
            Case {
                input: "Kim Y, Park S. Omega-3 fatty acids in 2.0 generation trials. J Clin Med [Internet]. 2020 Mar;9(3):e12. Available from: https://www.mdpi.com/2077-0383/9/3/e12 PMCID: PMC3038963",
                expect: &[
                    (
                        "title",
                        Some("Omega-3 fatty acids in 2.0 generation trials"),
                    ),
                    ("container", Some("J Clin Med")),
                    ("year", Some("2020")),
                    ("pages", Some("e12")),
                    ("pmcid", Some("PMC3038963")),
                    ("url", Some("https://www.mdpi.com/2077-0383/9/3/e12")),
                ],
            },
            Case {
                input: "Bowe, W.P.; Logan, A.C. Acne vulgaris, probiotics and the gut-brain-skin axis. Gut Pathog. 2011, 3, 1.",
                expect: &[
                    ("authors", Some("Bowe, W.P. | Logan, A.C.")),
                    ("year", Some("2011")),
                    (
                        "title",
                        Some("Acne vulgaris, probiotics and the gut-brain-skin axis"),
                    ),
                    ("container", Some("Gut Pathog")),
                    ("volume", Some("3")),
                    ("pages", Some("1")),
                ],
            },
        ]);
    }

    #[test]
    fn other_layouts() {
        check(&[
            Case {
                input: "W. P. Bowe and A. C. Logan. Acne vulgaris and the gut. Gut Pathog. 2011;3(1):1.",
                expect: &[
                    ("authors", Some("W. P. Bowe | A. C. Logan")),
                    ("title", Some("Acne vulgaris and the gut")),
                    ("container", Some("Gut Pathog")),
                ],
            },
            Case {
                input: "Holick MF. Vitamin D deficiency. N. Engl. J. Med. 2007;357:266–281.",
                expect: &[
                    ("authors", Some("Holick MF")),
                    ("title", Some("Vitamin D deficiency")),
                    ("container", Some("N. Engl. J. Med")),
                    ("pages", Some("266-281")),
                ],
            },
            Case {
                input: "Sender R, Fuchs S, Milo R (2016) Revised estimates for the number of human and bacteria cells in the body. PLoS Biol 14(8): e1002533. https://doi.org/10.1371/journal.pbio.1002533",
                expect: &[
                    ("authors", Some("Sender R | Fuchs S | Milo R")),
                    ("year", Some("2016")),
                    ("container", Some("PLoS Biol")),
                    ("volume", Some("14")),
                    ("issue", Some("8")),
                    ("pages", Some("e1002533")),
                    ("doi", Some("10.1371/journal.pbio.1002533")),
                ],
            },
            Case {
                input: "Bowe, W.P. and Logan, A.C. (2011) 'Acne vulgaris, probiotics and the gut-brain-skin axis - back to the future?', Gut Pathogens, 3(1), p. 1.",
                expect: &[
                    ("authors", Some("Bowe, W.P. | Logan, A.C.")),
                    ("title", Some(BOWE_TITLE)),
                    ("container", Some("Gut Pathogens")),
                    ("pages", Some("1")),
                ],
            },
            Case {
                input: "Bowe, William P., and Alan C. Logan. \"Acne Vulgaris, Probiotics and the Gut-Brain-Skin Axis - Back to the Future?\" Gut Pathogens, vol. 3, no. 1, 2011, p. 1.",
                expect: &[
                    ("authors", Some("Bowe, William P. | Alan C. Logan")),
                    ("year", Some("2011")),
                    (
                        "title",
                        Some(
                            "Acne Vulgaris, Probiotics and the Gut-Brain-Skin Axis - Back to the Future?",
                        ),
                    ),
                    ("container", Some("Gut Pathogens")),
                    ("volume", Some("3")),
                    ("issue", Some("1")),
                    ("pages", Some("1")),
                ],
            },
            Case {
                input: "\"Probiotics: What You Need To Know\". National Center for Complementary and Integrative Health. Retrieved 3 March 2020.",
                expect: &[
                    ("authors", None),
                    ("year", None),
                    ("title", Some("Probiotics: What You Need To Know")),
                    (
                        "container",
                        Some("National Center for Complementary and Integrative Health"),
                    ),
                ],
            },
            Case {
                input: "Smith, J. (2011). Sleep and the skin. In A. Editor & B. Other (Eds.), Dermatology Today (pp. 10–20). Publisher.",
                expect: &[
                    ("title", Some("Sleep and the skin")),
                    ("container", Some("Dermatology Today")),
                    ("pages", Some("10-20")),
                ],
            },
            Case {
                input: "Zhang, Y., Li, X., & Wang, Z. (in press). Probiotic supplementation and anxiety. Frontiers in Psychiatry.",
                expect: &[
                    ("authors", Some("Zhang, Y. | Li, X. | Wang, Z.")),
                    ("year", None),
                    ("title", Some("Probiotic supplementation and anxiety")),
                    ("container", Some("Frontiers in Psychiatry")),
                ],
            },
            Case {
                input: "[2] Liu, Y. et al (2018) Title here. Journal Name 5, 123-130",
                expect: &[
                    ("authors", Some("Liu, Y.")),
                    ("year", Some("2018")),
                    ("container", Some("Journal Name")),
                    ("volume", Some("5")),
                    ("pages", Some("123-130")),
                ],
            },
        ]);
    }

    #[test]
    fn identifiers_alone() {
        check(&[
            Case {
                input: "doi:10.1002/bies.201600008",
                expect: &[
                    ("doi", Some("10.1002/bies.201600008")),
                    ("title", None),
                    ("authors", None),
                    ("url", None),
                ],
            },
            Case {
                input: "https://doi.org/10.1002/bies.201600008",
                expect: &[
                    ("doi", Some("10.1002/bies.201600008")),
                    ("url", None),
                    ("title", None),
                ],
            },
            Case {
                input: "DOI: 10.1002/BIES.201600008",
                expect: &[("doi", Some("10.1002/BIES.201600008")), ("title", None)],
            },
            Case {
                input: "https://www.nhs.uk/conditions/eczema/",
                expect: &[
                    ("url", Some("https://www.nhs.uk/conditions/eczema/")),
                    ("title", None),
                    ("authors", None),
                    ("year", None),
                    ("doi", None),
                ],
            },
            Case {
                input: "See the NHS page on eczema: https://www.nhs.uk/.",
                expect: &[
                    ("url", Some("https://www.nhs.uk/")),
                    ("authors", None),
                    ("year", None),
                ],
            },
            Case {
                input: "Available online: https://pubmed.ncbi.nlm.nih.gov/24912386/ and https://onlinelibrary.wiley.com/doi/10.1002/bies.201600008/abstract",
                expect: &[
                    ("url", Some("https://pubmed.ncbi.nlm.nih.gov/24912386/")),
                    ("pmid", Some("24912386")),
                    ("doi", Some("10.1002/bies.201600008")),
                ],
            },
            Case {
                input: "(see https://en.wikipedia.org/wiki/Probiotic_(disambiguation)).",
                expect: &[(
                    "url",
                    Some("https://en.wikipedia.org/wiki/Probiotic_(disambiguation)"),
                )],
            },
        ]);
    }

    #[test]
    fn markers_and_markup_are_dropped() {
        check(&[
            Case {
                input: "1. Bowe WP, Logan AC. *Acne vulgaris*. _Gut Pathog_. 2011;3(1):1.",
                expect: &[
                    (
                        "raw",
                        Some("Bowe WP, Logan AC. Acne vulgaris. Gut Pathog. 2011;3(1):1."),
                    ),
                    ("authors", Some("Bowe WP | Logan AC")),
                    ("title", Some("Acne vulgaris")),
                    ("container", Some("Gut Pathog")),
                ],
            },
            Case {
                input: "[3]   Institute of Medicine.\n  Dietary Reference Intakes. Washington, DC: NAP; 2011.",
                expect: &[
                    (
                        "raw",
                        Some(
                            "Institute of Medicine. Dietary Reference Intakes. Washington, DC: NAP; 2011.",
                        ),
                    ),
                    ("authors", Some("Institute of Medicine")),
                ],
            },
            Case {
                input: "- https://example.org/a_b_c",
                expect: &[
                    ("url", Some("https://example.org/a_b_c")),
                    ("raw", Some("https://example.org/a_b_c")),
                ],
            },
        ]);
    }

    #[test]
    fn years_must_be_plausible() {
        check(&[
            Case {
                input: "Doe J. Old remedies. J Hist Med. 1750;3(1):1167-1176.",
                expect: &[("year", None)],
            },
            Case {
                input: "Doe J. Herbal teas. Phytother Res. 1998;12(4):1167-1176.",
                expect: &[("year", Some("1998")), ("pages", Some("1167-1176"))],
            },
            Case {
                input: "Report on pages 1850-1900 of the archive.",
                expect: &[("year", None)],
            },
            Case {
                input: "Public Health England. Sugar reduction. 2015.",
                expect: &[
                    ("year", Some("2015")),
                    ("authors", Some("Public Health England")),
                    ("title", Some("Sugar reduction")),
                ],
            },
        ]);
    }

    #[test]
    fn garbage_never_panics() {
        let long_letter = "a".repeat(100_000);
        let inputs = [
            "",
            "   ",
            "....",
            ". . . ? ! ;;; ::: ,,,",
            "((((((((",
            "))))) ]]]] [[[",
            "(2011",
            "Smith (2011). (",
            "東京大学. 腸内細菌と皮膚の健康. 日本皮膚科学会雑誌. 2019;129(3):1-10.",
            "😀😀😀. 🙃 (2020). 🤷?",
            "doi:10.",
            "https://",
            "PMID:",
            "1.",
            "[1]",
            long_letter.as_str(),
        ];
        for input in inputs {
            let r = parse_reference(input);
            assert!(r.raw.len() <= input.len());
        }
        let japanese = parse_reference(inputs[8]);
        assert_eq!(japanese.year, Some(2019));
        assert_eq!(japanese.volume.as_deref(), Some("129"));
    }

    #[test]
    fn one_megabyte_input_is_handled_in_one_call() {
        let unit = "Bowe WP, Logan AC. (2011). Title? Gut Pathog. 2011;3(1):1. doi:10.1186/x ";
        let huge = unit.repeat(1_048_576 / unit.len() + 1);
        let r = parse_reference(&huge);
        assert!(r.raw.len() >= 1_000_000);
        let dots = parse_reference(&". ".repeat(600_000));
        assert!(dots.title.is_none());
    }

    #[test]
    fn random_fragments_never_panic() {
        const PIECES: &[&str] = &[
            "(",
            ")",
            "[",
            "]",
            "2011",
            "1799",
            ";",
            ":",
            ".",
            ". ",
            " ",
            "?",
            "!",
            ",",
            "&",
            " and ",
            "doi:",
            "10.1000/",
            "https://",
            "www.",
            "doi.org/",
            "Smith",
            "J.",
            "WP",
            "et al.",
            "“",
            "”",
            "'",
            "\"",
            "…",
            "...",
            "é",
            "日本",
            "😀",
            "In ",
            "(Ed.)",
            "(pp. 1-2)",
            "vol.",
            "no.",
            "p.",
            "PMID:",
            "PMC",
            "123",
            "_",
            "*",
            "-",
            "–",
            "\n",
            "1. ",
            "[3] ",
            "(n.d.)",
            "Retrieved from",
            "Accessed",
            "[Internet]",
            "Jan",
        ];
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..3000 {
            let len = (next() % 40) as usize;
            let input: String = (0..len)
                .map(|_| PIECES[(next() % PIECES.len() as u64) as usize])
                .collect();
            let r = parse_reference(&input);
            assert!(!r.raw.contains("  "), "{input:?}");
            assert!(r.year.is_none_or(|y| YEARS.contains(&y)), "{input:?}");
        }
    }
}
