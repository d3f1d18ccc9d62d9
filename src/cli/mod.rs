//! Command-line definitions (clap) and the glue from arguments to the library.
//! Nothing here indexes or searches by itself: each command checks its arguments,
//! calls the library, and prints.

/// Writes a line to stderr; a closed stderr is not worth a panic.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

mod bench_cmd;
mod bundle_cmd;
mod eval_cmd;
mod export_cmd;
mod index_cmd;
mod output;
mod plan_cmd;
mod refs_cmd;
mod search_cmd;
#[cfg(feature = "server")]
mod serve_cmd;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use healthdex::article::Date;
use healthdex::export::opensearch::IndexName;

/// Exit code for a runtime error (bad path, locked index, ...).
pub const EXIT_ERROR: u8 = 1;
/// Exit code for a request out of bounds (as clap uses for bad arguments).
pub const EXIT_USAGE: u8 = 2;
/// Exit code when `--strict` is given and an article had a problem.
pub const EXIT_WARNINGS: u8 = 3;

/// Search engine for Markdown health articles: ranked sections with snippets.
#[derive(Debug, Parser)]
#[command(
    name = "healthdex",
    version,
    about,
    max_term_width = 100,
    args_override_self = true
)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Build or update the index of a folder of Markdown articles.
    Index(IndexArgs),
    /// Search the index and print the best-matching sections.
    Search(SearchArgs),
    /// Write every article as JSON, every section as an NDJSON record, or the
    /// files to load the sections into OpenSearch.
    Export(ExportArgs),
    /// Write a static search of a folder of articles: files any web host can serve,
    /// searched in the browser with no server.
    Bundle(BundleArgs),
    /// Show how a query is understood: healthdex's plan as JSON, or an OpenSearch
    /// search body that carries it.
    Plan(PlanArgs),
    /// Measure ranking quality on judged queries, against a plain BM25 baseline.
    Eval(EvalArgs),
    /// Measure query latency in process (snippets included).
    Bench(BenchArgs),
    /// Serve the search page and the JSON API over HTTP.
    #[cfg(feature = "server")]
    Serve(ServeArgs),
    /// Point the link servers read (e.g. /srv/healthdex/current) at another index, atomically.
    Switch(SwitchArgs),
    /// List and search the works the articles cite, and who cites each.
    Refs(RefsArgs),
}

#[cfg(feature = "server")]
#[derive(Debug, clap::Args)]
struct ServeArgs {
    #[command(flatten)]
    index: IndexChoice,
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// Address to listen on; the default accepts only local connections.
    #[arg(long, default_value = "127.0.0.1")]
    bind: std::net::IpAddr,
    /// Close a connection that has not sent a whole request head within this many
    /// seconds (new, half-sent, or idle between keep-alive requests).
    #[arg(long, value_name = "SECS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=3600))]
    header_timeout: u64,
    /// Let pages on this origin (scheme://host[:port], or `*`) read the API from a
    /// browser; repeatable. Without it, CORS is off.
    #[arg(long = "cors-origin", value_name = "URL", value_parser = parse_origin)]
    cors_origins: Vec<String>,
    /// Believe X-Forwarded-For and X-Request-Id from connections from this address
    /// or network (e.g. 127.0.0.1, 10.0.0.0/8); repeatable. Without it they are ignored.
    #[arg(long = "trusted-proxy", value_name = "ADDR", value_parser = parse_network)]
    trusted_proxies: Vec<healthdex::serve::http::Network>,
    /// Write an access log line per request to FILE (appended), or `-` for stdout.
    #[arg(long, value_name = "FILE")]
    access_log: Option<PathBuf>,
    /// Access log format: the Combined Log Format (plus request ID and
    /// milliseconds), or one JSON object per line.
    #[arg(long, value_enum, default_value_t = LogFormatArg::Combined, requires = "access_log")]
    access_log_format: LogFormatArg,
    /// Never write to the index folder (for a shared or read-only volume): no
    /// refresh, no rebuild; an index that is missing or from another version is an error.
    #[arg(long)]
    read_only: bool,
    /// Memory for answers kept for repeated search, suggest and tag requests, in
    /// MiB (answers of an older commit are dropped); 0 keeps none.
    #[arg(long, value_name = "MIB", default_value_t = 64, value_parser = clap::value_parser!(u64).range(0..=65_536))]
    answer_cache: u64,
}

#[cfg(feature = "server")]
#[derive(Debug, Clone, Copy, ValueEnum)]
enum LogFormatArg {
    Combined,
    Json,
}

#[cfg(feature = "server")]
fn parse_origin(text: &str) -> Result<String, String> {
    healthdex::serve::http::check_origin(text)
}

#[cfg(feature = "server")]
fn parse_network(text: &str) -> Result<healthdex::serve::http::Network, String> {
    healthdex::serve::http::Network::parse(text)
}

