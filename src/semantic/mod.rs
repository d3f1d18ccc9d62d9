//! Hybrid ranking with a local sentence-embedding model (the `semantic` feature).
//!
//! Word matching finds the right sections for long, story-like or misspelled
//! questions but often ranks them badly; a small sentence-embedding model
//! (all-MiniLM-L6-v2, read from a local folder: [`Encoder`]) re-orders them.
//! `healthdex index --semantic` gives every section a vector, stored next to the
//! index in a file the commit names ([`store`]); the indexer re-embeds only
//! sections whose text changed ([`VectorUpdate`]). An index with vectors is
//! searched in hybrid mode ([`Hybrid`]): the lexical candidates and the sections
//! nearest the query's vector are fused ([`fuse`]), then arranged on the page as
//! lexical results are. Nothing is fetched from the network, ever.

pub mod fuse;
mod hybrid;
mod model;
pub mod store;
mod update;

pub use fuse::{Fused, Fusion};
pub use hybrid::{DENSE_DEPTH, FusedSection, Hybrid, hybrid_for, nearest};
pub use model::{DIMENSION, Encoder, MAX_WINDOWS, MODEL_BYTES, MODEL_SHA256, WINDOW, normalised};
pub use update::{VectorReport, VectorUpdate, covers, passage};

/// Environment variable naming the model folder (before `[semantic] model`).
pub const MODEL_DIR_ENV: &str = "HEALTHDEX_MODEL_DIR";
