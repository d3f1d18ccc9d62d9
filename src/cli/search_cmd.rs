//! `healthdex search`: make sure the index is there and current, search, print.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use healthdex::index::{self, Refresh, Refreshed, Verdict};
use healthdex::search::{Engine, Profile, SearchRequest, SearchResults};
use healthdex::{Error, Warning, config};

use super::index_cmd::summary;
use super::output::{self, Printer};
use super::{ColorChoice, Format, IndexChoice, SearchArgs};

/// Folder indexed when there is no index and no `--corpus`.
const DEFAULT_CORPUS: &str = "corpus";

pub fn run(args: SearchArgs) -> anyhow::Result<ExitCode> {
    let request = SearchRequest {
        query: query_text(&args.query, &args.excluded),
        limit: args.limit,
        offset: args.offset,
        filters: args.filters.filters(),
        group: args.group,
        explain: args.explain,
        facets: args.format == Format::Json,
        lexical_only: args.index.lexical_only(),
    };
    request.validate(&Profile::LIBRARY)?;
    let results = search_fresh(&args.index, &request)?;
    let printer: Box<dyn Printer> = match args.format {
        Format::Json => Box::new(output::Json),
        Format::Text => Box::new(output::Text {
            color: color(args.color),
        }),
    };
    printer.print(&mut std::io::stdout().lock(), &results, request.offset)?;
    Ok(ExitCode::SUCCESS)
}

/// The query words, with the `-word` exclusions typed among them.
pub(super) fn query_text(query: &[String], excluded: &[String]) -> String {
    let excluded = excluded.iter().map(|word| match word.contains(' ') {
        true => format!("-\"{word}\""),
        false => format!("-{word}"),
    });
    query
        .iter()
        .cloned()
        .chain(excluded)
        .collect::<Vec<_>>()
        .join(" ")
}

fn color(choice: ColorChoice) -> bool {
    use std::io::IsTerminal;
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}

/// Searches the last commit while another thread checks the corpus for changes
/// (the check is a stat per file and costs about as much as the search, so the two
/// overlap instead of adding up; it starts before the index is even opened). If the
/// check finds a change, the index is updated and the search runs again on the new
/// commit. Without a readable commit, the index is refreshed (or built) first.
fn search_fresh(choice: &IndexChoice, request: &SearchRequest) -> anyhow::Result<SearchResults> {
    let refresh = refresh_for(choice);
    let options =
        || -> anyhow::Result<_> { Ok(config::load(choice.config.as_deref())?.search_options()?) };
    let stamp = match refresh.check_corpus {
        true => index::read_stamp(&refresh.index_dir),
        false => None,
    };
    let Some(stamp) = stamp else {
        let (open, refreshed) = open_index(&refresh)?;
        report_refresh(&refreshed);
        return search(engine(open, options()?, choice)?, request);
    };
    // rayon rather than a plain thread: the check stats files in parallel, and
    // the worker that finishes the search then takes a share of those stats.
    let as_it_is = Refresh {
        check_corpus: false,
        ..refresh.clone()
    };
    let (verdict, searched) = rayon::join(
        || index::check(&refresh, &stamp),
        || {
            let (open, refreshed) = open_index(&as_it_is)?;
            let options = options()?;
            let engine = engine(open, options.clone(), choice)?;
            anyhow::Ok((engine.search(request), options, refreshed))
        },
    );
    let (results, options, opened) = searched?;
    report_refresh(&opened);
    let verdict = verdict?;
    match verdict {
        Verdict::Current => Ok(results.context("search failed")?),
        Verdict::CorpusMissing(root) => {
            report_refresh(&Refreshed::CorpusMissing(root));
            Ok(results.context("search failed")?)
        }
        Verdict::Stale => {
            let (open, refreshed) =
                index::bring_up_to_date(&refresh, index::open(&refresh.index_dir)?)?;
            report_refresh(&refreshed);
            match refreshed {
                Refreshed::Unchanged | Refreshed::Busy | Refreshed::Refused(_) => {
                    Ok(results.context("search failed")?)
                }
                _ => search(engine(open, options, choice)?, request),
            }
        }
    }
}

fn search(engine: Engine, request: &SearchRequest) -> anyhow::Result<SearchResults> {
    engine.search(request).context("search failed")
}

/// Refreshes the index (unless told not to) and opens it with the configured options.
/// Progress and what was rebuilt go to stderr so that stdout holds only results.
pub(super) fn open_engine(choice: &IndexChoice) -> anyhow::Result<Engine> {
    let loaded = config::load(choice.config.as_deref())?;
    let (open, refreshed) = open_index(&refresh_for(choice))?;
    report_refresh(&refreshed);
    let options = loaded.search_options()?;
    engine(open, options, choice)
}

/// The engine of an opened index: hybrid when the index has vectors, unless
/// `--no-semantic` asked for words alone.
pub(super) fn engine(
    open: index::OpenIndex,
    options: healthdex::SearchOptions,
    choice: &IndexChoice,
) -> anyhow::Result<Engine> {
    #[cfg(feature = "semantic")]
    if !choice.lexical_only() {
        let loaded = config::load(choice.config.as_deref())?;
        let hybrid =
            healthdex::semantic::hybrid_for(&open, loaded.model_dir().as_deref(), loaded.fusion()?)
                .context(
                    "cannot search in hybrid mode (pass --no-semantic to search by words alone)",
                )?;
        let engine = Engine::from_index(open, options)?;
        return Ok(match hybrid {
            Some(hybrid) => engine.with_hybrid(hybrid),
            None => engine,
        });
    }
    #[cfg(not(feature = "semantic"))]
    let _ = choice;
    Ok(Engine::from_index(open, options)?)
}

/// What the command line asks of the index.
fn refresh_for(choice: &IndexChoice) -> Refresh {
    Refresh {
        index_dir: choice.index_dir(),
        corpus: choice.corpus.clone(),
        // Only the default index is built from `corpus/` unasked; a path the user
        // typed must exist (or come with --corpus), so a typo creates nothing.
        default_corpus: choice
            .index
            .is_none()
            .then(|| PathBuf::from(DEFAULT_CORPUS)),
        check_corpus: !choice.no_refresh,
    }
}

/// [`index::ensure`], with the command to run when there is no index.
fn open_index(refresh: &Refresh) -> anyhow::Result<(index::OpenIndex, Refreshed)> {
    index::ensure(refresh).map_err(|err| match err {
        Error::NoIndex(path) => anyhow::anyhow!(
            "no index at `{}`; build it with `healthdex index <DIR> --index {}`, or pass --corpus <DIR> to build it now",
            path.display(),
            path.display()
        ),
        other => other.into(),
    })
}

fn report_refresh(refreshed: &Refreshed) {
    match refreshed {
        Refreshed::Unchanged => {}
        Refreshed::Updated { report, why } => {
            if let Some(why) = why {
                say!("healthdex: {why}");
            }
            if why.is_some() || report.changed_anything() {
                report.warnings.iter().for_each(|w: &Warning| say!("{w}"));
                say!("healthdex: {}", summary(report));
            }
        }
        Refreshed::Busy => say!(
            "healthdex: the index is being updated by another process; searching the last committed version"
        ),
        Refreshed::Refused(why) => {
            say!("healthdex: not refreshing the index: {why}; searching the last committed version")
        }
        Refreshed::CorpusMissing(root) => say!(
            "healthdex: `{}`, the folder this index was built from, is gone; searching the index as it is",
            root.display()
        ),
    }
}
