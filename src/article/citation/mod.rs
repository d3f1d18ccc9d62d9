//! Bibliography entries. This module owns a single job: taking one raw entry from a
//! references list or a footnote (already turned into plain text by the caller) and
//! reading it as a structured [`Reference`]: authors, year, title, container (journal,
//! book, site or publisher), volume, issue, pages and the identifiers DOI, PMID, PMCID
//! and URL. It understands author–date entries (APA, Harvard, including book chapters),
//! Vancouver/AMA journal and book entries, the "Journal Year, Vol, Pages" layout and MLA,
//! and failing those it splits free text into sentences as well as it can. Parsing is pure: no I/O, no state besides lazily compiled patterns, and no
//! input, however long or malformed, makes it panic.
//!
//! Last, [`evidence`] reads the kind of study the entry reports (trial, review,
//! guideline…) from its title and journal. Where an entry sits in its article (its
//! number or footnote label, its line) is the article parser's to fill in; linking
//! the markers of the text to entries is [`crate::article::cites`]'s job.

mod clean;
pub mod evidence;
mod fields;
mod identifiers;
mod noise;
mod patterns;
mod sentences;
mod styles;

use serde::{Deserialize, Serialize};

use clean::*;
pub use evidence::Evidence;
use fields::*;
use identifiers::*;
use noise::*;
use patterns::*;
use sentences::*;
use styles::*;

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
    /// Title of the work.
    pub title: Option<String>,
    /// Journal, book, website or publisher.
    pub container: Option<String>,
    /// Volume of the journal or series.
    pub volume: Option<String>,
    /// Issue within the volume.
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
    /// The kind of study or document, read from the title and journal
    /// ([`evidence::classify`]); `unknown` when they do not say.
    #[serde(default)]
    pub evidence: Evidence,
    /// How the article's markers name this entry: `"3"` for the third item of a
    /// numbered list (or an entry written `[3] …` or `3. …`), `"^note"` for the
    /// footnote `[^note]: …`. `None` for an unnumbered entry.
    #[serde(default)]
    pub label: Option<String>,
    /// 1-based line of the entry in its file; `None` when parsed on its own.
    #[serde(default)]
    pub line: Option<usize>,
}

/// Parses one bibliography entry. Never panics, for any input (including empty, huge, or garbage).
pub fn parse_reference(raw: &str) -> Reference {
    let cleaned = clean_markup(raw);
    let text = strip_list_marker(&cleaned).to_owned();
    let mut ids = Reference::default();
    let work = mark_ellipses(truncate(&text, MAX_PARSE_BYTES));
    let work = extract_identifiers(&work, &mut ids);
    let work = tidy(&remove_noise(&work));
    let mut reference = Reference {
        label: number_label(&cleaned),
        raw: text,
        doi: ids.doi,
        pmid: ids.pmid,
        pmcid: ids.pmcid,
        url: ids.url,
        ..parse_body(&work)
    };
    reference.evidence = evidence::classify(&reference);
    reference
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

#[cfg(test)]
mod tests;
