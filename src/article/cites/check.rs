//! Citation problems as warnings for `healthdex index --check`: markers that link
//! to nothing or to more than one reference, references the text never cites, and
//! one work listed twice. Each names the file and line and says what to change.
//!
//! References never cited are reported only in articles that cite at all (a list
//! of sources under an article without markers is a reading list), never under a
//! "Further reading" heading, and not when the entry repeats an earlier one (that
//! is reported as the duplicate it is). A marker that fits several entries which
//! are one work listed twice says so, rather than asking for 2011a/2011b.

use rustc_hash::FxHashMap;

use super::{CiteProblem, RefId, Unlinked};
use crate::Warning;
use crate::article::{Article, Reference, Section};

/// Longest quotation of an entry in a message, in characters.
const QUOTE_CHARS: usize = 60;

/// Every citation problem of `article`, in the order: markers, then references.
pub fn lint(article: &Article) -> Vec<Warning> {
    let duplicates = duplicate_entries(article);
    let mut warnings = Vec::new();
    for section in &article.sections {
        for unlinked in &section.unlinked {
            warnings.push(unlinked_warning(article, unlinked, &duplicates));
        }
    }
    uncited(article, &duplicates, &mut warnings);
    for duplicate in &duplicates {
        warnings.push(duplicate_warning(article, duplicate));
    }
    warnings
}

/// An entry that repeats an earlier one of the same article.
struct Duplicate {
    later: RefId,
    earlier: RefId,
    /// How they were found to be one work ("the same DOI").
    how: &'static str,
}

fn unlinked_warning(article: &Article, unlinked: &Unlinked, duplicates: &[Duplicate]) -> Warning {
    let Unlinked {
        marker,
        part,
        line,
        problem,
    } = unlinked;
    let whole = [part.clone(), format!("[{part}]"), format!("({part})")];
    let named = if whole.contains(marker) || digits_of(marker) == *part {
        format!("the citation `{marker}`")
    } else {
        format!("`{part}` in the citation `{marker}`")
    };
    let message = match problem {
        CiteProblem::BadRange => format!(
            "{named} is not a range healthdex can read; write it lowest number first and at most {} references long, as `[2–5]`",
            super::scan::MAX_RANGE
        ),
        CiteProblem::Ambiguous { candidates } => {
            ambiguous(article, &named, part, candidates, duplicates)
        }
        CiteProblem::NoMatch if part.starts_with('^') => format!(
            "{named} has no footnote; add `[{part}]: …` with its source, or remove the marker"
        ),
        CiteProblem::NoMatch if part.chars().all(|c| c.is_ascii_digit()) => format!(
            "{named} points at reference {part}, which the article does not list ({}); fix the number or add the entry",
            last_number(article)
        ),
        CiteProblem::NoMatch => format!(
            "{named} matches no reference by those names and year; correct the citation or add the entry to the references"
        ),
    };
    Warning::new(&article.path, Some(*line), message)
}

/// The digits of a marker, superscripts read as digits: "15" for `<sup>15</sup>`
/// and for `¹⁵`.
fn digits_of(marker: &str) -> String {
    marker
        .chars()
        .filter_map(|c| match "⁰¹²³⁴⁵⁶⁷⁸⁹".chars().position(|s| s == c) {
            Some(d) => char::from_digit(d as u32, 10),
            None => c.is_ascii_digit().then_some(c),
        })
        .collect()
}

/// A marker that fits several entries: the same work listed more than once, or
/// works that need telling apart.
fn ambiguous(
    article: &Article,
    named: &str,
    part: &str,
    candidates: &[RefId],
    duplicates: &[Duplicate],
) -> String {
    let lines: Vec<String> = candidates
        .iter()
        .map(|id| {
            let (section, reference) = located(article, *id);
            format!("line {}", entry_line(section, reference))
        })
        .collect();
    let lines = lines.join(", ");
    let one_work = candidates.iter().skip(1).all(|id| {
        duplicates
            .iter()
            .any(|d| d.later == *id && d.earlier == candidates[0])
    });
    if one_work {
        return format!(
            "{named} fits the entries on {lines}, which are the same work listed more than once; keep one entry"
        );
    }
    let how_many = if candidates.len() >= super::MAX_CANDIDATES {
        format!("{} or more", candidates.len())
    } else {
        candidates.len().to_string()
    };
    let year: String = part
        .split(|c: char| !c.is_ascii_digit())
        .find(|run| run.len() == 4)
        .unwrap_or("2019")
        .to_string();
    format!(
        "{named} fits {how_many} references ({lines}); tell them apart with {year}a/{year}b in the entries and the citation, or name a second author"
    )
}

