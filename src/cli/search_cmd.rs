//! `healthdex search`: make sure the index is there and current, search, print.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use healthdex::index::{self, IndexOptions, IndexSettings};
use healthdex::search::{Engine, Filters, SearchRequest};
use healthdex::{Error, Warning, config};

use super::index_cmd::summary;
use super::{Format, IndexChoice, SearchArgs, output};

/// Folder indexed when there is no index and no `--corpus`.
const DEFAULT_CORPUS: &str = "corpus";

pub fn run(args: SearchArgs) -> anyhow::Result<ExitCode> {
    let engine = open_engine(&args.index)?;
    let request = SearchRequest {
        query: args.query.join(" "),
        limit: usize::from(args.limit),
        offset: args.offset as usize,
        filters: Filters {
            tags: args.tag.clone(),
            authors: args.author.clone(),
            since: args.since,
            until: args.until,
        },
        group: args.group,
        explain: args.explain,
        facets: args.format == Format::Json,
    };
    let results = engine.search(&request).context("search failed")?;
    match args.format {
        Format::Json => output::print_json(&results)?,
        Format::Text => output::print_text(&results, request.offset)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// Refreshes the index (unless told not to) and opens it with the configured options.
pub(super) fn open_engine(choice: &IndexChoice) -> anyhow::Result<Engine> {
    let loaded = config::load(choice.config.as_deref())?;
    if !choice.no_refresh {
        prepare_index(&choice.index, choice.corpus.as_deref())?;
    }
    let options = loaded.search_options()?;
    Ok(Engine::from_index(index::open(&choice.index)?, options)?)
}

/// Builds the index if it is missing, or brings it up to date with its corpus.
/// Progress goes to stderr so that stdout holds only results.
fn prepare_index(index_dir: &Path, corpus: Option<&Path>) -> anyhow::Result<()> {
    let manifest = index::open(index_dir).and_then(|open| open.manifest());
    let (root, settings, why) = match (manifest, corpus) {
        (Ok(manifest), None) => (manifest.root, manifest.settings, None),
        (Ok(manifest), Some(corpus)) => (corpus.to_path_buf(), manifest.settings, None),
        (Err(Error::NoIndex(_)), corpus) => {
            let root = corpus.map_or_else(|| PathBuf::from(DEFAULT_CORPUS), Path::to_path_buf);
            let why = format!(
                "no index at `{}` yet; indexing `{}` first",
                index_dir.display(),
                root.display()
            );
            (root, IndexSettings::default(), Some(why))
        }
        (Err(Error::IncompatibleIndex { found, .. }), corpus) => {
            let root = corpus.map_or_else(|| PathBuf::from(DEFAULT_CORPUS), Path::to_path_buf);
            let why = format!(
                "the index at `{}` is from an incompatible version ({found}); rebuilding it from `{}`",
                index_dir.display(),
                root.display()
            );
            (root, IndexSettings::default(), Some(why))
        }
        (Err(err), _) => return Err(err.into()),
    };
    if !root.is_dir() {
        if let Some(why) = why {
            anyhow::bail!(
                "{why}, but `{}` is not a folder; run `healthdex index <DIR>` first",
                root.display()
            );
        }
        return Ok(());
    }
    if let Some(why) = &why {
        eprintln!("healthdex: {why}");
    }
    let options = IndexOptions {
        root: root.clone(),
        index_dir: index_dir.to_path_buf(),
        settings,
        wait: false,
        allow_mass_removal: false,
    };
    match index::update(&options) {
        Ok(report) => {
            if why.is_some() || report.changed_anything() {
                report
                    .warnings
                    .iter()
                    .for_each(|w: &Warning| eprintln!("{w}"));
                eprintln!("healthdex: {}", summary(&report));
            }
            Ok(())
        }
        Err(Error::Locked { .. }) if why.is_none() => {
            eprintln!(
                "healthdex: the index is being updated by another process; searching the last committed version"
            );
            Ok(())
        }
        Err(err) => Err(err).with_context(|| format!("cannot index `{}`", root.display())),
    }
}
