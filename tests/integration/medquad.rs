//! Checks at scale on the MedQuAD articles in `../shared/data/medquad` (mandatory
//! when `HEALTHDEX_REQUIRE_DATA` is set, as in CI).

use crate::util::{healthdex, medquad, search_json};

#[test]
fn medquad_indexes_every_article_and_finds_acromegaly_symptoms() {
    let Some(data) = medquad() else { return };
    let dir = tempfile::tempdir().unwrap();
    let run = healthdex(dir.path(), &["index", data.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.starts_with("indexed 5475 articles, 163"),
        "{}",
        run.stdout
    );

    let results = search_json(dir.path(), &["--no-refresh", "symptoms of acromegaly"]);
    let first = &results["hits"][0];
    assert_eq!(first["path"], "NIDDK/0000001.md", "{results:#}");
    assert_eq!(first["heading"], "What are the symptoms of Acromegaly ?");
}
