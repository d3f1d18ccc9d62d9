//! Typo tolerance. A query word that is not in the index's vocabulary (the `spell`
//! field: every title, heading and body word, unstemmed) is compared with the
//! vocabulary by edit distance: one edit for words of 5+ characters, two for 9+.
//! Shorter words are never corrected, and there is no prefix matching, so
//! nonsense such as "sdafadsf" finds nothing rather than everything starting "sd".
//! The most frequent close words become lower-weighted alternatives in the query,
//! marks in the snippets, and the "did you mean" suggestion.

use tantivy::query::FuzzyTermQuery;
use tantivy::schema::Field;
use tantivy::{Searcher, Term};

/// Alternatives kept for one misspelled word.
const MAX_CANDIDATES: usize = 3;
/// Words shorter than this (in characters) are not corrected.
const MIN_CHARS_ONE_EDIT: usize = 5;
/// Words at least this long may be two edits away.
const MIN_CHARS_TWO_EDITS: usize = 9;

/// A word of the vocabulary close to what was typed, with its document frequency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub word: String,
    pub doc_freq: u64,
}

/// Edits allowed for a word of this many characters.
pub fn allowed_edits(word: &str) -> u8 {
    match word.chars().count() {
        n if n >= MIN_CHARS_TWO_EDITS => 2,
        n if n >= MIN_CHARS_ONE_EDIT => 1,
        _ => 0,
    }
}

/// Close vocabulary words for `word` (lower-cased, unstemmed), most frequent first.
/// Empty when the word is known, too short, or has no close neighbour.
pub fn candidates(
    searcher: &Searcher,
    spell: Field,
    word: &str,
) -> tantivy::Result<Vec<Candidate>> {
    let edits = allowed_edits(word);
    if edits == 0 || word.chars().any(|c| c.is_ascii_digit()) {
        return Ok(Vec::new());
    }
    let term = Term::from_field_text(spell, word);
    if searcher.doc_freq(&term)? > 0 {
        return Ok(Vec::new());
    }
    let query = FuzzyTermQuery::new(term, edits, true);
    let mut found: Vec<Candidate> = Vec::new();
    for segment in searcher.segment_readers() {
        let inverted = segment.inverted_index(spell)?;
        let mut stream = inverted.terms().search(query.automaton()?).into_stream()?;
        while stream.advance() {
            let text = String::from_utf8_lossy(stream.key()).into_owned();
            let doc_freq = u64::from(stream.value().doc_freq);
            match found.iter_mut().find(|c| c.word == text) {
                Some(existing) => existing.doc_freq += doc_freq,
                None => found.push(Candidate {
                    word: text,
                    doc_freq,
                }),
            }
        }
    }
    found.sort_by(|a, b| {
        b.doc_freq
            .cmp(&a.doc_freq)
            .then_with(|| a.word.cmp(&b.word))
    });
    found.truncate(MAX_CANDIDATES);
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_budget_grows_with_length() {
        assert_eq!(allowed_edits("acne"), 0);
        assert_eq!(allowed_edits("eczma"), 1);
        assert_eq!(allowed_edits("probiotcs"), 2);
        assert_eq!(allowed_edits("psorisis"), 1);
    }
}
