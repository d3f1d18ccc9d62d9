//! Snippets: the two or three lines of a section shown under a hit, with the
//! reader's words marked. The window is chosen to hold the most distinct query
//! words, then widened to start at a sentence or word boundary. Matching uses the
//! index's analyzer, so "probiotics" in a query marks "probiotic" in the text.
//!
//! The same [`Snippet`] carries plain text, character ranges of the marks (for
//! clients that render their own), and HTML in which all text is escaped and the
//! only markup is `<mark>`.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use tantivy::tokenizer::TextAnalyzer;

use crate::text::names_analyzer;

/// Longest snippet, in characters (about three lines of a terminal).
pub const SNIPPET_CHARS: usize = 220;
const ELLIPSIS: &str = "…";
/// Letters a word must share with a query term before it is worth stemming.
const PREFIX_CHARS: usize = 3;

/// A highlighted excerpt of a section.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Snippet {
    /// Plain text, with `…` where it was cut.
    pub text: String,
    /// HTML: escaped text with matches in `<mark>`.
    pub html: String,
    /// `[start, end)` ranges of the matches in `text`, counted in characters
    /// (Unicode scalar values), not bytes.
    pub highlights: Vec<[usize; 2]>,
}

/// A word of the text that matches the query.
#[derive(Debug, Clone, Copy)]
struct Match {
    from: usize,
    to: usize,
    term: usize,
}

/// Builds snippets for one query: the analyzed query terms and their weights.
///
/// Text is split with the cheap, unstemmed analyzer; each distinct word is stemmed
/// once (by `analyzer`, the index's) and the answer cached, because stemming every
/// word of every hit was a third of a query's time.
pub struct SnippetMaker {
    analyzer: TextAnalyzer,
    words: TextAnalyzer,
    /// Lower-cased word → the query term it matches, if any.
    seen: HashMap<String, Option<usize>>,
    /// First letters of each term: a word that starts with none of them cannot stem
    /// to a term (stems keep the start of the word), so it is not stemmed at all.
    prefixes: Vec<String>,
    /// Term → its index in `weights`.
    terms: HashMap<String, usize>,
    /// Weight of each term: rarer terms weigh more.
    weights: Vec<f32>,
    max_chars: usize,
}

impl SnippetMaker {
    /// `terms` are analyzed words (as stored in the index) with their weights.
    pub fn new(
        analyzer: TextAnalyzer,
        terms: impl IntoIterator<Item = (String, f32)>,
    ) -> SnippetMaker {
        let (mut map, mut weights) = (HashMap::new(), Vec::new());
        for (term, weight) in terms {
            map.entry(term).or_insert_with(|| {
                weights.push(weight);
                weights.len() - 1
            });
        }
        let prefixes = map
            .keys()
            .map(|term| term.chars().take(PREFIX_CHARS).collect())
            .collect();
        SnippetMaker {
            analyzer,
            words: names_analyzer(),
            seen: HashMap::new(),
            prefixes,
            terms: map,
            weights,
            max_chars: SNIPPET_CHARS,
        }
    }

    /// The best excerpt of `text`; its start when no query word occurs in it.
    pub fn snippet(&mut self, text: &str) -> Snippet {
        let matches = self.find_matches(text);
        let (start, end) = match self.best_window(&matches) {
            Some((first, last)) => {
                widen(text, matches[first].from, matches[last].to, self.max_chars)
            }
            None => widen(text, 0, 0, self.max_chars),
        };
        let inside = matches.iter().filter(|m| m.from >= start && m.to <= end);
        render(text, start, end, inside.map(|m| (m.from, m.to)))
    }

    fn find_matches(&mut self, text: &str) -> Vec<Match> {
        let mut matches = Vec::new();
        let mut stream = self.words.token_stream(text);
        while stream.advance() {
            let token = stream.token();
            if !self
                .prefixes
                .iter()
                .any(|p| token.text.starts_with(p.as_str()))
            {
                continue;
            }
            let term = match self.seen.get(&token.text) {
                Some(known) => *known,
                None => {
                    let term = term_of(&mut self.analyzer, &self.terms, &token.text);
                    self.seen.insert(token.text.clone(), term);
                    term
                }
            };
            if let Some(term) = term {
                matches.push(Match {
                    from: token.offset_from,
                    to: token.offset_to,
                    term,
                });
            }
        }
        matches
    }

    /// The run of matches that fits in the window and covers the most weight of
    /// distinct terms (repeats add a little). Returns indexes of its first and last.
    fn best_window(&self, matches: &[Match]) -> Option<(usize, usize)> {
        let mut best: Option<(f32, usize, usize)> = None;
        for first in 0..matches.len() {
            let mut seen = Vec::new();
            let mut score = 0.0;
            let mut last = first;
            for (i, m) in matches.iter().enumerate().skip(first) {
                if m.to - matches[first].from > self.max_chars * 3 / 4 {
                    break;
                }
                let weight = self.weights[m.term];
                score += if seen.contains(&m.term) {
                    weight * 0.1
                } else {
                    weight
                };
                seen.push(m.term);
                last = i;
            }
            if best.is_none_or(|(top, _, _)| score > top) {
                best = Some((score, first, last));
            }
        }
        best.map(|(_, first, last)| (first, last))
    }
}

/// The query term a single word stems to, if any.
fn term_of(
    analyzer: &mut TextAnalyzer,
    terms: &HashMap<String, usize>,
    word: &str,
) -> Option<usize> {
    let mut stream = analyzer.token_stream(word);
    let mut found = None;
    while stream.advance() {
        found = found.or_else(|| terms.get(&stream.token().text).copied());
    }
    found
}

