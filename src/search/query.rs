//! From what a reader typed to a tantivy query. Nothing a person can type is a
//! syntax error: text in double quotes is a phrase (an unclosed quote runs to the
//! end), everything else is words, and characters that are not part of words are
//! ignored by the analyzer.
//!
//! Ranking: each word is scored by BM25 in the best of its fields (title >
//! heading > body > enclosing headings > references, see [`FieldWeights`]), sections with
//! more of the words score higher, and sections where neighbouring query words
//! appear close together (or the whole query as a phrase) get a proximity boost.

use tantivy::Term;
use tantivy::query::{
    BooleanQuery, BoostQuery, DisjunctionMaxQuery, Occur, PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;

use crate::index::schema::{Fields, analyze};

/// Longest query read, in characters; the rest is ignored.
pub const MAX_QUERY_CHARS: usize = 1_000;
/// Distinct words scored per query; later ones are ignored.
const MAX_TERMS: usize = 48;
/// Quoted phrases honoured per query.
const MAX_PHRASES: usize = 8;
/// Neighbouring word pairs given a proximity boost.
const MAX_PAIRS: usize = 24;
/// Extra word positions allowed between neighbouring query words.
const NEAR_SLOP: u32 = 3;
/// Tie breaker of the per-word field disjunction: a word found in several fields
/// scores its best field plus this share of the others.
const FIELD_TIE_BREAKER: f32 = 0.1;
/// Boost for a pair of query words found close together.
const PAIR_BOOST: f32 = 0.6;
/// Boost for the whole unquoted query found as a phrase.
const PHRASE_BOOST: f32 = 1.5;

/// Relative weights of the fields in ranking.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FieldWeights {
    pub title: f32,
    pub heading: f32,
    pub body: f32,
    pub parents: f32,
    pub references: f32,
}

impl Default for FieldWeights {
    fn default() -> Self {
        FieldWeights {
            title: 1.5,
            heading: 2.0,
            body: 1.0,
            parents: 0.5,
            references: 0.2,
        }
    }
}

/// The reader's text split into loose words and quoted phrases.
#[derive(Debug, Default, PartialEq)]
pub struct UserQuery<'a> {
    pub words: Vec<&'a str>,
    pub phrases: Vec<&'a str>,
}

/// Splits at double quotes (straight or curly); an unclosed quote runs to the end.
pub fn split_user_text(text: &str) -> UserQuery<'_> {
    let text = match text.char_indices().nth(MAX_QUERY_CHARS) {
        Some((cut, _)) => &text[..cut],
        None => text,
    };
    let mut query = UserQuery::default();
    for (i, part) in text.split(['"', '“', '”']).enumerate() {
        if part.trim().is_empty() {
            continue;
        }
        if i % 2 == 1 && query.phrases.len() < MAX_PHRASES {
            query.phrases.push(part);
        } else {
            query.words.push(part);
        }
    }
    query
}

/// A tantivy query and the analyzed words to mark in snippets.
pub struct Plan {
    pub query: Box<dyn Query>,
    pub terms: Vec<String>,
}

/// Builds the ranking query; `None` when the text holds no searchable word.
pub fn plan(
    fields: &Fields,
    weights: &FieldWeights,
    analyzer: &mut TextAnalyzer,
    text: &str,
) -> Option<Plan> {
    let user = split_user_text(text);
    let loose = analyze_parts(analyzer, &user.words);
    let phrases: Vec<_> = user
        .phrases
        .iter()
        .map(|p| analyze(analyzer, p))
        .filter(|p| !p.is_empty())
        .collect();
    let builder = Builder { fields, weights };
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    let mut terms: Vec<String> = Vec::new();
    for (_, word) in &loose {
        if !terms.contains(word) && terms.len() < MAX_TERMS {
            terms.push(word.clone());
            clauses.push((Occur::Should, builder.word(word)));
        }
    }
    clauses.extend(
        builder
            .proximity(&loose)
            .into_iter()
            .map(|q| (Occur::Should, q)),
    );
    for phrase in &phrases {
        for (_, word) in phrase {
            if !terms.contains(word) {
                terms.push(word.clone());
            }
        }
        clauses.push((Occur::Must, builder.phrase(phrase)));
    }
    if clauses.is_empty() {
        return None;
    }
    Some(Plan {
        query: Box::new(BooleanQuery::new(clauses)),
        terms,
    })
}

/// Analyzes each unquoted part, keeping positions increasing across parts (with a
/// gap, so words on either side of a phrase are not treated as neighbours).
fn analyze_parts(analyzer: &mut TextAnalyzer, parts: &[&str]) -> Vec<(usize, String)> {
    let mut all = Vec::new();
    let mut base = 0;
    for part in parts {
        let tokens = analyze(analyzer, part);
        let next_base = tokens
            .last()
            .map_or(base, |(p, _)| base + p + NEAR_SLOP as usize + 2);
        all.extend(tokens.into_iter().map(|(p, w)| (base + p, w)));
        base = next_base;
    }
    all
}

