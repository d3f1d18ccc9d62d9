//! Printing search results: interchangeable [`Printer`]s, JSON (the serde form of
//! [`SearchResults`]) or text for people, with matches in bold when colors are on
//! (`--color`). Each writes to any `Write` (stdout in the command, a buffer in
//! tests) and returns the write error, so a closed pipe ends the command quietly.

use std::io::Write;

use healthdex::search::{Group, Hit, SearchResults};

const BOLD: &str = "\x1b[1m";
const DIM: &str = "\x1b[2m";
const RESET: &str = "\x1b[0m";
/// Width the snippet is wrapped to (after a two-space indent).
const WRAP: usize = 78;

/// A way of writing a page of results.
pub trait Printer {
    /// Writes `results`, whose first hit has rank `offset + 1`.
    fn print(
        &self,
        out: &mut dyn Write,
        results: &SearchResults,
        offset: usize,
    ) -> anyhow::Result<()>;
}

/// `--format json`: one pretty-printed object.
pub struct Json;

/// `--format text`: one block per hit, for people.
pub struct Text {
    pub color: bool,
}

impl Printer for Json {
    fn print(&self, out: &mut dyn Write, results: &SearchResults, _: usize) -> anyhow::Result<()> {
        let mut json = serde_json::to_vec_pretty(results)?;
        json.push(b'\n');
        out.write_all(&json)?;
        Ok(())
    }
}

impl Printer for Text {
    fn print(
        &self,
        out: &mut dyn Write,
        results: &SearchResults,
        offset: usize,
    ) -> anyhow::Result<()> {
        print_text(out, results, offset, self.color)
    }
}

/// Longest query echoed in the text footer, in characters.
const ECHO_CHARS: usize = 80;

fn print_text(
    mut out: &mut dyn Write,
    results: &SearchResults,
    offset: usize,
    color: bool,
) -> anyhow::Result<()> {
    write_plan(&mut out, results)?;
    write_notes(&mut out, results)?;
    let shown = match &results.groups {
        Some(groups) => write_groups(&mut out, groups, offset, color)?,
        None => {
            for (i, hit) in results.hits.iter().enumerate() {
                write_hit(&mut out, offset + i + 1, hit, color)?;
            }
            results.hits.len()
        }
    };
    let echo = echo(&results.query);
    if shown == 0 {
        writeln!(out, "No sections match “{echo}”.")?;
    } else {
        let unit = if results.groups.is_some() {
            "articles"
        } else {
            "sections"
        };
        writeln!(
            out,
            "Showing {unit} {}–{} of {} matching sections for “{}”.",
            offset + 1,
            offset + shown,
            results.total,
            echo
        )?;
    }
    Ok(())
}

/// The query as echoed back: at most [`ECHO_CHARS`] characters.
fn echo(query: &str) -> String {
    match query.char_indices().nth(ECHO_CHARS) {
        Some((cut, _)) => format!("{}…", &query[..cut]),
        None => query.to_string(),
    }
}

