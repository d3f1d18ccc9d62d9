//! The text markers are looked for in. The Markdown walk fills one [`Prose`] per
//! section with the section's running text as the reader sees it, but with the
//! parts that cannot hold a citation replaced by [`OPAQUE`] (code spans and blocks,
//! link and image text, math, task boxes, the start of each table cell), footnote
//! references written back as `[^label]`, and `<sup>`/`</sup>` tags kept. It
//! remembers the file line of each piece, so a marker found in it knows its line.

/// Stands for text a marker may not be found in, or run across.
pub(crate) const OPAQUE: char = '\u{FFFC}';

/// A section's prose collects at most this many bytes; markers past it are not
/// looked for (real sections are a thousandth of this).
pub(crate) const MAX_PROSE_BYTES: usize = 8 * 1024 * 1024;

/// A section's running text, with the line each piece came from.
#[derive(Debug, Default, Clone)]
pub(crate) struct Prose {
    text: String,
    /// `(offset in text, file line)` wherever the line changes, in order.
    lines: Vec<(usize, usize)>,
}

impl Prose {
    /// The collected text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Appends text that came from `line` of the file.
    pub fn push(&mut self, text: &str, line: usize) {
        if self.text.len() + text.len() > MAX_PROSE_BYTES {
            return;
        }
        if self.lines.last().is_none_or(|&(_, last)| last != line) {
            self.lines.push((self.text.len(), line));
        }
        self.text.push_str(text);
    }

    /// Appends [`OPAQUE`], once for a run of hidden text.
    pub fn opaque(&mut self) {
        if !self.text.ends_with(OPAQUE) && self.text.len() < MAX_PROSE_BYTES {
            self.text.push(OPAQUE);
        }
    }

    /// Appends a space between words (a soft line break).
    pub fn space(&mut self) {
        if !self.text.is_empty() && !self.text.ends_with(char::is_whitespace) {
            self.text.push(' ');
        }
    }

    /// Ends a block: no marker runs across it.
    pub fn block_break(&mut self) {
        if !self.text.is_empty() && !self.text.ends_with('\n') {
            self.text.push('\n');
        }
    }

    /// Appends another section's prose (an H1 folded into the intro).
    pub fn append(&mut self, other: Prose) {
        self.block_break();
        let base = self.text.len();
        self.lines
            .extend(other.lines.into_iter().map(|(at, line)| (base + at, line)));
        self.text.push_str(&other.text);
    }

    /// The file line of the text at byte `offset`.
    pub fn line_at(&self, offset: usize) -> usize {
        let after = self.lines.partition_point(|&(at, _)| at <= offset);
        after
            .checked_sub(1)
            .and_then(|i| self.lines.get(i))
            .or(self.lines.first())
            .map_or(0, |&(_, line)| line)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_follow_the_pieces() {
        let mut prose = Prose::default();
        prose.push("Claim [1]", 4);
        prose.space();
        prose.push("more [2].", 5);
        prose.opaque();
        prose.opaque();
        prose.block_break();
        prose.push("Next.", 7);
        assert_eq!(prose.text(), "Claim [1] more [2].\u{FFFC}\nNext.");
        let at = |needle: &str| prose.line_at(prose.text().find(needle).unwrap());
        assert_eq!((at("[1]"), at("[2]"), at("Next")), (4, 5, 7));

        let mut intro = Prose::default();
        intro.push("Intro.", 2);
        intro.append(prose);
        assert_eq!(intro.line_at(intro.text().find("[2]").unwrap()), 5);
        assert_eq!(intro.line_at(0), 2);
        assert_eq!(Prose::default().line_at(10), 0);
    }
}