struct Builder<'a> {
    fields: &'a Fields,
    weights: &'a FieldWeights,
}

impl Builder<'_> {
    /// Fields scored for each word, with their weights.
    fn word_fields(&self) -> [(Field, f32); 5] {
        let (f, w) = (self.fields, self.weights);
        [
            (f.title, w.title),
            (f.heading, w.heading),
            (f.body, w.body),
            (f.parents, w.parents),
            (f.references, w.references),
        ]
    }

    /// Fields with positions, where phrases and proximity can be checked.
    fn positional_fields(&self) -> [(Field, f32); 3] {
        let (f, w) = (self.fields, self.weights);
        [(f.title, w.title), (f.heading, w.heading), (f.body, w.body)]
    }

    /// One word: BM25 in its best field, plus a share of the others.
    fn word(&self, word: &str) -> Box<dyn Query> {
        let per_field = self
            .word_fields()
            .into_iter()
            .filter(|(_, weight)| *weight > 0.0)
            .map(|(field, weight)| {
                let term = TermQuery::new(
                    Term::from_field_text(field, word),
                    IndexRecordOption::WithFreqs,
                );
                Box::new(BoostQuery::new(Box::new(term), weight)) as Box<dyn Query>
            })
            .collect();
        Box::new(DisjunctionMaxQuery::with_tie_breaker(
            per_field,
            FIELD_TIE_BREAKER,
        ))
    }

    /// A quoted phrase: must occur in the title, a heading or the body.
    fn phrase(&self, words: &[(usize, String)]) -> Box<dyn Query> {
        if words.len() == 1 {
            return self.word(&words[0].1);
        }
        self.phrase_in_fields(words, 0, 1.0)
    }

    /// The words at their relative positions, within `slop`, in any positional field.
    fn phrase_in_fields(&self, words: &[(usize, String)], slop: u32, boost: f32) -> Box<dyn Query> {
        let first = words[0].0;
        let per_field = self
            .positional_fields()
            .into_iter()
            .map(|(field, weight)| {
                let terms = words
                    .iter()
                    .map(|(p, w)| (p - first, Term::from_field_text(field, w)))
                    .collect();
                let phrase = PhraseQuery::new_with_offset_and_slop(terms, slop);
                Box::new(BoostQuery::new(Box::new(phrase), weight * boost)) as Box<dyn Query>
            })
            .collect();
        Box::new(DisjunctionMaxQuery::new(per_field))
    }

    /// Boosts for neighbouring words found near each other, and for the whole
    /// query found as a phrase.
    fn proximity(&self, words: &[(usize, String)]) -> Vec<Box<dyn Query>> {
        let mut boosts = Vec::new();
        let pairs = words.windows(2).filter(|pair| pair[0].1 != pair[1].1);
        for pair in pairs.take(MAX_PAIRS) {
            boosts.push(self.phrase_in_fields(pair, NEAR_SLOP, PAIR_BOOST));
        }
        if (3..=8).contains(&words.len()) {
            boosts.push(self.phrase_in_fields(words, 0, PHRASE_BOOST));
        }
        boosts
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::schema::english_analyzer;

    #[test]
    fn splits_quotes_and_tolerates_unbalanced_ones() {
        let cases: [(&str, &[&str], &[&str]); 5] = [
            ("leaky gut", &["leaky gut"], &[]),
            ("\"leaky gut\" skin", &[" skin"], &["leaky gut"]),
            ("acne \"dairy intake", &["acne "], &["dairy intake"]),
            ("“curly quotes” too", &[" too"], &["curly quotes"]),
            ("\"\"", &[], &[]),
        ];
        for (text, words, phrases) in cases {
            let got = split_user_text(text);
            assert_eq!(got.words, words, "{text}");
            assert_eq!(got.phrases, phrases, "{text}");
        }
    }

    #[test]
    fn any_text_plans_without_error() {
        let fields = Fields::build();
        let weights = FieldWeights::default();
        let mut analyzer = english_analyzer();
        let long = "why does my skin break out when I am stressed ".repeat(40);
        let inputs = [
            "title:(",
            "&&& ## :: -",
            "\"",
            "a\u{0}b",
            &long,
            "(((((",
            "-probiotics",
            "🦠 gut",
        ];
        for input in inputs {
            let _ = plan(&fields, &weights, &mut analyzer, input);
        }
        assert!(plan(&fields, &weights, &mut analyzer, "the of and").is_none());
        assert!(plan(&fields, &weights, &mut analyzer, "?!").is_none());
        let planned = plan(&fields, &weights, &mut analyzer, &long).unwrap();
        assert!(planned.terms.len() <= MAX_TERMS);
        assert_eq!(
            plan(&fields, &weights, &mut analyzer, "gut \"leaky gut\"")
                .unwrap()
                .terms,
            ["gut", "leaki"]
        );
    }
}
