//! [`SectionRecord`]: one section as healthdex indexes it, the unit another engine
//! stores. A record carries exactly what the index document of that section
//! carries (`index/document.rs`): the searched texts (title, heading, enclosing
//! headings, body, the raw text of its citations), the article's tags, authors and
//! date, and what a hit shows (path, URL with the anchor, breadcrumbs, and when the
//! front matter has them: updated, description, reviewers, reviewed), so a cluster
//! can rank the same words in the same fields. Drafts are left out unless asked
//! for, as the indexer does.

use serde::{Deserialize, Serialize};

use crate::article::{Article, Date, Reference, Section};
use crate::index::document::{indexed_date, parent_headings, shown_description};

/// The longest id a record gets, in bytes: OpenSearch refuses a longer `_id`.
pub const MAX_ID_BYTES: usize = 512;

/// Hex digits of the hash that ends an id cut to [`MAX_ID_BYTES`].
const ID_HASH_DIGITS: usize = 16;

/// One section of an article, as healthdex indexes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SectionRecord {
    /// Stable and unique: the article id, then `#` and the section anchor (the
    /// article id alone for the intro). An id over [`MAX_ID_BYTES`] is cut and ends
    /// in `~` and 16 hex digits of the BLAKE3 hash of the whole id.
    pub id: String,
    /// The article id: its path relative to the corpus folder, with `/`.
    pub path: String,
    /// The section's URL: the article URL plus `#anchor` (none for the intro).
    pub url: String,
    /// The section anchor (empty for the intro).
    pub anchor: String,
    /// Position of the section in its article, from 0.
    pub ordinal: u32,
    /// The article title (searched).
    pub title: String,
    /// The section's own heading, empty for the intro (searched).
    pub heading: String,
    /// The headings that enclose this one, below the title (searched).
    pub parents: Vec<String>,
    /// Title, enclosing headings, then the heading: what a hit shows (not searched).
    pub breadcrumbs: Vec<String>,
    /// The section text, without its reference entries (searched; snippets).
    pub body: String,
    /// The article's tags, lower-cased as healthdex indexes and filters them (exact filter).
    pub tags: Vec<String>,
    /// The article's authors, as written (searched as names).
    pub authors: Vec<String>,
    /// The article's `date`, else `updated`, `YYYY-MM-DD`; `null` when it has none
    /// (or one the index cannot hold, after 2262).
    pub date: Option<Date>,
    /// The article's `updated` date, when it has one (shown, not searched).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated: Option<Date>,
    /// The article's description, when it has one (shown, not searched).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Who reviewed the article's content, as written (shown, not searched).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reviewers: Vec<String>,
    /// When the article was last reviewed (shown, not searched).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reviewed: Option<Date>,
    /// The references listed or defined in this section; the `raw` text of each is
    /// what healthdex searches.
    pub citations: Vec<Citation>,
    /// The works the section's text cites, as hits show them (not searched).
    #[serde(default)]
    pub sources: Vec<crate::search::Source>,
    /// The evidence kinds among `sources` (`rct`, …; not `unknown`), each once in
    /// order: what `--evidence` filters on (exact filter).
    #[serde(default)]
    pub evidence: Vec<String>,
}

/// One reference of a section, as parsed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Citation {
    /// The entry as written, Markdown removed (searched).
    pub raw: String,
    /// Each author as written.
    pub authors: Vec<String>,
    /// Year of publication.
    pub year: Option<u16>,
    /// Title of the work.
    pub title: Option<String>,
    /// Journal, book, website or publisher.
    pub container: Option<String>,
    /// Volume of the journal or series.
    pub volume: Option<String>,
    /// Issue within the volume.
    pub issue: Option<String>,
    /// Page range or article number.
    pub pages: Option<String>,
    /// Bare DOI (`10.xxxx/...`).
    pub doi: Option<String>,
    /// PubMed identifier.
    pub pmid: Option<String>,
    /// PubMed Central identifier.
    pub pmcid: Option<String>,
    /// A link that is not a DOI link.
    pub url: Option<String>,
}

