//! Query understanding: from what a reader typed ([`parse`](super::parse)) to a
//! ranking query ([`Plan`]).
//!
//! 1. The plain words are analyzed like the index (stems) and kept with their
//!    unstemmed form. Question filler ("what", "could", "I have", "my") is dropped
//!    unless nothing else is left.
//! 2. Stretches with synonyms ("heart attack") become one *slot* whose
//!    alternatives ("myocardial infarction") count at a lower weight.
//! 3. Words missing from the index vocabulary get close vocabulary words as
//!    lower-weighted alternatives (see [`spelling`](super::spelling)).
//! 4. Each slot scores BM25 in its best field (title, heading, body, enclosing
//!    headings, references, with [`FieldWeights`]). Sections with every word of a
//!    one- or two-word query come first ([`required_slots`]); the search then fills
//!    the page with sections matching fewer words, so a question never comes back
//!    empty because one word is missing.
//! 5. Neighbouring words found close together, and the whole query as a phrase,
//!    add optional boosts. Quoted phrases, `title:`/`heading:` items, exclusions
//!    and filters are required clauses.
//!
//! [`Mode::Baseline`] builds plain BM25 instead (every word, OR, equal weights on
//! title, heading and body; no phrases, synonyms, typos or filler removal), the
//! yardstick of the relevance suite.

use std::ops::Bound;

use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, DisjunctionMaxQuery, Occur, PhraseQuery, Query,
    RangeQuery, TermQuery,
};
use tantivy::schema::{Facet, Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{DateTime, Searcher, Term};

use super::parse::{Filters, Item, ParsedQuery, Scope, parse};
use super::spelling;
use super::synonyms::{self, Synonyms};
use crate::index::schema::{Fields, analyze, english_analyzer, names_analyzer};

/// Distinct word slots scored per query; later ones are ignored.
const MAX_SLOTS: usize = 32;
/// Neighbouring word pairs given a proximity boost.
const MAX_PAIRS: usize = 24;
/// Extra word positions allowed between neighbouring query words.
const NEAR_SLOP: u32 = 3;
/// Tie breaker of the per-word field disjunction.
const FIELD_TIE_BREAKER: f32 = 0.1;
/// Boost for a pair of query words found close together.
const PAIR_BOOST: f32 = 0.6;
/// Boost for the whole run of query words found as a phrase.
const PHRASE_BOOST: f32 = 1.5;
/// Weight of a synonym relative to the reader's own words.
const SYNONYM_WEIGHT: f32 = 0.7;
/// Weight of a typo correction relative to the reader's own words.
const FUZZY_WEIGHT: f32 = 0.8;

/// Words that carry no topic in a question: dropped unless nothing else is left.
const FILLER: &[&str] = &[
    "what",
    "whats",
    "which",
    "who",
    "whom",
    "whose",
    "why",
    "how",
    "when",
    "where",
    "is",
    "are",
    "was",
    "were",
    "be",
    "been",
    "being",
    "am",
    "do",
    "does",
    "did",
    "doing",
    "done",
    "can",
    "could",
    "should",
    "would",
    "will",
    "shall",
    "may",
    "might",
    "must",
    "i",
    "im",
    "ive",
    "id",
    "me",
    "my",
    "mine",
    "myself",
    "we",
    "our",
    "us",
    "you",
    "your",
    "yours",
    "he",
    "she",
    "him",
    "her",
    "his",
    "hers",
    "they",
    "them",
    "their",
    "it",
    "its",
    "this",
    "that",
    "these",
    "those",
    "a",
    "an",
    "the",
    "and",
    "or",
    "but",
    "if",
    "so",
    "of",
    "at",
    "by",
    "for",
    "with",
    "about",
    "to",
    "from",
    "in",
    "on",
    "into",
    "have",
    "has",
    "had",
    "having",
    "get",
    "got",
    "getting",
    "just",
    "really",
    "very",
    "also",
    "any",
    "some",
    "there",
    "here",
    "something",
    "anything",
    "thing",
    "things",
    "please",
    "tell",
    "know",
    "want",
    "wondering",
    "s",
    "t",
    "d",
    "ll",
    "ve",
    "re",
    "m",
    "lot",
    "lots",
    "kind",
    "sort",
];

/// Relative weights of the fields in ranking.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FieldWeights {
    pub title: f32,
    pub heading: f32,
    pub body: f32,
    /// Enclosing headings of the section.
    pub parents: f32,
    pub references: f32,
}

