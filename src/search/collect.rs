//! Running a compiled query: the best sections (with their article keys and
//! whether they have text of their own, for arranging), the total, and when asked for, tag counts (in articles, by
//! [`super::tag_counts`]) and evidence counts (in sections).

use std::collections::HashMap;

use tantivy::collector::{Count, FacetCollector, FacetCounts, TopDocs};
use tantivy::fieldnorm::FieldNormReader;
use tantivy::query::{Bm25StatisticsProvider, Query};
use tantivy::schema::{Facet, Field};
use tantivy::{DocAddress, Score, Searcher};

use super::tag_counts::{self, ArticlesPerTag};
use super::{Candidate, EvidenceCount, Facets};
use crate::{Error, Result};

/// Runs a query: the best `depth` sections, the total, and tag and evidence counts.
/// `body` is the field whose length tells whether a section has text of its own.
pub(super) fn run(
    searcher: &Searcher,
    statistics: &dyn Bm25StatisticsProvider,
    query: &dyn Query,
    depth: usize,
    facets: bool,
    body: Field,
) -> Result<(Vec<Candidate>, usize, Facets)> {
    let top = TopDocs::with_limit(depth).order_by_score();
    let evidence_counter = facets.then(|| {
        let mut counter = FacetCollector::for_field("evidence");
        counter.add_facet(Facet::root());
        counter
    });
    let tag_counter = facets.then_some(ArticlesPerTag);
    let (ranked, total, (tag_counts, evidence_counts)) = searcher
        .search_with_statistics_provider(
            query,
            &(top, Count, (tag_counter, evidence_counter)),
            statistics,
        )
        .map_err(|e| Error::tantivy("search failed", e))?;
    let mut candidates = with_articles(searcher, ranked, body)?;
    settle_ties(&mut candidates);
    let tags = tag_counts
        .map(|counted| tag_counts::ranked(counted, usize::MAX))
        .unwrap_or_default();
    let evidence = counts(evidence_counts.as_ref())
        .map(|(evidence, count)| EvidenceCount { evidence, count })
        .collect();
    Ok((candidates, total, Facets { tags, evidence }))
}

/// The top-level facets counted, most frequent first, then by name.
fn counts(counted: Option<&FacetCounts>) -> impl Iterator<Item = (String, u64)> {
    let mut all: Vec<(String, u64)> = counted
        .into_iter()
        .flat_map(|counts| counts.get("/"))
        .map(|(facet, count)| (facet.to_path().join("/"), count))
        .collect();
    all.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    all.into_iter()
}

/// Orders sections of equal score by their article's key (a hash of its path) and
/// then by their position in the article, instead of by where they happen to sit in
/// the index: tantivy's indexing threads take an article's sections in whatever
/// order they come, and a title match gives every section of an article the same
/// score, so two builds of one corpus ranked differently (lay nDCG@10 on the
/// MedQuAD suite varied from 0.492 to 0.521 between builds).
fn settle_ties(candidates: &mut [Candidate]) {
    candidates.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.article.cmp(&b.article))
            .then_with(|| a.ordinal.cmp(&b.ordinal))
    });
}

/// Looks up each ranked section's article key and position in its article (u64
/// fast fields) and whether its body has any words (the field's length norm: a
/// section that is only a heading, or only lists references, has none), reading
/// each segment's columns once.
fn with_articles(
    searcher: &Searcher,
    ranked: Vec<(Score, DocAddress)>,
    body: Field,
) -> Result<Vec<Candidate>> {
    let mut columns = HashMap::new();
    let mut out = Vec::with_capacity(ranked.len());
    for (score, address) in ranked {
        let (articles, ordinals, lengths) = match columns.entry(address.segment_ord) {
            std::collections::hash_map::Entry::Occupied(entry) => entry.into_mut(),
            std::collections::hash_map::Entry::Vacant(entry) => {
                let fast = searcher.segment_reader(address.segment_ord).fast_fields();
                let read = |name: &str| {
                    fast.u64(name)
                        .map_err(|e| Error::tantivy(format!("cannot read the `{name}` column"), e))
                };
                let lengths = body_lengths(searcher, address.segment_ord, body)?;
                entry.insert((read("article")?, read("ordinal")?, lengths))
            }
        };
        out.push(Candidate {
            score,
            address,
            article: articles.first(address.doc_id).unwrap_or_default(),
            ordinal: ordinals.first(address.doc_id).unwrap_or_default(),
            answers: lengths.fieldnorm_id(address.doc_id) > 0,
            notes: Vec::new(),
        });
    }
    Ok(out)
}

/// Whether a section's body has any words (see [`with_articles`]), for a section
/// found other than by this module (the hybrid step's nearest sections).
#[cfg(feature = "semantic")]
pub(super) fn has_text(searcher: &Searcher, body: Field, address: DocAddress) -> Result<bool> {
    let lengths = body_lengths(searcher, address.segment_ord, body)?;
    Ok(lengths.fieldnorm_id(address.doc_id) > 0)
}

/// A segment's body length norms (0: no words).
fn body_lengths(searcher: &Searcher, segment: u32, body: Field) -> Result<FieldNormReader> {
    searcher
        .segment_reader(segment)
        .get_fieldnorms_reader(body)
        .map_err(|e| Error::tantivy("cannot read the body lengths", e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate(score: Score, doc: u32, article: u64, ordinal: u64) -> Candidate {
        Candidate {
            score,
            address: DocAddress::new(0, doc),
            article,
            ordinal,
            answers: true,
            notes: Vec::new(),
        }
    }

    #[test]
    fn equal_scores_are_ordered_by_article_then_position_not_by_address() {
        let mut ranked = vec![
            candidate(2.0, 9, 7, 3),
            candidate(2.0, 1, 7, 1),
            candidate(5.0, 4, 9, 0),
            candidate(2.0, 5, 3, 2),
        ];
        settle_ties(&mut ranked);
        let order: Vec<(u64, u64)> = ranked.iter().map(|c| (c.article, c.ordinal)).collect();
        assert_eq!(order, [(9, 0), (3, 2), (7, 1), (7, 3)]);
    }
}
