//! Helpers shared by the integration tests: fixture paths, temporary corpora, and
//! running the `healthdex` binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use healthdex::article::{Article, ParseOptions, parse_article};
use healthdex::{Warning, corpus};

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

pub fn repo_corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")
}

/// Reads a fixture file through the same decoding and parsing as the indexer.
pub fn parse_fixture(relative: &str) -> Result<(Article, Vec<Warning>), Warning> {
    let bytes = std::fs::read(fixtures().join(relative)).expect("fixture exists");
    let (text, mut warnings) = corpus::decode(relative, &bytes)?;
    let parsed = parse_article(relative, &text, &ParseOptions::default());
    warnings.extend(parsed.warnings);
    Ok((parsed.article, warnings))
}

/// Copies a folder (recursively) into a new temporary directory, under `corpus/`.
pub fn temp_corpus(from: &Path) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let corpus = dir.path().join("corpus");
    copy_dir(from, &corpus);
    (dir, corpus)
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// The output of one run of the binary.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `healthdex` with `args` in `cwd`.
pub fn healthdex(cwd: &Path, args: &[&str]) -> Run {
    let output: Output = Command::new(env!("CARGO_BIN_EXE_healthdex"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .output()
        .expect("the healthdex binary runs");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Runs a search with `--format json` and parses the output.
pub fn search_json(cwd: &Path, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["search", "--format", "json"];
    all.extend_from_slice(args);
    let run = healthdex(cwd, &all);
    assert_eq!(run.code, 0, "search {args:?} failed: {}", run.stderr);
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", run.stdout))
}
