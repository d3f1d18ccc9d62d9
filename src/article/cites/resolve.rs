//! Resolving each [`Part`] of a marker to one of the article's references, or to
//! the reason it cannot be: no entry fits, or more than one does. Nothing is
//! guessed: a part links only when exactly one entry fits it.
//!
//! - A number `n` is the entry labelled `n` (the n-th item of a numbered list, or
//!   an entry written `[n] …`). In an article whose entries carry no numbers, it is
//!   the n-th entry of its reference lists (footnotes not counted).
//! - A footnote label is the footnote defined with that label (ignoring case).
//! - An author–year part needs the year (or "n.d." for an undated entry) and the
//!   names: an organisation by its name or an acronym of it ("WHO" for the World
//!   Health Organization), persons as the first surnames of the author list, in
//!   order. When several entries fit, the year's letter (2011a/2011b, read from the
//!   entries' own text) or, without "et al.", the exact number of authors may leave
//!   one; otherwise the part is ambiguous.

use std::sync::LazyLock;

use regex::Regex;

use super::names::{self, Author};
use super::scan::{Part, Work};
use super::{CiteProblem, MAX_CANDIDATES, RefId, compile};
use crate::article::Section;

/// What became of one part of a marker.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Resolution {
    /// It names this reference.
    Linked(RefId),
    /// It is a citation that cannot be linked, for this reason.
    Unlinked(CiteProblem),
    /// It only looked like a citation (a weak author–year reading matching nothing).
    Dropped,
}

/// An entry of the article, reduced to what parts are matched against.
#[derive(Debug)]
struct Entry {
    id: RefId,
    authors: Vec<Author>,
    year: Option<u16>,
    suffix: Option<char>,
    /// The label in lower case ("3", "^note").
    label: Option<String>,
}

impl Entry {
    fn is_footnote(&self) -> bool {
        self.label.as_deref().is_some_and(|l| l.starts_with('^'))
    }
}

/// Every reference of an article, ready to be matched.
#[derive(Debug)]
pub(crate) struct Catalogue {
    entries: Vec<Entry>,
    /// Whether any list entry carries a number.
    numbered: bool,
}

/// A year followed by a letter in an entry's text: "(2011a)".
static YEAR_LETTER: LazyLock<Regex> = LazyLock::new(|| compile(r"\b(\d{4})([a-z])\b"));

impl Catalogue {
    /// Reads the references of `sections`.
    pub fn new(sections: &[Section]) -> Catalogue {
        let entries: Vec<Entry> = sections
            .iter()
            .flat_map(|section| {
                section
                    .references
                    .iter()
                    .enumerate()
                    .map(|(index, r)| Entry {
                        id: RefId {
                            section: section.ordinal,
                            index: u32::try_from(index).unwrap_or(u32::MAX),
                        },
                        authors: r.authors.iter().map(|a| names::author(a)).collect(),
                        year: r.year,
                        suffix: year_letter(&r.raw, r.year),
                        label: r.label.as_deref().map(str::to_lowercase),
                    })
            })
            .collect();
        let numbered = entries
            .iter()
            .any(|e| e.label.is_some() && !e.is_footnote());
        Catalogue { entries, numbered }
    }

    /// What `part` names.
    pub fn resolve(&self, part: &Part) -> Resolution {
        match part {
            Part::Number(n) => self.number(*n),
            Part::Footnote(label) => {
                let label = format!("^{}", label.to_lowercase());
                one_of(self.with_label(&label))
            }
            Part::Work(work) => self.work(work),
            Part::BadRange(_) => Resolution::Unlinked(CiteProblem::BadRange),
        }
    }

    fn with_label(&self, label: &str) -> Vec<&Entry> {
        self.entries
            .iter()
            .filter(|e| e.label.as_deref() == Some(label))
            .collect()
    }

    fn number(&self, n: u32) -> Resolution {
        if self.numbered {
            return one_of(self.with_label(&n.to_string()));
        }
        let nth = usize::try_from(n).ok().and_then(|n| n.checked_sub(1));
        match nth.and_then(|i| self.entries.iter().filter(|e| !e.is_footnote()).nth(i)) {
            Some(entry) => Resolution::Linked(entry.id),
            None => Resolution::Unlinked(CiteProblem::NoMatch),
        }
    }

