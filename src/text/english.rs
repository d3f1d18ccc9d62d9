//! Everyday English words, so that typo correction leaves a reader's real words
//! alone: "hates", "walked" or "fellow" are not in a health corpus, but they are
//! not misspellings of "rates", "walker" or "follow". The list is SCOWL's common
//! words (size 35, American and British spellings, as Debian's `wamerican-small`
//! and `wbritish-small` ship them), cut to the words typo correction would look at:
//! five or more lower-case ASCII letters. `english-words.COPYRIGHT` says where it
//! comes from and how to regenerate it.

use std::sync::OnceLock;

/// The shortest word the list holds, in letters.
pub const EVERYDAY_WORD_MIN_CHARS: usize = 5;

/// One word a line, sorted (byte order) and without repeats, as the test below
/// checks: so it is searched as it is, not sorted at every start.
const LIST: &str = include_str!("english-words.txt");

/// The words, in the file's order, split once on first use.
fn words() -> &'static [&'static str] {
    static WORDS: OnceLock<Vec<&'static str>> = OnceLock::new();
    WORDS.get_or_init(|| LIST.lines().filter(|w| !w.is_empty()).collect())
}

/// Whether `word` (lower-case, as typed) is an everyday English word of the list.
pub fn is_english_word(word: &str) -> bool {
    words().binary_search(&word).is_ok()
}

/// Every word of the list, sorted (for the static bundle, which ships those its
/// corpus lacks).
pub fn english_words() -> impl Iterator<Item = &'static str> {
    words().iter().copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn everyday_words_are_words_and_misspellings_are_not() {
        for word in ["hates", "walked", "fellow", "color", "colour", "wondering"] {
            assert!(is_english_word(word), "{word}");
        }
        for word in [
            "psorasis",
            "rosacia",
            "exzema",
            "probiotcs",
            "diabetis",
            "hate",
        ] {
            assert!(!is_english_word(word), "{word}");
        }
    }

    #[test]
    fn the_list_is_sorted_lower_case_words_of_five_letters_or_more() {
        let all: Vec<&str> = english_words().collect();
        assert!(all.len() > 30_000, "{}", all.len());
        assert!(all.windows(2).all(|w| w[0] < w[1]));
        assert!(
            all.iter()
                .all(|w| w.len() >= 5 && w.bytes().all(|b| b.is_ascii_lowercase()))
        );
    }
}
