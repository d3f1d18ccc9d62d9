//! The integration test binary: fixtures parsed through the library, and the
//! `healthdex` binary run against temporary corpora and indexes.

mod cli_index;
mod cli_search;
mod fixtures;
mod medquad;
mod util;