    fn work(&self, work: &Work) -> Resolution {
        let dated = |e: &&Entry| e.year == work.year;
        let by_organisation: Vec<&Entry> = self
            .entries
            .iter()
            .filter(dated)
            .filter(|e| matches_organisation(e, work))
            .collect();
        if !by_organisation.is_empty() {
            return pick(by_organisation, work, 1);
        }
        if !work.persons.is_empty() {
            let fitting: Vec<&Entry> = self
                .entries
                .iter()
                .filter(dated)
                .filter(|e| leads_with(e, &work.persons))
                .collect();
            if !fitting.is_empty() {
                return pick(fitting, work, work.persons.len());
            }
        }
        if work.strong {
            Resolution::Unlinked(CiteProblem::NoMatch)
        } else {
            Resolution::Dropped
        }
    }
}

/// The letter after an entry's year in its text ("Smith, J. (2011a).").
fn year_letter(raw: &str, year: Option<u16>) -> Option<char> {
    let year = year?.to_string();
    YEAR_LETTER
        .captures_iter(raw)
        .find(|caps| caps[1] == year)
        .and_then(|caps| caps[2].chars().next())
}

/// The entry's first author is an organisation the work names.
fn matches_organisation(entry: &Entry, work: &Work) -> bool {
    let Some(Author::Organisation { name, acronyms }) = entry.authors.first() else {
        return false;
    };
    work.organisations
        .iter()
        .any(|o| o == name || acronyms.contains(o))
}

/// The entry's authors start with `persons`, in order.
fn leads_with(entry: &Entry, persons: &[String]) -> bool {
    persons.len() <= entry.authors.len()
        && persons
            .iter()
            .zip(&entry.authors)
            .all(|(person, author)| person == author.surname())
}

/// The one entry of `entries`, else no match or ambiguity (naming at most
/// [`MAX_CANDIDATES`] of the entries).
fn one_of(entries: Vec<&Entry>) -> Resolution {
    match entries.as_slice() {
        [] => Resolution::Unlinked(CiteProblem::NoMatch),
        [only] => Resolution::Linked(only.id),
        several => Resolution::Unlinked(CiteProblem::Ambiguous {
            candidates: several.iter().take(MAX_CANDIDATES).map(|e| e.id).collect(),
        }),
    }
}

