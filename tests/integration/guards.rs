//! Frozen behaviour: what a dozen queries of every kind (typo, synonym, `OR`,
//! phrase, `title:`, exclusion, year, tag, author, filler, a long question) return
//! on the bundled corpus, and what `export` writes for the site fixtures. A change
//! to either must be deliberate: review the snapshot diff and say why in the commit.

use healthdex::search::{Engine, SearchRequest};

use crate::util::{fixtures, healthdex, repo_corpus, shared_index, temp_corpus};

/// Queries covering each part of query understanding.
const QUERIES: &[&str] = &[
    "probiotcs for eczema",
    "heart attack",
    "eczema OR psoriasis",
    "\"leaky gut\"",
    "title:acne diet",
    "probiotics -skin",
    "sleep year:2020..2025",
    "tag:skin stress",
    "author:smith fibre",
    "what could cause my rosacea to flare up",
    "why does my skin break out when I'm stressed and is my diet to blame for it",
    "vitamin d deficiency symptoms",
    "sdafadsf",
    "skin -\"gut barrier\"",
];

fn engine() -> &'static Engine {
    shared_index(&repo_corpus())
}

#[test]
fn rankings_of_a_dozen_query_kinds_do_not_drift() {
    let ranked: Vec<serde_json::Value> = QUERIES
        .iter()
        .map(|query| {
            let results = engine().search(&SearchRequest::new(*query)).unwrap();
            serde_json::json!({
                "query": query,
                "total": results.total,
                "hits": results.hits.iter().map(|hit| {
                    format!("{:.3} {}#{}", hit.score, hit.path, hit.anchor)
                }).collect::<Vec<_>>(),
                "also_searched": results.also_searched,
                "corrections": results.corrections,
                "did_you_mean": results.did_you_mean,
            })
        })
        .collect();
    insta::assert_json_snapshot!("rankings", ranked);
}

#[test]
fn export_of_the_site_fixtures_does_not_drift() {
    let (dir, _) = temp_corpus(&fixtures().join("site"));
    let run = healthdex(dir.path(), &["export", "corpus"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let exported: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    insta::assert_json_snapshot!("export_site", exported);
}

#[test]
fn an_excluded_phrase_with_a_number_does_not_trip_the_phrase_scorer() {
    // Regression: `skin -"gut 0"` tripped a debug assertion in tantivy's
    // PhraseScorer (seeking backwards) in test builds.
    for query in ["skin -\"gut 0\"", "skin -\"gut barrier\"", "gut -\"0 1\""] {
        let results = engine().search(&SearchRequest::new(query)).unwrap();
        assert!(results.total > 0, "{query}");
    }
}

#[test]
fn the_plans_of_a_dozen_query_kinds_do_not_drift() {
    let plans: Vec<serde_json::Value> = QUERIES
        .iter()
        .map(|query| {
            let plan = engine().plan(&SearchRequest::new(*query));
            serde_json::json!({"query": query, "plan": plan})
        })
        .collect();
    insta::assert_json_snapshot!("plans", plans);
}
