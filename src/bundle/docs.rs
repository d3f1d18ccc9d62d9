//! What the browser knows about every article and section before it has fetched
//! any of them (the docs table: which article each section belongs to, its norms,
//! tags, date, authors and evidence, for scoring, filters and the per-article
//! cap), and what it fetches only for the results it shows (one fragment per
//! article: titles, breadcrumbs, URLs, texts for snippets, sources, metadata).

use std::collections::BTreeMap;

use serde::Serialize;

use super::encode::Writer;
use crate::article::{Article, Date, Evidence, section_url};
use crate::export::SectionRecord;
use crate::search::Source;
use crate::text::Analyzer;

/// Magic of the docs table, format 1.
pub const DOCS_MAGIC: &[u8; 4] = b"HXD1";

/// One article of the bundle, with its sections' records (bundle order).
pub struct BundledArticle<'a> {
    pub article: &'a Article,
    pub sections: Vec<SectionRecord>,
}

/// An article's fragment: what hits show, fetched only for shown results.
#[derive(Debug, Serialize)]
pub struct Fragment<'a> {
    pub path: &'a str,
    pub title: &'a str,
    pub url: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<Date>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated: Option<Date>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<&'a str>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub authors: &'a [String],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub reviewers: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reviewed: Option<Date>,
    pub tags: &'a [String],
    pub sections: Vec<FragmentSection<'a>>,
}

/// One section of a fragment. Its URL and breadcrumbs are left out when they are
/// the usual ones (the article URL plus `#anchor`; title, enclosing headings,
/// heading), which `js/search.js` rebuilds.
#[derive(Debug, Serialize)]
pub struct FragmentSection<'a> {
    pub anchor: &'a str,
    pub heading: &'a str,
    pub body: &'a str,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub parents: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub breadcrumbs: Option<&'a [String]>,
    /// The section's citations, for the snippet of a section that only lists them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub citations: Vec<&'a str>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub sources: &'a [Source],
}

/// The fragment of one article, as JSON.
pub fn fragment_json(bundled: &BundledArticle<'_>) -> Vec<u8> {
    let article = bundled.article;
    let meta = &article.meta;
    let first = bundled.sections.first();
    let fragment = Fragment {
        path: &article.path,
        title: &article.title,
        url: &article.url,
        date: first.and_then(|s| s.date),
        updated: meta.updated,
        description: meta.description.as_deref(),
        authors: &meta.authors,
        reviewers: &meta.reviewers,
        reviewed: meta.reviewed,
        tags: first.map_or(&[][..], |s| &s.tags),
        sections: bundled
            .sections
            .iter()
            .map(|s| FragmentSection {
                anchor: &s.anchor,
                heading: &s.heading,
                body: &s.body,
                parents: &s.parents,
                url: (s.url != section_url(&article.url, &s.anchor)).then_some(s.url.as_str()),
                breadcrumbs: (s.breadcrumbs != usual_breadcrumbs(s)).then_some(&s.breadcrumbs[..]),
                citations: match s.body.is_empty() {
                    true => s.citations.iter().map(|c| c.raw.as_str()).collect(),
                    false => Vec::new(),
                },
                sources: &s.sources,
            })
            .collect(),
    };
    serde_json::to_vec(&fragment).expect("a fragment serializes")
}

/// Title, enclosing headings, then the heading (none for the intro).
fn usual_breadcrumbs(section: &SectionRecord) -> Vec<String> {
    let mut crumbs = vec![section.title.clone()];
    crumbs.extend(section.parents.iter().cloned());
    if !section.heading.is_empty() {
        crumbs.push(section.heading.clone());
    }
    crumbs
}

/// The tags of the bundle, sorted, with the number of articles carrying each.
pub fn tag_counts(articles: &[BundledArticle<'_>]) -> BTreeMap<String, u32> {
    let mut counts = BTreeMap::new();
    for bundled in articles {
        if let Some(first) = bundled.sections.first() {
            for tag in &first.tags {
                *counts.entry(tag.clone()).or_default() += 1;
            }
        }
    }
    counts
}

/// The docs table, column by column (so gzip finds the runs: most sections have
/// no enclosing headings, references or evidence). `fragment_names[i]` is the
/// 32-bit name of article `i`'s fragment; `norms` are the sections' norm ids
/// (bundle order).
pub fn docs_table(
    articles: &[BundledArticle<'_>],
    fragment_names: &[u32],
    tags: &BTreeMap<String, u32>,
    norms: &[[u8; 5]],
) -> Vec<u8> {
    let tag_ids: BTreeMap<&str, usize> = tags
        .keys()
        .enumerate()
        .map(|(i, t)| (t.as_str(), i))
        .collect();
    let mut w = Writer::with_magic(DOCS_MAGIC);
    w.count(articles.len());
    w.count(norms.len());
    for bundled in articles {
        w.count(bundled.sections.len());
    }
    for name in fragment_names {
        for byte in name.to_le_bytes() {
            w.byte(byte);
        }
    }
    for bundled in articles {
        let tags = first_tags(bundled);
        w.count(tags.len());
        for tag in tags {
            w.count(tag_ids[tag.as_str()]);
        }
    }
    for bundled in articles {
        write_date(&mut w, bundled.sections.first().and_then(|s| s.date));
    }
    let mut analyzer = Analyzer::new();
    for bundled in articles {
        write_authors(&mut w, bundled, &mut analyzer);
    }
    for field in 0..5 {
        for norm in norms {
            w.byte(norm[field]);
        }
    }
    for section in articles.iter().flat_map(|a| &a.sections) {
        w.byte(evidence_mask(&section.evidence));
    }
    w.into_bytes()
}

fn first_tags<'a>(bundled: &'a BundledArticle<'_>) -> &'a [String] {
    bundled.sections.first().map_or(&[][..], |s| &s.tags)
}

/// 0: undated; otherwise days since 1970-01-01, zigzagged, plus one.
fn write_date(w: &mut Writer, date: Option<Date>) {
    match date {
        None => w.varint(0),
        Some(date) => {
            let days = date.unix_seconds().div_euclid(86_400);
            w.varint((((days << 1) ^ (days >> 63)) as u64) + 1);
        }
    }
}

/// The author names' words, as the `author:` filter matches them.
fn write_authors(w: &mut Writer, bundled: &BundledArticle<'_>, analyzer: &mut Analyzer) {
    let words: Vec<String> = bundled
        .article
        .meta
        .authors
        .iter()
        .flat_map(|author| analyzer.names(author).into_iter().map(|(_, w)| w))
        .collect();
    w.count(words.len());
    for word in &words {
        w.text(word);
    }
}

/// A bit per evidence kind of [`Evidence::ALL`] the section's sources carry.
fn evidence_mask(kinds: &[String]) -> u8 {
    Evidence::ALL
        .iter()
        .enumerate()
        .filter(|(_, kind)| kinds.iter().any(|k| k == kind.as_str()))
        .fold(0u8, |mask, (bit, _)| mask | 1 << bit)
}
