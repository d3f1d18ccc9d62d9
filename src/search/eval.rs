//! The relevance suite: judged queries, and the measures that say how well a
//! search engine ranks the sections that answer them.
//!
//! A judgments file holds one JSON object per line:
//! `{"id": "c01", "query": "leaky gut", "class": "topic", "relevant": {"path.md#anchor": 3, …}}`
//! with grades 3 (answers it), 2 (substantially relevant), 1 (related); a section is
//! `path#anchor` (`path#` for the intro). For each query the top 10 sections are
//! scored with nDCG@10 (graded gains 2^g − 1), MRR@10 (first section of grade ≥ 2)
//! and recall@10 (share of the sections of grade ≥ 1 found), for healthdex and for
//! a plain BM25 baseline on the same index.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{Engine, Hit, SearchRequest};
use crate::Result;

/// Depth of every measure.
pub const DEPTH: usize = 10;

/// One judged query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Judgment {
    /// The query's id in the judgments file.
    pub id: String,
    /// The query text.
    pub query: String,
    /// topic, misspelling, lay, question, …
    pub class: String,
    /// Section id (`path#anchor`) → grade 1–3.
    pub relevant: BTreeMap<String, u8>,
}

/// Reads a judgments file (JSON lines). `Err` names the bad line.
pub fn read_judgments(text: &str) -> std::result::Result<Vec<Judgment>, String> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(i, line)| serde_json::from_str(line).map_err(|e| format!("line {}: {e}", i + 1)))
        .collect()
}

/// The three measures, for one query or averaged over several.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    /// nDCG@10 (graded gains).
    pub ndcg: f64,
    /// MRR@10: the reciprocal rank of the first relevant section.
    pub mrr: f64,
    /// Recall@10 of the sections judged relevant.
    pub recall: f64,
}

impl Metrics {
    /// Scores a ranked list of section ids against the judgments.
    pub fn score(ranked: &[String], relevant: &BTreeMap<String, u8>) -> Metrics {
        let grade = |id: &String| relevant.get(id).copied().unwrap_or(0);
        let top = &ranked[..ranked.len().min(DEPTH)];
        let dcg: f64 = top
            .iter()
            .enumerate()
            .map(|(i, id)| gain(grade(id)) / discount(i))
            .sum();
        let mut ideal: Vec<u8> = relevant.values().copied().collect();
        ideal.sort_unstable_by(|a, b| b.cmp(a));
        let idcg: f64 = ideal
            .iter()
            .take(DEPTH)
            .enumerate()
            .map(|(i, &g)| gain(g) / discount(i))
            .sum();
        let mrr = top
            .iter()
            .position(|id| grade(id) >= 2)
            .map_or(0.0, |i| 1.0 / (i as f64 + 1.0));
        let judged = relevant.values().filter(|&&g| g >= 1).count();
        let found = top.iter().filter(|id| grade(id) >= 1).count();
        Metrics {
            ndcg: if idcg > 0.0 { dcg / idcg } else { 0.0 },
            mrr,
            recall: if judged > 0 {
                found as f64 / judged as f64
            } else {
                0.0
            },
        }
    }

    fn mean(all: &[Metrics]) -> Metrics {
        let n = all.len().max(1) as f64;
        Metrics {
            ndcg: all.iter().map(|m| m.ndcg).sum::<f64>() / n,
            mrr: all.iter().map(|m| m.mrr).sum::<f64>() / n,
            recall: all.iter().map(|m| m.recall).sum::<f64>() / n,
        }
    }
}

fn gain(grade: u8) -> f64 {
    f64::from(2u32.pow(u32::from(grade.min(10)))) - 1.0
}

fn discount(rank0: usize) -> f64 {
    (rank0 as f64 + 2.0).log2()
}

/// How one query fared.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueryResult {
    /// The query's id.
    pub id: String,
    /// Its class (topic, question, lay, misspelling, …).
    pub class: String,
    /// The query text.
    pub query: String,
    /// healthdex's figures.
    pub healthdex: Metrics,
    /// Plain BM25's figures on the same index.
    pub baseline: Metrics,
}

