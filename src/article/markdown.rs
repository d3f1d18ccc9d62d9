//! The Markdown walk: one pass over pulldown-cmark's events that splits the body at
//! H1–H3 headings, collects each section's plain text, and sets aside references
//! (entries under a References-like heading, and footnote definitions) instead of
//! treating them as body text. Beside the text it keeps each section's
//! [`Prose`] (the running text with code and links hidden and footnote references
//! kept, for finding citation markers) and each entry's line and number or
//! footnote label. A second step, [`finish_sections`], settles what needs the
//! whole article: the title heading, anchors, breadcrumbs, parsing of the
//! reference entries and linking the markers to them (`cites`).

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use super::anchor::Anchors;
use super::cites::{self, prose::Prose};
use super::html::HtmlStripper;
use super::{Section, citation};
use crate::Warning;

/// Headings (lower-case, numbering removed) that introduce a list of references.
const REFERENCE_HEADINGS: &[&str] = &[
    "references",
    "reference",
    "reference list",
    "sources",
    "source",
    "bibliography",
    "citations",
    "works cited",
    "literature",
    "literature cited",
    "further reading",
    "notes and references",
    "references and further reading",
];

/// Every Markdown extension healthdex understands, set in one place.
fn markdown_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// A section as found by the walk, before anchors and breadcrumbs are settled.
#[derive(Debug, Default)]
pub(crate) struct RawSection {
    level: u8,
    heading: String,
    explicit_id: Option<String>,
    line: usize,
    text: String,
    /// The running text markers are looked for in.
    prose: Prose,
    /// Raw reference entries (list items or paragraphs, and footnote definitions).
    entries: Vec<RawEntry>,
    /// Whether the heading is one of [`REFERENCE_HEADINGS`] (or nested under one).
    is_reference_list: bool,
}

/// One reference entry as found by the walk.
#[derive(Debug, Default)]
struct RawEntry {
    text: String,
    /// The number of a numbered list's item, or `^label` for a footnote.
    label: Option<String>,
    /// 1-based line where the entry starts, when known.
    line: Option<usize>,
}

/// The sections of an article in order; the first is always the intro (level 0).
#[derive(Debug)]
pub(crate) struct Outline {
    sections: Vec<RawSection>,
    /// Anchors are the ids the source gave, as given (a built HTML page: its
    /// anchors exist and must not be renamed); a section without one links to the
    /// article.
    exact_anchors: bool,
}

impl Outline {
    /// The text of the first H1 heading, if any.
    pub fn first_h1(&self) -> Option<&str> {
        self.sections
            .iter()
            .find(|s| s.level == 1 && !s.heading.is_empty())
            .map(|s| s.heading.as_str())
    }

    /// Whether no section holds text or references.
    pub fn is_empty(&self) -> bool {
        self.sections
            .iter()
            .all(|s| s.text.trim().is_empty() && s.entries.is_empty())
    }

    /// Drops sections whose heading is boilerplate ("Leave a comment") and which
    /// hold nothing else.
    pub fn drop_boilerplate_headings(&mut self, boilerplate: &super::Boilerplate) {
        self.sections.retain(|s| {
            s.level == 0
                || !s.text.trim().is_empty()
                || !s.entries.is_empty()
                || !boilerplate.matches(&s.heading)
        });
    }
}

/// Walks the Markdown body and returns its sections. `first_line` is the file line
/// the body starts on, so reported lines match the file.
pub(crate) fn outline(
    path: &str,
    body: &str,
    first_line: usize,
    warnings: &mut Vec<Warning>,
) -> Outline {
    let lines = LineIndex::new(body, first_line);
    let mut walker = Walker::new(first_line);
    // A body over a megabyte is parsed in windows, each as the blocks it holds, so
    // the parser's memory follows a window and not the file (see `window`).
    for window in super::window::windows(body) {
        let repeated = window.repeated.map_or(0, |(len, _)| len);
        for (event, range) in Parser::new_ext(&window.text, markdown_options()).into_offset_iter() {
            // A table header repeated at the top of a window was read already.
            walker.prose_paused = range.start < repeated;
            walker.event(event, || lines.line_of(window.body_offset(range.start)));
        }
    }
    finish_outline(path, walker, false, warnings)
}