/// Byte range of the excerpt: around `[from, to)`, at most `max_chars` long,
/// starting at a sentence start if one is near, else at a word.
fn widen(text: &str, from: usize, to: usize, max_chars: usize) -> (usize, usize) {
    let span_chars = text[from..to].chars().count();
    let lead_chars = max_chars.saturating_sub(span_chars) / 3;
    let earliest = back_chars(text, from, lead_chars);
    let start =
        sentence_start(text, earliest, from).unwrap_or_else(|| word_start(text, earliest, from));
    let limit = forward_chars(text, start, max_chars);
    let end = if limit >= text.len() {
        text.len()
    } else {
        word_end(text, limit).max(to)
    };
    (start, end)
}

fn back_chars(text: &str, from: usize, n: usize) -> usize {
    text[..from]
        .char_indices()
        .rev()
        .nth(n.saturating_sub(1))
        .map_or(0, |(i, _)| i)
}

fn forward_chars(text: &str, from: usize, n: usize) -> usize {
    text[from..]
        .char_indices()
        .nth(n)
        .map_or(text.len(), |(i, _)| from + i)
}

/// The start of the sentence holding `before`, if it is at or after `earliest`.
fn sentence_start(text: &str, earliest: usize, before: usize) -> Option<usize> {
    if earliest == 0 {
        return Some(0);
    }
    let window = &text[earliest..before];
    window
        .rmatch_indices(['.', '!', '?', '\n'])
        .map(|(i, p)| earliest + i + p.len())
        .filter(|&i| text[i..].starts_with(char::is_whitespace) || text[..i].ends_with('\n'))
        .map(|i| i + text[i..].len() - text[i..].trim_start().len())
        .find(|&i| i <= before)
}

fn word_start(text: &str, earliest: usize, before: usize) -> usize {
    text[earliest..before]
        .find(char::is_whitespace)
        .map_or(earliest, |i| earliest + i + 1)
        .min(before)
}

fn word_end(text: &str, at: usize) -> usize {
    text[..at]
        .rfind(char::is_whitespace)
        .filter(|&i| i > 0)
        .unwrap_or(at)
}

/// Builds the snippet text, highlight ranges and HTML for `text[start..end]`.
fn render(
    text: &str,
    start: usize,
    end: usize,
    marks: impl Iterator<Item = (usize, usize)>,
) -> Snippet {
    let mut snippet = Snippet::default();
    let mut chars = 0;
    let mut push = |snippet: &mut Snippet, piece: &str, marked: bool| {
        let piece_chars = piece.chars().count();
        if marked {
            snippet.highlights.push([chars, chars + piece_chars]);
            snippet.html.push_str("<mark>");
        }
        escape_into(&mut snippet.html, piece);
        if marked {
            snippet.html.push_str("</mark>");
        }
        snippet.text.push_str(piece);
        chars += piece_chars;
    };
    let body = text[start..end].replace('\n', " ");
    if start > 0 {
        push(&mut snippet, ELLIPSIS, false);
    }
    let mut cursor = 0;
    for (from, to) in marks.map(|(f, t)| (f - start, t - start)) {
        if from < cursor {
            continue;
        }
        push(&mut snippet, &body[cursor..from], false);
        push(&mut snippet, &body[from..to], true);
        cursor = to;
    }
    push(&mut snippet, body[cursor..].trim_end(), false);
    if end < text.len() {
        push(&mut snippet, ELLIPSIS, false);
    }
    snippet
}

/// Escapes text for HTML element content and attribute values.
pub fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::english_analyzer;

    fn maker(words: &[&str]) -> SnippetMaker {
        SnippetMaker::new(
            english_analyzer(),
            words.iter().map(|w| (w.to_string(), 1.0)),
        )
    }

    fn marked(snippet: &Snippet) -> Vec<String> {
        let chars: Vec<char> = snippet.text.chars().collect();
        snippet
            .highlights
            .iter()
            .map(|[a, b]| chars[*a..*b].iter().collect())
            .collect()
    }

    #[test]
    fn marks_stemmed_matches_with_character_offsets() {
        let snippet = maker(&["probiot"])
            .snippet("Café owners say Probiotics help; a probiotic is a microbe.");
        assert_eq!(marked(&snippet), ["Probiotics", "probiotic"]);
        assert_eq!(
            snippet.html,
            "Café owners say <mark>Probiotics</mark> help; a <mark>probiotic</mark> is a microbe."
        );
    }

    #[test]
    fn picks_the_window_with_most_distinct_words_and_starts_at_a_sentence() {
        let filler = "Unrelated words fill this part of the section. ".repeat(12);
        let text = format!(
            "Gut first. {filler}The gut barrier and leaky gut are discussed here. {filler}"
        );
        let snippet = maker(&["gut", "leaki"]).snippet(&text);
        assert!(
            snippet.text.starts_with("…The gut barrier"),
            "{}",
            snippet.text
        );
        assert!(snippet.text.ends_with('…'));
        assert!(snippet.text.chars().count() <= SNIPPET_CHARS + 2);
        assert_eq!(marked(&snippet), ["gut", "leaky", "gut"]);
    }

    #[test]
    fn escapes_html_and_falls_back_to_the_start() {
        let snippet = maker(&["absent"]).snippet("<img src=x onerror=alert(1)> & more");
        assert_eq!(
            snippet.html,
            "&lt;img src=x onerror=alert(1)&gt; &amp; more"
        );
        assert!(snippet.highlights.is_empty());
        assert_eq!(maker(&["x"]).snippet(""), Snippet::default());
    }
}
