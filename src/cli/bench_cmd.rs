//! `healthdex bench`: query latency in process, like `tantivy-cli bench`.

use std::process::ExitCode;

use anyhow::Context;
use healthdex::search::bench::{self, BUILT_IN_QUERIES};

use super::search_cmd::open_engine;
use super::{BenchArgs, Format};

pub fn run(args: BenchArgs) -> anyhow::Result<ExitCode> {
    let queries: Vec<String> = match &args.queries {
        Some(path) => std::fs::read_to_string(path)
            .with_context(|| format!("cannot read `{}`", path.display()))?
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty())
            .map(String::from)
            .collect(),
        None => BUILT_IN_QUERIES.iter().map(|q| q.to_string()).collect(),
    };
    if queries.is_empty() {
        anyhow::bail!("no queries to run; put one query per line in the --queries file");
    }
    let engine = open_engine(&args.index)?;
    let report = bench::run(&engine, &queries, usize::from(args.rounds))?;
    match args.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&report)?),
        Format::Text => println!(
            "{} searches ({} queries × {} rounds), with snippets, in milliseconds:\nmean {:.3}  p50 {:.3}  p90 {:.3}  p99 {:.3}  max {:.3}",
            report.count,
            report.queries,
            report.rounds,
            report.mean_ms,
            report.p50_ms,
            report.p90_ms,
            report.p99_ms,
            report.max_ms
        ),
    }
    Ok(ExitCode::SUCCESS)
}
