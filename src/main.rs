//! The `healthdex` command: parses the command line, hands over to [`cli`], and
//! prints an error once. Output cut short by a closed pipe (`| head`) is not an
//! error: the command exits 0 quietly, as ripgrep and fd do.

mod cli;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = cli::Args::parse_from(cli::dashed_words(std::env::args_os().collect()));
    match cli::run(args) {
        Ok(code) => code,
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            let _ = writeln!(std::io::stderr(), "healthdex: error: {err:#}");
            let bad_request = err
                .downcast_ref::<healthdex::Error>()
                .is_some_and(|e| e.kind() == healthdex::ErrorKind::BadRequest);
            ExitCode::from(match bad_request {
                true => cli::EXIT_USAGE,
                false => cli::EXIT_ERROR,
            })
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    use std::io::ErrorKind::BrokenPipe;
    err.chain().any(|cause| {
        let io = cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == BrokenPipe);
        // serde_json wraps the write error of a streamed document (export).
        let json = cause
            .downcast_ref::<serde_json::Error>()
            .is_some_and(|e| e.io_error_kind() == Some(BrokenPipe));
        io || json
    })
}
