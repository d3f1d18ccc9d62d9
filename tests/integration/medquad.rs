//! Checks at scale on the MedQuAD articles in `../shared/data/medquad`, skipped
//! with a message when that folder is not there.

use std::path::PathBuf;

use crate::util::{healthdex, search_json};

fn medquad() -> Option<PathBuf> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data/medquad");
    if path.is_dir() {
        Some(path)
    } else {
        eprintln!(
            "skipping: {} not found (MedQuAD is read from ../shared/data)",
            path.display()
        );
        None
    }
}

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
