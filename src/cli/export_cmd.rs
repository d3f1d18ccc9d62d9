//! `healthdex export`: every article of a folder as JSON (metadata, sections with
//! their anchors and URLs, parsed references), for site templates or other tools.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::process::ExitCode;

use anyhow::Context;
use healthdex::article::ParseOptions;
use healthdex::corpus;

use super::ExportArgs;

pub fn run(args: ExportArgs) -> anyhow::Result<ExitCode> {
    let options = ParseOptions {
        base_url: args.build.base_url.clone(),
    };
    let mut exported = corpus::read_articles(&args.dir, &options)?;
    if !args.build.drafts {
        exported.articles.retain(|article| !article.meta.draft);
    }
    for warning in &exported.warnings {
        say!("{warning}");
    }
    match &args.out {
        Some(path) => {
            let file =
                File::create(path).with_context(|| format!("cannot write `{}`", path.display()))?;
            write_json(BufWriter::new(file), &exported)
                .with_context(|| format!("cannot write `{}`", path.display()))?;
        }
        None => write_json(std::io::stdout().lock(), &exported)?,
    }
    Ok(ExitCode::SUCCESS)
}

fn write_json(mut out: impl Write, exported: &corpus::Corpus) -> anyhow::Result<()> {
    serde_json::to_writer_pretty(&mut out, exported)?;
    writeln!(out)?;
    out.flush()?;
    Ok(())
}
