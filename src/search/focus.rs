//! A query's focus: which of the plan's candidate names ([`QueryPlan::names`]) the
//! corpus's articles go by, and which articles those are. The compiled query
//! scores the names itself; this leaves out names whose articles hold nothing
//! else the query asks ([`settle`]), finds the articles the first page does not
//! cap ([`uncapped`]) and what `--explain` shows ([`found`]).

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocSet, Searcher, TERMINATED, TantivyDocument, Term};

use super::understand::{QueryPlan, cue_stems};
use crate::index::schema::Fields;
use crate::{Error, Result};

/// Most articles going by the query's best name that the first page leaves
/// uncapped (see [`uncapped`]; 1, 2, 3 and any number measured in ARCHITECTURE.md).
pub const MAX_UNCAPPED: usize = 2;
/// The queries whose names [`settle`] checks: those of exactly this many slots.
pub const SETTLED_SLOTS: usize = 2;
/// Articles listed per name found.
const ARTICLES_PER_NAME: usize = 3;
/// Sections read to find them (an article's sections all go by its names).
const SECTIONS_READ: usize = 64;

/// A name the query holds that some articles go by.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Focus {
    /// The name as the plan lists it (stems joined by spaces).
    pub name: String,
    /// What every section of those articles scores extra.
    pub weight: f32,
    /// Titles of the articles going by it (at most 3).
    pub articles: Vec<String>,
}

/// Leaves out of a two-slot `plan` the names that cannot be its focus. Two words
/// are mostly one thing ("amphetamine salts", "eczema cream"), so a name covering
/// one of them is kept only if an article going by it holds a word of the other:
/// "salt" names the Sodium article, which never mentions amphetamine. Longer
/// queries keep every name: their other words are often story and everyday words
/// the named article need not have (measured: with every query settled, "bad
/// headaches before my period" lost its Headache focus to "Bad Breath"). A name no
/// article goes by is kept (it finds nothing either way).
pub fn settle(searcher: &Searcher, fields: &Fields, plan: &mut QueryPlan) -> Result<()> {
    if plan.slots.len() != SETTLED_SLOTS {
        return Ok(());
    }
    let mut kept = Vec::with_capacity(plan.names.len());
    for name in std::mem::take(&mut plan.names) {
        let Some(term) = existing(searcher, fields, &name.key)? else {
            kept.push(name);
            continue;
        };
        let others = uncovered_words(plan, &name.key);
        if others.is_empty() || holds_any(searcher, fields, term, &others)? {
            kept.push(name);
        }
    }
    plan.names = kept;
    Ok(())
}

/// The words of every alternative of the slots the name `key` does not cover (a
/// slot is covered when one of its alternatives has only words of the name, or
/// only words that ask about a topic: "remedies", "side effects").
fn uncovered_words(plan: &QueryPlan, key: &str) -> Vec<String> {
    let stems: HashSet<&str> = key.split(' ').collect();
    let cues = cue_stems();
    let mut words = Vec::new();
    for slot in &plan.slots {
        let alternatives: Vec<Vec<&str>> = slot.options.iter().map(|o| o.matcher.words()).collect();
        let covered = |words: &Vec<&str>| {
            words.iter().all(|w| stems.contains(w)) || words.iter().all(|w| cues.contains(*w))
        };
        if alternatives.iter().any(covered) {
            continue;
        }
        for word in alternatives.into_iter().flatten() {
            if !words.iter().any(|w: &String| w == word) {
                words.push(word.to_string());
            }
        }
    }
    words
}

/// Whether some section going by the name `term` has one of `words` in its
/// title, heading, text or enclosing headings.
fn holds_any(searcher: &Searcher, fields: &Fields, term: Term, words: &[String]) -> Result<bool> {
    let searched = [fields.title, fields.heading, fields.body, fields.parents];
    let any: Vec<(Occur, Box<dyn Query>)> = words
        .iter()
        .flat_map(|word| {
            searched.iter().map(move |&field| {
                let query: Box<dyn Query> = Box::new(TermQuery::new(
                    Term::from_field_text(field, word),
                    IndexRecordOption::Basic,
                ));
                (Occur::Should, query)
            })
        })
        .collect();
    let both = BooleanQuery::new(vec![
        (
            Occur::Must,
            Box::new(TermQuery::new(term, IndexRecordOption::Basic)) as Box<dyn Query>,
        ),
        (Occur::Must, Box::new(BooleanQuery::new(any))),
    ]);
    let found = searcher
        .search(&both, &Count)
        .map_err(|e| Error::tantivy("cannot check a name's articles", e))?;
    Ok(found > 0)
}

