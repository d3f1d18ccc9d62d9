//! Plural folding for lookup keys: "attacks" and "attack" are one key, but unlike a
//! stemmer it leaves words alone that only look related ("testes" is not "test").

/// A lower-cased word without a plural ending: "attacks" → "attack",
/// "allergies" → "allergy", "rashes" → "rash"; "testes" stays "testes" ≠ "test".
pub fn key_word(word: &str) -> String {
    key_word_owned(word.to_string())
}

/// [`key_word`] of a word already owned, trimmed in place (no new allocation).
pub fn key_word_owned(mut word: String) -> String {
    fold_tail(&mut word, 0);
    word
}

/// Removes the plural ending of the word that makes up `text[start..]`, in place:
/// [`key_word`] for a word at the end of a longer string.
pub fn fold_tail(text: &mut String, start: usize) {
    let word = &text[start..];
    let n = word.len();
    if n > 4 && word.ends_with("ies") {
        text.truncate(text.len() - 3);
        text.push('y');
        return;
    }
    if n > 4
        && ["ches", "shes", "sses", "xes", "zes"]
            .iter()
            .any(|end| word.ends_with(end))
    {
        text.truncate(text.len() - 2);
        return;
    }
    if n > 3
        && word.ends_with('s')
        && !word.ends_with("ss")
        && !word.ends_with("us")
        && !word.ends_with("is")
    {
        text.truncate(text.len() - 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plural_endings_are_removed_but_lookalikes_stay() {
        let cases = [
            ("attacks", "attack"),
            ("allergies", "allergy"),
            ("rashes", "rash"),
            ("testes", "teste"),
            ("stress", "stress"),
            ("virus", "virus"),
            ("psoriasis", "psoriasis"),
            ("gas", "gas"),
        ];
        for (word, key) in cases {
            assert_eq!(key_word(word), key, "{word}");
        }
    }
}