/// Settles the entries a work fits: one links (unless its year's letter says
/// otherwise); of several, the year's letter or the exact author count may leave
/// one.
fn pick(fitting: Vec<&Entry>, work: &Work, names: usize) -> Resolution {
    if let [only] = fitting.as_slice() {
        let letters_differ =
            work.suffix.is_some() && only.suffix.is_some() && work.suffix != only.suffix;
        return if letters_differ {
            Resolution::Unlinked(CiteProblem::NoMatch)
        } else {
            Resolution::Linked(only.id)
        };
    }
    if let Some(letter) = work.suffix {
        let lettered: Vec<&Entry> = fitting
            .iter()
            .copied()
            .filter(|e| e.suffix == Some(letter))
            .collect();
        if lettered.len() == 1 || fitting.iter().any(|e| e.suffix.is_some()) {
            return one_of(lettered);
        }
    }
    if !work.et_al {
        let exact: Vec<&Entry> = fitting
            .iter()
            .copied()
            .filter(|e| e.authors.len() == names)
            .collect();
        if exact.len() == 1 {
            return Resolution::Linked(exact[0].id);
        }
    }
    one_of(fitting)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::{ParseOptions, parse_article};

    /// Parses an article and shows what each marker part of its first section
    /// became: "marker -> index in the list" or "marker -> problem".
    fn links(body: &str) -> Vec<String> {
        let article = parse_article("a.md", body, &ParseOptions::default()).article;
        let first = &article.sections[0];
        let mut shown: Vec<(usize, String)> = first
            .cites
            .iter()
            .map(|c| (c.line, format!("{} -> {}", c.marker, c.reference.index + 1)))
            .collect();
        shown.extend(first.unlinked.iter().map(|u| {
            let problem = match &u.problem {
                CiteProblem::NoMatch => "no match".to_string(),
                CiteProblem::BadRange => "bad range".to_string(),
                CiteProblem::Ambiguous { candidates } => format!("ambiguous x{}", candidates.len()),
            };
            (u.line, format!("{} -> {problem}", u.part))
        }));
        shown.sort();
        shown.into_iter().map(|(_, s)| s).collect()
    }

    /// `links` compared as sets: the order of cites and problems within a line
    /// does not matter.
    fn assert_links(body: &str, want: &[&str]) {
        let mut got = links(body);
        got.sort();
        let mut want: Vec<String> = want.iter().map(|s| s.to_string()).collect();
        want.sort();
        assert_eq!(got, want);
    }

    const APA: &str = "\n\n## References\n\n\
        - Bowe, W. P., & Logan, A. C. (2011). Acne vulgaris, probiotics and the gut-brain-skin axis. *Gut Pathogens, 3*(1), 1.\n\
        - Chen, Y., Li, X., & Wang, Z. (2019). Gut microbes in acne. *Skin, 2*, 4.\n\
        - Chen, Y., Zhao, Q., & Sun, L. (2019). Gut microbes in rosacea. *Skin, 2*, 9.\n\
        - Smith, J. (2011a). Fibre and the gut. *Gut, 1*, 1.\n\
        - Smith, J. (2011b). Fibre and the skin. *Gut, 1*, 2.\n\
        - World Health Organization. (2020). *Guidelines on physical activity*. WHO.\n\
        - National Institute of Diabetes and Digestive and Kidney Diseases. (n.d.). *Constipation*. https://www.niddk.nih.gov/\n";

    #[test]
    fn author_year_parts_link_only_when_one_entry_fits() {
        let body = format!(
            "Acne (Bowe & Logan, 2011) and (Bowe and Logan 2011, p. 3).\n\
             Microbes (Chen et al., 2019).\n\
             Fibre (Smith, 2011a, b) and (Smith, 2011c) and (Smith, 2011).\n\
             Activity (WHO, 2020) and the World Health Organization (2020).\n\
             Constipation (National Institute of Diabetes and Digestive and Kidney Diseases, n.d.).\n\
             Not there (Smyth et al., 2018), wrong year (Bowe & Logan, 2012).\n\
             Not a citation: a trial (2011), March (2011), Stress (2011).{APA}"
        );
        assert_links(
            &body,
            &[
                "(Bowe & Logan, 2011) -> 1",
                "(Bowe and Logan 2011, p. 3) -> 1",
                "Chen et al., 2019 -> ambiguous x2",
                "(Smith, 2011a, b) -> 4",
                "(Smith, 2011a, b) -> 5",
                "Smith, 2011 -> ambiguous x2",
                "Smith, 2011c -> no match",
                "(WHO, 2020) -> 6",
                "World Health Organization (2020) -> 6",
                "(National Institute of Diabetes and Digestive and Kidney Diseases, n.d.) -> 7",
                "Bowe & Logan, 2012 -> no match",
                "Smyth et al., 2018 -> no match",
            ],
        );
    }

    #[test]
    fn numbers_follow_the_list_numbers_or_else_positions() {
        let numbered = "Claims [2] and [1, 3] and [4].\n\n## References\n\n\
            2. Second entry. Gut. 2011;1:1.\n3. Third entry. Gut. 2012;1:1.\n";
        // An ordered list starting at 2: its items are numbers 2 and 3.
        assert_links(
            numbered,
            &["[2] -> 1", "[1, 3] -> 2", "1 -> no match", "4 -> no match"],
        );
        let bulleted = "Claims [2] and [3].\n\n## References\n\n- First. 2011.\n- Second. 2012.\n";
        assert_links(bulleted, &["[2] -> 2", "3 -> no match"]);
        let bracketed = "Claim [7].\n\n## References\n\n[7] Seventh entry. Gut. 2011;1:1.\n\n[8] Eighth. Gut. 2011;1:2.\n";
        assert_links(bracketed, &["[7] -> 1"]);
    }

    #[test]
    fn footnotes_link_by_label_and_a_missing_one_is_reported() {
        let body = "Stress.[^1] Sleep.[^Sleep] Diet.[^diet]\n\n[^1]: Bowe WP, Logan AC. Acne vulgaris. Gut Pathog. 2011;3(1):1.\n[^sleep]: https://www.nhs.uk/\n";
        assert_links(body, &["[^1] -> 1", "[^Sleep] -> 2", "^diet -> no match"]);
    }
}