/// The Markdown walk driven by another reader's events (a built HTML page lowered
/// to the events pulldown-cmark would give for it), so every input format gets the
/// same sections, reference lists, footnotes and citation prose.
pub(crate) struct EventWalk {
    walker: Walker,
}

impl EventWalk {
    pub fn new(first_line: usize) -> EventWalk {
        EventWalk {
            walker: Walker::new(first_line),
        }
    }

    /// One event, read at `line` of the file.
    pub fn event(&mut self, event: Event<'_>, line: usize) {
        self.walker.event(event, || line);
    }

    /// The sections read, with anchors exactly as the events' heading ids give them.
    pub fn finish(self, path: &str, warnings: &mut Vec<Warning>) -> Outline {
        finish_outline(path, self.walker, true, warnings)
    }
}

fn finish_outline(
    path: &str,
    walker: Walker,
    exact_anchors: bool,
    warnings: &mut Vec<Warning>,
) -> Outline {
    let sections = walker.finish();
    for section in &sections {
        if section.is_reference_list && section.entries.is_empty() && section.text.trim().is_empty()
        {
            warnings.push(Warning::new(
                path,
                Some(section.line),
                format!(
                    "the `{}` section lists no references; add entries as list items or paragraphs, or rename the heading",
                    section.heading
                ),
            ));
        }
    }
    Outline {
        sections,
        exact_anchors,
    }
}

/// Settles anchors and breadcrumbs, folds the title H1 into the intro, parses
/// reference entries and links the sections' citation markers to them.
pub(crate) fn finish_sections(
    path: &str,
    outline: Outline,
    title: &str,
    warnings: &mut Vec<Warning>,
) -> Vec<Section> {
    let exact = outline.exact_anchors;
    let mut raw = outline.sections;
    fold_title_heading(&mut raw, title);
    raw.retain(|s| s.level > 0 || !s.text.is_empty() || !s.entries.is_empty());
    let anchors = if exact {
        raw.iter()
            .map(|s| s.explicit_id.clone().unwrap_or_default())
            .collect()
    } else {
        assign_anchors(path, &raw, warnings)
    };
    let crumbs = breadcrumbs(&raw, title);
    let mut proses = Vec::with_capacity(raw.len());
    let mut sections: Vec<Section> = raw
        .into_iter()
        .zip(anchors)
        .zip(crumbs)
        .enumerate()
        .map(|(ordinal, ((section, anchor), breadcrumbs))| {
            proses.push(section.prose);
            Section {
                ordinal: u32::try_from(ordinal).unwrap_or(u32::MAX),
                level: section.level,
                references: section.entries.iter().map(parse_entry).collect(),
                heading: section.heading,
                anchor,
                url: String::new(),
                breadcrumbs,
                text: section.text,
                line: section.line,
                cites: Vec::new(),
                unlinked: Vec::new(),
            }
        })
        .collect();
    cites::link(&mut sections, &proses);
    sections
}

/// An entry read as a citation, with its place in the article: the walk's list
/// number or footnote label wins over a number written in the entry.
fn parse_entry(entry: &RawEntry) -> citation::Reference {
    let mut reference = citation::parse_reference(&entry.text);
    if entry.label.is_some() {
        reference.label = entry.label.clone();
    }
    reference.line = entry.line;
    reference
}

/// An H1 that repeats the title is the page title, not a section: its text joins
/// the intro.
fn fold_title_heading(sections: &mut Vec<RawSection>, title: &str) {
    let is_title =
        |s: &RawSection| s.level == 1 && s.heading.trim().eq_ignore_ascii_case(title.trim());
    if sections.len() < 2 || !is_title(&sections[1]) {
        return;
    }
    let heading = sections.remove(1);
    let intro = &mut sections[0];
    if intro.text.is_empty() {
        intro.line = heading.line;
    }
    append_block(&mut intro.text, &heading.text);
    intro.prose.append(heading.prose);
    intro.entries.extend(heading.entries);
    intro.is_reference_list |= heading.is_reference_list;
}

