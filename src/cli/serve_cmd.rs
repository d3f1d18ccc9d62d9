//! `healthdex serve`: the search page and JSON API until Ctrl-C.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use healthdex::config;
use healthdex::index;
use healthdex::search::Engine;
use healthdex::serve::access_log::{AccessLog, LogFormat, LogTarget};
use healthdex::serve::http::Policy;
use healthdex::serve::live::LiveIndex;
use healthdex::serve::{self, AppState, ServeOptions};

use super::search_cmd::open_engine;
use super::{LogFormatArg, ServeArgs};

pub fn run(args: ServeArgs) -> anyhow::Result<ExitCode> {
    let options = serve_options(&args);
    let engine = match options.read_only {
        true => open_read_only(&args)?,
        false => open_engine(&args.index)?,
    };
    let live = LiveIndex::new(engine, args.index.index_dir(), options.read_only);
    let (log, log_writer) = match &options.access_log {
        Some((target, format)) => {
            let (log, writer) = AccessLog::start(target, *format)?;
            (Some(log), Some(writer))
        }
        None => (None, None),
    };
    let budget = usize::try_from(args.answer_cache << 20).unwrap_or(usize::MAX);
    let state = Arc::new(
        AppState::new(live, Policy::new(options.trusted_proxies.clone(), log))
            .with_answer_budget(budget),
    );
    let address = SocketAddr::new(args.bind, args.port);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(serve::serve(state, address, &options, |bound| {
        say!("healthdex: serving http://{bound}/ (Ctrl-C to stop)");
    }))?;
    // The state, and with it the log's sender, is gone once the runtime is.
    drop(runtime);
    if let Some(writer) = log_writer {
        let _ = writer.join();
    }
    say!("healthdex: stopped");
    Ok(ExitCode::SUCCESS)
}

fn serve_options(args: &ServeArgs) -> ServeOptions {
    let format = match args.access_log_format {
        LogFormatArg::Combined => LogFormat::Combined,
        LogFormatArg::Json => LogFormat::Json,
    };
    let target = args.access_log.as_ref().map(|path| match path.to_str() {
        Some("-") => LogTarget::Stdout,
        _ => LogTarget::File(path.clone()),
    });
    ServeOptions {
        header_timeout: std::time::Duration::from_secs(args.header_timeout),
        cors_origins: args.cors_origins.clone(),
        trusted_proxies: args.trusted_proxies.clone(),
        access_log: target.map(|target| (target, format)),
        read_only: args.read_only,
    }
}

/// The index opened without writing anything: no refresh, no rebuild.
fn open_read_only(args: &ServeArgs) -> anyhow::Result<Engine> {
    if args.index.corpus.is_some() {
        anyhow::bail!("--read-only never builds an index, so --corpus cannot be used with it");
    }
    let dir = args.index.index_dir();
    let loaded = config::load(args.index.config.as_deref())?;
    let open = index::open_read_only(&dir).with_context(|| {
        format!(
            "--read-only serves an index as it is; build it first with `healthdex index <DIR> --index {}`",
            dir.display()
        )
    })?;
    super::search_cmd::engine(open, loaded.search_options()?, &args.index)
}
