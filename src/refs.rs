//! The corpus's works: every reference of every article, gathered into one entry
//! per cited publication, for `healthdex refs` and `/api/refs`.
//!
//! Articles cite the same publication with different details (one with its DOI,
//! another with only a title), so references are grouped by identity, strongest
//! first: the DOI (case-folded), else the PubMed id, else the PubMed Central id,
//! else the title's words with the year. A reference with none of those (a bare
//! URL, a line the parser could not read) is a work of its own. Each work keeps
//! its fullest entry for display and lists the articles citing it ("cited by").
//! Two entries that share a DOI or PubMed id but disagree on the year or the title
//! are reported by [`Works::disagreements`], since one of them is probably wrong.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::article::{Article, Evidence, Reference, Section};
use crate::search::Source;

/// One cited publication.
#[derive(Debug, Clone, Serialize)]
pub struct Work {
    /// Its identity: `doi:…`, `pmid:…`, `pmcid:…`, `title:…` or `raw:…`.
    pub key: String,
    /// The entry with the most fields filled in, as parsed.
    pub reference: Reference,
    /// The articles that cite it, in path order.
    pub cited_by: Vec<Citing>,
}

/// An article that cites a work.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Citing {
    /// The article's path (its id).
    pub path: String,
    /// The article's title.
    pub title: String,
    /// The article's URL.
    pub url: String,
    /// The heading of the section that lists the reference, with its URL.
    pub listed_in: SectionLink,
    /// The sections whose text cites it (through in-text markers), in order.
    pub cited_in: Vec<SectionLink>,
}

/// A section of an article: its heading and its URL.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SectionLink {
    /// Heading text ("References"), empty for the intro.
    pub heading: String,
    /// The section's URL with its anchor.
    pub url: String,
}

impl SectionLink {
    fn of(section: &Section) -> SectionLink {
        SectionLink {
            heading: section.heading.clone(),
            url: section.url.clone(),
        }
    }
}

/// Two entries for one work that disagree.
#[derive(Debug, Clone, Serialize)]
pub struct Disagreement {
    /// The work.
    pub key: String,
    /// What differs ("year 2011 in a.md, 2012 in b.md").
    pub message: String,
    /// The article paths involved.
    pub paths: Vec<String>,
}

/// Every work of a corpus.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Works {
    /// Most cited first, then by key.
    pub works: Vec<Work>,
    /// Every entry that went into each work, by key (for [`Works::disagreements`]).
    #[serde(skip)]
    entries: BTreeMap<String, Vec<(String, Reference)>>,
}

impl Works {
    /// Gathers the references of `articles` into works.
    pub fn gather(articles: &[Article]) -> Works {
        let mut entries: BTreeMap<String, Vec<(String, Reference)>> = BTreeMap::new();
        let mut citing: BTreeMap<String, Vec<Citing>> = BTreeMap::new();
        for article in articles {
            for section in &article.sections {
                for reference in &section.references {
                    let key = identity(reference);
                    entries
                        .entry(key.clone())
                        .or_default()
                        .push((article.path.clone(), reference.clone()));
                    let cites = citing.entry(key).or_default();
                    if !cites.iter().any(|c| c.path == article.path) {
                        cites.push(Citing {
                            path: article.path.clone(),
                            title: article.title.clone(),
                            url: article.url.clone(),
                            listed_in: SectionLink::of(section),
                            cited_in: Vec::new(),
                        });
                    }
                }
            }
            for section in &article.sections {
                for reference in article.sources(section) {
                    let citing = citing.entry(identity(reference)).or_default();
                    if let Some(cite) = citing.iter_mut().find(|c| c.path == article.path)
                        && !cite.cited_in.iter().any(|s| s.url == section.url)
                    {
                        cite.cited_in.push(SectionLink::of(section));
                    }
                }
            }
        }
        let mut works: Vec<Work> = entries
            .iter()
            .map(|(key, found)| Work {
                key: key.clone(),
                reference: fullest(found.iter().map(|(_, r)| r)),
                cited_by: citing.remove(key).unwrap_or_default(),
            })
            .collect();
        works.sort_by(|a, b| {
            b.cited_by
                .len()
                .cmp(&a.cited_by.len())
                .then_with(|| a.key.cmp(&b.key))
        });
        Works { works, entries }
    }

