//! Search: from a reader's text to ranked sections ([`Hit`]s) with snippets. The
//! query is planned in [`query`], the index is searched for the requested page of
//! sections, and only the sections on that page are read back and given a
//! [`Snippet`]. The result types are plain serde structs: the JSON output of the
//! CLI and of the HTTP API is their serialization.

pub mod query;
pub mod snippet;

use std::path::Path;

use serde::{Deserialize, Serialize};
use tantivy::collector::{Count, TopDocs};
use tantivy::schema::{Facet, Value};
use tantivy::{DocAddress, IndexReader, ReloadPolicy, Score, Searcher, TantivyDocument, Term};

pub use query::FieldWeights;
pub use snippet::Snippet;

use crate::article::{Date, section_url};
use crate::index::schema::{Fields, english_analyzer};
use crate::index::{self, OpenIndex};
use crate::{Error, Result};
use snippet::SnippetMaker;

/// Most hits returned for one request.
pub const MAX_LIMIT: usize = 1_000;
/// Deepest offset into the results a request may ask for.
pub const MAX_OFFSET: usize = 100_000;

/// One search request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchRequest {
    pub query: String,
    pub limit: usize,
    pub offset: usize,
}

impl SearchRequest {
    /// The first ten hits for `query`.
    pub fn new(query: impl Into<String>) -> SearchRequest {
        SearchRequest {
            query: query.into(),
            limit: 10,
            offset: 0,
        }
    }
}

/// The answer to a [`SearchRequest`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchResults {
    pub query: String,
    /// Number of matching sections (not only those returned).
    pub total: usize,
    pub hits: Vec<Hit>,
}

/// One matching section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    /// Article path relative to the corpus root (the article id).
    pub path: String,
    pub title: String,
    /// The section's own heading; empty for the intro.
    pub heading: String,
    /// Title › enclosing headings › heading.
    pub breadcrumbs: Vec<String>,
    pub anchor: String,
    /// Article URL plus `#anchor` (no fragment for the intro).
    pub url: String,
    pub score: f32,
    /// Publication date of the article, `YYYY-MM-DD`.
    pub date: Option<String>,
    pub tags: Vec<String>,
    pub snippet: Snippet,
}

/// A searchable index. Cheap to share: searches take `&self` and may run in parallel.
pub struct Engine {
    reader: IndexReader,
    fields: Fields,
    weights: FieldWeights,
}

impl Engine {
    /// Opens the index in `dir` for searching.
    pub fn open(dir: &Path) -> Result<Engine> {
        Engine::from_index(index::open(dir)?)
    }

    /// Wraps an opened index. The reader follows new commits automatically.
    pub fn from_index(open: OpenIndex) -> Result<Engine> {
        let reader = open
            .index
            .reader_builder()
            .reload_policy(ReloadPolicy::OnCommitWithDelay)
            .try_into()
            .map_err(|e| {
                Error::tantivy(
                    format!("cannot read the index at `{}`", open.dir.display()),
                    e,
                )
            })?;
        Ok(Engine {
            reader,
            fields: open.fields,
            weights: FieldWeights::default(),
        })
    }

    /// Changes the relative weights of the fields.
    pub fn with_weights(mut self, weights: FieldWeights) -> Engine {
        self.weights = weights;
        self
    }

    /// Runs a search and returns the requested page of sections.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResults> {
        check_request(request)?;
        let mut results = SearchResults {
            query: request.query.clone(),
            total: 0,
            hits: Vec::new(),
        };
        let mut analyzer = english_analyzer();
        let Some(plan) = query::plan(&self.fields, &self.weights, &mut analyzer, &request.query)
        else {
            return Ok(results);
        };
        let searcher = self.reader.searcher();
        let top = TopDocs::with_limit(request.limit.max(1))
            .and_offset(request.offset)
            .order_by_score();
        let (page, total) = searcher
            .search(&*plan.query, &(top, Count))
            .map_err(|e| Error::tantivy("search failed", e))?;
        results.total = total;
        if request.limit == 0 {
            return Ok(results);
        }
        let mut snippets = SnippetMaker::new(analyzer, self.term_weights(&searcher, &plan.terms));
        for (score, address) in page {
            results
                .hits
                .push(self.hit(&searcher, address, score, &mut snippets)?);
        }
        Ok(results)
    }

    /// Snippet weight of each query word: rarer words matter more.
    fn term_weights(&self, searcher: &Searcher, terms: &[String]) -> Vec<(String, f32)> {
        terms
            .iter()
            .map(|term| {
                let df = searcher
                    .doc_freq(&Term::from_field_text(self.fields.body, term))
                    .unwrap_or(0);
                (term.clone(), 1.0 / (1.0 + df as f32).ln_1p())
            })
            .collect()
    }

    fn hit(
        &self,
        searcher: &Searcher,
        address: DocAddress,
        score: Score,
        snippets: &mut SnippetMaker,
    ) -> Result<Hit> {
        let doc: TantivyDocument = searcher
            .doc(address)
            .map_err(|e| Error::tantivy("cannot read a matching section", e))?;
        let f = &self.fields;
        let text = |field| first_text(&doc, field);
        let anchor = text(f.anchor);
        let url = section_url(&text(f.url), &anchor);
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
            anchor,
            url,
            score,
            date: doc
                .get_first(f.date)
                .and_then(|v| v.as_datetime())
                .and_then(|d| Date::from_unix_seconds(d.into_timestamp_secs()))
                .map(|d| d.to_string()),
            tags: doc
                .get_all(f.tags)
                .filter_map(|v| v.as_facet())
                .filter_map(|encoded| Facet::from_encoded(encoded.as_bytes().to_vec()).ok())
                .map(|facet| facet.to_path().join("/"))
                .collect(),
            snippet: snippets.snippet(&snippet_source(&doc, f)),
        })
    }
}

fn first_text(doc: &TantivyDocument, field: tantivy::schema::Field) -> String {
    doc.get_first(field)
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_string()
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

fn check_request(request: &SearchRequest) -> Result<()> {
    if request.limit > MAX_LIMIT {
        return Err(Error::InvalidRequest(format!(
            "limit {} is over the maximum of {MAX_LIMIT}",
            request.limit
        )));
    }
    if request.offset > MAX_OFFSET {
        return Err(Error::InvalidRequest(format!(
            "offset {} is over the maximum of {MAX_OFFSET}",
            request.offset
        )));
    }
    Ok(())
}