impl Default for FieldWeights {
    fn default() -> Self {
        FieldWeights {
            title: 2.2,
            heading: 2.0,
            body: 1.0,
            parents: 0.5,
            references: 0.2,
        }
    }
}

/// Full query understanding, or the plain BM25 yardstick.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    #[default]
    Full,
    Baseline,
}

/// What the planner may use.
pub struct Planner<'a> {
    pub fields: &'a Fields,
    pub weights: &'a FieldWeights,
    pub synonyms: &'a Synonyms,
    pub fuzzy: bool,
    pub mode: Mode,
    pub searcher: &'a Searcher,
}

/// A word the reader typed that was not in the index, and what it was read as.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Correction {
    pub typed: String,
    pub read_as: Vec<String>,
}

/// A planned query.
pub struct Plan {
    /// The query to run first.
    pub query: Box<dyn Query>,
    /// A looser query (one slot is enough) for when `query` finds too little.
    pub relaxed: Option<Box<dyn Query>>,
    /// Analyzed words to mark in snippets.
    pub highlight: Vec<String>,
    /// Synonyms added to the query, as shown to the reader.
    pub also_searched: Vec<String>,
    pub corrections: Vec<Correction>,
    /// The query with each unknown word replaced by its most frequent correction.
    pub did_you_mean: Option<String>,
    /// Labelled parts of the query, to explain a hit's score.
    pub parts: Vec<(String, Box<dyn Query>)>,
}

/// A query word: as typed (lower-cased, folded) and as indexed (stemmed).
#[derive(Debug, Clone)]
struct Word {
    position: usize,
    surface: String,
    stem: String,
}

/// One thing the reader asked for, with its alternatives.
struct Slot {
    label: String,
    /// The reader's own words for it (one, or several for a synonym stretch).
    words: Vec<Word>,
    synonyms: Vec<synonyms::Term>,
    corrections: Vec<String>,
    /// Alternatives joined with `OR` by the reader.
    any_of: Vec<Vec<(usize, String)>>,
}