#[derive(Debug, clap::Args)]
struct RefsArgs {
    /// Folder of Markdown articles.
    #[arg(long, default_value = "corpus", value_name = "DIR")]
    corpus: PathBuf,
    #[command(flatten)]
    build: BuildArgs,
    /// Works to find: `doi:…`, `pmid:…`, `pmcid:…`, `author:NAME`, or words of the
    /// title, authors, journal or year. Without it, the most cited works.
    query: Vec<String>,
    /// Show one work (by the key `refs` prints) and every article citing it.
    #[arg(long, value_name = "KEY", conflicts_with = "query")]
    work: Option<String>,
    /// How many works to list.
    #[arg(long, short = 'n', default_value_t = 20, value_parser = clap::value_parser!(u16).range(1..))]
    limit: u16,
    /// Editor's gate: list every problem with the references and exit 3 if there is one.
    #[arg(long, conflicts_with_all = ["query", "work"])]
    check: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(Debug, clap::Args)]
struct SwitchArgs {
    /// The link the servers' --index names; created if it does not exist.
    link: PathBuf,
    /// The complete index to serve from now on.
    target: PathBuf,
}

#[derive(Debug, clap::Args)]
struct BenchArgs {
    #[command(flatten)]
    index: IndexChoice,
    /// Queries to run, one per line (default: a built-in mixed set).
    #[arg(long, value_name = "FILE")]
    queries: Option<PathBuf>,
    /// How many times each query is run.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u16).range(1..=10_000))]
    rounds: u16,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// Where the index is and how to search it.
#[derive(Debug, clap::Args)]
struct IndexChoice {
    /// Where the index is kept [default: .healthdex, built from `corpus` if missing].
    #[arg(long, value_name = "PATH")]
    index: Option<PathBuf>,
    /// Folder to index when there is no index yet (default: the indexed folder, or `corpus`).
    #[arg(long, value_name = "DIR")]
    corpus: Option<PathBuf>,
    /// Do not check the corpus for changes before searching.
    #[arg(long)]
    no_refresh: bool,
    /// Search settings (default: `healthdex.toml` in this folder, if present).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Rank by words alone, even when the index has vectors (hybrid ranking is
    /// automatic on an index built with `--semantic`).
    #[cfg(feature = "semantic")]
    #[arg(long)]
    no_semantic: bool,
}

impl IndexChoice {
    /// Whether the reader asked for a lexical ranking of an index with vectors.
    fn lexical_only(&self) -> bool {
        #[cfg(feature = "semantic")]
        return self.no_semantic;
        #[cfg(not(feature = "semantic"))]
        false
    }