    /// The work with this key.
    pub fn get(&self, key: &str) -> Option<&Work> {
        let key = key.trim();
        self.works
            .iter()
            .find(|work| work.key == key || work.key.eq_ignore_ascii_case(key))
    }

    /// Works matching `query`: `doi:…`, `pmid:…` or `pmcid:…` for an identifier,
    /// `author:NAME` for an author's name, else words that must all occur in the
    /// title, authors, journal or year. Most cited first.
    pub fn search(&self, query: &str) -> Vec<&Work> {
        let query = query.trim();
        let lowered = query.to_lowercase();
        if let Some(rest) = ["doi:", "pmid:", "pmcid:"]
            .iter()
            .find_map(|prefix| lowered.strip_prefix(prefix).map(|rest| (prefix, rest)))
        {
            let (prefix, id) = rest;
            let id = id.trim().trim_start_matches("https://doi.org/");
            return self
                .works
                .iter()
                .filter(|work| identifier(&work.reference, prefix).is_some_and(|v| v == id))
                .collect();
        }
        if let Some(name) = lowered.strip_prefix("author:") {
            let name = words(name);
            return self
                .works
                .iter()
                .filter(|work| {
                    work.reference.authors.iter().any(|author| {
                        let author = words(author);
                        name.iter().all(|w| author.contains(w))
                    })
                })
                .collect();
        }
        let wanted = words(&lowered);
        if wanted.is_empty() {
            return Vec::new();
        }
        self.works
            .iter()
            .filter(|work| {
                let have = words(&searchable(&work.reference));
                wanted.iter().all(|w| have.contains(w))
            })
            .collect()
    }

    /// One entry per pair of entries that share a DOI, PubMed id or PubMed Central
    /// id but give another year or title.
    pub fn disagreements(&self) -> Vec<Disagreement> {
        let mut found = Vec::new();
        for (key, entries) in &self.entries {
            if !(key.starts_with("doi:") || key.starts_with("pmid:") || key.starts_with("pmcid:")) {
                continue;
            }
            let first = &entries[0];
            for other in &entries[1..] {
                let mut differs = Vec::new();
                if let (Some(a), Some(b)) = (first.1.year, other.1.year)
                    && a != b
                {
                    differs.push(format!("year {a} in `{}`, {b} in `{}`", first.0, other.0));
                }
                if let (Some(a), Some(b)) = (&first.1.title, &other.1.title)
                    && words(a) != words(b)
                {
                    differs.push(format!(
                        "title \"{a}\" in `{}`, \"{b}\" in `{}`",
                        first.0, other.0
                    ));
                }
                if !differs.is_empty() {
                    found.push(Disagreement {
                        key: key.clone(),
                        message: format!(
                            "{key} is cited with different details: {}; check which is right",
                            differs.join("; ")
                        ),
                        paths: vec![first.0.clone(), other.0.clone()],
                    });
                }
            }
        }
        found
    }
}

/// The works a section's text cites, as hits show them: each once, in the order
/// first cited ([`Article::sources`]).
pub fn cited_sources(article: &Article, section: &Section) -> Vec<Source> {
    article.sources(section).into_iter().map(source).collect()
}

/// The evidence kinds among `sources`, `unknown` left out, each once, sorted: what
/// a section is faceted and filtered by.
pub fn evidence_kinds(sources: &[Source]) -> Vec<String> {
    let mut kinds: Vec<String> = sources
        .iter()
        .map(|s| s.evidence.clone())
        .filter(|kind| kind != Evidence::Unknown.as_str())
        .collect();
    kinds.sort_unstable();
    kinds.dedup();
    kinds
}

