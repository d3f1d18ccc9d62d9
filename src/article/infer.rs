//! Structure inferred from text that does not mark it: a `.txt` article, or Markdown
//! with no headings (a post pasted from a web page). The text is cut into blocks
//! (paragraphs, or lines when the text has no blank lines), each block is read as
//! one of [`Kind`], and the blocks are written back as Markdown that says what was
//! found — `# Title`, `## Heading`, a `## References` list — with a map from each
//! written line to the line it came from, so the Markdown walk reads it and reported
//! lines still point into the file.
//!
//! The rules, each with a fixture in `tests/fixtures/text/`:
//! - the **title** is the first line when it is short and has no final period; the
//!   same line repeated right after it (or the front matter's title) is counted once;
//! - a **heading** is a short standalone line (at most [`MAX_HEADING_WORDS`] words)
//!   with no final period, colon or comma, followed by a paragraph: numbered lines
//!   ("1. Skin Regeneration and Our Gut") only in title case, since a numbered
//!   sentence is a list item; summary lines ("Summary", "In summary",
//!   "…: Summarized", "Conclusion") always; bullet items never;
//! - a trailing run of paragraphs that each read as a complete citation (authors,
//!   year, title and container, as [`parse_reference`] reads them) is a reference
//!   list, with or without a heading; a "Retrieved from:" with nothing after it is
//!   dropped, and one followed by a link joins the citation above it;
//! - a block the [`Boilerplate`] patterns match is dropped.

use super::boilerplate::Boilerplate;
use super::citation::parse_reference;
use super::markdown::is_reference_heading;

/// Headings longer than this many words are sentences.
pub const MAX_HEADING_WORDS: usize = 14;
/// Citations longer than this (characters) are prose that happens to cite.
const MAX_CITATION_CHARS: usize = 800;
/// Lines that close an article with a summary, compared lower-case without a final
/// colon.
const SUMMARY_LINES: &[&str] = &[
    "summary",
    "in summary",
    "to summarize",
    "to summarise",
    "conclusion",
    "conclusions",
    "in conclusion",
    "key takeaways",
    "key points",
    "the bottom line",
    "bottom line",
    "takeaway",
    "final thoughts",
];

/// Whether the text is plain text or Markdown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    /// A `.txt` file: every character is literal.
    Text,
    /// Markdown without headings: the blocks keep their markup.
    Markdown,
}

/// What a block was read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Title,
    /// The title written again.
    Repeat,
    Heading,
    ReferenceHeading,
    Paragraph,
    Reference,
    /// "Retrieved from:" with nothing after it.
    Dangling,
    Boilerplate,
}

/// A run of lines read as one unit.
#[derive(Debug)]
struct Block<'a> {
    /// 0-based line in the body where the block starts.
    first: usize,
    lines: Vec<&'a str>,
    /// Inside a fenced code block (never read as structure).
    code: bool,
    kind: Kind,
}

impl Block<'_> {
    fn text(&self) -> String {
        self.lines
            .iter()
            .map(|l| l.trim())
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn single_line(&self) -> Option<&str> {
        (self.lines.len() == 1 && !self.code && !self.is_definition()).then(|| self.lines[0].trim())
    }

    /// A Markdown footnote or link definition (`[^1]: …`, `[id]: https://…`), which
    /// the Markdown walk reads itself.
    fn is_definition(&self) -> bool {
        let first = self.lines[0].trim_start();
        first.starts_with("[^") || (first.starts_with('[') && first.contains("]:"))
    }
}

/// Markdown written from the inferred structure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Inferred {
    /// The Markdown the walk reads instead of the body.
    pub markdown: String,
    /// For each line of `markdown`, the 0-based body line it came from.
    pub lines: Vec<usize>,
    /// What was inferred, for `index --check` ("the title from line 1", …).
    pub notes: Vec<String>,
}