fn assign_anchors(path: &str, sections: &[RawSection], warnings: &mut Vec<Warning>) -> Vec<String> {
    let mut anchors = Anchors::default();
    let first_use: Vec<bool> = sections
        .iter()
        .map(|section| match &section.explicit_id {
            Some(id) if !anchors.reserve(id) => {
                warnings.push(Warning::new(
                    path,
                    Some(section.line),
                    format!(
                        "the heading id `{{#{id}}}` is used twice; give each heading its own id"
                    ),
                ));
                false
            }
            _ => true,
        })
        .collect();
    sections
        .iter()
        .zip(first_use)
        .map(|(s, first)| match (&s.explicit_id, s.level) {
            (Some(id), _) if first => id.clone(),
            (Some(id), _) => anchors.unique(id),
            (None, 0) => String::new(),
            (None, _) => anchors.unique(&s.heading),
        })
        .collect()
}

/// Title, then each enclosing heading of a lower level, then the section's own heading.
fn breadcrumbs(sections: &[RawSection], title: &str) -> Vec<Vec<String>> {
    let mut open: Vec<(u8, &str)> = Vec::new();
    sections
        .iter()
        .map(|section| {
            open.retain(|(level, _)| *level < section.level);
            if section.level > 0 {
                open.push((section.level, section.heading.as_str()));
            }
            std::iter::once(title)
                .chain(open.iter().map(|(_, heading)| *heading))
                .map(String::from)
                .collect()
        })
        .collect()
}

/// Appends a block of text, separated from what is there by a newline.
fn append_block(text: &mut String, block: &str) {
    let block = block.trim();
    if block.is_empty() {
        return;
    }
    if !text.is_empty() {
        text.push('\n');
    }
    text.push_str(block);
}

/// Where the text of the current event goes.
#[derive(Clone, Copy, PartialEq)]
enum Sink {
    Body,
    Heading,
    Entry,
    Footnote,
}

/// State of the single pass over the events.
struct Walker {
    sections: Vec<RawSection>,
    current: RawSection,
    /// Heading level of the references section being read, if any.
    reference_level: Option<u8>,
    /// Inside an H1–H3 heading.
    in_heading: bool,
    list_depth: usize,
    entry: String,
    /// Number and line of the entry being read.
    entry_label: Option<String>,
    entry_line: Option<usize>,
    /// The number the next item of the outermost list carries, if it is ordered.
    next_item: Option<u64>,
    footnote: Option<String>,
    /// `^label` and line of the footnote definition being read.
    footnote_label: Option<String>,
    footnote_line: Option<usize>,
    /// Link targets inside references, appended after the link text.
    link_targets: Vec<String>,
    html: HtmlStripper,
    /// Inside a fenced or indented code block.
    in_code_block: bool,
    /// Depth of links and images being read (their text holds no citations).
    in_link: usize,
    /// True while events repeat text already read (see [`outline`]).
    prose_paused: bool,
}

impl Walker {
    fn new(first_line: usize) -> Walker {
        Walker {
            sections: Vec::new(),
            current: RawSection {
                line: first_line,
                ..RawSection::default()
            },
            reference_level: None,
            in_heading: false,
            list_depth: 0,
            entry: String::new(),
            entry_label: None,
            entry_line: None,
            next_item: None,
            footnote: None,
            footnote_label: None,
            footnote_line: None,
            link_targets: Vec::new(),
            html: HtmlStripper::default(),
            in_code_block: false,
            in_link: 0,
            prose_paused: false,
        }
    }

