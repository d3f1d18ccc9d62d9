//! Step 3: noise and punctuation left over once identifiers are gone.

use super::*;

/// Blanks out access dates, "Available from:", "[Internet]" and similar clutter.
pub(super) fn remove_noise(text: &str) -> String {
    let mut text = text.to_owned();
    for re in NOISE.iter() {
        if re.is_match(&text) {
            text = re.replace_all(&text, " ").into_owned();
        }
    }
    text
}

/// Repairs the punctuation left behind by removals: spaces before marks, runs like
/// ". ." or "?.", and empty brackets. Also collapses whitespace.
pub(super) fn tidy(text: &str) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let text = EMPTY_BRACKETS.replace_all(&text, " ");
    let text = SPACE_BEFORE_PUNCT.replace_all(&text, "$1");
    let text = STOP_AFTER_MARK.replace_all(&text, "$1");
    let text = RUN_ENDING_IN_STOP.replace_all(&text, ".");
    let text = REPEATED_MARK.replace_all(&text, "$1");
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    text.trim_matches(|c: char| ",;:".contains(c) || c.is_whitespace())
        .trim_start_matches('.')
        .trim()
        .to_owned()
}
