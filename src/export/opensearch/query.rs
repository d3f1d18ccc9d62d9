//! A [`QueryPlan`] lowered to the OpenSearch query DSL, the way `search/compile.rs`
//! lowers it to tantivy queries, so a cluster searches with healthdex's
//! understanding: filler already dropped, synonyms and typo corrections already
//! found (the corrections from the local index's vocabulary), every weight as
//! healthdex sets it.
//!
//! | healthdex (`compile.rs`)                         | OpenSearch                              |
//! |--------------------------------------------------|-----------------------------------------|
//! | a word: best field + 0.1 × the others            | `multi_match` `best_fields`, `tie_breaker` 0.1 |
//! | a phrase: best of title, heading, body           | `multi_match` `phrase` with `slop`      |
//! | a slot: its best alternative                     | `dis_max`                               |
//! | a stretch of typed words: their scores added     | `bool` / `should`                       |
//! | at least one slot, boosts optional               | `bool` with `minimum_should_match` 1, boosts as `should` |
//! | first tier: `needed` slots (and whole stretches) | a `constant_score` `should` of [`TIER_BOOST`] |
//! | required, excluded, filters                      | `must`, `must_not`, `filter`            |
//! | the named articles and asked-for headings (`names`, `asks`) | not lowered yet: the exported records carry no names field |
//!
//! The words are healthdex's stems, searched with the [`STEMS`] analyzer (split at
//! spaces, nothing changed) so they meet the index's stems as they are, rather
//! than being stemmed a second time or expanded by the search analyzer's synonyms
//! again.
//!
//! healthdex runs a second, looser query (one slot enough) when the first finds
//! fewer sections than a page needs. One search body does both: it matches the
//! looser query and adds [`TIER_BOOST`] to the sections the first would match, which
//! score the same in both, so the order is healthdex's (the scores are not).

use serde_json::{Value, json};

use super::{GAP, STEMS};
use crate::search::FieldWeights;
use crate::search::understand::{
    Alternative, Matcher, Phrase, PlanFilters, QueryPlan, Required, Slot, Source, Within,
};

/// Score added to sections of the first tier. The tier only exists for queries of
/// one or two slots, whose healthdex scores stay far below (the highest in the
/// bundled corpus's guard rankings is 42).
pub const TIER_BOOST: f32 = 1000.0;
/// Characters of the body's highlighted fragment, as healthdex's snippets.
pub const HIGHLIGHT_CHARS: usize = 220;
/// Tie breaker of a word's field disjunction, as `compile.rs`.
const FIELD_TIE_BREAKER: f32 = 0.1;

/// A whole search body: the query, `size` hits, and the body highlighted with
/// `<mark>` as healthdex's snippets are.
pub fn search_body(plan: &QueryPlan, weights: &FieldWeights, size: usize) -> Value {
    json!({
        "query": query(plan, weights),
        "size": size,
        "highlight": {
            "pre_tags": ["<mark>"],
            "post_tags": ["</mark>"],
            "fields": {"body": {"fragment_size": HIGHLIGHT_CHARS, "number_of_fragments": 1}},
        },
    })
}

/// The query of a plan; `match_none` when nothing searchable is left.
pub fn query(plan: &QueryPlan, weights: &FieldWeights) -> Value {
    if plan.is_empty() {
        return json!({"match_none": {}});
    }
    let lower = Lowering { weights };
    let slots: Vec<Value> = plan.slots.iter().map(|s| lower.slot(s)).collect();
    let mut clauses = Clauses::default();
    if !slots.is_empty() {
        let labelled: Vec<Value> = (plan.slots.iter().zip(&slots))
            .map(|(slot, query)| named(query.clone(), &slot.label))
            .collect();
        let any_slot = json!({"bool": {"should": labelled, "minimum_should_match": 1}});
        match plan.required.is_empty() {
            true => clauses.must.push(any_slot),
            false => clauses.should.push(any_slot),
        }
    }
    clauses.should.extend(plan.boosts.iter().map(|b| {
        let phrase = lower.phrase(&b.phrase, b.weight);
        named(phrase, &b.label)
    }));
    clauses
        .must
        .extend(plan.required.iter().map(|r| lower.required(r)));
    clauses
        .must_not
        .extend(plan.excluded.iter().map(|p| lower.phrase(p, 1.0)));
    clauses.filter.extend(filters(&plan.filters));
    clauses.should.extend(lower.first_tier(plan, &slots));
    clauses.into_bool()
}

/// The clauses of a `bool` query, by occurrence.
#[derive(Default)]
struct Clauses {
    must: Vec<Value>,
    should: Vec<Value>,
    must_not: Vec<Value>,
    filter: Vec<Value>,
}

