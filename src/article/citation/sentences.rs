//! Sentences: splitting an entry at full stops that end a sentence.

use std::ops::Range;

use super::*;

// Sentences
// ---------------------------------------------------------------------------

/// Byte ranges of the sentences of `text`, each including its closing mark. A sentence
/// ends at ".", "?" or "!" followed by a space and a word that does not start in lower
/// case, unless the dot closes an abbreviation or an initial inside a name.
pub(super) fn segments(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, mark) in text.char_indices() {
        if !matches!(mark, '.' | '?' | '!') || i < start {
            continue;
        }
        let after = &text[i + 1..];
        if !after.starts_with(char::is_whitespace) {
            continue;
        }
        let next = after.trim_start();
        if next.is_empty() {
            break;
        }
        if ends_sentence(&text[start..i], mark, next, out.is_empty()) {
            out.push(start..i + 1);
            start = text.len() - next.len();
        }
    }
    if text[start..].chars().any(|c| !c.is_whitespace()) {
        out.push(start..text.len());
    }
    out
}

/// Decides whether `mark`, preceded by `before` and followed by the word starting
/// `next`, closes a sentence. In the first sentence of a block that opens with an
/// initial ("W. P. Bowe"), initials never close it.
pub(super) fn ends_sentence(before: &str, mark: char, next: &str, first: bool) -> bool {
    let Some(c) = next.chars().next() else {
        return false;
    };
    if c.is_lowercase() || !(c.is_alphanumeric() || "\"“‘'([".contains(c)) {
        return false;
    }
    if mark != '.' {
        return true;
    }
    let word = before
        .rsplit(char::is_whitespace)
        .next()
        .unwrap_or("")
        .trim_start_matches(['(', '[', '"', '“', '\'', '‘']);
    if ABBREVIATIONS.contains(&word.to_lowercase().as_str()) {
        return false;
    }
    if INITIAL_WORD.is_match(word) {
        let opens_with_initial = first && STARTS_WITH_INITIAL.is_match(before.trim_start());
        return !(STARTS_WITH_INITIAL.is_match(next) || opens_with_initial);
    }
    true
}
