//! The index's vocabulary: the `spell` field's term dictionary (every title,
//! heading and body word, unstemmed) as the planner's [`Vocabulary`], and the
//! stemmed fields for telling which of the reader's words no section has; everyday
//! English words come from [`crate::text::is_english_word`].

use tantivy::collector::Count;
use tantivy::query::{FuzzyTermQuery, PhraseQuery};
use tantivy::schema::Field;
use tantivy::{Searcher, Term};

use super::understand::Vocabulary;

/// The words of one searcher's segments.
pub struct IndexVocabulary<'a> {
    pub searcher: &'a Searcher,
    pub field: Field,
    /// The stemmed fields that show an article mentions a word (not its references).
    pub stemmed: Vec<Field>,
}

impl Vocabulary for IndexVocabulary<'_> {
    fn doc_freq(&self, word: &str) -> u64 {
        self.searcher
            .doc_freq(&Term::from_field_text(self.field, word))
            .unwrap_or(0)
    }

    fn near(&self, word: &str, edits: u8) -> Vec<(String, u64)> {
        self.walk(word, edits).unwrap_or_default()
    }

    fn together(&self, stems: &[String], slop: u32) -> bool {
        if stems.len() < 2 {
            return false;
        }
        self.stemmed.iter().any(|&field| {
            let terms = stems
                .iter()
                .enumerate()
                .map(|(at, stem)| (at, Term::from_field_text(field, stem)))
                .collect();
            let phrase = PhraseQuery::new_with_offset_and_slop(terms, slop);
            self.searcher
                .search(&phrase, &Count)
                .is_ok_and(|found| found > 0)
        })
    }

    fn is_word(&self, word: &str) -> bool {
        crate::text::is_english_word(word)
    }

    fn has_stem(&self, stem: &str) -> bool {
        self.stemmed.iter().any(|&field| {
            self.searcher
                .doc_freq(&Term::from_field_text(field, stem))
                .map_or(true, |n| n > 0)
        })
    }
}

impl IndexVocabulary<'_> {
    /// Every term within `edits` of `word` in every segment, counts summed.
    fn walk(&self, word: &str, edits: u8) -> tantivy::Result<Vec<(String, u64)>> {
        let query = FuzzyTermQuery::new(Term::from_field_text(self.field, word), edits, true);
        let mut found: Vec<(String, u64)> = Vec::new();
        for segment in self.searcher.segment_readers() {
            let inverted = segment.inverted_index(self.field)?;
            let mut stream = inverted.terms().search(query.automaton()?).into_stream()?;
            while stream.advance() {
                let text = String::from_utf8_lossy(stream.key()).into_owned();
                let doc_freq = u64::from(stream.value().doc_freq);
                match found.iter_mut().find(|(w, _)| *w == text) {
                    Some(existing) => existing.1 += doc_freq,
                    None => found.push((text, doc_freq)),
                }
            }
        }
        Ok(found)
    }
}
