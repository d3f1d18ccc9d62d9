//! Plural folding for lookup keys: "attacks" and "attack" are one key, but unlike a
//! stemmer it leaves words alone that only look related ("testes" is not "test").

/// A lower-cased word without a plural ending: "attacks" → "attack",
/// "allergies" → "allergy", "rashes" → "rash"; "testes" stays "testes" ≠ "test".
pub fn key_word(word: &str) -> String {
    key_word_owned(word.to_string())
}

/// [`key_word`] of a word already owned, trimmed in place (no new allocation).
pub fn key_word_owned(mut word: String) -> String {
    let n = word.len();
    if n > 4 && word.ends_with("ies") {
        word.truncate(n - 3);
        word.push('y');
        return word;
    }
    if n > 4
        && ["ches", "shes", "sses", "xes", "zes"]
            .iter()
            .any(|end| word.ends_with(end))
    {
        word.truncate(n - 2);
        return word;
    }
    if n > 3
        && word.ends_with('s')
        && !word.ends_with("ss")
        && !word.ends_with("us")
        && !word.ends_with("is")
    {
        word.truncate(n - 1);
    }
    word
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
