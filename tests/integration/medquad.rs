//! Checks at scale on the MedQuAD articles of `../shared/data` (or `HEALTHDEX_DATA_DIR`; mandatory
//! when `HEALTHDEX_REQUIRE_DATA` is set, as in CI).

use crate::util::{healthdex, medquad, search_json, shared};

#[test]
fn medquad_indexes_every_article_and_finds_acromegaly_symptoms() {
    let Some(data) = medquad() else { return };
    let index = shared(&data);
    assert_eq!(index.report.articles, 5475, "{:?}", index.report);
    assert!(index.report.sections >= 16_300, "{:?}", index.report);

    // The binary searches the same index (built once for every MedQuAD test).
    let dir = tempfile::tempdir().unwrap();
    let index_dir = index.dir.to_str().unwrap();
    let results = search_json(
        dir.path(),
        &[
            "--index",
            index_dir,
            "--no-refresh",
            "symptoms of acromegaly",
        ],
    );
    let first = &results["hits"][0];
    assert_eq!(first["path"], "NIDDK/0000001.md", "{results:#}");
    assert_eq!(first["heading"], "What are the symptoms of Acromegaly ?");

    // And its refresh finds the corpus unchanged: nothing is written.
    let refreshed = healthdex(dir.path(), &["search", "--index", index_dir, "acromegaly"]);
    assert_eq!(refreshed.code, 0, "{}", refreshed.stderr);
    assert!(refreshed.stderr.is_empty(), "{}", refreshed.stderr);
}

#[test]
fn molar_in_molar_pregnancy_is_not_a_back_tooth() {
    let Some(data) = medquad() else { return };
    let engine = &shared(&data).engine;
    let mut request = healthdex::SearchRequest::new("molar pregnancy");
    request.explain = true;
    let results = engine.search(&request).unwrap();
    assert!(
        results.also_searched.is_empty(),
        "{:?}",
        results.also_searched
    );
    assert!(
        results.hits[..3]
            .iter()
            .any(|h| h.snippet.text.to_lowercase().contains("molar pregnan")),
        "{:?}",
        results.hits.iter().map(|h| &h.title).collect::<Vec<_>>()
    );
}

#[test]
fn amphetamine_salts_are_not_table_salt() {
    let Some(data) = medquad() else { return };
    let engine = &shared(&data).engine;
    let results = engine
        .search(&healthdex::SearchRequest::new("amphetamine salts"))
        .unwrap();
    // "salts" was expanded to table salt and named the Sodium article, which came
    // first without ever mentioning amphetamine.
    assert!(
        results.also_searched.is_empty(),
        "{:?}",
        results.also_searched
    );
    let titles: Vec<&str> = results
        .hits
        .iter()
        .take(5)
        .map(|h| h.title.as_str())
        .collect();
    assert!(!titles.contains(&"Sodium"), "{titles:?}");
    assert!(
        results.hits[0]
            .snippet
            .text
            .to_lowercase()
            .contains("amphetamine"),
        "{:?}",
        results.hits[0]
    );
}

#[test]
fn an_everyday_word_of_a_question_does_not_pick_the_article() {
    let Some(data) = medquad() else { return };
    let engine = &shared(&data).engine;
    // "bad" named the "Bad Breath" article, first for a question about headaches.
    let results = engine
        .search(&healthdex::SearchRequest::new(
            "bad headaches before my period",
        ))
        .unwrap();
    assert_eq!(results.hits[0].title, "Headache", "{:?}", results.hits[0]);
}

#[test]
fn a_plural_abbreviation_finds_its_condition_not_an_everyday_word_of_a_heading() {
    let Some(data) = medquad() else { return };
    let engine = &shared(&data).engine;
    // "UTIs" had no synonyms (only "UTI" did), and "keep" put three "Keep your
    // diabetes under control" pages first.
    let results = engine
        .search(&healthdex::SearchRequest::new(
            "I keep getting UTIs, why does this keep happening",
        ))
        .unwrap();
    for hit in results.hits.iter().take(3) {
        assert_eq!(hit.title, "Urinary Tract Infections", "{hit:?}");
    }
}
