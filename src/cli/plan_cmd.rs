//! `healthdex plan`: how a query is understood, without searching. The plan comes
//! from the index like a search's does (its vocabulary corrects typos), and is
//! printed as healthdex's `QueryPlan` or, lowered by the library, as an OpenSearch
//! search body. `--trace` adds what the vocabulary was asked, and `--batch` plans a
//! file of queries, one traced plan per line: what the static bundle's planner is
//! proved equal against.

use std::io::{BufRead, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context as _;
use healthdex::Engine;
use healthdex::export::opensearch;
use healthdex::search::{Filters, Profile, SearchRequest, check_evidence};

use super::search_cmd::{open_engine, query_text};
use super::{PlanArgs, PlanFormat};

pub fn run(args: PlanArgs) -> anyhow::Result<ExitCode> {
    if let Some(file) = &args.batch {
        let engine = open_engine(&args.index)?;
        plan_batch(&engine, file)?;
        return Ok(ExitCode::SUCCESS);
    }
    let request = SearchRequest {
        query: query_text(&args.query, &args.excluded),
        limit: args.limit,
        filters: args.filters.filters(),
        ..SearchRequest::default()
    };
    request.validate(&Profile::LIBRARY)?;
    let engine = open_engine(&args.index)?;
    let shown = match (args.format, args.trace) {
        (PlanFormat::Json, true) => serde_json::to_value(engine.traced_plan(&request))?,
        (PlanFormat::Json, false) => serde_json::to_value(engine.plan(&request))?,
        (PlanFormat::Opensearch, _) => opensearch::search_body(
            &engine.plan(&request),
            &engine.options().weights,
            request.limit,
        ),
    };
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, &shown)?;
    writeln!(out)?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// One line of a batch file read as JSON: a query and the request's filters.
#[derive(serde::Deserialize)]
struct BatchLine {
    query: String,
    #[serde(flatten)]
    filters: Filters,
}

/// Plans every line of `file` and writes one traced plan per line to stdout.
fn plan_batch(engine: &Engine, file: &Path) -> anyhow::Result<()> {
    let input: Box<dyn BufRead> = match file.to_str() {
        Some("-") => Box::new(std::io::stdin().lock()),
        _ => Box::new(std::io::BufReader::new(
            std::fs::File::open(file)
                .with_context(|| format!("failed to read `{}`", file.display()))?,
        )),
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for (number, line) in input.lines().enumerate() {
        let line = line.with_context(|| format!("failed to read `{}`", file.display()))?;
        let request = batch_request(&line)
            .with_context(|| format!("{}:{}: not a query line", file.display(), number + 1))?;
        let traced = engine.traced_plan(&request);
        let shown = serde_json::json!({
            "query": request.query,
            "filters": request.filters,
            "plan": traced.plan,
            "vocabulary": traced.vocabulary,
        });
        serde_json::to_writer(&mut out, &shown)?;
        writeln!(out)?;
    }
    out.flush()?;
    Ok(())
}

/// A batch line as a request: a JSON object (`{"query": …, "tags": […], …}`) or,
/// for any other line, the line itself as the query.
fn batch_request(line: &str) -> anyhow::Result<SearchRequest> {
    let (query, filters) = match line.trim_start().starts_with('{') {
        true => {
            let parsed: BatchLine = serde_json::from_str(line).context(
                "a line starting with `{` must be JSON: {\"query\": \"…\", \"tags\": [\"…\"], …}",
            )?;
            let evidence = check_evidence(parsed.filters.evidence.clone())?;
            (
                parsed.query,
                Filters {
                    evidence,
                    ..parsed.filters
                },
            )
        }
        false => (line.to_string(), Filters::default()),
    };
    let request = SearchRequest {
        filters,
        ..SearchRequest::new(query)
    };
    request.validate(&Profile::LIBRARY)?;
    Ok(request)
}