impl Clauses {
    /// The `bool` query, without empty lists.
    fn into_bool(self) -> Value {
        let mut bool = serde_json::Map::new();
        for (occur, clauses) in [
            ("must", self.must),
            ("should", self.should),
            ("must_not", self.must_not),
            ("filter", self.filter),
        ] {
            if !clauses.is_empty() {
                bool.insert(occur.to_string(), Value::Array(clauses));
            }
        }
        json!({ "bool": bool })
    }
}

/// The weights a plan is lowered with.
struct Lowering<'a> {
    weights: &'a FieldWeights,
}

impl Lowering<'_> {
    /// The fields a word is searched in, as `compile.rs` weighs them (a field
    /// weighted 0 is left out, as there).
    fn word_fields(&self) -> Vec<String> {
        let w = self.weights;
        [
            ("title", w.title),
            ("heading", w.heading),
            ("body", w.body),
            ("parents", w.parents),
            ("citations.raw", w.references),
        ]
        .into_iter()
        .filter(|(_, weight)| *weight > 0.0)
        .map(|(field, weight)| format!("{field}^{weight}"))
        .collect()
    }

    /// The fields a phrase is searched in (the others have no positions).
    fn phrase_fields(&self) -> Vec<String> {
        let w = self.weights;
        [("title", w.title), ("heading", w.heading), ("body", w.body)]
            .into_iter()
            .map(|(field, weight)| format!("{field}^{weight}"))
            .collect()
    }

    /// One word: its best field, plus a tenth of the others.
    fn word(&self, word: &str, weight: f32) -> Value {
        with_boost(
            json!({"multi_match": {
                "query": word,
                "fields": self.word_fields(),
                "type": "best_fields",
                "tie_breaker": decimal(FIELD_TIE_BREAKER),
                "analyzer": STEMS,
            }}),
            weight,
        )
    }

    /// A phrase in its best field of title, heading and body; one word as [`word`].
    fn phrase(&self, phrase: &Phrase, weight: f32) -> Value {
        if let [(_, word)] = phrase.words.as_slice() {
            return self.word(word, weight);
        }
        with_boost(
            json!({"multi_match": {
                "query": phrase_text(&phrase.words),
                "fields": self.phrase_fields(),
                "type": "phrase",
                "slop": phrase.slop,
                "analyzer": STEMS,
            }}),
            weight,
        )
    }

    /// A slot: the best of its alternatives.
    fn slot(&self, slot: &Slot) -> Value {
        let mut options: Vec<Value> = slot.options.iter().map(|o| self.alternative(o)).collect();
        match options.len() {
            1 => options.pop().expect("one option"),
            _ => json!({"dis_max": {"queries": options}}),
        }
    }

    fn alternative(&self, option: &Alternative) -> Value {
        match &option.matcher {
            Matcher::Phrase(phrase) => self.phrase(phrase, option.weight),
            Matcher::EachWord(words) => {
                let each: Vec<Value> = words.iter().map(|w| self.word(w, option.weight)).collect();
                json!({"bool": {"should": each}})
            }
        }
    }

    /// A phrase that must be in the title, the heading, or anywhere.
    fn required(&self, required: &Required) -> Value {
        let in_field = |field: &str| {
            json!({"match_phrase": {field: {
                "query": phrase_text(&required.phrase.words),
                "analyzer": STEMS,
            }}})
        };
        let query = match required.within {
            Within::Title => in_field("title"),
            Within::Heading => in_field("heading"),
            Within::Anywhere => self.phrase(&required.phrase, 1.0),
        };
        named(query, &required.label)
    }

    /// The first tier as a score: [`TIER_BOOST`] for sections matching `needed`
    /// slots (when no phrase is required, as in `compile.rs`) and, when every slot
    /// is needed, each stretch of typed words whole. `None` when one slot is enough.
    fn first_tier(&self, plan: &QueryPlan, slots: &[Value]) -> Option<Value> {
        if plan.needed <= 1 {
            return None;
        }
        let mut members = Vec::new();
        if plan.required.is_empty() {
            members.push(json!({"bool": {"should": slots, "minimum_should_match": plan.needed}}));
        }
        if plan.needed == plan.slots.len() {
            members.extend(plan.slots.iter().filter_map(|s| self.whole_stretch(s)));
        }
        if members.is_empty() {
            return None;
        }
        Some(json!({"constant_score": {
            "filter": {"bool": {"filter": members}},
            "boost": decimal(TIER_BOOST),
            "_name": "first tier",
        }}))
    }

    /// For a slot of several typed words: all of them, or one of its other
    /// alternatives.
    fn whole_stretch(&self, slot: &Slot) -> Option<Value> {
        let typed = slot.options.iter().find_map(|o| match &o.matcher {
            Matcher::EachWord(words) if o.source == Source::Typed && words.len() > 1 => Some(words),
            _ => None,
        })?;
        let all: Vec<Value> = typed.iter().map(|w| self.word(w, 1.0)).collect();
        let any_of: Vec<Value> = std::iter::once(json!({"bool": {"must": all}}))
            .chain(
                slot.options
                    .iter()
                    .filter(|o| o.source != Source::Typed)
                    .map(|o| self.alternative(o)),
            )
            .collect();
        Some(json!({"bool": {"should": any_of, "minimum_should_match": 1}}))
    }
}