impl Planner<'_> {
    /// Plans `text`; `None` when it holds nothing searchable.
    pub fn plan(&self, text: &str, extra_filters: &Filters) -> tantivy::Result<Option<Plan>> {
        let parsed = parse(text);
        match self.mode {
            Mode::Baseline => Ok(self.baseline(&parsed)),
            Mode::Full => self.full(parsed, extra_filters),
        }
    }

    fn baseline(&self, parsed: &ParsedQuery) -> Option<Plan> {
        let mut analyzer = english_analyzer();
        let mut words: Vec<String> = Vec::new();
        for item in parsed.groups.iter().flatten() {
            for (_, word) in analyze(&mut analyzer, item.text()) {
                if !words.contains(&word) {
                    words.push(word);
                }
            }
        }
        let fields = [self.fields.title, self.fields.heading, self.fields.body];
        let clauses: Vec<(Occur, Box<dyn Query>)> = words
            .iter()
            .flat_map(|word| {
                fields
                    .iter()
                    .map(move |&field| (Occur::Should, term_query(field, word)))
            })
            .collect();
        (!clauses.is_empty()).then(|| Plan {
            query: Box::new(BooleanQuery::new(clauses)),
            relaxed: None,
            highlight: words,
            also_searched: Vec::new(),
            corrections: Vec::new(),
            did_you_mean: None,
            parts: Vec::new(),
        })
    }

    fn full(&self, parsed: ParsedQuery, extra_filters: &Filters) -> tantivy::Result<Option<Plan>> {
        let runs = word_runs(&parsed);
        let mut slots = self.slots(&runs, &parsed);
        slots.truncate(MAX_SLOTS);
        let corrections = self.correct(&mut slots)?;
        let slot_queries: Vec<Box<dyn Query>> = slots.iter().map(|s| self.slot_query(s)).collect();
        let boosts = self.proximity(&runs);
        let mut parts: Vec<(String, Box<dyn Query>)> = Vec::new();
        for (slot, query) in slots.iter().zip(&slot_queries) {
            parts.push((slot.label.clone(), query.box_clone()));
        }
        parts.extend(
            boosts
                .iter()
                .map(|(label, query)| (label.clone(), query.box_clone())),
        );
        let mut required: Vec<Box<dyn Query>> = Vec::new();
        let mut analyzer = english_analyzer();
        for (scope, item) in &parsed.required {
            let words = analyze(&mut analyzer, item.text());
            if !words.is_empty() {
                let field = match scope {
                    Scope::Title => self.fields.title,
                    Scope::Heading => self.fields.heading,
                };
                let query = phrase_or_word(field, &words, 0);
                parts.push((
                    format!("{}: {}", scope_name(*scope), item.text()),
                    query.box_clone(),
                ));
                required.push(query);
            }
        }
        for item in parsed.groups.iter().filter(|g| g.len() == 1).flatten() {
            if let Item::Phrase(text) = item {
                let words = analyze(&mut analyzer, text);
                if !words.is_empty() {
                    let query = self.in_fields(&words, 0, 1.0);
                    parts.push((format!("phrase \"{text}\""), query.box_clone()));
                    required.push(query);
                }
            }
        }
        if slot_queries.is_empty() && required.is_empty() {
            return Ok(None);
        }
        let restrictions = self.restrictions(&parsed, extra_filters);
        let build =
            |needed: usize| assemble(&slot_queries, needed, &boosts, &required, &restrictions);
        let needed = required_slots(slot_queries.len());
        let relaxed = (needed > 1).then(|| build(1));
        Ok(Some(Plan {
            query: build(needed),
            relaxed,
            highlight: highlight_words(&slots, &parsed, &mut analyzer),
            also_searched: slots
                .iter()
                .flat_map(|s| s.synonyms.iter().map(|t| t.display.clone()))
                .collect(),
            did_you_mean: did_you_mean(&parsed, &corrections),
            corrections,
            parts,
        }))
    }

    /// Slots for word runs (with synonym stretches and filler removed) and OR groups.
    fn slots(&self, runs: &[Vec<Word>], parsed: &ParsedQuery) -> Vec<Slot> {
        let mut slots = Vec::new();
        for run in runs {
            let keys: Vec<String> = run.iter().map(|w| synonyms::key_word(&w.surface)).collect();
            let matches = self.synonyms.find(&keys);
            let mut next = 0;
            for m in matches.iter().map(Some).chain(std::iter::once(None)) {
                let end = m.map_or(run.len(), |m| m.start);
                slots.extend(
                    run[next..end]
                        .iter()
                        .filter(|w| !is_filler(&w.surface))
                        .map(|w| Slot::word(w.clone())),
                );
                if let Some(m) = m {
                    slots.push(Slot::stretch(
                        &run[m.start..m.start + m.len],
                        &m.alternatives,
                    ));
                    next = m.start + m.len;
                }
            }
        }
        if slots.is_empty() {
            slots.extend(runs.iter().flatten().map(|w| Slot::word(w.clone())));
        }
        let mut analyzer = english_analyzer();
        for group in parsed.groups.iter().filter(|g| g.len() > 1) {
            let any_of: Vec<_> = group
                .iter()
                .map(|item| analyze(&mut analyzer, item.text()))
                .filter(|w| !w.is_empty())
                .collect();
            if !any_of.is_empty() {
                let label = group
                    .iter()
                    .map(Item::text)
                    .collect::<Vec<_>>()
                    .join(" OR ");
                slots.push(Slot {
                    label,
                    words: Vec::new(),
                    synonyms: Vec::new(),
                    corrections: Vec::new(),
                    any_of,
                });
            }
        }
        slots
    }

    /// Adds typo corrections to single-word slots whose word the index does not know.
    fn correct(&self, slots: &mut [Slot]) -> tantivy::Result<Vec<Correction>> {
        let mut corrections = Vec::new();
        if !self.fuzzy {
            return Ok(corrections);
        }
        let mut analyzer = english_analyzer();
        for slot in slots
            .iter_mut()
            .filter(|s| s.words.len() == 1 && s.synonyms.is_empty())
        {
            let word = &slot.words[0];
            let candidates = spelling::candidates(self.searcher, self.fields.spell, &word.surface)?;
            if candidates.is_empty() {
                continue;
            }
            for candidate in &candidates {
                for (_, stem) in analyze(&mut analyzer, &candidate.word) {
                    if stem != word.stem && !slot.corrections.contains(&stem) {
                        slot.corrections.push(stem);
                    }
                }
            }
            corrections.push(Correction {
                typed: word.surface.clone(),
                read_as: candidates.into_iter().map(|c| c.word).collect(),
            });
        }
        Ok(corrections)
    }

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

    /// One word: BM25 in its best field, plus a share of the others.
    fn word(&self, word: &str, weight: f32) -> Box<dyn Query> {
        let per_field = self
            .word_fields()
            .into_iter()
            .filter(|(_, w)| *w > 0.0)
            .map(|(field, w)| boosted(term_query(field, word), w * weight))
            .collect();
        Box::new(DisjunctionMaxQuery::with_tie_breaker(
            per_field,
            FIELD_TIE_BREAKER,
        ))
    }

    /// Words at their relative positions within `slop`, in title, heading or body.
    fn in_fields(&self, words: &[(usize, String)], slop: u32, weight: f32) -> Box<dyn Query> {
        if words.len() == 1 {
            return self.word(&words[0].1, weight);
        }
        let (f, w) = (self.fields, self.weights);
        let per_field = [(f.title, w.title), (f.heading, w.heading), (f.body, w.body)]
            .into_iter()
            .map(|(field, fw)| boosted(phrase_or_word(field, words, slop), fw * weight))
            .collect();
        Box::new(DisjunctionMaxQuery::new(per_field))
    }

    /// The query for one slot: the best of the reader's words and the alternatives.
    fn slot_query(&self, slot: &Slot) -> Box<dyn Query> {
        let mut options: Vec<Box<dyn Query>> = Vec::new();
        match slot.words.as_slice() {
            [] => {}
            [one] => options.push(self.word(&one.stem, 1.0)),
            many => {
                let all = many
                    .iter()
                    .map(|w| (Occur::Should, self.word(&w.stem, 1.0)))
                    .collect();
                options.push(Box::new(BooleanQuery::new(all)));
            }
        }
        for synonym in &slot.synonyms {
            let weight = SYNONYM_WEIGHT * slot.words.len().max(1) as f32;
            options.push(self.in_fields(synonym.words(), 0, weight));
        }
        for stem in &slot.corrections {
            options.push(self.word(stem, FUZZY_WEIGHT));
        }
        for alternative in &slot.any_of {
            options.push(self.in_fields(alternative, 0, 1.0));
        }
        if options.len() == 1 {
            return options.pop().expect("one option");
        }
        Box::new(DisjunctionMaxQuery::new(options))
    }

    /// Boosts for neighbouring words found close together and for whole runs as phrases.
    fn proximity(&self, runs: &[Vec<Word>]) -> Vec<(String, Box<dyn Query>)> {
        let mut boosts = Vec::new();
        for run in runs {
            let words: Vec<(usize, String)> = run
                .iter()
                .filter(|w| !is_filler(&w.surface))
                .map(|w| (w.position, w.stem.clone()))
                .collect();
            let surfaces: Vec<&str> = run
                .iter()
                .filter(|w| !is_filler(&w.surface))
                .map(|w| w.surface.as_str())
                .collect();
            for (i, pair) in words.windows(2).enumerate().take(MAX_PAIRS) {
                if pair[0].1 != pair[1].1 {
                    let label = format!("near: {} {}", surfaces[i], surfaces[i + 1]);
                    boosts.push((label, self.in_fields(pair, NEAR_SLOP, PAIR_BOOST)));
                }
            }
            if (3..=8).contains(&words.len()) {
                let label = format!("phrase: {}", surfaces.join(" "));
                boosts.push((label, self.in_fields(&words, 0, PHRASE_BOOST)));
            }
        }
        boosts
    }

    /// Exclusions and filters: clauses that decide membership, not score.
    fn restrictions(&self, parsed: &ParsedQuery, extra: &Filters) -> Vec<(Occur, Box<dyn Query>)> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut analyzer = english_analyzer();
        for item in &parsed.excluded {
            let words = analyze(&mut analyzer, item.text());
            if !words.is_empty() {
                clauses.push((Occur::MustNot, self.in_fields(&words, 0, 1.0)));
            }
        }
        let f = self.fields;
        let filters = [&parsed.filters, extra];
        for tag in filters.iter().flat_map(|f| f.tags.iter()) {
            let term = Term::from_facet(f.tags, &Facet::from_path([tag.to_lowercase()]));
            clauses.push((
                Occur::Must,
                filter(Box::new(TermQuery::new(term, IndexRecordOption::Basic))),
            ));
        }
        let mut names = names_analyzer();
        for author in filters.iter().flat_map(|f| f.authors.iter()) {
            for (_, name) in analyze(&mut names, author) {
                clauses.push((Occur::Must, filter(term_query(f.authors, &name))));
            }
        }
        let since = filters.iter().filter_map(|f| f.since).max();
        let until = filters.iter().filter_map(|f| f.until).min();
        if since.is_some() || until.is_some() {
            let bound = |date: Option<crate::article::Date>, end: bool| match date {
                None => Bound::Unbounded,
                Some(date) => {
                    let seconds = date.unix_seconds() + if end { 86_399 } else { 0 };
                    Bound::Included(Term::from_field_date(
                        f.date,
                        DateTime::from_timestamp_secs(seconds),
                    ))
                }
            };
            let range = RangeQuery::new(bound(since, false), bound(until, true));
            clauses.push((Occur::Must, filter(Box::new(range))));
        }
        clauses
    }
}

