//! Running a compiled query: the best sections (with their article keys, for
//! arranging), the total, and tag counts when asked for.

use std::collections::HashMap;

use tantivy::collector::{Count, FacetCollector, TopDocs};
use tantivy::query::Query;
use tantivy::schema::Facet;
use tantivy::{DocAddress, Score, Searcher};

use super::{Candidate, Facets, TagCount};
use crate::{Error, Result};

/// Runs a query: the best `depth` sections, the total, and tag counts.
pub(super) fn run(
    searcher: &Searcher,
    query: &dyn Query,
    depth: usize,
    facets: bool,
) -> Result<(Vec<Candidate>, usize, Facets)> {
    let top = TopDocs::with_limit(depth).order_by_score();
    let tags = facets.then(|| {
        let mut tags = FacetCollector::for_field("tags");
        tags.add_facet(Facet::root());
        tags
    });
    let (ranked, total, tag_counts) = searcher
        .search(query, &(top, Count, tags))
        .map_err(|e| Error::tantivy("search failed", e))?;
    let candidates = with_articles(searcher, ranked)?;
    let mut tags: Vec<TagCount> = tag_counts
        .iter()
        .flat_map(|counts| counts.get("/"))
        .map(|(facet, count)| TagCount {
            tag: facet.to_path().join("/"),
            count,
        })
        .collect();
    tags.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.tag.cmp(&b.tag)));
    Ok((candidates, total, Facets { tags }))
}

/// Looks up each ranked section's article key (a u64 fast field).
fn with_articles(searcher: &Searcher, ranked: Vec<(Score, DocAddress)>) -> Result<Vec<Candidate>> {
    let mut columns = HashMap::new();
    let mut out = Vec::with_capacity(ranked.len());
    for (score, address) in ranked {
        let column = match columns.entry(address.segment_ord) {
            std::collections::hash_map::Entry::Occupied(entry) => entry.into_mut(),
            std::collections::hash_map::Entry::Vacant(entry) => entry.insert(
                searcher
                    .segment_reader(address.segment_ord)
                    .fast_fields()
                    .u64("article")
                    .map_err(|e| Error::tantivy("cannot read article keys", e))?,
            ),
        };
        let article = column.first(address.doc_id).unwrap_or_default();
        out.push(Candidate {
            score,
            address,
            article,
        });
    }
    Ok(out)
}
