//! Lowering a [`QueryPlan`] to tantivy queries. Two lowerings of the same plan:
//! [`compile`], healthdex's ranking, and [`compile_baseline`], plain BM25 over the
//! plan's bag of words (every word, OR, equal weights on title, heading and body;
//! no phrases, synonyms, typos, filler removal or filters), the yardstick of the
//! relevance suite.
//!
//! In [`compile`], each word scores BM25 in its best field (title, heading, body,
//! enclosing headings, references, weighted by [`FieldWeights`]) plus a tenth of
//! the others; a slot scores its best alternative; sections must match
//! [`QueryPlan::needed`] slots (a second, relaxed query needs one); boosts add
//! score, as do the articles the query names ([`QueryPlan::names`]) and their
//! sections headed with what it asks for ([`QueryPlan::asks`]); requirements,
//! exclusions and filters decide membership.

use std::ops::Bound;

use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, DisjunctionMaxQuery, EnableScoring, Explanation,
    Occur, PhraseQuery, Query, RangeQuery, Scorer, TermQuery, Weight,
};
use tantivy::schema::{Facet, Field, IndexRecordOption};
use tantivy::{DateTime, DocId, DocSet, Score, SegmentReader, Term};

use super::options::FieldWeights;
use super::stats::Scoring;
use super::understand::{
    ASKED_WEIGHT, Alternative, Matcher, Name, Phrase, PlanFilters, QueryPlan, Slot, Source, Within,
};
use crate::index::schema::{DATE_LIMIT_SECONDS, Fields};

/// Tie breaker of the per-word field disjunction.
pub(crate) const FIELD_TIE_BREAKER: f32 = 0.1;
/// Extra positions allowed among the typed words of a stretch ("vitamin d
/// deficiency") for a section to count as having them all in the first tier: a
/// clause's width, so "hardening and narrowing of the arteries" counts and words
/// scattered over a list do not (3, the proximity boosts' slop, cost MedQuAD's
/// lay questions 0.532 → 0.530; 5, 8 and 12 measured alike). The static bundle's
/// `score.js` uses the same.
pub(crate) const STRETCH_SLOP: u32 = 8;

/// A plan lowered to queries.
pub struct Compiled {
    /// The query to run first.
    pub query: Box<dyn Query>,
    /// A looser query (one slot is enough) for when `query` finds too little.
    pub relaxed: Option<Box<dyn Query>>,
    /// Analyzed words to mark in snippets.
    pub highlight: Vec<String>,
    /// Labelled parts of the query, to explain a hit's score.
    pub parts: Vec<(String, Box<dyn Query>)>,
    /// The word statistics to score with.
    pub scoring: Scoring,
}

/// healthdex's ranking query for `plan`; `None` when the plan is empty.
pub fn compile(plan: &QueryPlan, fields: &Fields, weights: &FieldWeights) -> Option<Compiled> {
    if plan.is_empty() {
        return None;
    }
    let lower = Lowering { fields, weights };
    let slots: Vec<Box<dyn Query>> = plan.slots.iter().map(|s| lower.slot(s)).collect();
    let mut boosts: Vec<Box<dyn Query>> = plan
        .boosts
        .iter()
        .map(|b| lower.phrase(&b.phrase, b.weight))
        .collect();
    let names = lower.names(&plan.names);
    let name_label = names.as_ref().map(|_| "names (focus)".to_string());
    let asked = lower.asked(plan);
    boosts.extend(names);
    let asked_label = asked.as_ref().map(|_| "answers what is asked".to_string());
    boosts.extend(asked);
    let required: Vec<Box<dyn Query>> = plan
        .required
        .iter()
        .map(|r| lower.required(r.within, &r.phrase))
        .collect();
    let restrictions = lower.restrictions(plan);
    // The first tier asks for every slot; a stretch of several typed words counts
    // there only with all of them (or an alternative), not with any one.
    let whole_stretches: Vec<(Occur, Box<dyn Query>)> =
        match plan.needed > 1 && plan.needed == plan.slots.len() {
            true => plan
                .slots
                .iter()
                .filter_map(|s| lower.whole_stretch(s))
                .collect(),
            false => Vec::new(),
        };
    let build = |needed: usize, membership: &[(Occur, Box<dyn Query>)]| {
        assemble(
            &slots,
            needed,
            &boosts,
            &required,
            &restrictions,
            membership,
        )
    };
    let labels = plan
        .slots
        .iter()
        .map(|s| &s.label)
        .chain(plan.boosts.iter().map(|b| &b.label))
        .chain(&name_label)
        .chain(&asked_label)
        .chain(plan.required.iter().map(|r| &r.label));
    let parts = labels
        .zip(slots.iter().chain(&boosts).chain(&required))
        .map(|(label, query)| (label.clone(), query.box_clone()))
        .collect();
    Some(Compiled {
        query: build(plan.needed, &whole_stretches),
        relaxed: (plan.needed > 1).then(|| build(1, &[])),
        highlight: plan.notes.highlight.clone(),
        parts,
        scoring: Scoring::Prose,
    })
}