/// A reference as a hit shows it ([`Source`]).
pub fn source(reference: &Reference) -> Source {
    Source {
        authors: reference.authors.clone(),
        year: reference.year,
        title: reference.title.clone(),
        container: reference.container.clone(),
        doi: reference.doi.clone(),
        pmid: reference.pmid.clone(),
        url: link(reference),
        evidence: reference.evidence.as_str().to_string(),
    }
}

/// Where a work can be read: its DOI's address, its PubMed (or PubMed Central)
/// page, or its own URL.
pub fn link(reference: &Reference) -> Option<String> {
    if let Some(doi) = &reference.doi {
        return Some(format!("https://doi.org/{doi}"));
    }
    if let Some(pmid) = &reference.pmid {
        return Some(format!("https://pubmed.ncbi.nlm.nih.gov/{pmid}/"));
    }
    if let Some(pmcid) = &reference.pmcid {
        return Some(format!("https://pmc.ncbi.nlm.nih.gov/articles/{pmcid}/"));
    }
    reference.url.clone()
}

/// An evidence type in words, for readers (`rct` → "randomised trial").
pub fn evidence_label(kind: &str) -> &'static str {
    match kind {
        "systematic-review" => "systematic review",
        "rct" => "randomised trial",
        "observational" => "observational study",
        "guideline" => "guideline",
        "narrative-review" => "narrative review",
        "case-report" => "case report",
        "animal-or-lab" => "animal or lab study",
        _ => "kind not stated",
    }
}

/// "3 sources · 1 systematic review, 1 randomised trial": how many works a section
/// cites and the kinds among them that are known, strongest designs first.
pub fn summary(sources: &[Source]) -> String {
    let count = match sources.len() {
        1 => "1 source".to_string(),
        n => format!("{n} sources"),
    };
    let order = [
        "systematic-review",
        "guideline",
        "rct",
        "observational",
        "narrative-review",
        "case-report",
        "animal-or-lab",
    ];
    let kinds: Vec<String> = order
        .iter()
        .filter_map(|kind| {
            let n = sources.iter().filter(|s| s.evidence == *kind).count();
            (n > 0).then(|| {
                let label = evidence_label(kind);
                match n {
                    1 => format!("1 {label}"),
                    n => format!("{n} {label}s"),
                }
            })
        })
        .collect();
    match kinds.is_empty() {
        true => count,
        false => format!("{count} · {}", kinds.join(", ")),
    }
}

/// The identity of a reference (see the module documentation).
pub fn identity(reference: &Reference) -> String {
    if let Some(doi) = &reference.doi {
        return format!("doi:{}", doi.to_lowercase());
    }
    if let Some(pmid) = &reference.pmid {
        return format!("pmid:{pmid}");
    }
    if let Some(pmcid) = &reference.pmcid {
        return format!("pmcid:{}", pmcid.to_uppercase());
    }
    if let Some(title) = &reference.title {
        let title = words(title).join(" ");
        if !title.is_empty() {
            let year = reference.year.map(|y| y.to_string()).unwrap_or_default();
            return format!("title:{title}|{year}");
        }
    }
    format!("raw:{}", words(&reference.raw).join(" "))
}

fn identifier<'a>(reference: &'a Reference, prefix: &str) -> Option<String> {
    let value: Option<&'a String> = match prefix {
        "doi:" => reference.doi.as_ref(),
        "pmid:" => reference.pmid.as_ref(),
        _ => reference.pmcid.as_ref(),
    };
    value.map(|v| v.to_lowercase())
}

/// Lower-cased words of letters and digits.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

fn searchable(reference: &Reference) -> String {
    let mut text = reference.authors.join(" ");
    for part in [&reference.title, &reference.container]
        .into_iter()
        .flatten()
    {
        text.push(' ');
        text.push_str(part);
    }
    if let Some(year) = reference.year {
        text.push_str(&format!(" {year}"));
    }
    text
}

