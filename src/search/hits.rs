//! Reading hits back: a ranked section's stored fields become a [`Hit`] with
//! breadcrumbs, its URL, a snippet and (when asked) what each part of the query added
//! to its score. Only the sections on the returned page are read, and those that
//! may repeat an earlier section word for word ([`without_repeats`]).

use std::collections::{HashMap, HashSet};

use tantivy::query::{EnableScoring, Query, Scorer as _};
use tantivy::schema::{Facet, Value};
use tantivy::{DocAddress, DocSet, Score, Searcher, TantivyDocument, Term};

use super::compile::Compiled;
use super::snippet::SnippetMaker;
use super::stats::Statistics;
use super::{Candidate, ExplainPart, Hit};
use crate::article::{Date, section_url};
use crate::index::schema::Fields;
use crate::{Error, Result};

/// Snippet weight of each query word: rarer words matter more.
pub(super) fn term_weights(
    searcher: &Searcher,
    fields: &Fields,
    terms: &[String],
) -> Vec<(String, f32)> {
    terms
        .iter()
        .map(|term| {
            let df = searcher
                .doc_freq(&Term::from_field_text(fields.body, term))
                .unwrap_or(0);
            (term.clone(), 1.0 / (1.0 + df as f32).ln_1p())
        })
        .collect()
}

/// The ranked sections without those that repeat an earlier-ranked section of
/// their article word for word (heading and text): some MedQuAD files give one
/// answer twice (NIDDK's Acromegaly lists its treatments twice), and the reader
/// saw two hits with one snippet. Identical sections score alike, so only a
/// section with the score of an earlier one of its article is read back.
pub(super) fn without_repeats(
    searcher: &Searcher,
    fields: &Fields,
    ranked: Vec<Candidate>,
) -> Result<Vec<Candidate>> {
    let mut scores: HashMap<(u64, u32), Vec<DocAddress>> = HashMap::new();
    let mut texts: HashSet<(u64, u32, blake3::Hash)> = HashSet::new();
    let mut kept = Vec::with_capacity(ranked.len());
    for candidate in ranked {
        let key = (candidate.article, candidate.score.to_bits());
        let earlier = scores.entry(key).or_default();
        earlier.push(candidate.address);
        if earlier.len() > 1 {
            if earlier.len() == 2 {
                // The first of this score is read only now that another has it.
                texts.insert((key.0, key.1, section_text(searcher, fields, earlier[0])?));
            }
            let text = section_text(searcher, fields, candidate.address)?;
            if !texts.insert((key.0, key.1, text)) {
                continue;
            }
        }
        kept.push(candidate);
    }
    Ok(kept)
}

/// A hash of a section's heading and text.
fn section_text(searcher: &Searcher, fields: &Fields, address: DocAddress) -> Result<blake3::Hash> {
    let doc: TantivyDocument = searcher
        .doc(address)
        .map_err(|e| Error::tantivy("cannot read a matching section", e))?;
    let mut hasher = blake3::Hasher::new();
    hasher.update(first_text(&doc, fields.heading).as_bytes());
    hasher.update(&[0]);
    hasher.update(first_text(&doc, fields.body).as_bytes());
    Ok(hasher.finalize())
}

pub(super) fn hit(
    searcher: &Searcher,
    fields: &Fields,
    candidate: &Candidate,
    explain: Option<&Compiled>,
    snippets: &mut SnippetMaker,
) -> Result<Hit> {
    let doc: TantivyDocument = searcher
        .doc(candidate.address)
        .map_err(|e| Error::tantivy("cannot read a matching section", e))?;
    let f = fields;
    let text = |field| first_text(&doc, field);
    let optional = |field| Some(text(field)).filter(|t| !t.is_empty());
    let all = |field| all_texts(&doc, field);
    let anchor = text(f.anchor);
    let (title, heading) = (text(f.title), text(f.heading));
    let parents = doc
        .get_all(f.parents)
        .filter_map(|v| v.as_str().map(String::from));
    let own = Some(heading.clone()).filter(|h| !h.is_empty());
    Ok(Hit {
        path: text(f.path),
        breadcrumbs: std::iter::once(title.clone())
            .chain(parents)
            .chain(own)
            .collect(),
        title,
        heading,
        url: section_url(&text(f.url), &anchor),
        anchor,
        score: candidate.score,
        date: doc
            .get_first(f.date)
            .and_then(|v| v.as_datetime())
            .and_then(|d| Date::from_unix_seconds(d.into_timestamp_secs()))
            .map(|d| d.to_string()),
        updated: optional(f.updated),
        authors: all(f.authors),
        reviewers: all(f.reviewers),
        reviewed: optional(f.reviewed),
        description: optional(f.description),
        tags: doc
            .get_all(f.tags)
            .filter_map(|v| v.as_facet())
            .filter_map(|encoded| Facet::from_encoded(encoded.as_bytes().to_vec()).ok())
            .map(|facet| facet.to_path().join("/"))
            .collect(),
        // Written by this version's indexer; an entry that does not read is left out
        // rather than failing the search.
        sources: serde_json::from_str(&text(f.sources)).unwrap_or_default(),
        snippet: snippets.snippet(&snippet_source(&doc, f)),
        explain: explain.map(|plan| {
            let mut parts = explain_hit(searcher, fields, plan, candidate.address);
            parts.extend(candidate.notes.iter().cloned());
            parts
        }),
    })
}

/// What each labelled part of the query contributed to one section's score.
fn explain_hit(
    searcher: &Searcher,
    fields: &Fields,
    plan: &Compiled,
    address: DocAddress,
) -> Vec<ExplainPart> {
    let statistics = Statistics::new(searcher, fields, plan.scoring);
    plan.parts
        .iter()
        .filter_map(|(label, part)| {
            let score = part_score(searcher, &statistics, &**part, address).ok()??;
            (score > 0.0).then(|| ExplainPart {
                clause: label.clone(),
                score,
            })
        })
        .collect()
}

/// The score one part of the query gives a section, or `None` if it does not match.
/// (Computed from the part's scorer rather than `Query::explain`, which in tantivy
/// 0.27 may seek backwards for boolean and phrase queries.)
fn part_score(
    searcher: &Searcher,
    statistics: &Statistics<'_>,
    part: &dyn Query,
    address: DocAddress,
) -> tantivy::Result<Option<Score>> {
    let scoring = EnableScoring::enabled_from_statistics_provider(statistics, searcher);
    let weight = part.weight(scoring)?;
    let mut scorer = weight.scorer(searcher.segment_reader(address.segment_ord), 1.0)?;
    let doc = address.doc_id;
    if scorer.doc() > doc || scorer.seek(doc) != doc {
        return Ok(None);
    }
    Ok(Some(scorer.score()))
}

pub(super) fn first_text(doc: &TantivyDocument, field: tantivy::schema::Field) -> String {
    doc.get_first(field)
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_string()
}

fn all_texts(doc: &TantivyDocument, field: tantivy::schema::Field) -> Vec<String> {
    doc.get_all(field)
        .filter_map(|v| v.as_str().map(String::from))
        .collect()
}

/// The body, or for a section that only lists references, its citations.
fn snippet_source(doc: &TantivyDocument, fields: &Fields) -> String {
    let body = first_text(doc, fields.body);
    if !body.is_empty() {
        return body;
    }
    let citations: Vec<&str> = doc
        .get_all(fields.references)
        .filter_map(|v| v.as_str())
        .collect();
    citations.join("\n")
}