/// Plain BM25 over the plan's bag of words; `None` when it has no words.
pub fn compile_baseline(plan: &QueryPlan, fields: &Fields) -> Option<Compiled> {
    let searched = [fields.title, fields.heading, fields.body];
    let clauses: Vec<(Occur, Box<dyn Query>)> = plan
        .bag
        .iter()
        .flat_map(|word| {
            searched
                .iter()
                .map(move |&field| (Occur::Should, term_query(field, word)))
        })
        .collect();
    (!clauses.is_empty()).then(|| Compiled {
        query: Box::new(BooleanQuery::new(clauses)),
        relaxed: None,
        highlight: plan.bag.clone(),
        parts: Vec::new(),
        scoring: Scoring::Own,
    })
}

/// The fields and weights a plan is lowered with.
struct Lowering<'a> {
    fields: &'a Fields,
    weights: &'a FieldWeights,
}

impl Lowering<'_> {
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

    /// A phrase in title, heading or body (its best field); one word in any field.
    fn phrase(&self, phrase: &Phrase, weight: f32) -> Box<dyn Query> {
        if let [(_, word)] = phrase.words.as_slice() {
            return self.word(word, weight);
        }
        let (f, w) = (self.fields, self.weights);
        let per_field = [(f.title, w.title), (f.heading, w.heading), (f.body, w.body)]
            .into_iter()
            .map(|(field, fw)| {
                boosted(
                    phrase_or_word(field, &phrase.words, phrase.slop),
                    fw * weight,
                )
            })
            .collect();
        Box::new(DisjunctionMaxQuery::new(per_field))
    }

    /// The focus: every section of an article that goes by one of the query's
    /// candidate names scores the best such name's weight.
    fn names(&self, names: &[Name]) -> Option<Box<dyn Query>> {
        let per_name: Vec<Box<dyn Query>> = names
            .iter()
            .map(|name| filter_scoring(self.named(&name.key), name.weight))
            .collect();
        (!per_name.is_empty())
            .then(|| Box::new(DisjunctionMaxQuery::new(per_name)) as Box<dyn Query>)
    }

    /// The sections of the articles going by the name `key`.
    fn named(&self, key: &str) -> Box<dyn Query> {
        Box::new(TermQuery::new(
            Term::from_field_text(self.fields.names, key),
            IndexRecordOption::Basic,
        ))
    }

    /// A section of an article going by one of the query's candidate names whose
    /// heading answers what the query asks (or that opens the article, when the
    /// query asks what something is): [`ASKED_WEIGHT`].
    fn asked(&self, plan: &QueryPlan) -> Option<Box<dyn Query>> {
        if plan.asks.is_empty() || plan.names.is_empty() {
            return None;
        }
        let named: Vec<(Occur, Box<dyn Query>)> = plan
            .names
            .iter()
            .map(|n| (Occur::Should, self.named(&n.key)))
            .collect();
        let mut headings: Vec<(Occur, Box<dyn Query>)> = plan
            .asks
            .iter()
            .flat_map(|a| &a.headings)
            .map(|h| (Occur::Should, term_query(self.fields.heading, h)))
            .collect();
        if plan.asks.iter().any(|a| a.opening) {
            headings.push((Occur::Should, self.opening()));
        }
        let both = BooleanQuery::new(vec![
            (
                Occur::Must,
                Box::new(BooleanQuery::new(named)) as Box<dyn Query>,
            ),
            (
                Occur::Must,
                Box::new(BooleanQuery::new(headings)) as Box<dyn Query>,
            ),
        ]);
        Some(filter_scoring(Box::new(both), ASKED_WEIGHT))
    }

    /// The opening section of every article (its first, `ordinal` 0).
    fn opening(&self) -> Box<dyn Query> {
        let first = Term::from_field_u64(self.fields.ordinal, 0);
        Box::new(RangeQuery::new(
            Bound::Included(first.clone()),
            Bound::Included(first),
        ))
    }

    /// A slot: the best of its alternatives.
    fn slot(&self, slot: &Slot) -> Box<dyn Query> {
        let mut options: Vec<Box<dyn Query>> =
            slot.options.iter().map(|o| self.alternative(o)).collect();
        if options.len() == 1 {
            return options.pop().expect("one option");
        }
        Box::new(DisjunctionMaxQuery::new(options))
    }

    /// One way of matching a slot, at its weight.
    fn alternative(&self, option: &Alternative) -> Box<dyn Query> {
        match &option.matcher {
            Matcher::Phrase(phrase) => self.phrase(phrase, option.weight),
            Matcher::EachWord(words) => {
                let each = words
                    .iter()
                    .map(|w| (Occur::Should, self.word(w, option.weight)))
                    .collect();
                Box::new(BooleanQuery::new(each))
            }
        }
    }

    /// For a slot of several typed words, a membership clause (no score): all of
    /// them within [`STRETCH_SLOP`] of each other in one field, or one of its other
    /// alternatives. Words of a name scattered over a section ("vitamin B12
    /// deficiency … vitamins A, D and E") do not make it a match for the name.
    fn whole_stretch(&self, slot: &Slot) -> Option<(Occur, Box<dyn Query>)> {
        let typed = slot.options.iter().find_map(|o| match &o.matcher {
            Matcher::EachWord(words) if o.source == Source::Typed && words.len() > 1 => Some(words),
            _ => None,
        })?;
        let near = Phrase {
            words: typed.iter().cloned().enumerate().collect(),
            slop: STRETCH_SLOP,
        };
        let all = self.phrase(&near, 1.0);
        let any_of = std::iter::once(all)
            .chain(
                slot.options
                    .iter()
                    .filter(|o| o.source != Source::Typed)
                    .map(|o| self.alternative(o)),
            )
            .map(|query| (Occur::Should, query))
            .collect();
        Some((Occur::Must, filter(Box::new(BooleanQuery::new(any_of)))))
    }

    fn required(&self, within: Within, phrase: &Phrase) -> Box<dyn Query> {
        match within {
            Within::Title => phrase_or_word(self.fields.title, &phrase.words, 0),
            Within::Heading => phrase_or_word(self.fields.heading, &phrase.words, 0),
            Within::Anywhere => self.phrase(phrase, 1.0),
        }
    }

    /// Exclusions and filters: clauses that decide membership, not score.
    fn restrictions(&self, plan: &QueryPlan) -> Vec<(Occur, Box<dyn Query>)> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = plan
            .excluded
            .iter()
            .map(|phrase| {
                let query: Box<dyn Query> = Box::new(Excluded(self.phrase(phrase, 1.0)));
                (Occur::MustNot, query)
            })
            .collect();
        clauses.extend(self.filters(&plan.filters));
        clauses
    }

    fn filters(&self, filters: &PlanFilters) -> Vec<(Occur, Box<dyn Query>)> {
        let f = self.fields;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for tag in &filters.tags {
            let term = Term::from_facet(f.tags, &Facet::from_path([tag.as_str()]));
            clauses.push((
                Occur::Must,
                filter(Box::new(TermQuery::new(term, IndexRecordOption::Basic))),
            ));
        }
        for name in &filters.authors {
            clauses.push((Occur::Must, filter(term_query(f.authors, name))));
        }
        for kind in &filters.evidence {
            let term = Term::from_facet(f.evidence, &Facet::from_path([kind.as_str()]));
            clauses.push((
                Occur::Must,
                filter(Box::new(TermQuery::new(term, IndexRecordOption::Basic))),
            ));
        }
        if filters.since.is_some() || filters.until.is_some() {
            let bound = |date: Option<crate::article::Date>, end: bool| match date {
                None => Bound::Unbounded,
                Some(date) => {
                    let seconds = date.unix_seconds() + if end { 86_399 } else { 0 };
                    // tantivy keeps dates as i64 nanoseconds (1677–2262): a year
                    // beyond overflowed, and `year:<2300` matched nothing (found by
                    // fuzzing). Every indexed date lies inside, so clamping is exact.
                    let seconds = seconds.clamp(-DATE_LIMIT_SECONDS, DATE_LIMIT_SECONDS);
                    Bound::Included(Term::from_field_date(
                        f.date,
                        DateTime::from_timestamp_secs(seconds),
                    ))
                }
            };
            let range = RangeQuery::new(bound(filters.since, false), bound(filters.until, true));
            clauses.push((Occur::Must, filter(Box::new(range))));
        }
        clauses
    }
}

