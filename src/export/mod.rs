//! Handing a corpus to another search engine. healthdex runs on one machine; a site
//! that outgrows it needs the same sections, analysed the same way and searched
//! with the same understanding, in an engine that spreads over several. This module
//! owns that hand-off, after the [`article`](crate::article) stage and beside the
//! [`index`](crate::index):
//!
//! - [`SectionRecord`]: one section as healthdex indexes it (the text of each
//!   searched field, the article's tags, authors and date, the citations), a plain
//!   serde struct and the portability contract;
//! - [`ndjson`]: records written one JSON object per line, and read back with
//!   line-numbered errors;
//! - [`opensearch`]: the records as an OpenSearch `_bulk` body, the index settings
//!   whose analyzers mirror [`crate::text`], and a [`QueryPlan`](crate::QueryPlan)
//!   lowered to the OpenSearch query DSL.
//!
//! Everything here was checked for structure only (valid JSON, the documented shape,
//! the same words and weights as healthdex); none of it has been run against a live
//! cluster.
//!
//! ```
//! use healthdex::export::{self, SectionRecord};
//! use healthdex::{ParseOptions, parse_article};
//!
//! let text = "---\ntitle: Leaky gut\ntags: [gut]\n---\n## What is it?\n\nThe gut barrier.\n";
//! let article = parse_article("gut.md", text, &ParseOptions::default()).article;
//! let records = export::records(&[article], false);
//! assert_eq!(records[0].id, "gut.md#what-is-it");
//! assert_eq!(records[0].url, "/gut/#what-is-it");
//!
//! let mut lines = Vec::new();
//! export::ndjson::write(&mut lines, &records).unwrap();
//! let read: Vec<SectionRecord> = export::ndjson::parse(std::str::from_utf8(&lines).unwrap()).unwrap();
//! assert_eq!(read, records);
//! ```

pub mod ndjson;
pub mod opensearch;
mod record;

pub use record::{Citation, MAX_ID_BYTES, SectionRecord, records, section_records};
