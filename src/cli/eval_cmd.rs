//! `healthdex eval`: the relevance suite, healthdex next to plain BM25.

use std::process::ExitCode;

use anyhow::Context;
use healthdex::search::SearchOptions;
use healthdex::search::eval::{self, Metrics, Report, Summary};

use super::search_cmd::open_engine;
use super::{EvalArgs, Format};

pub fn run(args: EvalArgs) -> anyhow::Result<ExitCode> {
    let text = std::fs::read_to_string(&args.judgments)
        .with_context(|| format!("cannot read `{}`", args.judgments.display()))?;
    let judgments = eval::read_judgments(&text).map_err(|e| {
        anyhow::anyhow!(
            "`{}` {e}; each line must be a judged query in JSON",
            args.judgments.display()
        )
    })?;
    let engine = open_engine(&args.index)?;
    let baseline = engine.with_options(SearchOptions::baseline());
    let report = eval::evaluate(&engine, &baseline, &judgments)?;
    match args.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&report)?),
        Format::Text => print_text(&report, args.per_query),
    }
    Ok(ExitCode::SUCCESS)
}

fn print_text(report: &Report, per_query: bool) {
    if per_query {
        println!(
            "{:<6} {:<12} {:>7} {:>7}  query",
            "id", "class", "nDCG", "BM25"
        );
        for q in &report.queries {
            println!(
                "{:<6} {:<12} {:>7.3} {:>7.3}  {}",
                q.id, q.class, q.healthdex.ndcg, q.baseline.ndcg, q.query
            );
        }
        println!();
    }
    println!(
        "{:<12} {:>4}   {:>8} {:>8} {:>8}   {:>8} {:>8} {:>8}   {:>7}",
        "class", "n", "nDCG@10", "MRR@10", "R@10", "BM25 nDCG", "MRR", "R@10", "nDCG ±"
    );
    for (class, summary) in &report.by_class {
        print_row(class, summary);
    }
    print_row("all", &report.overall);
}

fn print_row(name: &str, s: &Summary) {
    let (h, b): (Metrics, Metrics) = (s.healthdex, s.baseline);
    let change = if b.ndcg > 0.0 {
        (h.ndcg / b.ndcg - 1.0) * 100.0
    } else {
        0.0
    };
    println!(
        "{name:<12} {:>4}   {:>8.3} {:>8.3} {:>8.3}   {:>9.3} {:>8.3} {:>8.3}   {:>+6.1}%",
        s.queries, h.ndcg, h.mrr, h.recall, b.ndcg, b.mrr, b.recall, change
    );
}
