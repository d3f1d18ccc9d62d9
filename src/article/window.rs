//! Windows over a large Markdown body, so that parsing it takes memory in
//! proportion to a window and not to the whole file.
//!
//! pulldown-cmark builds a tree of every block and inline item of the text it is
//! given before it yields the first event, about 50 bytes an item: a 14 MB table of
//! short cells took 385 MB to index. Bodies up to [`WHOLE_BODY_BYTES`] (every real
//! article) are parsed whole, exactly as before. Larger ones are cut into windows of
//! about [`WINDOW_BYTES`] at lines where a new block starts at the left margin after
//! a blank line — outside fenced code — so each window parses as the same blocks it
//! held in the whole text. A table longer than a window is cut between rows, and the
//! next window repeats its header and delimiter rows so that its rows are still read
//! as table cells. What windows cannot keep: a reference-style link or footnote
//! defined in another window is left as plain text.

use std::borrow::Cow;

/// Bodies up to this size are parsed in one piece.
pub(crate) const WHOLE_BODY_BYTES: usize = 1024 * 1024;
/// The size a window grows to before it is cut at the next safe line.
pub(crate) const WINDOW_BYTES: usize = 256 * 1024;

/// One piece of a body, to be parsed on its own.
#[derive(Debug)]
pub(crate) struct Window<'a> {
    /// The text to parse: a slice of the body, or a table's header rows followed by
    /// such a slice.
    pub text: Cow<'a, str>,
    /// Where in the body the slice starts.
    pub offset: usize,
    /// Bytes at the start of `text` repeated from earlier in the body (a table's
    /// header rows), and where in the body they came from.
    pub repeated: Option<(usize, usize)>,
}

impl Window<'_> {
    /// The body offset of a byte offset in this window's text.
    pub fn body_offset(&self, at: usize) -> usize {
        match self.repeated {
            Some((len, from)) if at < len => from + at,
            Some((len, _)) => self.offset + (at - len),
            None => self.offset + at,
        }
    }
}

/// The windows to parse `body` in: one borrowed window for every body up to
/// [`WHOLE_BODY_BYTES`].
pub(crate) fn windows(body: &str) -> Vec<Window<'_>> {
    if body.len() <= WHOLE_BODY_BYTES {
        return vec![Window {
            text: Cow::Borrowed(body),
            offset: 0,
            repeated: None,
        }];
    }
    Cutter::new(body).cut()
}

