//! Plural folding for lookup keys: "attacks" and "attack" are one key, but unlike a
//! stemmer it leaves words alone that only look related ("testes" is not "test").

/// A lower-cased word without a plural ending: "attacks" → "attack",
/// "allergies" → "allergy", "rashes" → "rash"; "testes" stays "testes" ≠ "test".
pub fn key_word(word: &str) -> String {
    let n = word.len();
    if n > 4 && word.ends_with("ies") {
        return format!("{}y", &word[..n - 3]);
    }
    if n > 4
        && ["ches", "shes", "sses", "xes", "zes"]
            .iter()
            .any(|end| word.ends_with(end))
    {
        return word[..n - 2].to_string();
    }
    if n > 3
        && word.ends_with('s')
        && !word.ends_with("ss")
        && !word.ends_with("us")
        && !word.ends_with("is")
    {
        return word[..n - 1].to_string();
    }
    word.to_string()
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
