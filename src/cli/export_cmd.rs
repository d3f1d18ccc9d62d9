//! `healthdex export`: every article of a folder as JSON (metadata, sections with
//! their anchors and URLs, parsed references), for site templates or other tools;
//! every section as an NDJSON record; or the two files that load the sections into
//! OpenSearch. The records and files are the library's (`healthdex::export`).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use healthdex::export::{self, SectionRecord, opensearch};
use healthdex::{config, corpus};

use super::{ExportArgs, ExportFormat};

pub fn run(args: ExportArgs) -> anyhow::Result<ExitCode> {
    check(&args)?;
    let exported = read_corpus(&args)?;
    match args.format {
        ExportFormat::Json => {
            let mut exported = exported;
            if !args.build.drafts {
                exported.articles.retain(|article| !article.meta.draft);
            }
            write_to(args.out.as_deref(), |out| write_json(out, &exported))?;
        }
        ExportFormat::Ndjson => {
            let records = export::records(&exported.articles, args.build.drafts);
            write_to(args.out.as_deref(), |out| {
                Ok(export::ndjson::write(out, &records)?)
            })?;
        }
        ExportFormat::Opensearch => {
            let records = export::records(&exported.articles, args.build.drafts);
            write_opensearch(&args, &records)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Options that only make sense together.
fn check(args: &ExportArgs) -> anyhow::Result<()> {
    let opensearch = args.format == ExportFormat::Opensearch;
    if opensearch && args.out.is_none() {
        anyhow::bail!(
            "`--format opensearch` writes two files (index.json and bulk.ndjson); pass the folder for them with --out DIR"
        );
    }
    if !opensearch && args.index_name.is_some() {
        anyhow::bail!(
            "--index-name names the index of `--format opensearch`; add that, or leave --index-name out"
        );
    }
    Ok(())
}

/// Every article of the folder (drafts included), its warnings printed.
fn read_corpus(args: &ExportArgs) -> anyhow::Result<corpus::Corpus> {
    let options = super::index_cmd::settings(&args.build, args.config.as_deref())?.parse_options();
    let exported = corpus::read_articles(&args.dir, &options)?;
    for warning in &exported.warnings {
        say!("{warning}");
    }
    Ok(exported)
}

fn write_opensearch(args: &ExportArgs, records: &[SectionRecord]) -> anyhow::Result<()> {
    let dir: &PathBuf = args.out.as_ref().expect("checked: --out is given");
    let synonyms = config::load(args.config.as_deref())?
        .search_options()?
        .synonyms;
    let name = args.index_name.clone().unwrap_or_default();
    opensearch::write_folder(dir, &name, records, &synonyms)?;
    say!(
        "healthdex: wrote {} sections for index `{}` to `{}` and its settings to `{}`",
        records.len(),
        name.as_str(),
        dir.join(opensearch::BULK_FILE).display(),
        dir.join(opensearch::INDEX_FILE).display()
    );
    Ok(())
}

/// Runs `write` on the file at `path`, or on stdout.
fn write_to(
    path: Option<&Path>,
    write: impl FnOnce(&mut dyn Write) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    match path {
        Some(path) => {
            let file =
                File::create(path).with_context(|| format!("cannot write `{}`", path.display()))?;
            write(&mut BufWriter::new(file))
                .with_context(|| format!("cannot write `{}`", path.display()))
        }
        None => write(&mut std::io::stdout().lock()),
    }
}

fn write_json(mut out: &mut dyn Write, exported: &corpus::Corpus) -> anyhow::Result<()> {
    serde_json::to_writer_pretty(&mut out, exported)?;
    writeln!(out)?;
    out.flush()?;
    Ok(())
}