    /// The prose markers are looked for in, when the current text is body text or
    /// the section's heading ("## Probiotics and acne [4]").
    fn prose(&mut self) -> Option<&mut Prose> {
        let reading = matches!(self.sink(), Sink::Body | Sink::Heading)
            && !self.prose_paused
            && !self.html.is_skipping();
        reading.then_some(&mut self.current.prose)
    }

    /// Marks hidden text (code, math, a task box, a link) in the prose.
    fn prose_hidden(&mut self) {
        if let Some(prose) = self.prose() {
            prose.opaque();
        }
    }

    /// Body text for the prose: hidden inside code and links.
    fn prose_text(&mut self, text: &str, line: impl Fn() -> usize) {
        let hidden = self.in_code_block || self.in_link > 0;
        if let Some(prose) = self.prose() {
            if hidden {
                prose.opaque();
            } else {
                prose.push(text, line());
            }
        }
    }

    /// Raw HTML for the prose: `<sup>` and `</sup>` are kept (they mark
    /// superscript citations); other tags leave their text.
    fn prose_html(&mut self, html: &str, stripped: &str, line: impl Fn() -> usize) {
        let tag = html.trim().to_ascii_lowercase();
        let sup = if tag.starts_with("<sup") && tag.ends_with('>') && !tag.contains("</") {
            Some("<sup>")
        } else if tag == "</sup>" {
            Some("</sup>")
        } else {
            None
        };
        match sup {
            Some(tag) => self.prose_text(tag, line),
            None if !stripped.is_empty() => self.prose_text(stripped, line),
            None => {}
        }
    }

    /// Starts a reference entry at `line`, numbered if its list is.
    fn start_entry(&mut self, line: usize, numbered: bool) {
        self.entry_line = Some(line);
        self.entry_label = if numbered {
            let number = self.next_item;
            self.next_item = number.map(|n| n.saturating_add(1));
            number.map(|n| n.to_string())
        } else {
            None
        };
    }

    fn sink(&self) -> Sink {
        if self.footnote.is_some() {
            Sink::Footnote
        } else if self.in_heading {
            Sink::Heading
        } else if self.reference_level.is_some() {
            Sink::Entry
        } else {
            Sink::Body
        }
    }

    fn buffer(&mut self) -> &mut String {
        match self.sink() {
            Sink::Footnote => self.footnote.get_or_insert_with(String::new),
            Sink::Heading => &mut self.current.heading,
            Sink::Entry => &mut self.entry,
            Sink::Body => &mut self.current.text,
        }
    }

    fn push_text(&mut self, text: &str) {
        if self.html.is_skipping() {
            return;
        }
        push_words(self.buffer(), text);
    }

    fn push_html(&mut self, html: &str, line: impl Fn() -> usize) {
        let mut stripped = String::new();
        self.html.feed(html, &mut stripped);
        self.prose_html(html, &stripped, line);
        push_words(self.buffer(), &stripped);
    }

    /// Ends a block: the next text starts on a new line.
    fn block_break(&mut self) {
        let buffer = self.buffer();
        if !buffer.is_empty() && !buffer.ends_with('\n') {
            let trimmed = buffer.trim_end().len();
            buffer.truncate(trimmed);
            buffer.push('\n');
        }
        if let Some(prose) = self.prose() {
            prose.block_break();
        }
    }

    fn space(&mut self) {
        let buffer = self.buffer();
        if !buffer.is_empty() && !buffer.ends_with(char::is_whitespace) {
            buffer.push(' ');
        }
        if let Some(prose) = self.prose() {
            prose.space();
        }
    }

    fn event(&mut self, event: Event<'_>, line: impl Fn() -> usize) {
        match event {
            Event::Start(tag) => self.start(tag, line),
            Event::End(tag) => self.end(tag),
            Event::Text(text) => {
                self.prose_text(&text, line);
                self.push_text(&text);
            }
            Event::Code(text) | Event::InlineMath(text) | Event::DisplayMath(text) => {
                self.prose_hidden();
                self.push_text(&text);
            }
            Event::Html(html) | Event::InlineHtml(html) => self.push_html(&html, line),
            Event::SoftBreak => self.space(),
            Event::HardBreak | Event::Rule => self.block_break(),
            Event::FootnoteReference(label) => {
                self.prose_text(&format!("[^{label}]"), line);
            }
            Event::TaskListMarker(_) => {
                self.prose_hidden();
            }
        }
    }

