//! `healthdex serve`: the search page and JSON API until Ctrl-C.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

use healthdex::serve::{self, AppState};

use super::ServeArgs;
use super::search_cmd::open_engine;

pub fn run(args: ServeArgs) -> anyhow::Result<ExitCode> {
    let engine = open_engine(&args.index)?;
    let state = Arc::new(AppState::new(engine, args.index.index_dir()));
    let address = SocketAddr::new(args.bind, args.port);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let header_timeout = std::time::Duration::from_secs(args.header_timeout);
    runtime.block_on(serve::serve(state, address, header_timeout, |bound| {
        say!("healthdex: serving http://{bound}/ (Ctrl-C to stop)");
    }))?;
    say!("healthdex: stopped");
    Ok(ExitCode::SUCCESS)
}