/// Averages for a set of queries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Queries in the summary.
    pub queries: usize,
    /// healthdex's mean figures.
    pub healthdex: Metrics,
    /// Plain BM25's mean figures.
    pub baseline: Metrics,
}

/// The whole evaluation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Over every query.
    pub overall: Summary,
    /// Per query class.
    pub by_class: BTreeMap<String, Summary>,
    /// Per query, in file order.
    pub queries: Vec<QueryResult>,
}

/// Runs every judged query through `engine` and `baseline` and scores both.
pub fn evaluate(engine: &Engine, baseline: &Engine, judgments: &[Judgment]) -> Result<Report> {
    let mut queries = Vec::with_capacity(judgments.len());
    for judgment in judgments {
        queries.push(QueryResult {
            id: judgment.id.clone(),
            class: judgment.class.clone(),
            query: judgment.query.clone(),
            healthdex: Metrics::score(&ranked_ids(engine, &judgment.query)?, &judgment.relevant),
            baseline: Metrics::score(&ranked_ids(baseline, &judgment.query)?, &judgment.relevant),
        });
    }
    let summarize = |subset: Vec<&QueryResult>| Summary {
        queries: subset.len(),
        healthdex: Metrics::mean(&subset.iter().map(|q| q.healthdex).collect::<Vec<_>>()),
        baseline: Metrics::mean(&subset.iter().map(|q| q.baseline).collect::<Vec<_>>()),
    };
    let mut by_class = BTreeMap::new();
    for class in queries
        .iter()
        .map(|q| q.class.clone())
        .collect::<std::collections::BTreeSet<_>>()
    {
        by_class.insert(
            class.clone(),
            summarize(queries.iter().filter(|q| q.class == class).collect()),
        );
    }
    Ok(Report {
        overall: summarize(queries.iter().collect()),
        by_class,
        queries,
    })
}

/// The top sections for a query as `path#anchor` ids.
fn ranked_ids(engine: &Engine, query: &str) -> Result<Vec<String>> {
    let request = SearchRequest {
        limit: DEPTH,
        ..SearchRequest::new(query)
    };
    Ok(engine
        .search(&request)?
        .hits
        .iter()
        .map(section_id)
        .collect())
}

/// The id of a hit in judgments: `path#anchor`.
pub fn section_id(hit: &Hit) -> String {
    format!("{}#{}", hit.path, hit.anchor)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judged(pairs: &[(&str, u8)]) -> BTreeMap<String, u8> {
        pairs.iter().map(|(id, g)| (id.to_string(), *g)).collect()
    }

    fn ids(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn perfect_ranking_scores_one() {
        let relevant = judged(&[("a#x", 3), ("b#", 2)]);
        let m = Metrics::score(&ids(&["a#x", "b#", "c#"]), &relevant);
        assert!((m.ndcg - 1.0).abs() < 1e-9);
        assert_eq!(m.mrr, 1.0);
        assert_eq!(m.recall, 1.0);
    }

    #[test]
    fn worse_rankings_score_less() {
        let relevant = judged(&[("a#x", 3), ("b#", 1)]);
        let swapped = Metrics::score(&ids(&["b#", "a#x"]), &relevant);
        assert!(swapped.ndcg < 1.0 && swapped.ndcg > 0.5, "{swapped:?}");
        assert_eq!(swapped.mrr, 0.5, "grade 1 does not count for MRR");
        let missing = Metrics::score(&ids(&["z#"]), &relevant);
        assert_eq!(missing, Metrics::default());
        let half = Metrics::score(&ids(&["b#"]), &relevant);
        assert_eq!(half.recall, 0.5);
    }

    #[test]
    fn judgments_file_errors_name_the_line() {
        let good = r#"{"id":"c1","query":"q","class":"topic","relevant":{"a.md#":3}}"#;
        assert_eq!(read_judgments(good).unwrap().len(), 1);
        let bad = format!("{good}\n\n{{oops\n");
        assert!(read_judgments(&bad).unwrap_err().starts_with("line 3"));
    }
}