/// Whether a Markdown body marks any heading itself (ATX or setext, outside fenced
/// code). Only bodies without one get structure inferred.
pub(crate) fn has_headings(body: &str) -> bool {
    let mut fence: Option<&str> = None;
    let mut previous_text = false;
    for line in body.lines() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if let Some(open) = fence {
            if indent < 4 && trimmed.starts_with(open) {
                fence = None;
            }
            continue;
        }
        if indent < 4 && (trimmed.starts_with("```") || trimmed.starts_with("~~~")) {
            fence = Some(&trimmed[..3]);
            previous_text = false;
            continue;
        }
        let atx = indent < 4 && {
            let hashes = trimmed.chars().take_while(|&c| c == '#').count();
            (1..=6).contains(&hashes)
                && trimmed[hashes..]
                    .chars()
                    .next()
                    .is_none_or(char::is_whitespace)
        };
        let setext = indent < 4
            && previous_text
            && !trimmed.trim_end().is_empty()
            && (trimmed.trim_end().chars().all(|c| c == '=')
                || trimmed.trim_end().chars().all(|c| c == '-'));
        if atx || setext || trimmed.starts_with("<h1") || trimmed.starts_with("<h2") {
            return true;
        }
        let list_item = is_bullet(trimmed) || numbered(trimmed).is_some();
        previous_text = !trimmed.trim().is_empty() && !list_item;
    }
    false
}

/// Reads the structure of `body` and writes it as Markdown. `title` is the front
/// matter's title, if any (a first line repeating it is dropped).
pub(crate) fn structure(
    body: &str,
    source: Source,
    title: Option<&str>,
    boilerplate: &Boilerplate,
) -> Inferred {
    let mut blocks = blocks(body, source);
    mark_boilerplate(&mut blocks, boilerplate);
    mark_title(&mut blocks, title);
    mark_references(&mut blocks);
    mark_headings(&mut blocks);
    let notes = notes(&blocks);
    let (markdown, lines) = write(&blocks, source);
    Inferred {
        markdown,
        lines,
        notes,
    }
}

/// The body with its boilerplate blocks blanked out (the lines stay, empty, so
/// lines still match the file). A heading the patterns match goes too when every
/// block under it up to the next heading does; otherwise it stays.
pub(crate) fn strip_boilerplate<'a>(
    body: &'a str,
    boilerplate: &Boilerplate,
) -> std::borrow::Cow<'a, str> {
    let mut blocks = blocks(body, Source::Markdown);
    mark_boilerplate(&mut blocks, boilerplate);
    let is_heading = |b: &Block<'_>| !b.code && b.lines[0].trim_start().starts_with('#');
    for index in 0..blocks.len() {
        if blocks[index].kind == Kind::Boilerplate && is_heading(&blocks[index]) {
            let keeps_text = blocks[index + 1..]
                .iter()
                .take_while(|b| !is_heading(b))
                .any(|b| b.kind != Kind::Boilerplate);
            if keeps_text {
                blocks[index].kind = Kind::Paragraph;
            }
        }
    }
    let dropped: Vec<(usize, usize)> = blocks
        .iter()
        .filter(|b| b.kind == Kind::Boilerplate)
        .map(|b| (b.first, b.first + b.lines.len()))
        .collect();
    if dropped.is_empty() {
        return body.into();
    }
    let mut out = String::with_capacity(body.len());
    for (n, line) in body.split_inclusive('\n').enumerate() {
        if dropped
            .iter()
            .any(|&(start, end)| (start..end).contains(&n))
        {
            if line.ends_with('\n') {
                out.push('\n');
            }
        } else {
            out.push_str(line);
        }
    }
    out.into()
}

