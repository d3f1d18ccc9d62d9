//! `healthdex plan`: how a query is understood, without searching. The plan comes
//! from the index like a search's does (its vocabulary corrects typos), and is
//! printed as healthdex's `QueryPlan` or, lowered by the library, as an OpenSearch
//! search body.

use std::io::Write;
use std::process::ExitCode;

use healthdex::export::opensearch;
use healthdex::search::{Profile, SearchRequest};

use super::search_cmd::{open_engine, query_text};
use super::{PlanArgs, PlanFormat};

pub fn run(args: PlanArgs) -> anyhow::Result<ExitCode> {
    let request = SearchRequest {
        query: query_text(&args.query, &args.excluded),
        limit: args.limit,
        filters: args.filters.filters(),
        ..SearchRequest::default()
    };
    request.validate(&Profile::LIBRARY)?;
    let engine = open_engine(&args.index)?;
    let plan = engine.plan(&request);
    let shown = match args.format {
        PlanFormat::Json => serde_json::to_value(&plan)?,
        PlanFormat::Opensearch => {
            opensearch::search_body(&plan, &engine.options().weights, request.limit)
        }
    };
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, &shown)?;
    writeln!(out)?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
