//! Completions for search-as-you-type: the last word being typed is completed from
//! the words of titles and headings (the `suggest` field), most frequent first, and
//! returned with the words typed before it. When a word was typed before the last
//! one, only completions found right after it somewhere in the corpus are offered
//! ("leaky g" → "leaky gut", not "leaky good"): those of the [`CONTEXT_CHECKED`]
//! most frequent that the caller's `follows` accepts. If none does (or the word
//! before is a stop word), the completions stay in order of frequency.

use serde::{Deserialize, Serialize};
use tantivy::Searcher;
use tantivy::schema::Field;

use crate::text::Analyzer;

/// A completed query and how many sections hold the completed word.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suggestion {
    /// The query with its last word completed.
    pub text: String,
    /// Sections holding the completed word.
    pub count: u64,
}

/// Longest prefix looked up, in characters.
const MAX_PREFIX_CHARS: usize = 64;
/// How many of the most frequent completions are checked for following the word
/// typed before them (each check is a phrase lookup); the static bundle's
/// `healthdex.js` checks as many.
pub const CONTEXT_CHECKED: usize = 32;

/// Up to `limit` completions of the last word of `typed`. `follows(before, word)`
/// says whether `word` comes right after the typed word `before` in some section.
pub fn suggest(
    searcher: &Searcher,
    field: Field,
    typed: &str,
    limit: usize,
    mut follows: impl FnMut(&str, &str) -> bool,
) -> tantivy::Result<Vec<Suggestion>> {
    let words = Analyzer::new().names(typed);
    let ends_in_word = typed.ends_with(|c: char| c.is_alphanumeric());
    let Some((_, last)) = words.last().filter(|_| ends_in_word) else {
        return Ok(Vec::new());
    };
    let prefix: String = last.chars().take(MAX_PREFIX_CHARS).collect();
    let mut found: Vec<(String, u64)> = Vec::new();
    for segment in searcher.segment_readers() {
        let inverted = segment.inverted_index(field)?;
        let mut stream = inverted
            .terms()
            .range()
            .ge(prefix.as_bytes())
            .into_stream()?;
        while stream.advance() {
            let Ok(word) = std::str::from_utf8(stream.key()) else {
                continue;
            };
            if !word.starts_with(prefix.as_str()) {
                break;
            }
            let count = u64::from(stream.value().doc_freq);
            match found.iter_mut().find(|(w, _)| w == word) {
                Some(entry) => entry.1 += count,
                None => found.push((word.to_string(), count)),
            }
        }
    }
    found.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    if let [.., (_, previous), _] = words.as_slice() {
        keep_followers(&mut found, |word| follows(previous, word));
    }
    let before = &typed[..typed.len() - typed_tail_len(typed)];
    Ok(found
        .into_iter()
        .take(limit)
        .map(|(word, count)| Suggestion {
            text: completed(before, &word),
            count,
        })
        .collect())
}

/// Keeps only the completions among the first [`CONTEXT_CHECKED`] that `follows`
/// accepts, in their order; all of them if it accepts none.
fn keep_followers(found: &mut Vec<(String, u64)>, mut follows: impl FnMut(&str) -> bool) {
    let followers: Vec<(String, u64)> = found
        .iter()
        .take(CONTEXT_CHECKED)
        .filter(|(word, _)| follows(word))
        .cloned()
        .collect();
    if !followers.is_empty() {
        *found = followers;
    }
}

/// The typed text with its last word completed: what came before is kept as typed
/// (so `title:dia` becomes `title:diabetes`, not `title: diabetes`).
fn completed(before: &str, word: &str) -> String {
    format!("{}{word}", before.trim_start())
}

/// Length in bytes of the word being typed at the end of `typed`.
fn typed_tail_len(typed: &str) -> usize {
    typed.len() - typed.trim_end_matches(|c: char| c.is_alphanumeric()).len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tail_is_the_word_being_typed() {
        assert_eq!(typed_tail_len("leaky gu"), 2);
        assert_eq!(typed_tail_len("leaky "), 0);
        assert_eq!(typed_tail_len("café"), "café".len());
    }

    #[test]
    fn completions_keep_what_was_typed_before_the_word() {
        assert_eq!(completed("leaky ", "gut"), "leaky gut");
        assert_eq!(completed("title:", "diabetes"), "title:diabetes");
        assert_eq!(completed("", "eczema"), "eczema");
        assert_eq!(completed("  -\"", "skin"), "-\"skin");
    }

    #[test]
    fn only_completions_that_follow_the_word_before_are_kept_if_any_does() {
        let counts = |words: &[&str]| -> Vec<(String, u64)> {
            (0..)
                .zip(words)
                .map(|(n, w)| (w.to_string(), 100 - n))
                .collect()
        };
        let mut found = counts(&["good", "gut", "get", "gluten"]);
        keep_followers(&mut found, |w| w == "gut" || w == "gluten");
        assert_eq!(found, [("gut".to_string(), 99), ("gluten".to_string(), 97)]);
        let mut none_follow = counts(&["good", "get"]);
        keep_followers(&mut none_follow, |_| false);
        assert_eq!(none_follow, counts(&["good", "get"]), "all, as they were");
        // Only the most frequent are checked.
        let many: Vec<String> = (0..CONTEXT_CHECKED + 5)
            .map(|n| format!("w{n:02}"))
            .collect();
        let mut found: Vec<(String, u64)> = many.iter().map(|w| (w.clone(), 1)).collect();
        let last = many.last().unwrap().clone();
        keep_followers(&mut found, |w| w == last);
        assert_eq!(
            found.len(),
            CONTEXT_CHECKED + 5,
            "the follower was past the checked ones"
        );
    }
}
