//! What a hit says about its evidence: the sources its section cites (linked from
//! in-text markers), their evidence types, the `--evidence` / `evidence:` filter,
//! and the evidence facet, from the CLI and the API.

use crate::util::{Server, healthdex, http_get, search_json};

pub const ARTICLE: &str = "---
title: Eczema and probiotics
tags: [eczema]
---
## What trials found

Probiotics taken by mothers and infants have been tested for eczema [1]. A review
of trials found that they probably make little or no difference once eczema is
established [2]. The first trial is often cited again [1].

## Moisturisers

Emollients are the mainstay of care.

## References

1. Kalliomäki M, Salminen S, Arvilommi H, Kero P, Koskinen P, Isolauri E. Probiotics in primary prevention of atopic disease: a randomised placebo-controlled trial. Lancet. 2001;357(9262):1076-1079.
2. Makrgeorgou A, Leonardi-Bee J, Bath-Hextall FJ, et al. Probiotics for treating eczema. Cochrane Database Syst Rev. 2018.
";

fn corpus() -> tempfile::TempDir {
    let dir = crate::util::corpus_of(&[("eczema.md", ARTICLE)]);
    assert_eq!(healthdex(dir.path(), &["index", "-q"]).code, 0);
    dir
}

#[test]
fn a_hit_lists_the_works_its_section_cites_with_their_evidence() {
    let dir = corpus();
    let results = search_json(dir.path(), &["--no-refresh", "probiotics eczema trials"]);
    let hit = &results["hits"][0];
    assert_eq!(hit["heading"], "What trials found");
    let sources = hit["sources"].as_array().unwrap();
    assert_eq!(
        sources.len(),
        2,
        "each work once, in the order first cited: {sources:#?}"
    );
    assert_eq!(sources[0]["year"], 2001);
    assert_eq!(sources[0]["evidence"], "rct");
    assert_eq!(sources[0]["container"], "Lancet");
    assert_eq!(sources[1]["evidence"], "systematic-review");
    assert_eq!(sources[1]["authors"][0], "Makrgeorgou A");
    let moisturisers = search_json(dir.path(), &["--no-refresh", "emollients"]);
    assert_eq!(moisturisers["hits"][0]["sources"], serde_json::json!([]));

    let text = healthdex(
        dir.path(),
        &["search", "--no-refresh", "probiotics eczema trials"],
    );
    assert!(
        text.stdout
            .contains("2 sources · 1 systematic review, 1 randomised trial"),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout
            .contains("Probiotics for treating eczema [systematic review]")
    );
}

#[test]
fn sections_are_filtered_and_counted_by_the_evidence_they_cite() {
    let dir = corpus();
    let all = search_json(dir.path(), &["--no-refresh", "probiotics"]);
    let facets = &all["facets"]["evidence"];
    assert_eq!(
        facets,
        &serde_json::json!([{"evidence": "rct", "count": 1}, {"evidence": "systematic-review", "count": 1}])
    );
    let reviewed = search_json(
        dir.path(),
        &[
            "--no-refresh",
            "--evidence",
            "systematic-review",
            "probiotics",
        ],
    );
    let headings: Vec<&str> = reviewed["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["heading"].as_str().unwrap())
        .collect();
    assert_eq!(
        headings,
        ["What trials found"],
        "the reference list itself cites nothing"
    );
    let typed = search_json(dir.path(), &["--no-refresh", "probiotics evidence:rct"]);
    assert_eq!(typed["total"], 1);
    let none = search_json(
        dir.path(),
        &["--no-refresh", "--evidence", "guideline", "probiotics"],
    );
    assert_eq!(none["total"], 0);
    let bad = healthdex(
        dir.path(),
        &["search", "--evidence", "anecdote", "probiotics"],
    );
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr.contains("evidence must be one of"),
        "{}",
        bad.stderr
    );

    let server = Server::start(dir.path(), &["--no-refresh"]);
    let (status, body) = http_get(&server.base, "/api/search?q=probiotics&evidence=rct");
    assert_eq!(status, 200, "{body}");
    let api: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(api["total"], 1);
    assert_eq!(api["hits"][0]["sources"][0]["evidence"], "rct");
    let (status, body) = http_get(&server.base, "/api/search?q=probiotics&evidence=anecdote");
    assert_eq!(status, 400, "{body}");
}

#[test]
fn the_refs_api_lists_searches_and_shows_works() {
    let dir = corpus();
    let server = Server::start(dir.path(), &["--no-refresh"]);
    let get = |path: &str| {
        let (status, body) = http_get(&server.base, path);
        (
            status,
            serde_json::from_str::<serde_json::Value>(&body).unwrap_or_default(),
        )
    };
    let (status, listed) = get("/api/refs");
    assert_eq!(status, 200);
    assert_eq!(listed["total"], 2);
    let (_, found) = get("/api/refs?q=author:Makrgeorgou");
    assert_eq!(found["total"], 1);
    let key = found["works"][0]["key"].as_str().unwrap().to_string();
    assert_eq!(
        found["works"][0]["reference"]["evidence"],
        "systematic-review"
    );
    let (status, one) = get(&format!(
        "/api/refs?work={}",
        key.replace(' ', "+").replace('|', "%7C")
    ));
    assert_eq!(status, 200, "{one}");
    assert_eq!(one["works"][0]["cited_by"][0]["path"], "eczema.md");
    assert_eq!(get("/api/refs?work=doi:10.0/none").0, 404);
    assert_eq!(get("/api/refs?limit=0").0, 400);
    let (_, check) = get("/api/refs?check=1");
    assert_eq!(check["disagreements"], serde_json::json!([]));
}