impl From<&Reference> for Citation {
    fn from(reference: &Reference) -> Citation {
        Citation {
            raw: reference.raw.clone(),
            authors: reference.authors.clone(),
            year: reference.year,
            title: reference.title.clone(),
            container: reference.container.clone(),
            volume: reference.volume.clone(),
            issue: reference.issue.clone(),
            pages: reference.pages.clone(),
            doi: reference.doi.clone(),
            pmid: reference.pmid.clone(),
            pmcid: reference.pmcid.clone(),
            url: reference.url.clone(),
        }
    }
}

/// The records of every section of `articles`, in order; drafts only when
/// `drafts` is set (as `healthdex index --drafts`).
pub fn records(articles: &[Article], drafts: bool) -> Vec<SectionRecord> {
    articles
        .iter()
        .filter(|article| drafts || !article.meta.draft)
        .flat_map(section_records)
        .collect()
}

/// The records of one article's sections, in order (whether or not it is a draft).
pub fn section_records(article: &Article) -> impl Iterator<Item = SectionRecord> + '_ {
    article
        .sections
        .iter()
        .map(move |section| section_record(article, section))
}

fn section_record(article: &Article, section: &Section) -> SectionRecord {
    let sources = crate::refs::cited_sources(article, section);
    SectionRecord {
        id: record_id(&article.path, &section.anchor),
        path: article.path.clone(),
        url: section.url.clone(),
        anchor: section.anchor.clone(),
        ordinal: section.ordinal,
        title: article.title.clone(),
        heading: section.heading.clone(),
        parents: parent_headings(section).to_vec(),
        breadcrumbs: section.breadcrumbs.clone(),
        body: section.text.clone(),
        tags: article.meta.tags.iter().map(|t| t.to_lowercase()).collect(),
        authors: article.meta.authors.clone(),
        date: indexed_date(&article.meta),
        updated: article.meta.updated,
        description: shown_description(&article.meta).map(String::from),
        reviewers: article.meta.reviewers.clone(),
        reviewed: article.meta.reviewed,
        citations: section.references.iter().map(Citation::from).collect(),
        evidence: crate::refs::evidence_kinds(&sources),
        sources,
    }
}

