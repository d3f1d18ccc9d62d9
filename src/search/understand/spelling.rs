//! Typo tolerance. A query word that is not in the corpus vocabulary (every title,
//! heading and body word, unstemmed) is compared with the vocabulary by edit
//! distance (insertions, deletions, substitutions and transpositions): one edit for
//! words of 5+ characters, two for 9+. Shorter words are never corrected, nor are
//! everyday English words the corpus happens not to use ("hates" is not a
//! misspelling of "rates"; the vocabulary says which words are English), and there
//! is no prefix matching, so nonsense such as "sdafadsf" finds nothing rather than
//! everything starting "sd". The most frequent close words become lower-weighted
//! alternatives in the query, marks in the snippets, and the "did you mean".
//!
//! The vocabulary is behind the [`Vocabulary`] trait: the index implements it with
//! its term dictionary, tests with a map, and another target could with its own.

use crate::search::limits::CORRECTIONS_PER_WORD;
/// Words shorter than this (in characters) are not corrected.
const MIN_CHARS_ONE_EDIT: usize = 5;
/// Words at least this long may be two edits away.
const MIN_CHARS_TWO_EDITS: usize = 9;

/// The words a corpus uses (lower-cased, folded, unstemmed), with the number of
/// sections each occurs in. Lookups that fail (an unreadable index) answer as if
/// the word were unknown: a correction is a convenience, never a reason to fail.
pub trait Vocabulary {
    /// Sections that hold `word`; 0 if the vocabulary does not have it.
    fn doc_freq(&self, word: &str) -> u64;
    /// Words within `edits` edits of `word` (a transposition counts as one), each
    /// once, with their section counts.
    fn near(&self, word: &str, edits: u8) -> Vec<(String, u64)>;
    /// Whether any section holds the stemmed word `stem` in a searched field (a
    /// vocabulary that cannot tell says yes).
    fn has_stem(&self, _stem: &str) -> bool {
        true
    }
    /// Whether some section has the stemmed words `stems` in this order, at most
    /// `slop` extra positions apart, in its title, heading or body (a vocabulary
    /// that cannot tell says no).
    fn together(&self, _stems: &[String], _slop: u32) -> bool {
        false
    }
    /// Whether `word` (lower-cased, unstemmed) is a real word of the language even
    /// though the corpus lacks it, so it is not a typo (a vocabulary that cannot
    /// tell says no).
    fn is_word(&self, _word: &str) -> bool {
        false
    }
}

/// A word of the vocabulary close to what was typed, with its document frequency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// The vocabulary word.
    pub word: String,
    /// Sections that hold it.
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

/// Whether `word` is a candidate for correction: long enough, without digits, not
/// in the vocabulary, and not a real word the corpus merely lacks. (Only such words
/// cost a walk of the vocabulary.)
pub fn needs_correction(vocabulary: &dyn Vocabulary, word: &str) -> bool {
    unknown(vocabulary, word) && !vocabulary.is_word(word)
}

/// Whether `word` is long enough to correct, has no digits and is not in the
/// vocabulary (it may still be a real word: [`Vocabulary::is_word`]).
pub fn unknown(vocabulary: &dyn Vocabulary, word: &str) -> bool {
    allowed_edits(word) > 0
        && !word.chars().any(|c| c.is_ascii_digit())
        && vocabulary.doc_freq(word) == 0
}

/// Close vocabulary words for `word` (lower-cased, unstemmed), most frequent first.
/// Empty when the word is known, too short, has digits, or has no close neighbour.
pub fn candidates(vocabulary: &dyn Vocabulary, word: &str) -> Vec<Candidate> {
    if !needs_correction(vocabulary, word) {
        return Vec::new();
    }
    close_words(vocabulary, word)
}

