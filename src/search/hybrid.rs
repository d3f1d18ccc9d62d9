//! The hybrid step of a search (the `semantic` feature): between collecting the
//! lexical candidates and arranging the page, an engine with vectors fuses the
//! candidates with the sections nearest the query's vector
//! ([`crate::semantic::Hybrid`]). The page is then arranged from the fused ranking
//! exactly as from a lexical one.

use std::collections::HashMap;
use std::sync::Arc;

use tantivy::{DocAddress, Searcher};

use super::{Candidate, Engine, ExplainPart, QueryPlan, SearchRequest, understand};
use crate::Result;
use crate::semantic::{DENSE_DEPTH, FusedSection, Hybrid};

impl Engine {
    /// This engine searching in hybrid mode with `hybrid` (see [`crate::semantic`]).
    pub fn with_hybrid(mut self, hybrid: Hybrid) -> Engine {
        self.hybrid = Some(Arc::new(hybrid));
        self
    }

    /// `engine` (another index, in `dir`) searched in hybrid mode as this one is,
    /// with the same model, when this one is.
    pub fn hybrid_like(&self, engine: Engine, dir: &std::path::Path) -> Engine {
        match &self.hybrid {
            Some(hybrid) => engine.with_hybrid(hybrid.for_index(dir)),
            None => engine,
        }
    }

    /// Whether searches that do not ask for `lexical_only` are hybrid.
    pub fn is_hybrid(&self) -> bool {
        self.hybrid.is_some()
    }

    fn hybrid_for(&self, request: &SearchRequest) -> Option<&Hybrid> {
        // The BM25 yardstick stays lexical.
        let full = self.options.mode == super::Mode::Full;
        self.hybrid
            .as_deref()
            .filter(|_| full && !request.lexical_only)
    }

    /// At least [`DENSE_DEPTH`] lexical candidates for a hybrid search.
    pub(super) fn hybrid_depth(&self, request: &SearchRequest, depth: usize) -> usize {
        match self.hybrid_for(request) {
            Some(_) => depth.max(DENSE_DEPTH),
            None => depth,
        }
    }

    /// The candidates re-ranked by fusion when the search is hybrid; as they are
    /// otherwise (or when the commit searched has no vectors).
    pub(super) fn fuse(
        &self,
        searcher: &Searcher,
        request: &SearchRequest,
        plan: &QueryPlan,
        candidates: Vec<Candidate>,
    ) -> Result<Vec<Candidate>> {
        let Some(hybrid) = self.hybrid_for(request) else {
            return Ok(candidates);
        };
        let lexical: Vec<_> = candidates
            .iter()
            .map(|c| (c.address, c.article, c.ordinal, c.score))
            .collect();
        let query = understand::clip(&request.query);
        let Some(fused) = hybrid.rank(searcher, query, &lexical, open_ended(plan))? else {
            return Ok(candidates);
        };
        let known: HashMap<DocAddress, bool> =
            candidates.iter().map(|c| (c.address, c.answers)).collect();
        fused
            .into_iter()
            .map(|section| {
                let answers = match known.get(&section.address) {
                    Some(&answers) => answers,
                    None => super::collect::has_text(searcher, self.fields.body, section.address)?,
                };
                Ok(candidate(section, answers))
            })
            .collect()
    }
}

/// Whether sections the lexical search did not find may join: not when the
/// query has filters or words every result must have or must not have.
fn open_ended(plan: &QueryPlan) -> bool {
    let f = &plan.filters;
    let filtered = !f.tags.is_empty()
        || !f.authors.is_empty()
        || !f.evidence.is_empty()
        || f.since.is_some()
        || f.until.is_some();
    !filtered && plan.required.is_empty() && plan.excluded.is_empty()
}

fn candidate(section: FusedSection, answers: bool) -> Candidate {
    let fused = section.fused;
    let rank = |rank: usize| match rank {
        0 => "not ranked".to_string(),
        rank => format!("rank {rank}"),
    };
    Candidate {
        score: fused.score,
        address: section.address,
        article: section.article,
        ordinal: section.ordinal,
        answers,
        notes: vec![
            ExplainPart {
                clause: format!("hybrid: lexical ({})", rank(fused.lexical_rank)),
                score: fused.lexical,
            },
            ExplainPart {
                clause: format!("hybrid: semantic ({})", rank(fused.semantic_rank)),
                score: fused.semantic,
            },
        ],
    }
}
