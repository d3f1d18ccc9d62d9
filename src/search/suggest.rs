//! Completions for search-as-you-type: the last word being typed is completed from
//! the words of titles and headings (the `suggest` field), most frequent first, and
//! returned with the words typed before it.

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

/// Up to `limit` completions of the last word of `typed`.
pub fn suggest(
    searcher: &Searcher,
    field: Field,
    typed: &str,
    limit: usize,
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
}