/// Tags, author name words, evidence kinds and the date range, as filters (no score).
fn filters(filters: &PlanFilters) -> Vec<Value> {
    let mut clauses: Vec<Value> = Vec::new();
    clauses.extend(
        filters
            .tags
            .iter()
            .map(|tag| json!({"term": {"tags": tag}})),
    );
    clauses.extend(
        filters
            .authors
            .iter()
            .map(|name| json!({"term": {"authors": name}})),
    );
    clauses.extend(
        filters
            .evidence
            .iter()
            .map(|kind| json!({"term": {"evidence": kind}})),
    );
    if filters.since.is_some() || filters.until.is_some() {
        let mut range = serde_json::Map::new();
        if let Some(since) = filters.since {
            range.insert("gte".into(), json!(since.to_string()));
        }
        if let Some(until) = filters.until {
            range.insert("lte".into(), json!(until.to_string()));
        }
        range.insert("format".into(), json!("strict_date"));
        clauses.push(json!({"range": {"date": range}}));
    }
    clauses
}

/// The stems of a phrase separated by spaces, with a [`GAP`] for each position a
/// stop word held, so [`STEMS`] puts each stem at its position in the index.
fn phrase_text(words: &[(usize, String)]) -> String {
    let mut text = String::new();
    let mut next = words.first().map_or(0, |(position, _)| *position);
    for (position, word) in words {
        for _ in next..*position {
            text.push_str(GAP);
            text.push(' ');
        }
        text.push_str(word);
        text.push(' ');
        next = position + 1;
    }
    text.pop();
    text
}

/// `query` with `boost` set, unless it is 1.
fn with_boost(mut query: Value, boost: f32) -> Value {
    if boost != 1.0 {
        inner(&mut query).insert("boost".into(), decimal(boost));
    }
    query
}

/// A weight as JSON, written as its shortest decimal (0.7, not the
/// 0.699999988079071 that widening the `f32` to `f64` gives).
fn decimal(weight: f32) -> Value {
    let shortest: f64 = weight
        .to_string()
        .parse()
        .expect("a float prints as a number");
    json!(shortest)
}

/// `query` named `label`: OpenSearch lists the names of the clauses a hit matched
/// (`matched_queries`), as `--explain` lists its parts.
fn named(mut query: Value, label: &str) -> Value {
    inner(&mut query).insert("_name".into(), json!(label));
    query
}

/// The parameters of a one-key query object (`{"multi_match": {…}}` → `{…}`).
fn inner(query: &mut Value) -> &mut serde_json::Map<String, Value> {
    query
        .as_object_mut()
        .and_then(|outer| outer.values_mut().next())
        .and_then(Value::as_object_mut)
        .expect("a query object has one key whose value is an object")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_word_positions_become_gaps() {
        let words = |pairs: &[(usize, &str)]| -> Vec<(usize, String)> {
            pairs.iter().map(|(p, w)| (*p, w.to_string())).collect()
        };
        assert_eq!(
            phrase_text(&words(&[(0, "leaki"), (1, "gut")])),
            "leaki gut"
        );
        assert_eq!(
            phrase_text(&words(&[(0, "symptom"), (2, "acromegali")])),
            "symptom _ acromegali"
        );
        assert_eq!(
            phrase_text(&words(&[(3, "blood"), (4, "clot"), (7, "lung")])),
            "blood clot _ _ lung"
        );
    }

    #[test]
    fn an_empty_plan_matches_nothing() {
        assert_eq!(
            query(&QueryPlan::default(), &FieldWeights::default()),
            json!({"match_none": {}})
        );
    }

    #[test]
    fn a_word_is_searched_in_every_weighted_field() {
        let weights = FieldWeights {
            references: 0.0,
            ..FieldWeights::default()
        };
        let word = Lowering { weights: &weights }.word("probiot", 0.8);
        assert_eq!(
            word,
            json!({"multi_match": {
                "query": "probiot",
                "fields": ["title^2.2", "heading^2", "body^1", "parents^0.5"],
                "type": "best_fields",
                "tie_breaker": 0.1,
                "analyzer": "healthdex_stems",
                "boost": 0.8,
            }})
        );
    }
}