/// The vocabulary words within the allowed edits of `word`, most frequent first
/// (at most [`CORRECTIONS_PER_WORD`]), whether or not `word` needs correcting.
pub fn close_words(vocabulary: &dyn Vocabulary, word: &str) -> Vec<Candidate> {
    let edits = allowed_edits(word);
    let mut found: Vec<Candidate> = vocabulary
        .near(word, edits)
        .into_iter()
        .map(|(word, doc_freq)| Candidate { word, doc_freq })
        .collect();
    found.sort_by(|a, b| {
        b.doc_freq
            .cmp(&a.doc_freq)
            .then_with(|| a.word.cmp(&b.word))
    });
    found.truncate(CORRECTIONS_PER_WORD);
    found
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// A vocabulary in memory, for planner tests: words with their counts, and the
    /// stemmed word sequences found together.
    pub(crate) struct MapVocabulary(pub BTreeMap<String, u64>, pub Vec<Vec<String>>);

    /// Real words the in-memory vocabularies know, though no section has them.
    const REAL_WORDS: &[&str] = &["hates", "walked", "sacks"];

    impl MapVocabulary {
        pub(crate) fn of(words: &[(&str, u64)]) -> MapVocabulary {
            MapVocabulary(
                words.iter().map(|(w, n)| (w.to_string(), *n)).collect(),
                Vec::new(),
            )
        }

        /// With `phrases` (texts, stemmed here) found together in some section.
        pub(crate) fn with_phrases(mut self, phrases: &[&str]) -> MapVocabulary {
            let mut analyzer = crate::text::Analyzer::new();
            self.1 = phrases
                .iter()
                .map(|p| analyzer.stems(p).into_iter().map(|(_, s)| s).collect())
                .collect();
            self
        }
    }

    impl Vocabulary for MapVocabulary {
        fn doc_freq(&self, word: &str) -> u64 {
            self.0.get(word).copied().unwrap_or(0)
        }

        fn near(&self, word: &str, edits: u8) -> Vec<(String, u64)> {
            self.0
                .iter()
                .filter(|(w, _)| edit_distance(w, word) <= usize::from(edits))
                .map(|(w, n)| (w.clone(), *n))
                .collect()
        }

        fn together(&self, stems: &[String], _slop: u32) -> bool {
            self.1.iter().any(|phrase| phrase.as_slice() == stems)
        }

        fn is_word(&self, word: &str) -> bool {
            REAL_WORDS.contains(&word)
        }

        fn has_stem(&self, stem: &str) -> bool {
            let mut analyzer = crate::text::Analyzer::new();
            self.0
                .keys()
                .any(|w| analyzer.stems(w).iter().any(|(_, s)| s == stem))
        }
    }

    /// Edit distance with adjacent transpositions (optimal string alignment).
    fn edit_distance(a: &str, b: &str) -> usize {
        let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
        let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
        for (i, row) in d.iter_mut().enumerate() {
            row[0] = i;
        }
        for (j, cell) in d[0].iter_mut().enumerate() {
            *cell = j;
        }
        for i in 1..=a.len() {
            for j in 1..=b.len() {
                let cost = usize::from(a[i - 1] != b[j - 1]);
                d[i][j] = (d[i - 1][j] + 1)
                    .min(d[i][j - 1] + 1)
                    .min(d[i - 1][j - 1] + cost);
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
                }
            }
        }
        d[a.len()][b.len()]
    }

    #[test]
    fn edit_budget_grows_with_length() {
        assert_eq!(allowed_edits("acne"), 0);
        assert_eq!(allowed_edits("eczma"), 1);
        assert_eq!(allowed_edits("probiotcs"), 2);
        assert_eq!(allowed_edits("psorisis"), 1);
    }

    #[test]
    fn known_short_and_numeric_words_are_not_corrected() {
        let vocabulary = MapVocabulary::of(&[("eczema", 9), ("covid", 3), ("acne", 4)]);
        assert!(candidates(&vocabulary, "eczema").is_empty());
        assert!(candidates(&vocabulary, "acme").is_empty());
        assert!(candidates(&vocabulary, "covid19").is_empty());
        assert_eq!(
            candidates(&vocabulary, "exzema"),
            [Candidate {
                word: "eczema".into(),
                doc_freq: 9
            }]
        );
    }

    #[test]
    fn a_real_word_the_corpus_lacks_is_not_a_typo() {
        let vocabulary = MapVocabulary::of(&[("rates", 12), ("walker", 2), ("eczema", 9)]);
        assert!(candidates(&vocabulary, "hates").is_empty());
        assert!(candidates(&vocabulary, "walked").is_empty());
        assert_eq!(candidates(&vocabulary, "eczemo")[0].word, "eczema");
    }

    #[test]
    fn candidates_are_the_most_frequent_close_words() {
        let vocabulary = MapVocabulary::of(&[
            ("probiotics", 40),
            ("probiotic", 25),
            ("prebiotics", 5),
            ("antibiotics", 30),
            ("biotic", 1),
        ]);
        let words: Vec<String> = candidates(&vocabulary, "probiotcs")
            .into_iter()
            .map(|c| c.word)
            .collect();
        assert_eq!(words, ["probiotics", "probiotic", "prebiotics"]);
    }
}