/// An excluded query, whose scorers are only ever moved forward. tantivy 0.27 asks
/// an exclusion's scorer whether it holds a document *before* the one it stands on
/// (`seek_danger` on a phrase scorer that found nothing), which its phrase scorer
/// rejects with a debug assertion (`skin -"gut 0"`); answering from the current
/// position is what the release build does, and is correct.
#[derive(Debug)]
struct Excluded(Box<dyn Query>);

impl Clone for Excluded {
    fn clone(&self) -> Self {
        Excluded(self.0.box_clone())
    }
}

impl Query for Excluded {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(ExcludedWeight(self.0.weight(scoring)?)))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.0.query_terms(visitor);
    }
}

struct ExcludedWeight(Box<dyn Weight>);

impl Weight for ExcludedWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(Forward(self.0.scorer(reader, boost)?)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.0.explain(reader, doc)
    }
}

/// A scorer that ignores requests to seek backwards.
struct Forward(Box<dyn Scorer>);

impl DocSet for Forward {
    fn advance(&mut self) -> DocId {
        self.0.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        match self.0.doc() {
            doc if doc >= target => doc,
            _ => self.0.seek(target),
        }
    }

    fn doc(&self) -> DocId {
        self.0.doc()
    }

    fn size_hint(&self) -> u32 {
        self.0.size_hint()
    }
}