/// The line-by-line state of cutting a body into windows.
struct Cutter<'a> {
    body: &'a str,
    windows: Vec<Window<'a>>,
    /// Start of the window being filled.
    start: usize,
    /// Header and delimiter rows of the current window's first table (if it
    /// started in the middle of one), and their body offset.
    repeated: Option<(&'a str, usize)>,
    /// The fence that opened the fenced code block we are in (its character and
    /// length).
    fence: Option<(u8, usize)>,
    /// The table we are in: its header and delimiter rows and their offset.
    table: Option<(&'a str, usize)>,
    previous_blank: bool,
    /// The previous line and where it starts (a table header, once the delimiter
    /// row follows it).
    previous: Option<(&'a str, usize)>,
}

impl<'a> Cutter<'a> {
    fn new(body: &'a str) -> Cutter<'a> {
        Cutter {
            body,
            windows: Vec::new(),
            start: 0,
            repeated: None,
            fence: None,
            table: None,
            previous_blank: true,
            previous: None,
        }
    }

    fn cut(mut self) -> Vec<Window<'a>> {
        let mut at = 0;
        while at < self.body.len() {
            let end = self.body[at..]
                .find('\n')
                .map_or(self.body.len(), |i| at + i + 1);
            let line = &self.body[at..end];
            self.line(line, at);
            at = end;
        }
        self.close(self.body.len());
        self.windows
    }

    /// Looks at one line (with its newline) starting at body offset `at`, and cuts
    /// before it if the window is full and the line starts a block of its own.
    fn line(&mut self, line: &'a str, at: usize) {
        let content = line.trim_end_matches(['\n', '\r']);
        let blank = content.trim().is_empty();
        let full = at - self.start >= WINDOW_BYTES;
        if let Some((ch, len)) = self.fence {
            if closes_fence(content, ch, len) {
                self.fence = None;
            }
        } else if let Some(fence) = opens_fence(content) {
            if full && self.previous_blank && starts_at_margin(content) {
                self.close(at);
            }
            self.fence = Some(fence);
            self.table = None;
        } else if blank {
            self.table = None;
        } else if let Some((header, from)) = self.table {
            if full {
                self.close(at);
                self.repeated = Some((header, from));
            }
        } else if is_delimiter_row(content)
            && let Some((previous, from)) = self.previous
            && cells(previous) == cells(content)
        {
            self.table = Some((&self.body[from..at + line.len()], from));
        } else if full && self.previous_blank && starts_at_margin(content) {
            self.close(at);
        }
        self.previous_blank = blank && self.fence.is_none();
        self.previous = Some((line, at));
    }

    /// Ends the current window before body offset `end`.
    fn close(&mut self, end: usize) {
        if end == self.start {
            return;
        }
        let slice = &self.body[self.start..end];
        let window = match self.repeated.take() {
            Some((header, from)) => Window {
                text: Cow::Owned(format!("{header}{slice}")),
                offset: self.start,
                repeated: Some((header.len(), from)),
            },
            None => Window {
                text: Cow::Borrowed(slice),
                offset: self.start,
                repeated: None,
            },
        };
        self.windows.push(window);
        self.start = end;
    }
}

/// Not indented, and not a continuation of a list item or a lazy paragraph line.
fn starts_at_margin(line: &str) -> bool {
    line.starts_with(|c: char| !c.is_whitespace())
}

/// A code fence opening: three or more backticks or tildes after at most three
/// spaces.
fn opens_fence(line: &str) -> Option<(u8, usize)> {
    let trimmed = line.trim_start_matches(' ');
    if line.len() - trimmed.len() > 3 {
        return None;
    }
    let ch = *trimmed.as_bytes().first()?;
    if ch != b'`' && ch != b'~' {
        return None;
    }
    let len = trimmed.bytes().take_while(|&b| b == ch).count();
    (len >= 3 && !(ch == b'`' && trimmed[len..].contains('`'))).then_some((ch, len))
}

fn closes_fence(line: &str, ch: u8, len: usize) -> bool {
    let trimmed = line.trim_start_matches(' ');
    line.len() - trimmed.len() <= 3
        && trimmed.bytes().take_while(|&b| b == ch).count() >= len
        && trimmed.trim_start_matches(ch as char).trim().is_empty()
}

/// The number of cells of a table row.
fn cells(line: &str) -> usize {
    line.trim().trim_matches('|').split('|').count()
}

/// A table's delimiter row: cells of dashes with optional colons, such as
/// `|---|:--:|` (with at least one `|`, so that a thematic break is not one).
fn is_delimiter_row(line: &str) -> bool {
    let line = line.trim();
    line.contains('-')
        && line.contains('|')
        && line.trim_matches('|').split('|').all(|cell| {
            let cell = cell.trim();
            !cell.is_empty() && cell.trim_matches(':').chars().all(|c| c == '-')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rejoined(body: &str) -> String {
        windows(body)
            .iter()
            .map(|w| &w.text[w.repeated.map_or(0, |(len, _)| len)..])
            .collect()
    }

    #[test]
    fn small_bodies_are_one_borrowed_window() {
        let found = windows("# A\n\ntext\n");
        assert_eq!(found.len(), 1);
        assert!(matches!(found[0].text, Cow::Borrowed(_)));
    }

    #[test]
    fn large_bodies_are_cut_at_blank_lines_and_lose_nothing() {
        let paragraph = "Metformin is taken with meals.\n".repeat(20) + "\n";
        let body = paragraph.repeat(WHOLE_BODY_BYTES / paragraph.len() + 10);
        let found = windows(&body);
        assert!(found.len() > 4, "{}", found.len());
        assert_eq!(rejoined(&body), body);
        for window in &found[1..] {
            assert!(body[..window.offset].ends_with("\n\n"));
            assert!(window.text.len() < WINDOW_BYTES + paragraph.len());
        }
    }

    #[test]
    fn fenced_code_is_never_cut() {
        let fence = format!("```\n{}```\n\n", "code line\n\nmore\n".repeat(30_000));
        let body = format!("{}{fence}after\n", "para\n\n".repeat(WHOLE_BODY_BYTES / 6));
        let found = windows(&body);
        let inside = body.find("```").unwrap()..body.rfind("```").unwrap();
        assert!(found.iter().all(|w| !inside.contains(&w.offset)));
        assert_eq!(rejoined(&body), body);
    }

    #[test]
    fn long_tables_repeat_their_header_in_each_window() {
        let header = "| drug | dose |\n|---|:---:|\n";
        let rows: String = (0..80_000)
            .map(|i| format!("| d{i} | {i} mg |\n"))
            .collect();
        let body = format!("Intro.\n\n{header}{rows}");
        let found = windows(&body);
        assert!(found.len() > 4);
        for window in &found[1..] {
            assert!(window.text.starts_with(header), "{:?}", &window.text[..40]);
            let (len, from) = window.repeated.unwrap();
            assert_eq!(window.body_offset(0), from);
            assert_eq!(window.body_offset(len), window.offset);
        }
        assert_eq!(rejoined(&body), body);
    }

    #[test]
    fn delimiter_rows_are_recognised() {
        assert!(is_delimiter_row("|---|:--:|"));
        assert!(is_delimiter_row("--- | ---"));
        assert!(!is_delimiter_row("| a | b |"));
        assert!(!is_delimiter_row("text - more"));
        assert!(!is_delimiter_row("---"));
    }
}
