//! The `healthdex` command: parses the command line and hands over to [`cli`].

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = cli::Args::parse();
    match cli::run(args) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("healthdex: error: {err:#}");
            ExitCode::from(cli::EXIT_ERROR)
        }
    }
}