    fn start(&mut self, tag: Tag<'_>, line: impl Fn() -> usize) {
        match tag {
            Tag::Heading { level, id, .. } if level <= HeadingLevel::H3 => {
                self.start_section(heading_level(level), id.map(|id| id.to_string()), line());
            }
            Tag::Heading { .. } => self.block_break(),
            Tag::List(start) => {
                self.list_depth += 1;
                if self.list_depth == 1 {
                    self.next_item = start;
                }
            }
            Tag::Item if self.list_depth == 1 => {
                self.flush_entry();
                self.start_entry(line(), true);
            }
            Tag::Paragraph
                if self.list_depth == 0 && self.sink() == Sink::Entry && self.entry.is_empty() =>
            {
                self.start_entry(line(), false);
            }
            Tag::FootnoteDefinition(label) => {
                self.flush_entry();
                self.footnote = Some(String::new());
                self.footnote_label = Some(format!("^{label}"));
                self.footnote_line = Some(line());
            }
            Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. } => {
                self.link_targets.push(dest_url.to_string());
                self.prose_hidden();
                self.in_link += 1;
            }
            Tag::CodeBlock(_) => {
                if let Some(prose) = self.prose() {
                    prose.block_break();
                }
                self.in_code_block = true;
            }
            Tag::TableCell => {
                self.space();
                self.prose_hidden();
            }
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Heading(level) if level <= HeadingLevel::H3 => self.end_heading(),
            TagEnd::List(_) => {
                self.list_depth = self.list_depth.saturating_sub(1);
                self.block_break();
            }
            TagEnd::Item if self.list_depth == 1 => {
                self.flush_entry();
                self.block_break();
            }
            TagEnd::Paragraph if self.list_depth == 0 => {
                self.flush_entry();
                self.block_break();
            }
            TagEnd::FootnoteDefinition => self.end_footnote(),
            TagEnd::Link | TagEnd::Image => {
                self.in_link = self.in_link.saturating_sub(1);
                self.end_link();
            }
            TagEnd::CodeBlock => {
                self.in_code_block = false;
                self.block_break();
            }
            TagEnd::HtmlBlock if self.list_depth == 0 => {
                self.flush_entry();
                self.block_break();
            }
            TagEnd::Heading(_)
            | TagEnd::Paragraph
            | TagEnd::Item
            | TagEnd::BlockQuote(_)
            | TagEnd::TableRow
            | TagEnd::TableHead
            | TagEnd::HtmlBlock
            | TagEnd::DefinitionListTitle
            | TagEnd::DefinitionListDefinition => self.block_break(),
            _ => {}
        }
    }

    /// In references, a link's target is part of the citation (often its DOI).
    fn end_link(&mut self) {
        let Some(target) = self.link_targets.pop() else {
            return;
        };
        let in_citation = matches!(self.sink(), Sink::Entry | Sink::Footnote);
        if in_citation && target.contains(':') && !self.buffer().contains(target.as_str()) {
            self.space();
            push_words(self.buffer(), &target);
        }
    }

    fn start_section(&mut self, level: u8, explicit_id: Option<String>, line: usize) {
        self.flush_entry();
        if self.reference_level.is_some_and(|refs| level <= refs) {
            self.reference_level = None;
        }
        let finished = std::mem::replace(
            &mut self.current,
            RawSection {
                level,
                explicit_id,
                line,
                is_reference_list: self.reference_level.is_some(),
                ..RawSection::default()
            },
        );
        self.sections.push(finished);
        self.in_heading = true;
    }

    fn end_heading(&mut self) {
        self.current.prose.block_break();
        self.in_heading = false;
        let heading = self
            .current
            .heading
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        self.current.heading = heading;
        if self.reference_level.is_none() && is_reference_heading(&self.current.heading) {
            self.reference_level = Some(self.current.level);
            self.current.is_reference_list = true;
        }
    }

    fn end_footnote(&mut self) {
        if let Some(text) = self.footnote.take() {
            let label = self.footnote_label.take();
            let line = self.footnote_line.take();
            push_entry(&mut self.current.entries, &text, label, line);
        }
    }

    fn flush_entry(&mut self) {
        let entry = std::mem::take(&mut self.entry);
        let label = self.entry_label.take();
        let line = self.entry_line.take();
        push_entry(&mut self.current.entries, &entry, label, line);
    }

    fn finish(mut self) -> Vec<RawSection> {
        self.flush_entry();
        self.end_footnote();
        self.sections.push(self.current);
        for section in &mut self.sections {
            section.text = tidy(&section.text);
        }
        self.sections
    }
}

