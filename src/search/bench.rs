//! Query latency measured in process, the way `tantivy-cli bench` does: every query
//! of a set is run several times through [`Engine::search`] (snippets included) and
//! the distribution of times is reported. Used by `healthdex bench`.

use std::time::Instant;

use serde::{Deserialize, Serialize};

use super::{Engine, SearchRequest};
use crate::Result;

/// A mixed set for when no query file is given: short topics, phrases, misspellings,
/// lay words, operators and long questions.
pub const BUILT_IN_QUERIES: &[&str] = &[
    "leaky gut",
    "eczema",
    "symptoms of diabetes",
    "high blood pressure",
    "heart attack signs in women",
    "probiotics for eczema",
    "\"intestinal permeability\"",
    "treatment of psoriasis",
    "vitamin d deficiency",
    "what causes migraines",
    "probiotcs",
    "psorisis treatment",
    "alzhiemers symptoms",
    "diabetis type 2 diet",
    "hypertention medicine",
    "water on the brain",
    "pink eye",
    "gut flora",
    "acne -dairy",
    "title:diabetes treatment",
    "why does my skin break out when I am stressed",
    "I have had itchy red patches on my elbows for weeks and my gut is always bloated could these be connected",
    "my father keeps forgetting names and getting lost is this alzheimers or just old age and what tests can a doctor do to find out",
    "what can I do at home to lower my blood pressure without taking pills and how long does it take to see a difference in the numbers",
];

/// Latency figures in milliseconds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BenchReport {
    /// Searches timed (queries × rounds).
    pub count: usize,
    /// Distinct queries run.
    pub queries: usize,
    /// Times each query was run.
    pub rounds: usize,
    /// Mean latency, in milliseconds.
    pub mean_ms: f64,
    /// Median latency, in milliseconds.
    pub p50_ms: f64,
    /// 90th percentile, in milliseconds.
    pub p90_ms: f64,
    /// 99th percentile, in milliseconds.
    pub p99_ms: f64,
    /// Slowest run, in milliseconds.
    pub max_ms: f64,
}

/// Runs each query once to warm up, then `rounds` times, timing every search.
pub fn run(engine: &Engine, queries: &[String], rounds: usize) -> Result<BenchReport> {
    let requests: Vec<SearchRequest> = queries
        .iter()
        .map(|q| SearchRequest::new(q.clone()))
        .collect();
    for request in &requests {
        engine.search(request)?;
    }
    let mut times = Vec::with_capacity(requests.len() * rounds);
    for _ in 0..rounds {
        for request in &requests {
            let started = Instant::now();
            engine.search(request)?;
            times.push(started.elapsed().as_secs_f64() * 1000.0);
        }
    }
    Ok(summarize(times, queries.len(), rounds))
}

fn summarize(mut times: Vec<f64>, queries: usize, rounds: usize) -> BenchReport {
    times.sort_by(f64::total_cmp);
    let at = |q: f64| {
        if times.is_empty() {
            return 0.0;
        }
        let rank = ((q * times.len() as f64).ceil() as usize).clamp(1, times.len());
        times[rank - 1]
    };
    BenchReport {
        count: times.len(),
        queries,
        rounds,
        mean_ms: times.iter().sum::<f64>() / times.len().max(1) as f64,
        p50_ms: at(0.50),
        p90_ms: at(0.90),
        p99_ms: at(0.99),
        max_ms: times.last().copied().unwrap_or(0.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_use_nearest_rank() {
        let times: Vec<f64> = (1..=100).map(f64::from).collect();
        let report = summarize(times, 20, 5);
        assert_eq!(
            (report.p50_ms, report.p90_ms, report.p99_ms, report.max_ms),
            (50.0, 90.0, 99.0, 100.0)
        );
        assert_eq!(report.count, 100);
        assert_eq!(summarize(Vec::new(), 0, 1).p99_ms, 0.0);
    }
}