/// "the last is reference 12" (or "it lists no references"): where the numbering
/// ends, by the numbers the entries carry or else by their count.
fn last_number(article: &Article) -> String {
    let listed: Vec<&Reference> = article
        .references()
        .filter(|r| r.label.as_deref().is_none_or(|l| !l.starts_with('^')))
        .collect();
    let highest = listed
        .iter()
        .filter_map(|r| r.label.as_deref()?.parse::<u64>().ok())
        .max();
    let last = highest.or_else(|| u64::try_from(listed.len()).ok().filter(|n| *n > 0));
    match last {
        Some(last) => format!("the last is reference {last}"),
        None => String::from("it lists no references"),
    }
}

/// References no marker links to, in articles whose text cites. An entry that
/// repeats an earlier one is reported as a duplicate instead.
fn uncited(article: &Article, duplicates: &[Duplicate], warnings: &mut Vec<Warning>) {
    let cites_at_all = article
        .sections
        .iter()
        .any(|s| !s.cites.is_empty() || !s.unlinked.is_empty());
    if !cites_at_all {
        return;
    }
    let cited: std::collections::HashSet<RefId> = article
        .sections
        .iter()
        .flat_map(|s| s.cites.iter().map(|c| c.reference))
        .collect();
    for (id, reference) in article.reference_ids() {
        let section = &article.sections[id.section as usize];
        let repeats = duplicates.iter().any(|d| d.later == id);
        if cited.contains(&id) || repeats || is_further_reading(section) {
            continue;
        }
        warnings.push(Warning::new(
            &article.path,
            Some(entry_line(section, reference)),
            format!(
                "{} is never cited in the text; cite it where it supports a claim, or list it under a `Further reading` heading",
                describe(reference)
            ),
        ));
    }
}

fn is_further_reading(section: &Section) -> bool {
    section
        .breadcrumbs
        .iter()
        .skip(1)
        .chain([&section.heading])
        .any(|h| h.to_lowercase().contains("further reading"))
}

/// The same work listed twice: the same DOI or PMID, or the same title and first
/// author. Each later entry is paired with the first it repeats.
fn duplicate_entries(article: &Article) -> Vec<Duplicate> {
    let mut seen: FxHashMap<String, RefId> = FxHashMap::default();
    let mut found = Vec::new();
    for (id, reference) in article.reference_ids() {
        let keys = work_keys(reference);
        match keys
            .iter()
            .find_map(|(key, how)| seen.get(key).map(|earlier| (*earlier, *how)))
        {
            Some((earlier, how)) => found.push(Duplicate {
                later: id,
                earlier,
                how,
            }),
            None => {
                for (key, _) in keys {
                    seen.insert(key, id);
                }
            }
        }
    }
    found
}

fn duplicate_warning(article: &Article, duplicate: &Duplicate) -> Warning {
    let (earlier_section, earlier) = located(article, duplicate.earlier);
    let (section, later) = located(article, duplicate.later);
    let differences = differences(earlier, later);
    let detail = if differences.is_empty() {
        String::from("listed twice")
    } else {
        format!("written differently ({})", differences.join("; "))
    };
    Warning::new(
        &article.path,
        Some(entry_line(section, later)),
        format!(
            "{} is the same work as the entry on line {} ({}), {detail}; keep one entry and point every citation at it",
            describe(later),
            entry_line(earlier_section, earlier),
            duplicate.how,
        ),
    )
}

/// What identifies a work: its DOI, its PMID, and its title with its first author
/// (titles of four words or more, so "Acne vulgaris" by two Williamses stays two).
fn work_keys(reference: &Reference) -> Vec<(String, &'static str)> {
    let mut keys = Vec::new();
    if let Some(doi) = &reference.doi {
        keys.push((format!("doi {}", doi.to_lowercase()), "the same DOI"));
    }
    if let Some(pmid) = &reference.pmid {
        keys.push((format!("pmid {pmid}"), "the same PMID"));
    }
    let title = reference
        .title
        .as_deref()
        .map(title_key)
        .unwrap_or_default();
    if title.split(' ').count() >= 4 {
        let first = reference
            .authors
            .first()
            .map(|a| super::names::author(a).surname().to_string())
            .unwrap_or_default();
        keys.push((
            format!("title {first} {title}"),
            "the same title and first author",
        ));
    }
    keys
}

