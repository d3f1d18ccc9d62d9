//! The integration test binary: fixtures parsed through the library, and the
//! `healthdex` binary run against temporary corpora and indexes.

mod browser;
mod bundle;
mod citations;
mod cli_habits;
mod cli_index;
mod cli_query;
mod cli_search;
mod crash;
mod export_formats;
mod fixtures;
mod fuzz_regressions;
mod guards;
mod http;
mod input_formats;
mod js_planner;
mod medquad;
mod properties;
mod proxy;
mod relevance;
mod safety;
#[cfg(feature = "semantic")]
mod semantic;
mod serve;
mod sources;
mod util;