impl Slot {
    fn word(word: Word) -> Slot {
        Slot {
            label: format!("word: {}", word.surface),
            words: vec![word],
            synonyms: Vec::new(),
            corrections: Vec::new(),
            any_of: Vec::new(),
        }
    }

    fn stretch(words: &[Word], alternatives: &[&synonyms::Term]) -> Slot {
        let text = words
            .iter()
            .map(|w| w.surface.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let names = alternatives
            .iter()
            .map(|t| t.display.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        Slot {
            label: format!("words: {text} (also: {names})"),
            words: words.to_vec(),
            synonyms: alternatives.iter().map(|&t| t.clone()).collect(),
            corrections: Vec::new(),
            any_of: Vec::new(),
        }
    }
}

/// How many of `n` word slots a section must match to be in the first tier of
/// results: all of one or two words; any one of longer queries, where BM25's
/// weighting of rare words ranks better than a fixed share (measured with the
/// relevance suite: requiring 50% or 70% of a question's words cost 11–18% nDCG).
/// Sections matching fewer slots follow when the first tier does not fill a page.
pub fn required_slots(n: usize) -> usize {
    if n <= 2 { n } else { 1 }
}

/// Joins the parts: slots (at least `needed` of them), boosts, required clauses
/// and restrictions.
fn assemble(
    slots: &[Box<dyn Query>],
    needed: usize,
    boosts: &[(String, Box<dyn Query>)],
    required: &[Box<dyn Query>],
    restrictions: &[(Occur, Box<dyn Query>)],
) -> Box<dyn Query> {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    if !slots.is_empty() {
        let slot_clauses = slots
            .iter()
            .map(|q| (Occur::Should, q.box_clone()))
            .collect();
        let occur = if required.is_empty() {
            Occur::Must
        } else {
            Occur::Should
        };
        clauses.push((
            occur,
            Box::new(BooleanQuery::with_minimum_required_clauses(
                slot_clauses,
                needed.max(1),
            )),
        ));
    }
    clauses.extend(boosts.iter().map(|(_, q)| (Occur::Should, q.box_clone())));
    clauses.extend(required.iter().map(|q| (Occur::Must, q.box_clone())));
    clauses.extend(
        restrictions
            .iter()
            .map(|(occur, q)| (*occur, q.box_clone())),
    );
    Box::new(BooleanQuery::new(clauses))
}

/// Consecutive plain words, analyzed; each run is what was typed between phrases
/// and operators.
fn word_runs(parsed: &ParsedQuery) -> Vec<Vec<Word>> {
    let mut runs: Vec<Vec<Word>> = Vec::new();
    let mut current = String::new();
    let flush = |current: &mut String, runs: &mut Vec<Vec<Word>>| {
        let words = analyze_words(current);
        if !words.is_empty() {
            runs.push(words);
        }
        current.clear();
    };
    for group in &parsed.groups {
        match group.as_slice() {
            [Item::Word(word)] => {
                current.push(' ');
                current.push_str(word);
            }
            _ => flush(&mut current, &mut runs),
        }
    }
    flush(&mut current, &mut runs);
    runs
}

/// Pairs each stemmed word with its unstemmed form (both analyzers split alike).
fn analyze_words(text: &str) -> Vec<Word> {
    let surfaces = analyze(&mut names_analyzer(), text);
    analyze(&mut english_analyzer(), text)
        .into_iter()
        .filter_map(|(position, stem)| {
            let surface = surfaces.iter().find(|(p, _)| *p == position)?.1.clone();
            Some(Word {
                position,
                surface,
                stem,
            })
        })
        .collect()
}

fn is_filler(surface: &str) -> bool {
    FILLER.contains(&surface)
}

fn highlight_words(
    slots: &[Slot],
    parsed: &ParsedQuery,
    analyzer: &mut TextAnalyzer,
) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    let mut add = |word: &str| {
        if !words.iter().any(|w| w == word) {
            words.push(word.to_string());
        }
    };
    for slot in slots {
        slot.words.iter().for_each(|w| add(&w.stem));
        slot.corrections.iter().for_each(|w| add(w));
        slot.synonyms
            .iter()
            .flat_map(|t| t.words().iter())
            .for_each(|(_, w)| add(w));
        slot.any_of.iter().flatten().for_each(|(_, w)| add(w));
    }
    let phrases = parsed
        .groups
        .iter()
        .flatten()
        .chain(parsed.required.iter().map(|(_, i)| i));
    for item in phrases {
        analyze(analyzer, item.text())
            .iter()
            .for_each(|(_, w)| add(w));
    }
    words
}

/// The query text with each corrected word replaced by its best correction.
fn did_you_mean(parsed: &ParsedQuery, corrections: &[Correction]) -> Option<String> {
    if corrections.is_empty() {
        return None;
    }
    let words: Vec<String> = parsed
        .groups
        .iter()
        .flatten()
        .flat_map(|item| match item {
            Item::Phrase(text) => vec![format!("\"{text}\"")],
            Item::Word(text) => analyze(&mut names_analyzer(), text)
                .into_iter()
                .map(|(_, word)| {
                    let fix = corrections
                        .iter()
                        .find(|c| c.typed == word)
                        .and_then(|c| c.read_as.first());
                    fix.cloned().unwrap_or(word)
                })
                .collect(),
        })
        .collect();
    Some(words.join(" "))
}

fn term_query(field: Field, word: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, word),
        IndexRecordOption::WithFreqs,
    ))
}

