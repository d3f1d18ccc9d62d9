//! `healthdex bundle`: the static search of a folder of articles. The library
//! builds the files (`healthdex::bundle`) and writes them; this command reads the
//! corpus and the settings, and says what changed.

use std::process::ExitCode;

use healthdex::bundle::{self, BundleSettings};
use healthdex::{config, corpus};

use super::BundleArgs;

pub fn run(args: BundleArgs) -> anyhow::Result<ExitCode> {
    let options = config::load(args.config.as_deref())?.search_options()?;
    let parse = super::index_cmd::settings(&args.build, args.config.as_deref())?.parse_options();
    let mut read = corpus::read_articles(&args.dir, &parse)?;
    for warning in &read.warnings {
        say!("{warning}");
    }
    if !args.build.drafts {
        read.articles.retain(|article| !article.meta.draft);
    }
    let built = bundle::build(&read.articles, &BundleSettings::from_options(&options));
    let report = bundle::write(&args.out, &built)?;
    if !args.quiet {
        say!(
            "healthdex: bundled {} articles into `{}`: {} files ({} written, {} unchanged, {} removed), {} KB",
            read.articles.len(),
            args.out.display(),
            built.files.len(),
            report.written.len(),
            report.unchanged,
            report.removed.len(),
            built.bytes().div_ceil(1024),
        );
        say!(
            "healthdex: add to a page: <div id=\"healthdex\"></div> <script type=\"module\" src=\"PATH/healthdex-ui.js\"></script>"
        );
    }
    Ok(ExitCode::SUCCESS)
}
