//! What the browser knows about every article and section before it has fetched
//! any of them (the docs table: which article each section belongs to, its norms,
//! tags, date, authors and evidence, for scoring, filters and the per-article
//! cap), and what it fetches only for the results it shows (one fragment per
//! section: its article's title, URL and metadata, and its own heading,
//! breadcrumbs, text for the snippet and sources).

use std::collections::BTreeMap;

use serde::Serialize;

use super::encode::Writer;
use crate::article::{Article, Date, Evidence, section_url};
use crate::export::SectionRecord;
use crate::search::Source;
use crate::text::Analyzer;

/// Magic of the docs table, format 2 (format 1 also held the fragment names, and
/// a title norm per section).
pub const DOCS_MAGIC: &[u8; 4] = b"HXD2";
/// Magic of a file of fragment names (32 bits per section), format 1.
pub const NAMES_MAGIC: &[u8; 4] = b"HXN1";

/// One article of the bundle, with its sections' records (bundle order).
pub struct BundledArticle<'a> {
    pub article: &'a Article,
    pub sections: Vec<SectionRecord>,
}

/// A section's fragment: what its hit shows, fetched only when it is shown. One
/// file per section, not per article: a hit shows one section, and an article's
/// other sections were most of what a shown result cost.
#[derive(Debug, Serialize)]
pub struct Fragment<'a> {
    #[serde(flatten)]
    pub article: &'a ArticleHead<'a>,
    pub section: FragmentSection<'a>,
}

/// What every fragment of one article repeats: the article's title, URL and
/// metadata.
#[derive(Debug, Serialize)]
pub struct ArticleHead<'a> {
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

/// The fragments of one article's sections, as JSON, in section order.
pub fn fragment_jsons(bundled: &BundledArticle<'_>) -> Vec<Vec<u8>> {
    let head = article_head(bundled);
    let url = &bundled.article.url;
    bundled
        .sections
        .iter()
        .map(|s| {
            let fragment = Fragment {
                article: &head,
                section: fragment_section(s, url),
            };
            serde_json::to_vec(&fragment).expect("a fragment serializes")
        })
        .collect()
}

fn article_head<'a>(bundled: &'a BundledArticle<'a>) -> ArticleHead<'a> {
    let article = bundled.article;
    let meta = &article.meta;
    let first = bundled.sections.first();
    ArticleHead {
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
    }
}

fn fragment_section<'a>(s: &'a SectionRecord, article_url: &str) -> FragmentSection<'a> {
    FragmentSection {
        anchor: &s.anchor,
        heading: &s.heading,
        body: &s.body,
        parents: &s.parents,
        url: (s.url != section_url(article_url, &s.anchor)).then_some(s.url.as_str()),
        breadcrumbs: (s.breadcrumbs != usual_breadcrumbs(s)).then_some(&s.breadcrumbs[..]),
        citations: match s.body.is_empty() {
            true => s.citations.iter().map(|c| c.raw.as_str()).collect(),
            false => Vec::new(),
        },
        sources: &s.sources,
    }
}

/// A file of fragment names: each section's 32-bit name, in bundle order.
pub fn names_file(names: &[u32]) -> Vec<u8> {
    let mut w = Writer::with_magic(NAMES_MAGIC);
    for name in names {
        for byte in name.to_le_bytes() {
            w.byte(byte);
        }
    }
    w.into_bytes()
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
/// no enclosing headings, references or evidence). `norms` are the sections'
/// norm ids (bundle order). Fragment names are not here: only shown results
/// need them, so they are in files of their own (`names_file`).
pub fn docs_table(
    articles: &[BundledArticle<'_>],
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
    // Every section of an article has the article's title, so its title norm is
    // the article's: one byte per article, not per section.
    let mut first = 0;
    for bundled in articles {
        let own = &norms[first..first + bundled.sections.len()];
        debug_assert!(
            own.windows(2).all(|n| n[0][0] == n[1][0]),
            "one title norm per article"
        );
        w.byte(own.first().map_or(0, |n| n[0]));
        first += own.len();
    }
    for field in 1..5 {
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
