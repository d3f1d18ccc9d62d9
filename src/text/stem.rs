//! English stemming with a per-analyzer cache, and the stemmer's identity. Stemming was a quarter of all
//! indexing instructions, and word frequencies follow Zipf's law: a few thousand
//! words make up most of any text, so each distinct word is stemmed once and its
//! stem looked up afterwards. Output is identical to tantivy's `Stemmer` filter
//! (the same `frostem` algorithm).

use rustc_hash::FxHashMap;
use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

/// The stemmer and its version, recorded in every commit: words are stored as
/// stems, so an index whose stemmer differs from this one is rebuilt.
pub const STEMMER: &str = "frostem 1.20260821.8 english";

/// Distinct words remembered before the cache is emptied (bounds memory on
/// corpora with huge vocabularies).
const MAX_CACHED_WORDS: usize = 200_000;

/// A token filter that replaces each (lower-cased) word by its English stem.
#[derive(Clone, Default)]
pub struct CachedStemmer;

impl TokenFilter for CachedStemmer {
    type Tokenizer<T: Tokenizer> = CachedStemmerFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> CachedStemmerFilter<T> {
        CachedStemmerFilter {
            inner: tokenizer,
            cache: FxHashMap::default(),
        }
    }
}

#[derive(Clone)]
pub struct CachedStemmerFilter<T> {
    inner: T,
    cache: FxHashMap<String, String>,
}

impl<T: Tokenizer> Tokenizer for CachedStemmerFilter<T> {
    type TokenStream<'a> = CachedStemmerStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        if self.cache.len() > MAX_CACHED_WORDS {
            self.cache.clear();
        }
        CachedStemmerStream {
            tail: self.inner.token_stream(text),
            cache: &mut self.cache,
            stemmer: frostem::Stemmer::new(frostem::Algorithm::English),
        }
    }
}

pub struct CachedStemmerStream<'a, T> {
    tail: T,
    cache: &'a mut FxHashMap<String, String>,
    stemmer: frostem::Stemmer,
}

impl<T: TokenStream> TokenStream for CachedStemmerStream<'_, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        match self.cache.get(&token.text) {
            Some(stem) => {
                token.text.clear();
                token.text.push_str(stem);
            }
            None => {
                let stem = self.stemmer.stem(&token.text).into_owned();
                self.cache
                    .insert(std::mem::replace(&mut token.text, stem.clone()), stem);
            }
        }
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use tantivy::tokenizer::{LowerCaser, SimpleTokenizer, TextAnalyzer};

    use super::*;

    #[test]
    fn cached_stems_are_the_algorithms_stems() {
        let text = "Probiotics probiotic running runs ran generously happily dying skis news news Probiotics";
        let mut ours = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(LowerCaser)
            .filter(CachedStemmer)
            .build();
        let stemmer = frostem::Stemmer::new(frostem::Algorithm::English);
        let expected: Vec<String> = text
            .split(' ')
            .map(|w| stemmer.stem(&w.to_lowercase()).into_owned())
            .collect();
        let collect = |analyzer: &mut TextAnalyzer| {
            let mut stream = analyzer.token_stream(text);
            let mut out = Vec::new();
            while stream.advance() {
                out.push(stream.token().text.clone());
            }
            out
        };
        assert_eq!(collect(&mut ours), expected);
        assert_eq!(collect(&mut ours), expected, "and again, from the cache");
    }
}