fn push_entry(entries: &mut Vec<RawEntry>, text: &str, label: Option<String>, line: Option<usize>) {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if !text.is_empty() {
        entries.push(RawEntry { text, label, line });
    }
}

/// Appends inline text, collapsing runs of whitespace. ASCII text (nearly all of it)
/// is split byte by byte; decoding every character to test it for whitespace was 6%
/// of all indexing instructions.
fn push_words(buffer: &mut String, text: &str) {
    if !text.is_ascii() {
        push_words_unicode(buffer, text);
        return;
    }
    let bytes = text.as_bytes();
    let is_space = |b: u8| matches!(b, b'\t'..=b'\r' | b' ');
    let mut at = 0;
    let mut first = true;
    while at < bytes.len() {
        if is_space(bytes[at]) {
            at += 1;
            continue;
        }
        let start = at;
        while at < bytes.len() && !is_space(bytes[at]) {
            at += 1;
        }
        // Before the first word only when the text starts with whitespace.
        if (!first || start > 0) && needs_separator(buffer) {
            buffer.push(' ');
        }
        buffer.push_str(&text[start..at]);
        first = false;
    }
    if bytes.last().is_some_and(|&b| is_space(b)) && needs_separator(buffer) {
        buffer.push(' ');
    }
}

/// Whether a space must go before more text: the buffer has text and does not end
/// in whitespace.
fn needs_separator(buffer: &str) -> bool {
    !buffer.is_empty() && !buffer.ends_with(char::is_whitespace)
}

/// [`push_words`] for any text.
fn push_words_unicode(buffer: &mut String, text: &str) {
    for (i, word) in text.split_whitespace().enumerate() {
        let needs_space = i > 0 || text.starts_with(char::is_whitespace);
        if needs_space && needs_separator(buffer) {
            buffer.push(' ');
        }
        buffer.push_str(word);
    }
    if text.ends_with(char::is_whitespace) && needs_separator(buffer) {
        buffer.push(' ');
    }
}

/// Trims each line and drops empty ones.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(line);
    }
    out
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        _ => 3,
    }
}

/// True for "References", "5. Sources", "FURTHER READING:" and the like.
pub(crate) fn is_reference_heading(heading: &str) -> bool {
    let words = heading
        .trim_start_matches(|c: char| {
            c.is_ascii_digit() || c == '.' || c == ')' || c.is_whitespace()
        })
        .trim_end_matches(|c: char| c == ':' || c == '.' || c.is_whitespace())
        .to_lowercase();
    REFERENCE_HEADINGS.contains(&words.as_str())
}

/// Maps byte offsets in the body to file line numbers.
struct LineIndex {
    starts: Vec<usize>,
    first_line: usize,
}

impl LineIndex {
    fn new(text: &str, first_line: usize) -> LineIndex {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex { starts, first_line }
    }