    fn index_dir(&self) -> PathBuf {
        self.index
            .clone()
            .unwrap_or_else(|| PathBuf::from(healthdex::index::DEFAULT_INDEX_DIR))
    }
}

#[derive(Debug, clap::Args)]
struct EvalArgs {
    /// Judged queries (JSON lines; see `tests/relevance/`).
    #[arg(value_name = "JUDGMENTS")]
    judgments: PathBuf,
    #[command(flatten)]
    index: IndexChoice,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Also list every query with its scores.
    #[arg(long)]
    per_query: bool,
}

/// Options shared by commands that (re)build an index.
#[derive(Debug, clap::Args)]
struct BuildArgs {
    /// Index articles whose front matter says `draft: true`.
    #[arg(long)]
    drafts: bool,
    /// Prefix of article URLs, e.g. `https://example.org/articles/`.
    #[arg(long, value_name = "URL", default_value = "")]
    base_url: String,
}

#[derive(Debug, clap::Args)]
struct IndexArgs {
    /// Folder of articles: Markdown, plain text (`.txt`) or a site's built HTML (`public/`).
    #[arg(default_value = "corpus")]
    dir: PathBuf,
    /// Where the index is kept.
    #[arg(long, value_name = "PATH", default_value = healthdex::index::DEFAULT_INDEX_DIR)]
    index: PathBuf,
    #[command(flatten)]
    build: BuildArgs,
    /// Exit with code 3 if any article has a problem (for CI).
    #[arg(long)]
    strict: bool,
    /// Only check the articles (and lint them: repeated headings, unreadable
    /// references); print every problem, write no index, exit 3 if there is any.
    #[arg(long)]
    check: bool,
    /// If another process is updating the index, wait for it instead of failing.
    #[arg(long)]
    wait: bool,
    /// Allow an update that removes most or all of the indexed articles (refused
    /// otherwise, because an empty or unmounted corpus folder looks the same).
    #[arg(long)]
    allow_mass_removal: bool,
    /// Print only warnings and errors, not the summary.
    #[arg(long, short)]
    quiet: bool,
    /// Give every section a vector with the sentence-embedding model (named by
    /// HEALTHDEX_MODEL_DIR or `[semantic] model`), for hybrid ranking. An index
    /// that has vectors keeps embedding changed sections when the model is there.
    #[cfg(feature = "semantic")]
    #[arg(long)]
    semantic: bool,
    /// Settings (`[input] boilerplate`; default: `healthdex.toml` in this folder, if present).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
struct ExportArgs {
    /// Folder of Markdown articles.
    #[arg(default_value = "corpus")]
    dir: PathBuf,
    #[command(flatten)]
    build: BuildArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ExportFormat::Json)]
    format: ExportFormat,
    /// Write to this file instead of stdout; with `--format opensearch`, the folder
    /// to write `index.json` and `bulk.ndjson` into (required).
    #[arg(long, short, value_name = "PATH")]
    out: Option<PathBuf>,
    /// Name of the OpenSearch index the bulk actions go to (`--format opensearch`).
    #[arg(long, value_name = "NAME", value_parser = parse_index_name)]
    index_name: Option<IndexName>,
    /// Settings whose synonym lists go into the OpenSearch search analyzer
    /// (default: `healthdex.toml` in this folder, if present).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
struct BundleArgs {
    /// Folder of Markdown articles.
    #[arg(default_value = "corpus")]
    dir: PathBuf,
    /// The folder to write the bundle into (created if missing). healthdex replaces
    /// only files it wrote there before, and refuses to overwrite anything else.
    #[arg(long, short, value_name = "DIR")]
    out: PathBuf,
    #[command(flatten)]
    build: BuildArgs,
    /// Settings: synonym lists, weights, typo correction, per-article cap
    /// (default: `healthdex.toml` in this folder, if present).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Print only warnings and errors, not the summary.
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ExportFormat {
    /// Every article (metadata, sections, references) as one JSON document.
    Json,
    /// One JSON record per section, as healthdex indexes it, one per line.
    Ndjson,
    /// `index.json` (settings and mappings) and `bulk.ndjson` (the `_bulk` body).
    Opensearch,
}

#[derive(Debug, clap::Args)]
struct PlanArgs {
    /// The query, as `search` takes it (words, "phrases", -words, operators).
    #[arg(required_unless_present_any = ["excluded", "batch"], num_args = 1.., value_name = "QUERY")]
    query: Vec<String>,
    /// `-word` exclusions typed among the query words (filled in by [`dashed_words`]).
    #[arg(long = "exclude-word", hide = true, value_name = "WORD")]
    excluded: Vec<String>,
    #[command(flatten)]
    index: IndexChoice,
    /// Output format: the plan itself, or an OpenSearch search body.
    #[arg(long, value_enum, default_value_t = PlanFormat::Json)]
    format: PlanFormat,
    /// Hits the OpenSearch body asks for (its `size`).
    #[arg(long, short = 'n', default_value_t = healthdex::search::limits::DEFAULT_LIMIT)]
    limit: usize,
    #[command(flatten)]
    filters: FilterArgs,
    /// Print `{"plan": …, "vocabulary": …}`: the plan with every question its
    /// understanding asked the index vocabulary, and the answers (with `--format json`).
    #[arg(long)]
    trace: bool,
    /// Plan every query of FILE (`-`: stdin), one per line: plain text, or a JSON
    /// object with `query` and optional `tags`, `authors`, `evidence`, `since`,
    /// `until` (a relevance suite's JSONL works as is). Writes one traced plan per
    /// line: `{"query", "filters", "plan", "vocabulary"}`.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["query", "excluded", "format"])]
    batch: Option<std::path::PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum PlanFormat {
    /// healthdex's `QueryPlan` (slots, boosts, requirements, filters, notes).
    Json,
    /// `{"query": …, "size": …, "highlight": …}` for `POST /NAME/_search`.
    Opensearch,
}

/// Restrictions on the articles searched, given as options.
#[derive(Debug, clap::Args)]
struct FilterArgs {
    /// Only articles with this tag (repeat for several; all must match).
    #[arg(long, value_name = "TAG")]
    tag: Vec<String>,
    /// Only articles by an author with this name (repeat for several).
    #[arg(long, value_name = "NAME")]
    author: Vec<String>,
    /// Only sections citing a source of this kind: systematic-review, rct,
    /// observational, guideline, narrative-review, case-report, animal-or-lab
    /// (repeat for several; all must be cited).
    #[arg(long, value_name = "KIND", value_parser = parse_evidence)]
    evidence: Vec<String>,
    /// Only articles dated on or after this day (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    since: Option<Date>,
    /// Only articles dated on or before this day (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    until: Option<Date>,
}

fn parse_evidence(text: &str) -> Result<String, String> {
    healthdex::search::check_evidence(vec![text.to_string()])
        .map(|mut names| names.remove(0))
        .map_err(|e| e.to_string())
}

impl FilterArgs {
    fn filters(&self) -> healthdex::search::Filters {
        healthdex::search::Filters {
            tags: self.tag.clone(),
            authors: self.author.clone(),
            evidence: self.evidence.clone(),
            since: self.since,
            until: self.until,
        }
    }
}

/// When to mark matches with terminal colors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ColorChoice {
    /// When writing to a terminal and `NO_COLOR` is not set.
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
}

#[derive(Debug, clap::Args)]
struct SearchArgs {
    /// What to look for: words, "quoted phrases", -excluded words, operators
    /// (see the README); put `--` before a query that starts with `-`.
    #[arg(required_unless_present = "excluded", num_args = 1.., value_name = "QUERY")]
    query: Vec<String>,
    /// `-word` exclusions typed among the query words (filled in by [`dashed_words`]).
    #[arg(long = "exclude-word", hide = true, value_name = "WORD")]
    excluded: Vec<String>,
    #[command(flatten)]
    index: IndexChoice,
    /// Number of sections (or articles, with --group) to show.
    #[arg(long, short = 'n', default_value_t = healthdex::search::limits::DEFAULT_LIMIT)]
    limit: usize,
    /// Number of sections to skip (for paging).
    #[arg(long, default_value_t = 0)]
    offset: usize,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    #[command(flatten)]
    filters: FilterArgs,
    /// One entry per article with its best sections.
    #[arg(long)]
    group: bool,
    /// Show how the query was understood and what each part added to each hit's score.
    #[arg(long)]
    explain: bool,
    /// Mark matches in color.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    color: ColorChoice,
}

/// Short options of `search` and `plan` (`-n 5`, `-n5`, `-h`): every other word
/// that starts with a single `-` is a `-word` exclusion, as the query syntax says.
fn is_short_option(arg: &str) -> bool {
    match arg.strip_prefix("-n") {
        Some(rest) => rest.is_empty() || rest.bytes().all(|b| b.is_ascii_digit()),
        None => arg == "-h",
    }
}

/// Rewrites `-word` arguments of `search` and `plan` (before any `--`) as hidden
/// `--exclude-word=word` options, so `healthdex search probiotics -skin` excludes
/// "skin" instead of failing on an unknown `-s` flag.
pub fn dashed_words(args: Vec<std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    let Some(search) = args.iter().position(|a| a == "search" || a == "plan") else {
        return args;
    };
    let mut out = Vec::with_capacity(args.len());
    let mut after_separator = false;
    let mut takes_value = false;
    for (i, arg) in args.into_iter().enumerate() {
        let text = arg.to_string_lossy();
        let rewrite = i > search
            && !after_separator
            && !takes_value
            && text.starts_with('-')
            && !text.starts_with("--")
            && text.len() > 1
            && !is_short_option(&text);
        takes_value = i > search
            && !after_separator
            && (text == "-n"
                || text.starts_with("--") && !text.contains('=') && option_takes_value(&text));
        after_separator |= i > search && text == "--";
        if rewrite {
            out.push(format!("--exclude-word={}", &text[1..]).into());
        } else {
            out.push(arg);
        }
    }
    out
}

/// Long options of `search` and `plan` that take a value in the next argument.
fn option_takes_value(option: &str) -> bool {
    const WITH_VALUE: &[&str] = &[
        "--limit",
        "--offset",
        "--format",
        "--tag",
        "--author",
        "--since",
        "--until",
        "--color",
        "--index",
        "--corpus",
        "--config",
        "--exclude-word",
    ];
    WITH_VALUE.contains(&option)
}

fn parse_index_name(text: &str) -> Result<IndexName, String> {
    text.parse()
}

fn parse_date(text: &str) -> Result<Date, String> {
    text.parse()
        .map_err(|()| format!("`{text}` is not a date; write it as YYYY-MM-DD"))
}

/// Runs the chosen command.
/// `healthdex switch LINK TARGET`.
fn switch(args: SwitchArgs) -> anyhow::Result<ExitCode> {
    let target = healthdex::index::switch(&args.link, &args.target)?;
    say!(
        "healthdex: `{}` now names `{}`",
        args.link.display(),
        target.display()
    );
    Ok(ExitCode::SUCCESS)
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    match args.command {
        Command::Index(args) => index_cmd::run(args),
        Command::Search(args) => search_cmd::run(args),
        Command::Export(args) => export_cmd::run(args),
        Command::Bundle(args) => bundle_cmd::run(args),
        Command::Plan(args) => plan_cmd::run(args),
        Command::Eval(args) => eval_cmd::run(args),
        Command::Bench(args) => bench_cmd::run(args),
        #[cfg(feature = "server")]
        Command::Serve(args) => serve_cmd::run(args),
        Command::Switch(args) => switch(args),
        Command::Refs(args) => refs_cmd::run(args),
    }
}
