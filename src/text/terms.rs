//! The index's tokenizer: one pass from a text to the terms its fields store. It
//! does in a single loop what the chain of tantivy filters it replaced did in five
//! nested streams — split at every character that is not a letter or digit, drop
//! tokens of [`MAX_TOKEN_BYTES`] or more, lower-case, fold to ASCII and, for prose,
//! drop stop words and stem — and its output is the chain's, token for token
//! (position, offsets, text; the tests compare them). ASCII words, nearly all of
//! English prose, are split and lower-cased byte by byte; a word with any other
//! character goes through tantivy's own lower-caser and folder, so Unicode is
//! handled exactly as before. A stop word and a stem are one lookup in one cache.

use rustc_hash::FxHashMap;
use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, SimpleTokenizer, TextAnalyzer, Token, TokenStream, Tokenizer,
};

use super::{MAX_TOKEN_BYTES, STOP_WORDS};

/// Distinct words remembered before the stem cache is emptied (bounds memory on
/// corpora with huge vocabularies).
const MAX_CACHED_WORDS: usize = 200_000;

/// Splits, lower-cases and folds; [`Terms::english`] also drops stop words and stems.
#[derive(Clone)]
pub struct Terms {
    token: Token,
    /// tantivy's lower-caser and folder, for a word that is not all ASCII.
    unicode: TextAnalyzer,
    /// For prose: each word seen, with its stem (`None` for a stop word).
    stems: Option<StemCache>,
}

impl Terms {
    /// Words lower-cased and folded, not stemmed (names and vocabularies).
    pub fn names() -> Terms {
        Terms {
            token: Token::default(),
            unicode: TextAnalyzer::builder(SimpleTokenizer::default())
                .filter(LowerCaser)
                .filter(AsciiFoldingFilter)
                .build(),
            stems: None,
        }
    }

    /// Words lower-cased and folded, stop words dropped, the rest stemmed (prose).
    pub fn english() -> Terms {
        Terms {
            stems: Some(StemCache::new()),
            ..Terms::names()
        }
    }
}

impl Tokenizer for Terms {
    type TokenStream<'a> = TermStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> TermStream<'a> {
        self.token.reset();
        if let Some(stems) = &mut self.stems {
            stems.bound();
        }
        TermStream {
            text,
            next: 0,
            token: &mut self.token,
            unicode: &mut self.unicode,
            stems: self.stems.as_mut(),
        }
    }
}

/// The terms of one text.
pub struct TermStream<'a> {
    text: &'a str,
    /// Byte offset where the search for the next word starts.
    next: usize,
    token: &'a mut Token,
    unicode: &'a mut TextAnalyzer,
    stems: Option<&'a mut StemCache>,
}

impl TermStream<'_> {
    /// The byte range of the next run of letters and digits, if any, and whether it
    /// is all ASCII.
    fn next_word(&mut self) -> Option<(usize, usize, bool)> {
        let (text, bytes) = (self.text, self.text.as_bytes());
        let mut at = self.next;
        let start = loop {
            let &byte = bytes.get(at)?;
            match BYTE_CLASS[usize::from(byte)] {
                SEPARATOR => at += 1,
                ASCII_WORD => break at,
                _ => match unicode_char(text, at)? {
                    (true, _) => break at,
                    (false, len) => at += len,
                },
            }
        };
        let (mut end, mut ascii) = (start, true);
        while let Some(&byte) = bytes.get(end) {
            match BYTE_CLASS[usize::from(byte)] {
                ASCII_WORD => end += 1,
                SEPARATOR => break,
                _ => match unicode_char(text, end) {
                    Some((true, len)) => {
                        ascii = false;
                        end += len;
                    }
                    _ => break,
                },
            }
        }
        self.next = end;
        Some((start, end, ascii))
    }

    /// The word lower-cased and folded into the token's text.
    fn fold(&mut self, word: &str, ascii: bool) {
        let text = &mut self.token.text;
        text.clear();
        if ascii {
            text.push_str(word);
            text.make_ascii_lowercase();
            return;
        }
        // The word is letters and digits only, so tantivy's tokenizer sees one token.
        let mut stream = self.unicode.token_stream(word);
        if stream.advance() {
            text.push_str(&stream.token().text);
        }
    }
}