    fn line_of(&self, offset: usize) -> usize {
        self.first_line + self.starts.partition_point(|&start| start <= offset) - 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sections(body: &str, title: &str) -> Vec<Section> {
        let mut warnings = Vec::new();
        let outline = outline("a.md", body, 1, &mut warnings);
        finish_sections("a.md", outline, title, &mut warnings)
    }

    #[test]
    fn ascii_words_are_pushed_as_the_unicode_path_pushes_them() {
        let pieces = [
            "", " ", "  ", "\t", "\n", "\x0b", "\r\n", "a", "bc", "x.y", "\x0c",
        ];
        let mut state: u32 = 7;
        for _ in 0..4000 {
            let mut text = String::new();
            let mut start = String::new();
            for n in 0..6 {
                state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                let piece = pieces[(state >> 16) as usize % pieces.len()];
                if n < 2 {
                    start.push_str(piece);
                } else {
                    text.push_str(piece);
                }
            }
            let (mut fast, mut slow) = (start.clone(), start.clone());
            push_words(&mut fast, &text);
            push_words_unicode(&mut slow, &text);
            assert_eq!(fast, slow, "{start:?} + {text:?}");
        }
    }

    #[test]
    fn reference_headings_are_recognised() {
        for heading in [
            "References",
            "5. References",
            "SOURCES",
            "Further reading:",
            "Works Cited",
            "Literature",
        ] {
            assert!(is_reference_heading(heading), "{heading}");
        }
        for heading in ["Referenced works of art", "Sources of fibre", "Summary"] {
            assert!(!is_reference_heading(heading), "{heading}");
        }
    }

    #[test]
    fn splits_at_h1_to_h3_and_keeps_deeper_headings_inside() {
        let body = "# Gut\n\nIntro text.\n\n## Barrier\n\nTight junctions.\n\n#### Detail\n\nDeep text.\n\n### Zonulin\n\nA protein.\n";
        let got = sections(body, "Gut");
        let headings: Vec<_> = got.iter().map(|s| s.heading.as_str()).collect();
        assert_eq!(headings, ["", "Barrier", "Zonulin"]);
        assert_eq!(got[0].text, "Intro text.");
        assert_eq!(got[0].line, 1);
        assert_eq!(got[1].text, "Tight junctions.\nDetail\nDeep text.");
        assert_eq!(got[2].breadcrumbs, ["Gut", "Barrier", "Zonulin"]);
        assert_eq!(got[2].line, 13);
        assert_eq!(got[2].ordinal, 2);
    }

    #[test]
    fn collects_words_from_inline_and_block_markup() {
        let body = "Some *emphasis*, a [link](https://x.org) and `code`.\n\n> quoted\n\n| a | b |\n|---|---|\n| c | d |\n\n![alt words](i.png)\n\n<div>html <b>bold</b></div>\n\n```\nlet x = 1;\n```\n";
        let got = sections(body, "T");
        let text = &got[0].text;
        for words in [
            "Some emphasis, a link and code.",
            "quoted",
            "a b",
            "c d",
            "alt words",
            "html bold",
            "let x = 1;",
        ] {
            assert!(text.contains(words), "{words:?} missing from {text:?}");
        }
        assert!(!text.contains("https"));
    }

    #[test]
    fn references_and_footnotes_are_not_body_text() {
        let body = "Claim.[^1]\n\n## Sources\n\n1. Bowe WP, Logan AC. Acne vulgaris. Gut Pathog. 2011;3(1):1.\n2. [A page](https://example.org/page)\n\n[^1]: Salem I, et al. (2018). The gut microbiome. Frontiers in Microbiology, 9.\n";
        let got = sections(body, "T");
        assert_eq!(got[0].text, "Claim.");
        assert_eq!(got[1].heading, "Sources");
        assert_eq!(got[1].text, "");
        let raws: Vec<_> = got
            .iter()
            .flat_map(|s| s.references.iter().map(|r| r.raw.as_str()))
            .collect();
        assert_eq!(raws.len(), 3, "{raws:?}");
        assert!(raws[1].contains("https://example.org/page"), "{raws:?}");
    }

    #[test]
    fn text_after_a_references_section_at_the_same_level_is_body_again() {
        let body = "## References\n\n- One ref. 2020.\n\n### Journals\n\n- Two. 2019.\n\n## Leave a comment\n\nTell us what you think.\n";
        let got = sections(body, "T");
        assert_eq!(got[0].references.len(), 1);
        assert_eq!(
            got[1].references.len(),
            1,
            "sub-headings of References stay references"
        );
        assert_eq!(got[2].text, "Tell us what you think.");
        assert!(got[2].references.is_empty());
    }

    #[test]
    fn explicit_ids_and_duplicates_get_unique_anchors() {
        let body = "## Symptoms\n\na\n\n## Symptoms\n\nb\n\n## Call 999 {#emergency}\n\nc\n\n## ???\n\nd\n";
        let anchors: Vec<_> = sections(body, "T").into_iter().map(|s| s.anchor).collect();
        assert_eq!(anchors, ["symptoms", "symptoms-1", "emergency", "section"]);
    }

    #[test]
    fn a_repeated_explicit_id_still_gets_a_unique_anchor() {
        // Found by the property tests: `# {#id}` twice gave two sections the anchor `id`.
        let anchors: Vec<_> = sections("-->\n# {#id}\n# {#id}\n", "T")
            .into_iter()
            .map(|s| s.anchor)
            .collect();
        assert_eq!(anchors, ["", "id", "id-1"]);
    }

    #[test]
    fn an_empty_references_section_is_reported() {
        let mut warnings = Vec::new();
        outline(
            "a.md",
            "text\n\n## References\n\n## Next\n\nmore\n",
            1,
            &mut warnings,
        );
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].line, Some(3));
    }

    #[test]
    fn entries_keep_their_number_footnote_label_and_line() {
        let body = "Text.[^a]\n\n## References\n\n3. Third. 2011.\n3. Fourth. 2012.\n\n- Loose. 2013.\n\n[9] Ninth. 2014.\n\n[^a]: Note. 2015.\n";
        let got = sections(body, "T");
        let placed: Vec<(Option<&str>, Option<usize>)> = got
            .iter()
            .flat_map(|s| s.references.iter())
            .map(|r| (r.label.as_deref(), r.line))
            .collect();
        assert_eq!(
            placed,
            [
                (Some("3"), Some(5)),
                (Some("4"), Some(6)),
                (None, Some(8)),
                (Some("9"), Some(10)),
                (Some("^a"), Some(12)),
            ]
        );
    }

    #[test]
    fn prose_for_markers_hides_code_links_and_images_and_keeps_footnotes() {
        let mut warnings = Vec::new();
        let body = "## Heading [1]\n\nA `[2]` and [3](x) and ![4](i.png) and [5].[^n]\nSup<sup>6</sup>.\n\n```\n[7]\n```\n\n- [ ] task [8]\n\n[^n]: Note.\n";
        let outline = outline("a.md", body, 1, &mut warnings);
        let prose = outline.sections[1].prose.text();
        for kept in ["Heading [1]", "[5].[^n]", "Sup<sup>6</sup>.", "task [8]"] {
            assert!(prose.contains(kept), "{kept:?} missing from {prose:?}");
        }
        for hidden in ["[2]", "[3]", "[4]", "[7]", "Note."] {
            assert!(!prose.contains(hidden), "{hidden:?} in {prose:?}");
        }
        // The section's text, by contrast, has lost what tells markers apart.
        assert_eq!(
            outline.sections[1].text,
            "A [2] and 3 and 4 and [5]. Sup6.\n[7]\ntask [8]"
        );
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let quotes = format!("{} deep\n", ">".repeat(10_000));
        let lists = format!("{}item\n", "- ".repeat(10_000));
        for body in [quotes, lists] {
            let got = sections(&body, "T");
            assert!(got[0].text.contains("deep") || got[0].text.contains("item"));
        }
    }
}