/// Paragraphs separated by blank lines; in a text with no blank line at all, each
/// line. Fenced code in Markdown is one block.
fn blocks(body: &str, source: Source) -> Vec<Block<'_>> {
    let lines: Vec<&str> = body.lines().collect();
    let one_per_line = source == Source::Text && !lines.iter().any(|l| l.trim().is_empty());
    let mut blocks: Vec<Block<'_>> = Vec::new();
    let mut open = false;
    let mut fence: Option<String> = None;
    for (n, line) in lines.iter().enumerate() {
        let trimmed = line.trim_start();
        if source == Source::Markdown {
            if let Some(marker) = &fence {
                if trimmed.starts_with(marker.as_str()) {
                    fence = None;
                }
                if let Some(block) = blocks.last_mut() {
                    block.lines.push(line);
                }
                continue;
            }
            if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
                fence = Some(trimmed[..3].to_string());
                blocks.push(Block {
                    first: n,
                    lines: vec![line],
                    code: true,
                    kind: Kind::Paragraph,
                });
                open = false;
                continue;
            }
        }
        if line.trim().is_empty() {
            open = false;
            continue;
        }
        match blocks.last_mut() {
            Some(block) if open && !one_per_line => block.lines.push(line),
            _ => blocks.push(Block {
                first: n,
                lines: vec![line],
                code: false,
                kind: Kind::Paragraph,
            }),
        }
        open = true;
    }
    blocks
}

