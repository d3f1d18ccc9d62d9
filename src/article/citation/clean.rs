//! Step 1: clean the entry (markup, list markers, ellipses, length).

use super::*;

/// Collapses whitespace and drops `*`/`_` emphasis leftovers. In tokens holding a `/`
/// (links, DOIs) only the markers wrapping the token go, so `a_b` in a URL survives.
pub(super) fn clean_markup(raw: &str) -> String {
    let is_emphasis = |c: char| c == '*' || c == '_';
    let mut out = String::with_capacity(raw.len().min(1 << 20));
    for token in raw.split_whitespace() {
        let before = out.len();
        if !out.is_empty() {
            out.push(' ');
        }
        let token = token.trim_matches(is_emphasis);
        if token.contains('/') {
            out.push_str(token);
        } else {
            out.extend(token.chars().filter(|&c| !is_emphasis(c)));
        }
        if out.len() == before + usize::from(before > 0) {
            out.truncate(before);
        }
    }
    out
}

/// Drops a leading list or footnote marker ("1.", "[3]", "- ", "[^2]:"), at most two deep.
pub(super) fn strip_list_marker(text: &str) -> &str {
    let mut rest = text;
    for _ in 0..2 {
        match LIST_MARKER.find(rest) {
            Some(m) if m.end() < rest.len() => rest = &rest[m.end()..],
            _ => break,
        }
    }
    rest
}

/// The number an entry opens with ("[3] …", "3. …", "(3) …"), which in-text markers
/// such as `[3]` refer to.
pub(super) fn number_label(text: &str) -> Option<String> {
    let marker = LIST_MARKER.find(text)?;
    if marker.end() >= text.len() {
        return None;
    }
    let digits: String = marker
        .as_str()
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(char::is_ascii_digit)
        .collect();
    let is_number = !marker.as_str().starts_with("[^") && !digits.is_empty();
    is_number
        .then(|| digits.trim_start_matches('0').to_string())
        .filter(|n| !n.is_empty())
}

/// The longest prefix of `text` that fits in `max` bytes and ends on a character boundary.
pub(super) fn truncate(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Writes "..." and ". . ." as one "…", so that later steps do not read them as full stops.
pub(super) fn mark_ellipses(text: &str) -> String {
    ELLIPSIS.replace_all(text, "…").into_owned()
}