/// With `--explain`: how the query was understood.
fn write_plan(out: &mut impl Write, results: &SearchResults) -> std::io::Result<()> {
    let Some(plan) = &results.plan else {
        return Ok(());
    };
    writeln!(out, "Understood as:")?;
    for slot in &plan.slots {
        writeln!(out, "  {}", slot.label)?;
    }
    writeln!(
        out,
        "  sections must match {} of these {} first",
        plan.needed,
        plan.slots.len()
    )?;
    for required in &plan.required {
        writeln!(out, "  required: {}", required.label)?;
    }
    for boost in &plan.boosts {
        writeln!(out, "  boost: {}", boost.label)?;
    }
    if !plan.asks.is_empty() {
        let kinds: Vec<&str> = plan.asks.iter().map(|a| a.kind.as_str()).collect();
        writeln!(
            out,
            "  asks for: {} (the named articles' sections headed so score more)",
            kinds.join(", ")
        )?;
    }
    for focus in &results.focus {
        writeln!(
            out,
            "  focus: {} (named \"{}\"; its sections score +{:.2})",
            focus.articles.join("; "),
            focus.name,
            focus.weight
        )?;
    }
    if !plan.excluded.is_empty() {
        let words: Vec<String> = plan
            .excluded
            .iter()
            .map(|p| {
                p.words
                    .iter()
                    .map(|(_, w)| w.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        writeln!(out, "  excluded: {}", words.join(", "))?;
    }
    let filters = &plan.filters;
    if !filters.tags.is_empty() || !filters.authors.is_empty() {
        writeln!(
            out,
            "  filters: tags [{}], authors [{}]",
            filters.tags.join(", "),
            filters.authors.join(", ")
        )?;
    }
    if filters.since.is_some() || filters.until.is_some() {
        let day =
            |d: Option<healthdex::article::Date>| d.map_or("…".to_string(), |d| d.to_string());
        writeln!(
            out,
            "  dated {} to {}",
            day(filters.since),
            day(filters.until)
        )?;
    }
    if !plan.notes.dropped.is_empty() {
        writeln!(out, "  left out: {}", plan.notes.dropped.join(", "))?;
    }
    for quote in &plan.notes.soft {
        writeln!(
            out,
            "  \"{quote}\" is searched as words found together, not required (the query has other words)"
        )?;
    }
    if !plan.notes.missing.is_empty() {
        writeln!(out, "  in no section: {}", plan.notes.missing.join(", "))?;
    }
    for correction in &plan.notes.corrections {
        writeln!(
            out,
            "  \"{}\" is not in the index; also searched {}",
            correction.typed,
            correction.read_as.join(", ")
        )?;
    }
    writeln!(out)
}

/// "Did you mean" and the synonyms that were searched too.
fn write_notes(out: &mut impl Write, results: &SearchResults) -> std::io::Result<()> {
    for word in &results.missing {
        writeln!(out, "No article mentions “{word}”.")?;
    }
    if let Some(suggestion) = &results.did_you_mean {
        writeln!(out, "Did you mean: {suggestion}")?;
    }
    if !results.also_searched.is_empty() {
        writeln!(out, "Also searched: {}", results.also_searched.join(", "))?;
    }
    if results.did_you_mean.is_some()
        || !results.also_searched.is_empty()
        || !results.missing.is_empty()
    {
        writeln!(out)?;
    }
    Ok(())
}

fn write_groups(
    out: &mut impl Write,
    groups: &[Group],
    offset: usize,
    color: bool,
) -> std::io::Result<usize> {
    let (bold, dim, reset) = if color {
        (BOLD, DIM, RESET)
    } else {
        ("", "", "")
    };
    for (i, group) in groups.iter().enumerate() {
        writeln!(
            out,
            "{}. {bold}{}{reset}  {dim}{}{reset}",
            offset + i + 1,
            group.title,
            group.url
        )?;
        for hit in &group.hits {
            let heading = if hit.heading.is_empty() {
                "(introduction)"
            } else {
                hit.heading.as_str()
            };
            writeln!(out, "   • {heading}  {dim}{}{reset}", hit.url)?;
            for line in wrap(&styled_snippet(hit, color), WRAP - 2) {
                writeln!(out, "     {line}")?;
            }
            write_sources(out, hit, "     ", color)?;
            write_explain(out, hit)?;
        }
        writeln!(out)?;
    }
    Ok(groups.len())
}

fn write_explain(out: &mut impl Write, hit: &Hit) -> std::io::Result<()> {
    let Some(parts) = &hit.explain else {
        return Ok(());
    };
    let digits = digits(hit.score);
    writeln!(out, "   score {:.digits$}:", hit.score)?;
    for part in parts {
        writeln!(out, "     {:>6.digits$}  {}", part.score, part.clause)?;
    }
    Ok(())
}

/// Decimals that show a score: two, or four for the small fused scores of a
/// hybrid ranking (below 0.1).
fn digits(score: f32) -> usize {
    match score.abs() < 0.1 && score != 0.0 {
        true => 4,
        false => 2,
    }
}

fn write_hit(out: &mut impl Write, rank: usize, hit: &Hit, color: bool) -> std::io::Result<()> {
    let path = hit.breadcrumbs.join(" › ");
    let (bold, dim, reset) = if color {
        (BOLD, DIM, RESET)
    } else {
        ("", "", "")
    };
    writeln!(out, "{rank}. {bold}{path}{reset}")?;
    writeln!(out, "   {dim}{}{reset}", hit.url)?;
    for line in wrap(&styled_snippet(hit, color), WRAP) {
        writeln!(out, "   {line}")?;
    }
    write_sources(out, hit, "   ", color)?;
    write_explain(out, hit)?;
    writeln!(out)
}

/// Sources shown under a hit; more are in the JSON.
const SOURCES_SHOWN: usize = 3;

/// "3 sources · 1 systematic review", then the first few, each with its kind and link.
fn write_sources(
    out: &mut impl Write,
    hit: &Hit,
    indent: &str,
    color: bool,
) -> std::io::Result<()> {
    if hit.sources.is_empty() {
        return Ok(());
    }
    let (dim, reset) = if color { (DIM, RESET) } else { ("", "") };
    writeln!(out, "{indent}{}", healthdex::refs::summary(&hit.sources))?;
    for source in hit.sources.iter().take(SOURCES_SHOWN) {
        let who = match source.authors.as_slice() {
            [] => String::new(),
            [one] => one.clone(),
            [first, ..] => format!("{first} et al."),
        };
        let year = source.year.map(|y| format!(" ({y})")).unwrap_or_default();
        let title = source.title.as_deref().unwrap_or("untitled");
        let kind = healthdex::refs::evidence_label(&source.evidence);
        let link = source
            .url
            .as_deref()
            .map(|url| format!(" {dim}{url}{reset}"))
            .unwrap_or_default();
        writeln!(out, "{indent}  – {who}{year} {title} [{kind}]{link}")?;
    }
    if hit.sources.len() > SOURCES_SHOWN {
        writeln!(
            out,
            "{indent}  … {} more (--format json)",
            hit.sources.len() - SOURCES_SHOWN
        )?;
    }
    Ok(())
}

/// The snippet text with its highlights in bold (or unchanged without color).
fn styled_snippet(hit: &Hit, color: bool) -> Vec<(String, bool)> {
    let chars: Vec<char> = hit.snippet.text.chars().collect();
    let mut pieces = Vec::new();
    let mut cursor = 0;
    for &[start, end] in &hit.snippet.highlights {
        let (start, end) = (start.min(chars.len()), end.min(chars.len()));
        if start < cursor {
            continue;
        }
        pieces.push((chars[cursor..start].iter().collect(), false));
        pieces.push((chars[start..end].iter().collect(), color));
        cursor = end;
    }
    pieces.push((chars[cursor..].iter().collect(), false));
    pieces
}

/// Wraps styled pieces at word boundaries to lines of at most `width` visible characters.
fn wrap(pieces: &[(String, bool)], width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    let mut visible = 0;
    for word in styled_words(pieces) {
        let length: usize = word.iter().map(|(text, _)| text.chars().count()).sum();
        if visible > 0 && visible + 1 + length > width {
            lines.push(String::new());
            visible = 0;
        }
        let line = lines.last_mut().expect("lines is never empty");
        if visible > 0 {
            line.push(' ');
            visible += 1;
        }
        for (text, bold) in word {
            match bold {
                true => line.push_str(&format!("{BOLD}{text}{RESET}")),
                false => line.push_str(&text),
            }
        }
        visible += length;
    }
    lines
}

/// Splits styled pieces into words; a word may mix styles (`"` + bold `Leaky`).
fn styled_words(pieces: &[(String, bool)]) -> Vec<Vec<(String, bool)>> {
    let mut words: Vec<Vec<(String, bool)>> = vec![Vec::new()];
    for (text, bold) in pieces {
        for (i, part) in text.split(' ').enumerate() {
            if i > 0 {
                words.push(Vec::new());
            }
            if !part.is_empty() {
                words
                    .last_mut()
                    .expect("words is never empty")
                    .push((part.to_string(), *bold));
            }
        }
    }
    words.retain(|w| !w.is_empty());
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printers_are_interchangeable_sinks() {
        let results = SearchResults {
            query: "zinc".into(),
            ..SearchResults::default()
        };
        let mut text = Vec::new();
        Text { color: false }.print(&mut text, &results, 0).unwrap();
        assert_eq!(
            String::from_utf8(text).unwrap(),
            "No sections match “zinc”.\n"
        );
        let mut json = Vec::new();
        Json.print(&mut json, &results, 0).unwrap();
        let value: serde_json::Value = serde_json::from_slice(&json).unwrap();
        assert_eq!(value["query"], "zinc");
        assert_eq!(value["hits"], serde_json::json!([]));
    }

    #[test]
    fn lines_never_exceed_the_width_even_across_highlights() {
        let pieces = vec![
            ("word ".repeat(14), false),
            ("marked".to_string(), true),
            (
                " tail and more words to wrap around the edge of the line".to_string(),
                false,
            ),
        ];
        for line in wrap(&pieces, 30) {
            let visible = line.replace(BOLD, "").replace(RESET, "");
            assert!(visible.chars().count() <= 30, "{visible:?}");
        }
        let joined = wrap(&pieces, 30)
            .join(" ")
            .replace(BOLD, "")
            .replace(RESET, "");
        assert_eq!(joined.split_whitespace().count(), 14 + 1 + 12);
    }
}