fn mark_boilerplate(blocks: &mut [Block<'_>], boilerplate: &Boilerplate) {
    for block in blocks.iter_mut().filter(|b| !b.code) {
        if boilerplate.matches(&plain(&block.text())) {
            block.kind = Kind::Boilerplate;
        }
    }
}

/// The first block is the title when it is one short line without a final period;
/// a next block saying the same is the title again.
fn mark_title(blocks: &mut [Block<'_>], front_matter_title: Option<&str>) {
    let same = |a: &str, b: &str| {
        let norm = |s: &str| plain(s).to_lowercase();
        norm(a) == norm(b)
    };
    let mut content = blocks
        .iter_mut()
        .filter(|b| b.kind != Kind::Boilerplate)
        .take(2);
    let Some(first) = content.next() else { return };
    let Some(line) = first.single_line().map(str::to_string) else {
        return;
    };
    let Some(second) = content.next() else {
        // A one-block article has no title line: the block is its text.
        return;
    };
    let title = match front_matter_title {
        Some(title) if same(title, &line) => {
            first.kind = Kind::Repeat;
            title.to_string()
        }
        Some(_) => return,
        None if is_title_line(&line) => {
            first.kind = Kind::Title;
            line
        }
        None => return,
    };
    if second.single_line().is_some_and(|l| same(l, &title)) {
        second.kind = Kind::Repeat;
    }
}

fn is_title_line(line: &str) -> bool {
    let words = line.split_whitespace().count();
    (1..=24).contains(&words)
        && line.chars().count() <= 200
        && !line.ends_with(['.', ',', ';'])
        && !line.contains("[^")
        && !line.contains("](")
        && !is_bullet(line)
}

/// The trailing run of citation-shaped blocks, skipping boilerplate; a References
/// line right before it is its heading.
fn mark_references(blocks: &mut [Block<'_>]) {
    let mut start = blocks.len();
    let mut found = 0;
    for index in (0..blocks.len()).rev() {
        let block = &blocks[index];
        match block.kind {
            Kind::Boilerplate => continue,
            Kind::Paragraph if !block.code && !block.is_definition() => {}
            _ => break,
        }
        let text = plain(&block.text());
        if is_dangling_retrieved(&text) || (found > 0 && is_retrieved_link(&text)) {
            start = index;
            continue;
        }
        if !is_citation(&text) {
            break;
        }
        found += 1;
        start = index;
    }
    if found == 0 {
        return;
    }
    for block in &mut blocks[start..] {
        if block.kind == Kind::Paragraph {
            let text = plain(&block.text());
            block.kind = if is_dangling_retrieved(&text) {
                Kind::Dangling
            } else {
                Kind::Reference
            };
        }
    }
    let before = blocks[..start]
        .iter_mut()
        .rev()
        .find(|b| b.kind != Kind::Boilerplate);
    if let Some(block) = before
        && block.single_line().is_some_and(is_reference_heading)
    {
        block.kind = Kind::ReferenceHeading;
    }
}

/// A complete citation as the citation parser reads it: authors, year, title and
/// container (or an identifier with a year and title).
fn is_citation(text: &str) -> bool {
    if text.chars().count() > MAX_CITATION_CHARS {
        return false;
    }
    let reference = parse_reference(text);
    let identified = reference.doi.is_some() || reference.pmid.is_some();
    reference.year.is_some()
        && reference.title.is_some()
        && ((!reference.authors.is_empty() && reference.container.is_some()) || identified)
}

fn is_dangling_retrieved(text: &str) -> bool {
    let lower = text.trim().trim_end_matches(':').trim().to_lowercase();
    lower == "retrieved from" || lower == "available from" || lower == "available at"
}

fn is_retrieved_link(text: &str) -> bool {
    let lower = text.trim().to_lowercase();
    (lower.starts_with("retrieved from") || lower.starts_with("available from"))
        && lower.contains("://")
}

/// Short standalone lines that read as headings, each followed by a paragraph.
fn mark_headings(blocks: &mut [Block<'_>]) {
    for index in 0..blocks.len() {
        if blocks[index].kind != Kind::Paragraph {
            continue;
        }
        let Some(line) = blocks[index].single_line() else {
            continue;
        };
        let next = blocks[index + 1..]
            .iter()
            .find(|b| b.kind != Kind::Boilerplate);
        let followed_by_text = next.is_some_and(|b| {
            matches!(b.kind, Kind::Paragraph)
                && (b.code || b.lines.len() > 1 || !is_heading_line(b.lines[0].trim()))
        });
        if is_reference_heading(line) && next.is_some_and(|b| b.kind == Kind::Paragraph) {
            blocks[index].kind = Kind::ReferenceHeading;
        } else if followed_by_text && is_heading_line(line) {
            blocks[index].kind = Kind::Heading;
        }
    }
}

/// A line that reads as a heading (see the module doc).
fn is_heading_line(line: &str) -> bool {
    let text = plain(line);
    let text = text.trim();
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.is_empty() || words.len() > MAX_HEADING_WORDS || is_bullet(line) {
        return false;
    }
    if text.ends_with(['.', ',', ';', ':', '!']) || text.contains("[^") || text.contains("](") {
        return false;
    }
    let numbered_rest = numbered(text);
    if numbered_rest.unwrap_or(text).contains(". ") {
        return false;
    }
    let lower = text.to_lowercase();
    if SUMMARY_LINES.contains(&lower.as_str())
        || lower.ends_with(": summarized")
        || lower.ends_with(": summarised")
    {
        return true;
    }
    let Some(first) = text.chars().next() else {
        return false;
    };
    if let Some(rest) = numbered_rest {
        return is_title_case(rest);
    }
    first.is_uppercase() && (is_title_case(text) || text.ends_with('?') || words.len() <= 8)
}

/// The words after "1. " or "2) ", if the line is numbered.
fn numbered(text: &str) -> Option<&str> {
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    if digits == 0 || digits > 2 {
        return None;
    }
    let rest = &text[digits..];
    rest.strip_prefix(". ")
        .or_else(|| rest.strip_prefix(") "))
        .map(str::trim)
}

/// Most words of four letters or more start with a capital letter (and the first
/// word does).
fn is_title_case(text: &str) -> bool {
    let words: Vec<&str> = text
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|w| !w.is_empty())
        .collect();
    let Some(first) = words.first() else {
        return false;
    };
    let capital = |w: &&str| {
        w.chars()
            .next()
            .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
    };
    let long: Vec<&&str> = words.iter().filter(|w| w.chars().count() >= 4).collect();
    let capitals = long.iter().filter(|w| capital(w)).count();
    capital(first) && (long.is_empty() || capitals * 3 >= long.len() * 2)
}

fn is_bullet(line: &str) -> bool {
    let trimmed = line.trim_start();
    ["- ", "* ", "+ ", "• ", "– ", "· "]
        .iter()
        .any(|bullet| trimmed.starts_with(bullet))
}

/// A block's text with the commonest Markdown marks taken off, for matching.
fn plain(text: &str) -> String {
    let trimmed = text.trim().trim_start_matches(['#', '>']).trim_start();
    let trimmed = trimmed
        .strip_prefix("- ")
        .or_else(|| trimmed.strip_prefix("* "))
        .unwrap_or(trimmed);
    // Copied a run at a time, found byte by byte: the marks are ASCII, so the runs
    // between them are whole characters (a char-by-char collect was 5% of all
    // indexing instructions).
    let mut out = String::with_capacity(trimmed.len());
    let mut run = 0;
    for (at, byte) in trimmed.bytes().enumerate() {
        if matches!(byte, b'*' | b'_' | b'`') {
            out.push_str(&trimmed[run..at]);
            run = at + 1;
        }
    }
    out.push_str(&trimmed[run..]);
    out
}

fn notes(blocks: &[Block<'_>]) -> Vec<String> {
    let line_of = |kind: Kind| blocks.iter().find(|b| b.kind == kind).map(|b| b.first + 1);
    let count = |kind: Kind| blocks.iter().filter(|b| b.kind == kind).count();
    let mut notes = Vec::new();
    if let Some(line) = line_of(Kind::Title) {
        notes.push(format!("the title from line {line}"));
    }
    if count(Kind::Repeat) > 0 {
        notes.push("a repeated title line counted once".to_string());
    }
    let headings = count(Kind::Heading);
    if headings > 0 {
        notes.push(format!(
            "{headings} heading{} from standalone lines",
            if headings == 1 { "" } else { "s" }
        ));
    }
    let references = count(Kind::Reference);
    if references > 0 && count(Kind::ReferenceHeading) == 0 {
        notes.push(format!(
            "a reference list of {references} from the citation-shaped paragraphs at the end (line {})",
            line_of(Kind::Reference).unwrap_or(0)
        ));
    }
    notes
}

/// The blocks as Markdown, and for each written line the body line it came from.
fn write(blocks: &[Block<'_>], source: Source) -> (String, Vec<usize>) {
    let mut out = Writer::default();
    let mut in_references = false;
    for block in blocks {
        match block.kind {
            Kind::Boilerplate | Kind::Repeat | Kind::Dangling => {}
            Kind::Title => out.line(format!("# {}", literal(&block.text(), source)), block.first),
            Kind::Heading => out.line(
                format!("## {}", literal(&block.text(), source)),
                block.first,
            ),
            Kind::ReferenceHeading => {
                in_references = true;
                out.line(
                    format!("## {}", literal(&block.text(), source)),
                    block.first,
                );
            }
            Kind::Reference => {
                if !in_references {
                    in_references = true;
                    out.line("## References".to_string(), block.first);
                    out.blank(block.first);
                }
                let text = literal(&block.text(), source);
                let entry = match text.strip_prefix("- ") {
                    Some(_) => text,
                    None => format!("- {text}"),
                };
                out.line(entry, block.first);
            }
            Kind::Paragraph => {
                for (offset, line) in block.lines.iter().enumerate() {
                    let written = match source {
                        Source::Text => literal(line, source),
                        Source::Markdown => (*line).to_string(),
                    };
                    out.line(written, block.first + offset);
                }
            }
        }
        if !matches!(
            block.kind,
            Kind::Boilerplate | Kind::Repeat | Kind::Dangling
        ) {
            out.blank(block.first + block.lines.len().saturating_sub(1));
        }
    }
    (out.text, out.lines)
}

#[derive(Default)]
struct Writer {
    text: String,
    lines: Vec<usize>,
}

impl Writer {
    fn line(&mut self, line: String, from: usize) {
        self.text.push_str(&line);
        self.text.push('\n');
        self.lines.push(from);
    }

    fn blank(&mut self, from: usize) {
        self.line(String::new(), from);
    }
}

/// Text written so that Markdown reads every character as itself (for `.txt`).
fn literal(text: &str, source: Source) -> String {
    if source == Source::Markdown {
        return text.trim().to_string();
    }
    let text = text.trim();
    let mut out = String::with_capacity(text.len() + 8);
    for (i, c) in text.char_indices() {
        let leading_mark = i == 0 && matches!(c, '-' | '+' | '=');
        let numbered_mark =
            matches!(c, '.' | ')') && text[..i].chars().all(|d| d.is_ascii_digit()) && i > 0;
        if leading_mark || numbered_mark || "\\`*_[]<>#!|~&$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_takes_off_the_marks_and_leading_list_and_heading_signs() {
        for (text, expected) in [
            ("## **Bold** _and_ `code`", "Bold and code"),
            ("- *Crème* brûlée_", "Crème brûlée"),
            ("> * a_b*c`d", "abcd"),
            ("***", ""),
            ("naïve `ça` ___", "naïve ça "),
        ] {
            assert_eq!(plain(text), expected, "{text:?}");
        }
    }

    fn kinds(body: &str, source: Source) -> Vec<(Kind, String)> {
        let mut blocks = blocks(body, source);
        mark_boilerplate(&mut blocks, &Boilerplate::default());
        mark_title(&mut blocks, None);
        mark_references(&mut blocks);
        mark_headings(&mut blocks);
        blocks.iter().map(|b| (b.kind, b.text())).collect()
    }

    #[test]
    fn heading_lines_are_short_standalone_and_not_sentences() {
        for heading in [
            "1. Skin Regeneration and Our Gut",
            "2) Skin Disorders and Our Gut",
            "The Gut-Skin Axis: Summarized",
            "In summary",
            "What is the gut-skin axis?",
            "Why fibre matters",
        ] {
            assert!(is_heading_line(heading), "{heading}");
        }
        for not in [
            "1. Eat more fibre every day.",
            "1. eat more vegetables and fermented foods",
            "- Probiotic Yoghurt",
            "Other symptoms include:",
            "This is a long line that goes on to explain something in more words than a heading would ever use",
            "See your doctor. Then rest",
        ] {
            assert!(!is_heading_line(not), "{not}");
        }
    }

    #[test]
    fn markdown_bodies_with_headings_are_left_alone() {
        assert!(has_headings("Intro\n\n## One\n\ntext\n"));
        assert!(has_headings("Title\n=====\n\ntext\n"));
        assert!(!has_headings(
            "Intro\n\n```\n# not a heading\n```\n\n- a\n---\n"
        ));
        assert!(!has_headings("Just text.\n\n#hashtag is not a heading\n"));
    }

    #[test]
    fn a_text_without_blank_lines_is_read_line_by_line() {
        let got = kinds(
            "Gut Feelings\nGut Feelings\nAn intro paragraph about the gut and the skin.\nWhy It Matters\nBecause the gut talks to the skin, in ways still studied.\n",
            Source::Text,
        );
        let got: Vec<Kind> = got.into_iter().map(|(k, _)| k).collect();
        assert_eq!(
            got,
            [
                Kind::Title,
                Kind::Repeat,
                Kind::Paragraph,
                Kind::Heading,
                Kind::Paragraph
            ]
        );
    }

    #[test]
    fn text_is_written_so_markdown_reads_it_literally() {
        assert_eq!(
            literal("1. *Not* a list <b>", Source::Text),
            "1\\. \\*Not\\* a list \\<b\\>"
        );
        assert_eq!(literal("- dash & co", Source::Text), "\\- dash \\& co");
    }

    #[test]
    fn every_written_line_maps_to_a_body_line() {
        let body = "Title Line\n\nIntro text here.\n\nA Heading\n\nMore text.\n";
        let inferred = structure(body, Source::Text, None, &Boilerplate::default());
        assert_eq!(inferred.markdown.lines().count(), inferred.lines.len());
        let heading = inferred
            .markdown
            .lines()
            .position(|l| l == "## A Heading")
            .unwrap();
        assert_eq!(inferred.lines[heading], 4);
    }
}