/// A title as lower-case words, punctuation dropped.
fn title_key(title: &str) -> String {
    title
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The fields two entries of one work disagree on.
fn differences(a: &Reference, b: &Reference) -> Vec<String> {
    let mut out = Vec::new();
    let mut compare = |what: &str, x: Option<String>, y: Option<String>| {
        if let (Some(x), Some(y)) = (x, y)
            && x != y
        {
            out.push(format!("{what} {x} and {y}"));
        }
    };
    compare(
        "year",
        a.year.map(|y| y.to_string()),
        b.year.map(|y| y.to_string()),
    );
    compare("journal", a.container.clone(), b.container.clone());
    compare("volume", a.volume.clone(), b.volume.clone());
    compare("pages", a.pages.clone(), b.pages.clone());
    compare("DOI", a.doi.clone(), b.doi.clone());
    out
}

fn located(article: &Article, id: RefId) -> (&Section, &Reference) {
    let section = &article.sections[id.section as usize];
    (section, &section.references[id.index as usize])
}

/// The entry's own line, or its section's when unknown.
fn entry_line(section: &Section, reference: &Reference) -> usize {
    reference.line.unwrap_or(section.line)
}

/// "reference 4 (`National Institute of Diabetes…`)", "the footnote `[^2]`
/// (`Bowe WP…`)" or just the quoted entry.
fn describe(reference: &Reference) -> String {
    let quote = quote(&reference.raw);
    match reference.label.as_deref() {
        Some(label) if label.starts_with('^') => format!("the footnote `[{label}]` (`{quote}`)"),
        Some(number) => format!("reference {number} (`{quote}`)"),
        None => format!("the reference `{quote}`"),
    }
}

fn quote(raw: &str) -> String {
    if raw.chars().count() <= QUOTE_CHARS {
        return raw.to_string();
    }
    let cut: String = raw.chars().take(QUOTE_CHARS).collect();
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use crate::article::{ParseOptions, lint, parse_article};

    fn warnings(body: &str) -> Vec<(usize, String)> {
        let article = parse_article("a.md", body, &ParseOptions::default()).article;
        lint(&article)
            .into_iter()
            .map(|w| (w.line.unwrap_or(0), w.message))
            .collect()
    }

    #[test]
    fn each_problem_names_its_line_and_what_to_do() {
        let body = "---\ntitle: T\n---\nClaims [1] and [4] and [3–1].[^x]\n\nAlso (Chen et al., 2019) and (Smyth, 2018).\n\n## References\n\n\
            1. Chen Y, Li X. Gut microbes in acne. Skin. 2019;2:4. doi:10.1000/a\n\
            2. Chen Y, Sun L. Gut microbes in rosacea. Skin. 2019;2:9.\n\
            3. Chen Y, Li X. Gut microbes in acne. Skin J. 2020;2:4. doi:10.1000/a\n\n\
            ## Further reading\n\n- Holick MF. Vitamin D deficiency. N Engl J Med. 2007.\n";
        let got = warnings(body);
        let find = |needle: &str| {
            got.iter()
                .find(|(_, m)| m.contains(needle))
                .unwrap_or_else(|| panic!("no {needle:?} in {got:#?}"))
                .0
        };
        assert_eq!(
            find(
                "`[4]` points at reference 4, which the article does not list (the last is reference 3)"
            ),
            4
        );
        assert_eq!(find("`[3–1]` is not a range"), 4);
        assert_eq!(find("`[^x]` has no footnote; add `[^x]: …`"), 4);
        assert_eq!(find("fits 2 references (line 10, line 11)"), 6);
        assert_eq!(find("`(Smyth, 2018)` matches no reference"), 6);
        assert_eq!(find("reference 2 (`Chen Y, Sun L."), 11);
        assert_eq!(
            find(
                "reference 3 (`Chen Y, Li X. Gut microbes in acne. Skin J. 2020;2:4. doi:10…`) is the same work as the entry on line 10 (the same DOI), written differently (year 2019 and 2020; journal Skin and Skin J)"
            ),
            12
        );
        assert!(!got.iter().any(|(_, m)| m.contains("Holick")), "{got:#?}");
        assert!(
            !got.iter().any(|(_, m)| m.contains("reference 1 (")),
            "{got:#?}"
        );
    }

    #[test]
    fn an_article_without_markers_has_no_uncited_references() {
        let body =
            "Text.\n\n## References\n\n- Holick MF. Vitamin D deficiency. N Engl J Med. 2007.\n";
        assert!(warnings(body).is_empty());
    }
}