fn boosted(query: Box<dyn Query>, weight: f32) -> Box<dyn Query> {
    Box::new(BoostQuery::new(query, weight))
}

fn filter(query: Box<dyn Query>) -> Box<dyn Query> {
    Box::new(ConstScoreQuery::new(query, 0.0))
}

/// A phrase of `words` in one field, or a term query for a single word.
fn phrase_or_word(field: Field, words: &[(usize, String)], slop: u32) -> Box<dyn Query> {
    if let [(_, word)] = words {
        return term_query(field, word);
    }
    let first = words[0].0;
    let terms = words
        .iter()
        .map(|(p, w)| (p - first, Term::from_field_text(field, w)))
        .collect();
    Box::new(PhraseQuery::new_with_offset_and_slop(terms, slop))
}

fn scope_name(scope: Scope) -> &'static str {
    match scope {
        Scope::Title => "title",
        Scope::Heading => "heading",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_queries_need_every_word_long_ones_any() {
        let needed: Vec<usize> = (0..=5).map(required_slots).collect();
        assert_eq!(needed, [0, 1, 2, 1, 1, 1]);
    }

    #[test]
    fn filler_is_dropped_but_topic_words_stay() {
        let parsed = parse("what could cause my itchy elbows");
        let runs = word_runs(&parsed);
        let kept: Vec<&str> = runs[0]
            .iter()
            .filter(|w| !is_filler(&w.surface))
            .map(|w| w.surface.as_str())
            .collect();
        assert_eq!(kept, ["cause", "itchy", "elbows"]);
    }

    #[test]
    fn surfaces_line_up_with_stems_across_stop_words() {
        let words = analyze_words("symptoms of Acromegaly");
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
    fn did_you_mean_replaces_only_corrected_words() {
        let parsed = parse("probiotcs for eczema");
        let corrections = [Correction {
            typed: "probiotcs".into(),
            read_as: vec!["probiotics".into()],
        }];
        assert_eq!(
            did_you_mean(&parsed, &corrections).as_deref(),
            Some("probiotics for eczema")
        );
        assert_eq!(did_you_mean(&parsed, &[]), None);
    }
}
