#![warn(missing_docs)]
//! healthdex: a search engine for Markdown health articles.
//!
//! Articles are split into sections at their headings, their reference lists are
//! parsed into structured citations, and each section becomes one document in a
//! [tantivy](https://docs.rs/tantivy) index. Searches return ranked sections with the
//! article title, heading path, a deep link and a highlighted snippet.
//!
//! The pipeline, one module per stage, passing plain data:
//! [`corpus`] (files → text) → [`article`] (text → [`article::Article`]) →
//! [`index`] (articles → index) → [`search`] (query → [`search::Hit`]s). Beside the
//! index, [`export`] hands the same sections and the same query understanding to
//! another engine (NDJSON records, OpenSearch settings and queries).
//!
//! ```
//! use healthdex::{Engine, IndexOptions, SearchRequest};
//!
//! # fn main() -> healthdex::Result<()> {
//! let dir = tempfile::tempdir().unwrap();
//! let corpus = dir.path().join("articles");
//! std::fs::create_dir(&corpus).unwrap();
//! std::fs::write(
//!     corpus.join("gut.md"),
//!     "---\ntitle: The gut barrier\n---\n## What is leaky gut?\n\nLeaky gut is a loose term for increased intestinal permeability.\n",
//! ).unwrap();
//!
//! let options = IndexOptions::new(corpus, dir.path().join("index"));
//! let report = healthdex::update(&options)?;
//! assert_eq!(report.articles, 1);
//!
//! let engine = Engine::open(&options.index_dir)?;
//! let results = engine.search(&SearchRequest::new("leaky gut"))?;
//! assert_eq!(results.hits[0].url, "/gut/#what-is-leaky-gut");
//! assert!(results.hits[0].snippet.html.contains("<mark>"));
//! # Ok(())
//! # }
//! ```

pub mod article;
pub mod bundle;
pub mod config;
pub mod corpus;
mod diagnostics;
mod error;
pub mod export;
pub mod index;
pub(crate) mod pipeline;
pub mod refs;
pub mod search;
#[cfg(feature = "semantic")]
pub mod semantic;
#[cfg(feature = "server")]
pub mod serve;
pub mod text;
pub mod ui;

pub use diagnostics::{Severity, Warning};
pub use error::{Error, ErrorKind, Result};

// The everyday API, at the crate root.
pub use article::{
    Article, CiteRef, Evidence, ParseOptions, Reference, Section, parse_article, parse_reference,
};
pub use index::{IndexOptions, IndexReport, Refresh, ensure, update};
pub use search::{
    Engine, Group, Hit, Profile, QueryPlan, SearchOptions, SearchRequest, SearchResults, Snippet,
    TracedPlan,
};
