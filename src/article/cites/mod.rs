//! In-text citations: which of the article's references each section's claims
//! point at. The Markdown walk collects each section's running text as a `Prose`
//! (code, links and images hidden, footnote references and `<sup>` kept, lines
//! remembered); this module finds the markers in it (`scan.rs`), resolves each to
//! one reference of the whole article (`resolve.rs`), and stores the outcome on
//! the section: [`Section::cites`] for the markers that
//! link, [`Section::unlinked`] for those that cannot. [`lint`] turns the problems
//! (unlinked markers, references never cited, one work listed twice) into
//! [`Warning`](crate::Warning)s for `healthdex index --check`.
//!
//! Markers are read from the walk and not from [`Section::text`] because the text
//! has lost what tells them apart: footnote references are dropped from it, a
//! superscript runs into the word before it ("effect1"), and code looks like prose.
//!
//! Linking never guesses. A marker part that fits no reference, or more than
//! one, stays unlinked and is reported; a reading that only might be a citation
//! (a capitalised word before a year in parentheses) is kept only if it fits
//! exactly one reference.

mod check;
mod names;
pub(crate) mod prose;
mod resolve;
mod scan;

use regex::Regex;
use serde::{Deserialize, Serialize};

pub use check::lint;
use prose::Prose;
use resolve::{Catalogue, Resolution};
use scan::Part;

use super::Section;

/// Where a reference is: the ordinal of the section whose
/// [`references`](Section::references) list it, and its index there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RefId {
    /// [`Section::ordinal`] of the section listing the reference.
    pub section: u32,
    /// Index in that section's `references`.
    pub index: u32,
}

/// A marker in a section's text linked to the reference it names. A marker naming
/// several references (`[1, 3]`, `(Bowe & Logan, 2011; Salem et al., 2018)`) gives
/// one `CiteRef` for each.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CiteRef {
    /// The reference named.
    pub reference: RefId,
    /// The marker as written: "[2–4]", "<sup>1,2</sup>", "(Bowe & Logan, 2011)",
    /// "Salem et al. (2018)", "[^note]".
    pub marker: String,
    /// 1-based line of the marker in the file.
    pub line: usize,
}

/// A marker, or one part of it, that names no reference healthdex can settle on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unlinked {
    /// The whole marker as written.
    pub marker: String,
    /// The part that failed: "12" of "[3, 12]", "^note", "Smith et al., 2019".
    pub part: String,
    /// 1-based line of the marker in the file.
    pub line: usize,
    /// Why it is not linked.
    pub problem: CiteProblem,
}

/// Why a marker part is not linked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum CiteProblem {
    /// No reference fits it: a number past the list, a footnote never defined, a
    /// name or year no entry has.
    NoMatch,
    /// More than one reference fits it (two "Chen et al., 2019").
    Ambiguous {
        /// The references that fit, in article order; at most [`MAX_CANDIDATES`].
        candidates: Vec<RefId>,
    },
    /// A range written backwards or longer than healthdex expands ("[5–2]").
    BadRange,
}

/// An ambiguous marker names at most this many of the references that fit it.
pub const MAX_CANDIDATES: usize = 8;

/// Compiles one of this module's fixed patterns; they are covered by the tests.
pub(crate) fn compile(pattern: &str) -> Regex {
    Regex::new(pattern).expect("fixed citation marker pattern must compile")
}

/// Finds the markers of each section's prose and links them to the references of
/// all `sections`, filling in `cites` and `unlinked`. `proses[i]` belongs to
/// `sections[i]`.
pub(crate) fn link(sections: &mut [Section], proses: &[Prose]) {
    let catalogue = Catalogue::new(sections);
    for (section, prose) in sections.iter_mut().zip(proses) {
        let (cites, unlinked) = link_section(&catalogue, prose);
        section.cites = cites;
        section.unlinked = unlinked;
    }
}

/// The cites and unlinked markers of one section. Of overlapping readings the
/// first that names something (linked or not) is kept; readings that only might
/// be citations and fit nothing are passed over.
fn link_section(catalogue: &Catalogue, prose: &Prose) -> (Vec<CiteRef>, Vec<Unlinked>) {
    let mut cites = Vec::new();
    let mut unlinked = Vec::new();
    let mut taken_to = 0;
    for marker in scan::markers(prose) {
        if marker.range.start < taken_to {
            continue;
        }
        let outcomes: Vec<Resolution> = marker.parts.iter().map(|p| catalogue.resolve(p)).collect();
        if outcomes.iter().all(|o| *o == Resolution::Dropped) {
            continue;
        }
        taken_to = marker.range.end;
        for (part, outcome) in marker.parts.iter().zip(outcomes) {
            match outcome {
                Resolution::Linked(reference) => cites.push(CiteRef {
                    reference,
                    marker: marker.text.clone(),
                    line: marker.line,
                }),
                Resolution::Unlinked(problem) => unlinked.push(Unlinked {
                    marker: marker.text.clone(),
                    part: part_text(part),
                    line: marker.line,
                    problem,
                }),
                Resolution::Dropped => {}
            }
        }
    }
    (cites, unlinked)
}

/// How a part is named in [`Unlinked::part`].
fn part_text(part: &Part) -> String {
    match part {
        Part::Number(n) => n.to_string(),
        Part::Footnote(label) => format!("^{label}"),
        Part::Work(work) => work.text.clone(),
        Part::BadRange(range) => range.clone(),
    }
}