impl Scorer for Forward {
    fn score(&mut self) -> Score {
        self.0.score()
    }
}

/// Joins the parts: slots (at least `needed` of them), boosts, required clauses,
/// restrictions and the tier's own membership clauses.
fn assemble(
    slots: &[Box<dyn Query>],
    needed: usize,
    boosts: &[Box<dyn Query>],
    required: &[Box<dyn Query>],
    restrictions: &[(Occur, Box<dyn Query>)],
    membership: &[(Occur, Box<dyn Query>)],
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
    clauses.extend(boosts.iter().map(|q| (Occur::Should, q.box_clone())));
    clauses.extend(required.iter().map(|q| (Occur::Must, q.box_clone())));
    clauses.extend(
        restrictions
            .iter()
            .chain(membership)
            .map(|(occur, q)| (*occur, q.box_clone())),
    );
    Box::new(BooleanQuery::new(clauses))
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

/// Membership in `query` scored `score`, whatever the query's own score.
fn filter_scoring(query: Box<dyn Query>, score: f32) -> Box<dyn Query> {
    Box::new(ConstScoreQuery::new(query, score))
}

fn filter(query: Box<dyn Query>) -> Box<dyn Query> {
    Box::new(ConstScoreQuery::new(query, 0.0))
}

/// A phrase of `words` in one field, or a term query for a single word.
fn phrase_or_word(field: Field, words: &[(usize, String)], slop: u32) -> Box<dyn Query> {
    match words {
        [] => return Box::new(BooleanQuery::new(Vec::new())),
        [(_, word)] => return term_query(field, word),
        _ => {}
    }
    let first = words[0].0;
    let terms = words
        .iter()
        .map(|(p, w)| (p - first, Term::from_field_text(field, w)))
        .collect();
    Box::new(PhraseQuery::new_with_offset_and_slop(terms, slop))
}
