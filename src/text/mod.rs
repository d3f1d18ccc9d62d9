//! Text analysis, shared by the index and the search: how a text becomes the words
//! the index stores (stems) and the words a reader's query is matched with. It owns
//! the analyzers (built once and reused, so the stem cache helps every query), the
//! stop words, the question filler a query drops, the plural keys synonyms are
//! looked up by, the everyday English words typo correction leaves alone, and the
//! stemmer's identity recorded in every commit.
//!
//! Everything above this module sees plain words ([`Word`], `(position, text)`
//! pairs); only the analyzers themselves are tantivy tokenizers (one pass each,
//! `terms.rs`), because the index runs them while it writes.

mod english;
mod plural;
mod portable;
mod stem;
mod terms;
mod words;

use tantivy::tokenizer::TextAnalyzer;

pub use english::{EVERYDAY_WORD_MIN_CHARS, english_words, is_english_word};
pub use plural::key_word;
pub use portable::PortableText;
pub use stem::STEMMER;
pub use words::{CLITIC_ONLY, FILLER, STOP_WORDS, is_filler, is_filler_word};

use terms::Terms;

/// Words in the longest name the search looks for in a query ([`Analyzer::name_key`]).
pub const MAX_NAME_WORDS: usize = 6;
/// Tokens of this many bytes or more are dropped: they are never words.
pub const MAX_TOKEN_BYTES: usize = 40;

/// The analyzer of prose fields: lower-casing, ASCII folding, English stop words
/// (Lucene's list without "no" and "not", which change a health statement's
/// meaning) and Porter2 stemming with a cache.
pub fn english_analyzer() -> TextAnalyzer {
    TextAnalyzer::from(Terms::english())
}

/// The analyzer of names and vocabularies: lower-cased and folded, not stemmed.
pub fn names_analyzer() -> TextAnalyzer {
    TextAnalyzer::from(Terms::names())
}

/// A word of a query: as typed (lower-cased, folded) and as indexed (stemmed),
/// with its position (stop words leave gaps, as in the index).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// Position in the text (stop words leave gaps).
    pub position: usize,
    /// The word lower-cased and folded, unstemmed.
    pub surface: String,
    /// The word as the prose fields store it.
    pub stem: String,
    /// Whether it directly follows an apostrophe (the "d" of "I'd").
    pub clitic: bool,
}

impl Word {
    /// Whether the word is question filler ([`is_filler_word`]).
    pub fn is_filler(&self) -> bool {
        is_filler_word(&self.surface, self.clitic)
    }
}

/// Both analyzers, built once. Not `Sync` (analysis mutates the stem cache): an
/// engine keeps a few and lends one to each search.
#[derive(Clone)]
pub struct Analyzer {
    english: TextAnalyzer,
    names: TextAnalyzer,
}

impl Default for Analyzer {
    fn default() -> Self {
        Analyzer::new()
    }
}

impl Analyzer {
    /// Both analyzers, with an empty stem cache.
    pub fn new() -> Analyzer {
        Analyzer {
            english: english_analyzer(),
            names: names_analyzer(),
        }
    }

    /// The words of `text` as the prose fields store them, with their positions.
    pub fn stems(&mut self, text: &str) -> Vec<(usize, String)> {
        tokens(&mut self.english, text)
    }

    /// The words of `text` lower-cased and folded, with their positions.
    pub fn names(&mut self, text: &str) -> Vec<(usize, String)> {
        tokens(&mut self.names, text)
    }

    /// Calls `each` with the position and stem of every word of `text` the prose
    /// fields store, with no allocation per word.
    pub fn each_stem(&mut self, text: &str, each: impl FnMut(usize, &str)) {
        visit(&mut self.english, text, each);
    }

    /// Calls `each` with the position and lower-cased, folded form of every word
    /// of `text`, with no allocation per word.
    pub fn each_name(&mut self, text: &str, each: impl FnMut(usize, &str)) {
        visit(&mut self.names, text, each);
    }

