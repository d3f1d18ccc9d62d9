//! `healthdex refs`: the works a corpus cites ([`healthdex::refs`]), listed, searched,
//! shown with every article citing them, or checked.

use std::io::Write;
use std::process::ExitCode;

use healthdex::article::{Article, Reference};
use healthdex::corpus;
use healthdex::refs::{Work, Works, link};

use super::{EXIT_WARNINGS, Format, RefsArgs};

pub fn run(args: RefsArgs) -> anyhow::Result<ExitCode> {
    let options = super::index_cmd::settings(&args.build, None)?.parse_options();
    let mut read = corpus::read_articles(&args.corpus, &options)?;
    if !args.build.drafts {
        read.articles.retain(|article| !article.meta.draft);
    }
    let works = Works::gather(&read.articles);
    if args.check {
        return check(&read.articles, &works);
    }
    let shown: Vec<&Work> = match (&args.work, args.query.is_empty()) {
        (Some(key), _) => match works.get(key) {
            Some(work) => vec![work],
            None => anyhow::bail!(
                "no work `{key}` is cited under `{}`; `healthdex refs` lists the keys",
                args.corpus.display()
            ),
        },
        (None, true) => works.works.iter().collect(),
        (None, false) => works.search(&args.query.join(" ")),
    };
    let total = shown.len();
    let shown: Vec<&Work> = shown.into_iter().take(usize::from(args.limit)).collect();
    let mut out = std::io::stdout().lock();
    match args.format {
        Format::Json => {
            let value = serde_json::json!({"total": total, "works": shown});
            serde_json::to_writer_pretty(&mut out, &value)?;
            writeln!(out)?;
        }
        Format::Text => print_text(&mut out, &shown, total, args.work.is_some())?,
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// Every citation problem of every article (markers that link to nothing or to two
/// works, references never cited, one work listed twice), then the works cited with
/// different details by different articles.
fn check(articles: &[Article], works: &Works) -> anyhow::Result<ExitCode> {
    let mut count = 0;
    for warning in articles.iter().flat_map(healthdex::article::cites::lint) {
        say!("{warning}");
        count += 1;
    }
    let problems = works.disagreements();
    for problem in &problems {
        say!("{}: warning: {}", problem.paths.join(", "), problem.message);
    }
    count += problems.len();
    match count == 0 {
        true => {
            say!("healthdex: {} works, no problems found", works.works.len());
            Ok(ExitCode::SUCCESS)
        }
        false => Ok(ExitCode::from(EXIT_WARNINGS)),
    }
}

fn print_text(
    out: &mut impl Write,
    shown: &[&Work],
    total: usize,
    whole: bool,
) -> std::io::Result<()> {
    if shown.is_empty() {
        return writeln!(out, "No cited work matches.");
    }
    for work in shown {
        writeln!(
            out,
            "{:>3}×  {}",
            work.cited_by.len(),
            describe(&work.reference)
        )?;
        writeln!(out, "      key: {}", work.key)?;
        if let Some(link) = link(&work.reference) {
            writeln!(out, "      {link}")?;
        }
        let citing = if whole { work.cited_by.len() } else { 3 };
        for cite in work.cited_by.iter().take(citing) {
            writeln!(out, "      cited by {} ({})", cite.title, cite.path)?;
            // Where its text cites it; else where it is listed.
            let places = match cite.cited_in.is_empty() {
                true => vec![&cite.listed_in],
                false => cite.cited_in.iter().collect(),
            };
            for place in places {
                let heading = if place.heading.is_empty() {
                    "(introduction)"
                } else {
                    &place.heading
                };
                writeln!(out, "        {heading}  {}", place.url)?;
            }
        }
        if work.cited_by.len() > citing {
            writeln!(
                out,
                "      … and {} more (--work '{}')",
                work.cited_by.len() - citing,
                work.key
            )?;
        }
    }
    if total > shown.len() {
        writeln!(
            out,
            "{} of {total} works shown (-n N for more)",
            shown.len()
        )?;
    }
    Ok(())
}

/// "Bowe WP, Logan AC (2011). Title. Journal."
fn describe(reference: &Reference) -> String {
    let Some(title) = &reference.title else {
        return reference.raw.clone();
    };
    let mut text = String::new();
    match reference.authors.len() {
        0 => {}
        1 | 2 => text.push_str(&reference.authors.join(", ")),
        _ => text.push_str(&format!("{} et al.", reference.authors[0])),
    }
    if let Some(year) = reference.year {
        text.push_str(&format!(" ({year})"));
    }
    if !text.is_empty() {
        text.push_str(". ");
    }
    let title = title.trim_end_matches('.');
    text.push_str(title);
    if let Some(container) = &reference.container {
        let stop = if title.ends_with(['?', '!']) { "" } else { "." };
        text.push_str(&format!("{stop} {container}"));
    }
    text
}