/// `path#anchor` (the path alone for the intro), cut to [`MAX_ID_BYTES`] with a
/// hash of the whole id when longer, so two long ids that share a beginning stay
/// apart.
fn record_id(path: &str, anchor: &str) -> String {
    let id = match anchor.is_empty() {
        true => path.to_string(),
        false => format!("{path}#{anchor}"),
    };
    if id.len() <= MAX_ID_BYTES {
        return id;
    }
    let hash = blake3::hash(id.as_bytes()).to_hex();
    let mut keep = MAX_ID_BYTES - 1 - ID_HASH_DIGITS;
    while !id.is_char_boundary(keep) {
        keep -= 1;
    }
    format!("{}~{}", &id[..keep], &hash[..ID_HASH_DIGITS])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::{ParseOptions, parse_article};

    const ARTICLE: &str = "---\ntitle: Leaky gut\ndate: 2024-03-10\ntags: [gut, barrier]\nauthors: [Ann Lee]\n---\nIntro text.\n\n## What is it?\n\n### Tight junctions\n\nProteins between cells.\n\n## References\n\n1. Camilleri M. Leaky gut. Gut. 2019;68(8):1516-1526. doi:10.1136/gutjnl-2019-318427\n";

    fn article(path: &str, text: &str) -> Article {
        parse_article(path, text, &ParseOptions::default()).article
    }

    #[test]
    fn a_record_carries_what_the_index_document_carries() {
        let records: Vec<_> = section_records(&article("gut/leaky.md", ARTICLE)).collect();
        let ids: Vec<&str> = records.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "gut/leaky.md",
                "gut/leaky.md#what-is-it",
                "gut/leaky.md#tight-junctions",
                "gut/leaky.md#references"
            ]
        );
        let junctions = &records[2];
        assert_eq!(junctions.url, "/gut/leaky/#tight-junctions");
        assert_eq!(junctions.parents, ["What is it?"]);
        assert_eq!(
            junctions.breadcrumbs,
            ["Leaky gut", "What is it?", "Tight junctions"]
        );
        assert_eq!(junctions.date.unwrap().to_string(), "2024-03-10");
        assert_eq!(junctions.tags, ["gut", "barrier"]);
        let references = &records[3];
        assert!(references.body.is_empty(), "{:?}", references.body);
        let citation = &references.citations[0];
        assert_eq!(citation.doi.as_deref(), Some("10.1136/gutjnl-2019-318427"));
        assert_eq!(citation.year, Some(2019));
        assert!(citation.raw.starts_with("Camilleri M."), "{}", citation.raw);
    }

    #[test]
    fn a_record_carries_the_shown_metadata_and_omits_what_is_absent() {
        let reviewed = article(
            "r.md",
            "---\ntitle: R\nupdated: 2025-01-02\ndescription: ' What it is. '\nreviewed_by: Dr Ada Obi\nlast_reviewed: 2025-02-03\n---\nText.\n",
        );
        let record = section_records(&reviewed).next().unwrap();
        assert_eq!(record.updated.unwrap().to_string(), "2025-01-02");
        assert_eq!(record.description.as_deref(), Some("What it is."));
        assert_eq!(record.reviewers, ["Dr Ada Obi"]);
        assert_eq!(record.reviewed.unwrap().to_string(), "2025-02-03");
        let plain = article("p.md", "---\ntitle: P\ndescription: '  '\n---\nText.\n");
        let json = serde_json::to_value(section_records(&plain).next().unwrap()).unwrap();
        for key in ["updated", "description", "reviewers", "reviewed"] {
            assert!(json.get(key).is_none(), "{key} is omitted: {json}");
        }
    }

    #[test]
    fn drafts_are_left_out_unless_asked_for() {
        let draft = article("d.md", "---\ntitle: D\ndraft: true\n---\nText.\n");
        let published = article("p.md", "---\ntitle: P\n---\nText.\n");
        let both = [draft, published];
        let paths = |drafts| -> Vec<String> {
            records(&both, drafts).into_iter().map(|r| r.path).collect()
        };
        assert_eq!(paths(false), ["p.md"]);
        assert_eq!(paths(true), ["d.md", "p.md"]);
    }

    #[test]
    fn a_date_the_index_cannot_hold_is_no_date() {
        let far = article("far.md", "---\ntitle: F\ndate: 2999-01-01\n---\nText.\n");
        assert_eq!(section_records(&far).next().unwrap().date, None);
        let updated = article("u.md", "---\ntitle: U\nupdated: 2021-02-03\n---\nText.\n");
        let date = section_records(&updated).next().unwrap().date;
        assert_eq!(date.unwrap().to_string(), "2021-02-03");
    }

    #[test]
    fn long_ids_are_cut_with_a_hash_and_stay_unique() {
        let folder = "a".repeat(600);
        let one = record_id(&format!("{folder}/one.md"), "symptoms");
        let two = record_id(&format!("{folder}/two.md"), "symptoms");
        assert!(one.len() <= MAX_ID_BYTES && two.len() <= MAX_ID_BYTES);
        assert_ne!(one, two);
        assert_eq!(one, record_id(&format!("{folder}/one.md"), "symptoms"));
        let wide = "é".repeat(400);
        assert!(record_id(&wide, "x").len() <= MAX_ID_BYTES);
        assert_eq!(record_id("short.md", "x"), "short.md#x");
    }
}
