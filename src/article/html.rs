//! Raw HTML inside Markdown: tags are removed and the text between them is kept,
//! except inside `<script>`, `<style>` and comments, whose content is not prose.
//! pulldown-cmark hands HTML over in pieces (a tag may span several events), so the
//! stripper keeps its state between calls.

/// Removes tags from HTML fragments fed to it in order.
#[derive(Default)]
pub(crate) struct HtmlStripper {
    state: State,
    /// Name of the element whose content is being skipped (`script` or `style`).
    skipping: Option<&'static str>,
    tag: String,
}

#[derive(Default, PartialEq)]
enum State {
    #[default]
    Text,
    /// Inside `<...>`, with the quote character of an attribute value being read.
    Tag(Option<char>),
    Comment,
}

/// Longest tag text remembered to find its name; the rest of a long tag is dropped.
const MAX_TAG_TEXT: usize = 64;

impl HtmlStripper {
    /// True while inside `<script>` or `<style>`: ordinary text should be dropped too.
    pub fn is_skipping(&self) -> bool {
        self.skipping.is_some()
    }

    /// Appends the text content of `html` to `out`.
    pub fn feed(&mut self, html: &str, out: &mut String) {
        let mut rest = html;
        while !rest.is_empty() {
            rest = match self.state {
                State::Text => self.text(rest, out),
                State::Tag(quote) => self.in_tag(quote, rest, out),
                State::Comment => self.in_comment(rest),
            };
        }
    }

    fn text<'a>(&mut self, rest: &'a str, out: &mut String) -> &'a str {
        let Some(open) = rest.find('<') else {
            self.emit(rest, out);
            return "";
        };
        self.emit(&rest[..open], out);
        let after = &rest[open + 1..];
        if let Some(comment) = after.strip_prefix("!--") {
            self.state = State::Comment;
            comment
        } else if after.starts_with(|c: char| c.is_ascii_alphabetic() || c == '/' || c == '!') {
            self.state = State::Tag(None);
            self.tag.clear();
            after
        } else {
            self.emit("<", out);
            after
        }
    }

    fn in_tag<'a>(&mut self, mut quote: Option<char>, rest: &'a str, out: &mut String) -> &'a str {
        let mut close = None;
        for (i, c) in rest.char_indices() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') => quote = Some(c),
                (None, '>') => {
                    close = Some(i);
                    break;
                }
                _ => {}
            }
        }
        self.state = State::Tag(quote);
        let (inside, after) = match close {
            Some(close) => (&rest[..close], Some(&rest[close + 1..])),
            None => (rest, None),
        };
        let room = MAX_TAG_TEXT.saturating_sub(self.tag.len());
        let keep = inside
            .char_indices()
            .nth(room)
            .map_or(inside.len(), |(i, _)| i);
        self.tag.push_str(&inside[..keep]);
        match after {
            Some(after) => {
                self.state = State::Text;
                self.close_tag(out);
                after
            }
            None => "",
        }
    }

    fn in_comment<'a>(&mut self, rest: &'a str) -> &'a str {
        match rest.find("-->") {
            Some(end) => {
                self.state = State::Text;
                &rest[end + 3..]
            }
            None => "",
        }
    }

    /// A complete tag was read: track script/style and separate block elements.
    fn close_tag(&mut self, out: &mut String) {
        let closing = self.tag.starts_with('/');
        let name: String = self
            .tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_lowercase())
            .collect();
        match (closing, name.as_str()) {
            (false, "script") if !self.tag.ends_with('/') => self.skipping = Some("script"),
            (false, "style") if !self.tag.ends_with('/') => self.skipping = Some("style"),
            (true, n) if self.skipping == Some(n) => self.skipping = None,
            _ => {}
        }
        if !out.ends_with(char::is_whitespace) && !out.is_empty() {
            out.push(' ');
        }
    }

    fn emit(&self, text: &str, out: &mut String) {
        if self.skipping.is_none() {
            decode_entities(text, out);
        }
    }
}

/// Decodes the character references common in hand-written HTML; unknown ones are kept.
fn decode_entities(text: &str, out: &mut String) {
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let decoded = after
            .find(';')
            .filter(|&end| end <= 10)
            .and_then(|end| entity(&after[..end]).map(|c| (c, end)));
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &after[end + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
}

fn entity(name: &str) -> Option<char> {
    let named = match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        "ndash" => '–',
        "mdash" => '—',
        _ => {
            let number = name.strip_prefix('#')?;
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse().ok()?,
            };
            return char::from_u32(code);
        }
    };
    Some(named)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strip(pieces: &[&str]) -> String {
        let mut stripper = HtmlStripper::default();
        let mut out = String::new();
        for piece in pieces {
            stripper.feed(piece, &mut out);
        }
        out.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn keeps_text_and_drops_tags_scripts_comments() {
        let cases: [(&[&str], &str); 6] = [
            (
                &["<div class=\"note\">Gut <b>health</b></div>"],
                "Gut health",
            ),
            (&["<p>a</p><script>alert(1)</script><p>b</p>"], "a b"),
            (
                &[
                    "<details><summary>More",
                    "</summary>",
                    "Hidden text</details>",
                ],
                "More Hidden text",
            ),
            (&["x <!-- note --> y"], "x y"),
            (
                &["<img src=x alt='skin'", " onerror=\"a>b\">after"],
                "after",
            ),
            (
                &["5 &lt; 6 &amp;&amp; caf&#233; &unknown; 3 < 4"],
                "5 < 6 && café &unknown; 3 < 4",
            ),
        ];
        for (pieces, want) in cases {
            assert_eq!(strip(pieces), want, "{pieces:?}");
        }
    }
}