/// [`BYTE_CLASS`] of a byte that is neither a letter nor a digit.
const SEPARATOR: u8 = 0;
/// [`BYTE_CLASS`] of an ASCII letter or digit.
const ASCII_WORD: u8 = 1;
/// [`BYTE_CLASS`] of a byte of a character beyond ASCII (decoded to be tested).
const UNICODE: u8 = 2;

/// What each byte is to the word splitter: one table lookup a byte for ASCII.
const BYTE_CLASS: [u8; 256] = {
    let mut table = [SEPARATOR; 256];
    let mut byte = 0;
    while byte < 256 {
        table[byte] = match byte as u8 {
            b if b >= 0x80 => UNICODE,
            b if b.is_ascii_alphanumeric() => ASCII_WORD,
            _ => SEPARATOR,
        };
        byte += 1;
    }
    table
};

/// Whether the character starting at byte `at` is a letter or digit, and its length
/// in bytes.
fn unicode_char(text: &str, at: usize) -> Option<(bool, usize)> {
    let c = text.get(at..)?.chars().next()?;
    Some((c.is_alphanumeric(), c.len_utf8()))
}

impl TokenStream for TermStream<'_> {
    fn advance(&mut self) -> bool {
        while let Some((start, end, ascii)) = self.next_word() {
            // Every word takes a position, kept or not, as in the index until now.
            self.token.position = self.token.position.wrapping_add(1);
            if end - start >= MAX_TOKEN_BYTES {
                continue;
            }
            self.token.offset_from = start;
            self.token.offset_to = end;
            let text = self.text;
            self.fold(&text[start..end], ascii);
            let kept = match self.stems.as_deref_mut() {
                Some(stems) => stems.stem(&mut self.token.text),
                None => true,
            };
            if kept {
                return true;
            }
        }
        self.token.text.clear();
        false
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

/// Each distinct word stemmed once: word frequencies follow Zipf's law, so a few
/// thousand words make up most of any text. Stop words are in it as `None`.
#[derive(Clone)]
struct StemCache {
    stems: FxHashMap<String, Option<String>>,
    stemmer: frostem::Stemmer,
}

impl StemCache {
    fn new() -> StemCache {
        let mut cache = StemCache {
            stems: FxHashMap::default(),
            stemmer: frostem::Stemmer::new(frostem::Algorithm::English),
        };
        cache.add_stop_words();
        cache
    }

    fn add_stop_words(&mut self) {
        for word in STOP_WORDS {
            self.stems.insert(word.to_string(), None);
        }
    }

    /// Empties the cache once it holds more than [`MAX_CACHED_WORDS`].
    fn bound(&mut self) {
        if self.stems.len() > MAX_CACHED_WORDS {
            self.stems.clear();
            self.add_stop_words();
        }
    }

    /// Replaces `word` by its stem; `false` for a stop word (left as it is).
    fn stem(&mut self, word: &mut String) -> bool {
        match self.stems.get(word.as_str()) {
            Some(Some(stem)) => {
                word.clear();
                word.push_str(stem);
                true
            }
            Some(None) => false,
            None => {
                let stem = self.stemmer.stem(word).into_owned();
                let seen = std::mem::replace(word, stem.clone());
                self.stems.insert(seen, Some(stem));
                true
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use tantivy::tokenizer::{RemoveLongFilter, StopWordFilter};

    use super::*;

    /// The chain of tantivy filters the index used before this tokenizer, with the
    /// stemming done afterwards by the same algorithm.
    fn chain(stop_words: bool) -> TextAnalyzer {
        let builder = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
            .filter(LowerCaser)
            .filter(AsciiFoldingFilter);
        match stop_words {
            true => builder
                .filter(StopWordFilter::remove(
                    STOP_WORDS.iter().map(|w| w.to_string()),
                ))
                .build(),
            false => builder.build(),
        }
    }

    type Seen = Vec<(usize, usize, usize, String)>;

    fn run(analyzer: &mut TextAnalyzer, text: &str) -> Seen {
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            let t = stream.token();
            out.push((t.position, t.offset_from, t.offset_to, t.text.clone()));
        }
        out
    }

    fn stemmed(mut seen: Seen) -> Seen {
        let stemmer = frostem::Stemmer::new(frostem::Algorithm::English);
        for token in &mut seen {
            token.3 = stemmer.stem(&token.3).into_owned();
        }
        seen
    }

    fn assert_same_as_chain(texts: &[String]) {
        let (mut names, mut english) = (
            TextAnalyzer::from(Terms::names()),
            TextAnalyzer::from(Terms::english()),
        );
        let (mut plain_chain, mut english_chain) = (chain(false), chain(true));
        for text in texts {
            assert_eq!(
                run(&mut names, text),
                run(&mut plain_chain, text),
                "{text:?}"
            );
            assert_eq!(
                run(&mut english, text),
                stemmed(run(&mut english_chain, text)),
                "{text:?}"
            );
        }
    }

    #[test]
    fn hand_picked_texts_give_the_chains_tokens() {
        let long = "a".repeat(MAX_TOKEN_BYTES);
        let texts = [
            "",
            "   ...  ",
            "Probiotics and the Gut-Skin axis: what is known?",
            "I'd rather not; it can't be. No, not the IBS-D kind.",
            "Crème brûlée, naïve café, Ångström, Straße, İstanbul, ΣΊΣΥΦΟΣ, Ǆemal",
            "Vitamin D₃ 1,000 IU · 25(OH)D ≥ 30 ng/mL — 2×/day ½ tab",
            "日本語のテキスト and 中文 mixed with English words",
            "emoji 🙂 between 👍🏽words and ZWJ👨‍👩‍👧 family",
            "curly ’quotes’ and “double” quotes, it’s fine",
            &format!("{long} {long}b {}", &long[1..]),
            &format!("ééééééééééééééééééé{}", "e".repeat(3)),
            "The the THE a an And of OF running RUNS ran",
        ];
        let texts: Vec<String> = texts.iter().map(|t| t.to_string()).collect();
        assert_same_as_chain(&texts);
    }

    #[test]
    fn generated_texts_give_the_chains_tokens() {
        let alphabet: Vec<char> = "aAzZ09 .,-'’\n\téÉßİıΣσς日🙂\u{301}\u{200d}ǅﬁ①²٣ⅷ"
            .chars()
            .collect();
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let texts: Vec<String> = (0..3000)
            .map(|_| {
                let len = (next() % 80) as usize;
                (0..len)
                    .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                    .collect()
            })
            .collect();
        assert_same_as_chain(&texts);
    }

    #[test]
    fn the_bundled_articles_give_the_chains_tokens() {
        let mut folders = vec![std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")];
        let mut texts = Vec::new();
        while let Some(dir) = folders.pop() {
            for entry in std::fs::read_dir(&dir).expect("corpus/ is in the repository") {
                let path = entry.expect("a readable corpus entry").path();
                if path.is_dir() {
                    folders.push(path);
                } else if path.extension().is_some_and(|e| e == "md") {
                    texts.push(std::fs::read_to_string(&path).expect("a UTF-8 article"));
                }
            }
        }
        assert!(texts.len() >= 30, "{} articles", texts.len());
        assert_same_as_chain(&texts);
    }

    #[test]
    fn the_stem_cache_is_refilled_with_stop_words_when_emptied() {
        let mut cache = StemCache::new();
        for n in 0..=MAX_CACHED_WORDS {
            cache.stems.insert(format!("w{n}"), None);
        }
        cache.bound();
        let mut word = "the".to_string();
        assert!(!cache.stem(&mut word), "still a stop word");
        let mut word = "running".to_string();
        assert!(cache.stem(&mut word));
        assert_eq!(word, "run");
    }
}
