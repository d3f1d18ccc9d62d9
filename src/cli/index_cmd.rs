//! `healthdex index`: build or update an index and report what happened.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use healthdex::index::{self, IndexOptions, IndexReport, IndexSettings};

use super::{BuildArgs, EXIT_WARNINGS, IndexArgs};

pub fn run(args: IndexArgs) -> anyhow::Result<ExitCode> {
    if args.check {
        return check(&args);
    }
    let options = IndexOptions {
        settings: settings(&args.build, args.config.as_deref())?,
        wait: args.wait,
        allow_mass_removal: args.allow_mass_removal,
        #[cfg(feature = "semantic")]
        encoder: encoder(&args)?,
        ..IndexOptions::new(&args.dir, &args.index)
    };
    let bar = progress_bar(args.quiet);
    let report = index::update_with_progress(&options, &|p| {
        #[cfg(feature = "semantic")]
        if p.embedding {
            bar.set_message("word pieces embedded");
        }
        bar.set_length(p.total as u64);
        bar.set_position(p.done as u64);
    });
    bar.finish_and_clear();
    let report = report.with_context(|| {
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

/// The model for `--semantic`, or for an index that has vectors when the model is
/// configured (so changed sections get theirs).
#[cfg(feature = "semantic")]
fn encoder(
    args: &IndexArgs,
) -> anyhow::Result<Option<std::sync::Arc<healthdex::semantic::Encoder>>> {
    let loaded = healthdex::config::load(args.config.as_deref())?;
    let has_vectors = index::open(&args.index).is_ok_and(|open| open.vectors_file().is_some());
    let dir = match (loaded.model_dir(), args.semantic) {
        (Some(dir), _) => dir,
        (None, true) => anyhow::bail!(
            "--semantic needs the sentence-embedding model: set HEALTHDEX_MODEL_DIR to its folder (or `[semantic] model` in healthdex.toml); see the README, Hybrid ranking"
        ),
        (None, false) => return Ok(None),
    };
    if !args.semantic && !has_vectors {
        return Ok(None);
    }
    Ok(Some(std::sync::Arc::new(
        healthdex::semantic::Encoder::load(&dir)?,
    )))
}

/// The index settings from the flags and `healthdex.toml` (`config`, else the one
/// in this folder, if any).
pub(super) fn settings(args: &BuildArgs, config: Option<&Path>) -> anyhow::Result<IndexSettings> {
    let loaded = healthdex::config::load(config)?;
    Ok(IndexSettings {
        drafts: args.drafts,
        base_url: args.base_url.clone(),
        boilerplate: loaded.config.input.boilerplate,
    })
}

pub(super) fn print_warnings(report: &IndexReport) {
    for warning in &report.warnings {
        say!("{warning}");
    }
    if let Some(reason) = &report.rebuilt {
        say!("healthdex: rebuilt the whole index: {reason}");
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
    #[cfg(feature = "semantic")]
    if let Some(vectors) = vectors_summary(&report.vectors) {
        line.push_str(&format!("; {vectors}"));
    }
    line.push_str(&format!(
        "; {} skipped, {} warnings)",
        report.skipped,
        report.warnings.len()
    ));
    line
}

/// What happened to the vectors, for the summary line (`None` for a lexical index).
#[cfg(feature = "semantic")]
fn vectors_summary(vectors: &healthdex::semantic::VectorReport) -> Option<String> {
    vectors.file.as_ref()?;
    let mut line = format!(
        "{} sections embedded, {} with vectors",
        vectors.embedded, vectors.with_vectors
    );
    let seconds = vectors.embedding.as_secs_f64();
    if vectors.tokens > 0 && seconds > 0.0 {
        line.push_str(&format!(
            " ({} word pieces in {seconds:.1} s, {:.0}/s)",
            vectors.tokens,
            vectors.tokens as f64 / seconds
        ));
    }
    if vectors.without_vectors > 0 {
        line.push_str(&format!(
            ", {} without (no model: set HEALTHDEX_MODEL_DIR and run `healthdex index --semantic`)",
            vectors.without_vectors
        ));
    }
    Some(line)
}

/// `--check`: parse and lint every article, print every problem, write nothing.
fn check(args: &IndexArgs) -> anyhow::Result<ExitCode> {
    let options = settings(&args.build, args.config.as_deref())?.parse_options();
    let corpus = healthdex::corpus::read_articles(&args.dir, &options)
        .with_context(|| format!("cannot check `{}`", args.dir.display()))?;
    let mut problems = corpus.warnings;
    for article in &corpus.articles {
        problems.extend(healthdex::article::lint(article));
    }
    problems.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
    for problem in &problems {
        say!("{problem}");
    }
    if !args.quiet {
        println!(
            "checked {} articles: {} problems",
            corpus.articles.len(),
            problems.len()
        );
    }
    Ok(if problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_WARNINGS)
    })
}

/// A progress bar on stderr when it is a terminal (and not `--quiet`); hidden otherwise.
fn progress_bar(quiet: bool) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    if quiet || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let style = indicatif::ProgressStyle::with_template(
        "{spinner} indexing {pos}/{len} {msg} [{bar:30}] {eta}",
    )
    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
    .progress_chars("=> ");
    indicatif::ProgressBar::new(0)
        .with_style(style)
        .with_message("files")
}