/// The entry with the most fields filled in (the first such, in corpus order).
fn fullest<'a>(entries: impl Iterator<Item = &'a Reference>) -> Reference {
    let filled = |r: &Reference| {
        usize::from(!r.authors.is_empty())
            + [
                r.title.is_some(),
                r.container.is_some(),
                r.year.is_some(),
                r.volume.is_some(),
                r.pages.is_some(),
                r.doi.is_some(),
                r.pmid.is_some(),
                r.pmcid.is_some(),
            ]
            .iter()
            .filter(|&&f| f)
            .count()
    };
    let mut best: Option<&Reference> = None;
    for entry in entries {
        if best.is_none_or(|b| filled(entry) > filled(b)) {
            best = Some(entry);
        }
    }
    best.cloned().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::{ParseOptions, parse_article};

    fn article(path: &str, references: &str) -> Article {
        let text = format!(
            "---\ntitle: {path}\n---\nSome text.\n\n## Diet\n\nAcne and the gut [1].\n\n## References\n\n{references}"
        );
        parse_article(path, &text, &ParseOptions::default()).article
    }

    fn corpus() -> Vec<Article> {
        vec![
            article(
                "a.md",
                "1. Bowe WP, Logan AC. Acne vulgaris, probiotics and the gut-brain-skin axis - back to the future? Gut Pathog. 2011;3:1. doi:10.1186/1757-4749-3-1\n\
                 2. Camilleri M. Leaky gut: mechanisms, measurement and clinical implications in humans. Gut. 2019;68(8):1516-1526.\n",
            ),
            article(
                "b.md",
                "- Bowe, W. P., & Logan, A. C. (2012). Acne vulgaris, probiotics and the gut-brain-skin axis. https://doi.org/10.1186/1757-4749-3-1\n\
                 - Camilleri M. Leaky gut: mechanisms, measurement and clinical implications in humans. Gut. 2019.\n",
            ),
            article(
                "c.md",
                "- Camilleri M. Leaky gut: mechanisms, measurement and clinical implications in humans. Gut. 2019.\n",
            ),
        ]
    }

    #[test]
    fn entries_of_one_work_are_one_work_most_cited_first() {
        let works = Works::gather(&corpus());
        let keys: Vec<&str> = works.works.iter().map(|w| w.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "title:leaky gut mechanisms measurement and clinical implications in humans|2019",
                "doi:10.1186/1757-4749-3-1"
            ]
        );
        let bowe = works.get("DOI:10.1186/1757-4749-3-1").unwrap();
        assert_eq!(bowe.cited_by.len(), 2);
        assert_eq!(
            bowe.reference.pages.as_deref(),
            Some("1"),
            "the fullest entry"
        );
        assert_eq!(bowe.cited_by[0].listed_in.heading, "References");
        assert!(bowe.cited_by[0].listed_in.url.ends_with("#references"));
        let cited_in: Vec<&str> = bowe.cited_by[0]
            .cited_in
            .iter()
            .map(|s| s.heading.as_str())
            .collect();
        assert_eq!(cited_in, ["Diet"], "the section whose text cites it");
    }

    #[test]
    fn works_are_found_by_identifier_author_and_words() {
        let works = Works::gather(&corpus());
        let keys = |query: &str| -> Vec<String> {
            works.search(query).iter().map(|w| w.key.clone()).collect()
        };
        assert_eq!(
            keys("doi:10.1186/1757-4749-3-1"),
            ["doi:10.1186/1757-4749-3-1"]
        );
        assert_eq!(
            keys("doi: https://doi.org/10.1186/1757-4749-3-1"),
            ["doi:10.1186/1757-4749-3-1"]
        );
        assert_eq!(keys("author:camilleri").len(), 1);
        assert_eq!(keys("author:Logan").len(), 1);
        assert_eq!(keys("probiotics acne").len(), 1);
        assert_eq!(keys("leaky 2019").len(), 1);
        assert!(keys("probiotics leaky").is_empty());
        assert!(keys("   ").is_empty());
    }

    #[test]
    fn one_doi_with_two_years_is_a_disagreement() {
        let works = Works::gather(&corpus());
        let found = works.disagreements();
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0]
                .message
                .contains("year 2011 in `a.md`, 2012 in `b.md`"),
            "{}",
            found[0].message
        );
        assert_eq!(found[0].paths, ["a.md", "b.md"]);
    }
}
