//! `healthdex index`: build or update an index and report what happened.

use std::process::ExitCode;

use anyhow::Context;
use healthdex::index::{self, IndexOptions, IndexReport, IndexSettings};

use super::{BuildArgs, EXIT_WARNINGS, IndexArgs};

pub fn run(args: IndexArgs) -> anyhow::Result<ExitCode> {
    let options = IndexOptions {
        root: args.dir.clone(),
        index_dir: args.index.clone(),
        settings: settings(&args.build),
    };
    let report = index::update(&options).with_context(|| {
        format!(
            "cannot index `{}` into `{}`",
            args.dir.display(),
            args.index.display()
        )
    })?;
    print_warnings(&report);
    if !args.quiet {
        println!("{}", summary(&report));
    }
    Ok(if args.strict && !report.warnings.is_empty() {
        ExitCode::from(EXIT_WARNINGS)
    } else {
        ExitCode::SUCCESS
    })
}

pub(super) fn settings(args: &BuildArgs) -> IndexSettings {
    IndexSettings {
        drafts: args.drafts,
        base_url: args.base_url.clone(),
    }
}

pub(super) fn print_warnings(report: &IndexReport) {
    for warning in &report.warnings {
        eprintln!("{warning}");
    }
    if let Some(reason) = &report.rebuilt {
        eprintln!("healthdex: rebuilt the whole index: {reason}");
    }
}

/// The one-line summary of an index run.
pub(super) fn summary(report: &IndexReport) -> String {
    let mut line = format!(
        "indexed {} articles, {} sections, {} references in {:.2} s ({} added, {} updated, {} removed, {} unchanged",
        report.articles,
        report.sections,
        report.references,
        report.elapsed.as_secs_f64(),
        report.added,
        report.updated,
        report.removed,
        report.unchanged,
    );
    if report.drafts > 0 {
        line.push_str(&format!(", {} left out as drafts", report.drafts));
    }
    line.push_str(&format!(
        "; {} skipped, {} warnings)",
        report.skipped,
        report.warnings.len()
    ));
    line
}