    /// Each stemmed word paired with its unstemmed form (both analyzers split alike;
    /// stop words have no stem and are left out).
    pub fn words(&mut self, text: &str) -> Vec<Word> {
        let mut surfaces = Vec::new();
        let mut stream = self.names.token_stream(text);
        while stream.advance() {
            let token = stream.token();
            let clitic = text[..token.offset_from].ends_with(['\'', '\u{2019}']);
            surfaces.push((token.position, token.text.clone(), clitic));
        }
        drop(stream);
        self.stems(text)
            .into_iter()
            .filter_map(|(position, stem)| {
                let (_, surface, clitic) = surfaces.iter().find(|(p, _, _)| *p == position)?;
                Some(Word {
                    position,
                    surface: surface.clone(),
                    stem,
                    clitic: *clitic,
                })
            })
            .collect()
    }

    /// The key a name is found by in a query: its stems, question filler left out
    /// (as the query planner leaves it out), joined by single spaces; `None` for a
    /// name of no words or of more than [`MAX_NAME_WORDS`].
    pub fn name_key(&mut self, name: &str) -> Option<String> {
        let stems: Vec<String> = self
            .words(name)
            .into_iter()
            .filter(|w| !w.is_filler())
            .map(|w| w.stem)
            .collect();
        (!stems.is_empty() && stems.len() <= MAX_NAME_WORDS).then(|| stems.join(" "))
    }

    /// The lookup key of a text for synonyms: its words lower-cased and folded,
    /// stop words left out, plural endings removed.
    pub fn key_words(&mut self, text: &str) -> Vec<String> {
        match text.is_ascii() {
            true => ascii_key_words(text),
            false => self.analyzed_key_words(text),
        }
    }

    /// [`Analyzer::key_words`] joined by single spaces into `out` (cleared first):
    /// the one-string form of a key, for tables that hold thousands of them. Key
    /// words never contain a space, so the joined form is as distinct as the list.
    pub fn key_into(&mut self, text: &str, out: &mut String) {
        out.clear();
        if text.is_ascii() {
            ascii_key_into(text, out);
            return;
        }
        for word in self.analyzed_key_words(text) {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&word);
        }
    }

    /// [`Analyzer::key_words`] through the names analyzer, for any text.
    fn analyzed_key_words(&mut self, text: &str) -> Vec<String> {
        self.names(text)
            .into_iter()
            .filter(|(_, w)| !STOP_WORDS.contains(&w.as_str()))
            .map(|(_, w)| plural::key_word_owned(w))
            .collect()
    }

    /// The prose analyzer itself, for code that streams tokens (snippets).
    pub fn english(&mut self) -> &mut TextAnalyzer {
        &mut self.english
    }

    /// The names analyzer itself, for code that streams tokens (snippets).
    pub fn plain(&mut self) -> &mut TextAnalyzer {
        &mut self.names
    }
}

/// [`Analyzer::key_words`] for ASCII text without the token stream: for ASCII, the
/// names analyzer splits at every character that is not a letter or digit, drops
/// tokens of [`MAX_TOKEN_BYTES`] or more, lower-cases, and folds nothing. Building the
/// built-in synonym table (about 2,700 terms) is most of a CLI search's start-up,
/// and this path took it from 19.0 to 16.0 million instructions (callgrind; the
/// whole `search --no-refresh "leaky gut"` on MedQuAD from 33.0 to 30.0 million).
fn ascii_key_words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty() && word.len() < MAX_TOKEN_BYTES)
        .map(str::to_ascii_lowercase)
        .filter(|word| !STOP_WORDS.contains(&word.as_str()))
        .map(plural::key_word_owned)
        .collect()
}

/// [`ascii_key_words`] written joined into `out`, with no allocation per word: the
/// built-in synonym table keys about 2,700 terms at every CLI start.
fn ascii_key_into(text: &str, out: &mut String) {
    let words = text
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty() && word.len() < MAX_TOKEN_BYTES);
    for word in words {
        let separator = !out.is_empty();
        let start = out.len() + usize::from(separator);
        if separator {
            out.push(' ');
        }
        out.push_str(word);
        out[start..].make_ascii_lowercase();
        if STOP_WORDS.contains(&&out[start..]) {
            out.truncate(start - usize::from(separator));
        } else {
            plural::fold_tail(out, start);
        }
    }
}

fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<(usize, String)> {
    let mut tokens = Vec::new();
    visit(analyzer, text, |position, word| {
        tokens.push((position, word.to_string()))
    });
    tokens
}

fn visit(analyzer: &mut TextAnalyzer, text: &str, mut each: impl FnMut(usize, &str)) {
    let mut stream = analyzer.token_stream(text);
    while stream.advance() {
        let token = stream.token();
        each(token.position, &token.text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ascii_key_path_gives_the_analyzers_keys() {
        let mut analyzer = Analyzer::new();
        let builtin = include_str!("../search/understand/synonyms.txt");
        let terms = builtin
            .lines()
            .flat_map(|line| line.split(['|', '#']).flat_map(|t| t.split("=>")));
        let odd = [
            "Crohn's disease",
            "COVID-19 (SARS-CoV-2)",
            "  vitamin   B12 ",
            "x-rays, ct/mri scans",
            "a_b__c",
            "the of and",
            "supercalifragilisticexpialidociousnesses1",
            "supercalifragilisticexpialidociousness",
            "IBS-D / IBS-C",
            "the rashes of the allergies",
            "",
        ];
        let mut checked = 0;
        let mut joined = String::from("left over");
        for term in terms.chain(odd) {
            assert!(term.is_ascii(), "{term}");
            let words = analyzer.analyzed_key_words(term);
            assert_eq!(ascii_key_words(term), words, "{term:?}");
            analyzer.key_into(term, &mut joined);
            assert_eq!(joined, words.join(" "), "{term:?}");
            checked += 1;
        }
        analyzer.key_into("Cafés for Allergies", &mut joined);
        assert_eq!(joined, "cafe allergy");
        assert!(checked > 2_000, "{checked}");
    }

    #[test]
    fn english_analyzer_stems_folds_and_keeps_negation() {
        let words: Vec<_> = Analyzer::new()
            .stems("The Probiotics are NOT helping café-goers")
            .into_iter()
            .map(|(_, w)| w)
            .collect();
        assert_eq!(words, ["probiot", "not", "help", "cafe", "goer"]);
    }

    #[test]
    fn stop_words_leave_position_gaps_for_phrases() {
        let positions: Vec<_> = Analyzer::new()
            .stems("symptoms of acromegaly")
            .into_iter()
            .map(|(p, _)| p)
            .collect();
        assert_eq!(positions, [0, 2]);
    }

    #[test]
    fn surfaces_line_up_with_stems_across_stop_words() {
        let words = Analyzer::new().words("symptoms of Acromegaly");
        let pairs: Vec<(usize, &str, &str)> = words
            .iter()
            .map(|w| (w.position, w.surface.as_str(), w.stem.as_str()))
            .collect();
        assert_eq!(
            pairs,
            [(0, "symptoms", "symptom"), (2, "acromegaly", "acromegali")]
        );
    }

    #[test]
    fn a_letter_on_its_own_is_part_of_a_name_but_a_contraction_ending_is_not() {
        let mut analyzer = Analyzer::new();
        assert_eq!(analyzer.name_key("Vitamin D").as_deref(), Some("vitamin d"));
        assert_eq!(
            analyzer.name_key("T-cell lymphoma").as_deref(),
            Some("t cell lymphoma")
        );
        let words = analyzer.words("I'd say it won\u{2019}t");
        let clitics: Vec<(&str, bool, bool)> = words
            .iter()
            .map(|w| (w.surface.as_str(), w.clitic, w.is_filler()))
            .collect();
        assert_eq!(
            clitics,
            [
                ("i", false, true),
                ("d", true, true),
                ("say", false, false),
                ("won", false, false),
                ("t", true, true)
            ]
        );
    }

    #[test]
    fn key_words_drop_stop_words_and_plurals() {
        assert_eq!(
            Analyzer::new().key_words("Heart Attacks and the Allergies"),
            ["heart", "attack", "allergy"]
        );
    }
}