/// The plan's names that articles go by, best weight first.
pub fn found(searcher: &Searcher, fields: &Fields, plan: &QueryPlan) -> Result<Vec<Focus>> {
    let mut found = Vec::new();
    for name in &plan.names {
        let Some(term) = existing(searcher, fields, &name.key)? else {
            continue;
        };
        found.push(Focus {
            name: name.key.clone(),
            weight: name.weight,
            articles: titles(searcher, fields, term)?,
        });
    }
    found.sort_by(|a, b| b.weight.total_cmp(&a.weight));
    Ok(found)
}

/// The term of a name key, when some article goes by that name.
fn existing(searcher: &Searcher, fields: &Fields, key: &str) -> Result<Option<Term>> {
    let term = Term::from_field_text(fields.names, key);
    let holders = searcher
        .doc_freq(&term)
        .map_err(|e| Error::tantivy("cannot look a name up", e))?;
    Ok((holders > 0).then_some(term))
}

/// The distinct titles of the first sections holding `term`.
fn titles(searcher: &Searcher, fields: &Fields, term: Term) -> Result<Vec<String>> {
    let query = TermQuery::new(term, IndexRecordOption::Basic);
    let top = searcher
        .search(&query, &TopDocs::with_limit(SECTIONS_READ).order_by_score())
        .map_err(|e| Error::tantivy("cannot find the articles a name belongs to", e))?;
    let mut titles: Vec<String> = Vec::new();
    for (_, address) in top {
        let doc: TantivyDocument = searcher
            .doc(address)
            .map_err(|e| Error::tantivy("cannot read a named section", e))?;
        let title = super::hits::first_text(&doc, fields.title);
        if !titles.contains(&title) {
            titles.push(title);
        }
        if titles.len() == ARTICLES_PER_NAME {
            break;
        }
    }
    Ok(titles)
}

/// The articles the first page does not cap: those going by the found name of the
/// highest weight, when at most [`MAX_UNCAPPED`] do. A name many articles share
/// (MedQuAD has a GARD, a GHR and a MedlinePlus article on most conditions) keeps
/// the cap, so each of them is seen.
pub fn uncapped(searcher: &Searcher, fields: &Fields, plan: &QueryPlan) -> Result<HashSet<u64>> {
    let mut articles = articles(searcher, fields, plan)?;
    if articles.len() > MAX_UNCAPPED {
        articles.clear();
    }
    Ok(articles)
}

/// The articles going by the found name of the highest weight.
fn articles(searcher: &Searcher, fields: &Fields, plan: &QueryPlan) -> Result<HashSet<u64>> {
    let mut best: Vec<Term> = Vec::new();
    let mut best_weight = 0.0f32;
    for name in &plan.names {
        if name.weight < best_weight {
            continue;
        }
        let Some(term) = existing(searcher, fields, &name.key)? else {
            continue;
        };
        if name.weight > best_weight {
            best.clear();
            best_weight = name.weight;
        }
        best.push(term);
    }
    let mut articles = HashSet::new();
    for segment in searcher.segment_readers() {
        let keys = segment
            .fast_fields()
            .u64("article")
            .map_err(|e| Error::tantivy("cannot read the `article` column", e))?;
        let index = segment
            .inverted_index(fields.names)
            .map_err(|e| Error::tantivy("cannot read the names", e))?;
        for term in &best {
            let postings = index
                .read_postings(term, IndexRecordOption::Basic)
                .map_err(|e| Error::tantivy("cannot read a name's sections", e.into()))?;
            let Some(mut postings) = postings else {
                continue;
            };
            while postings.doc() != TERMINATED {
                if let Some(key) = keys.first(postings.doc()) {
                    articles.insert(key);
                }
                postings.advance();
            }
        }
    }
    Ok(articles)
}
