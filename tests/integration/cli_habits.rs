//! Command-line habits a ripgrep or fd user brings: a closed pipe is not an error,
//! `-word` works unquoted, the last of a repeated flag wins, `--color`, and long
//! queries are not echoed whole.

use std::io::Read;
use std::process::{Command, Stdio};

use crate::util::{healthdex, repo_corpus, search_json, temp_corpus};

/// A working folder holding the bundled corpus, indexed once for every test here
/// (they only search, and a search of an unchanged corpus writes nothing).
fn indexed_corpus() -> &'static tempfile::TempDir {
    static DIR: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    DIR.get_or_init(|| {
        let (dir, _) = temp_corpus(&repo_corpus());
        let run = healthdex(dir.path(), &["index", "corpus", "--quiet"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        dir
    })
}

/// Runs healthdex with its stdout closed before anything is written (as
/// `| head -0` would): its exit code and what it wrote to stderr.
fn with_closed_stdout(dir: &std::path::Path, args: &[&str]) -> (Option<i32>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_healthdex"))
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    (child.wait().unwrap().code(), stderr)
}

#[test]
fn a_closed_pipe_ends_the_output_quietly_with_exit_0() {
    let dir = indexed_corpus();
    for format in ["text", "json"] {
        let args = ["search", "--limit", "200", "--format", format, "skin"];
        let (code, stderr) = with_closed_stdout(dir.path(), &args);
        assert_eq!(code, Some(0), "{format}: {stderr}");
        assert!(stderr.is_empty(), "{format}: {stderr}");
    }
    // export streams its JSON through serde_json, which wraps the write error.
    let (code, stderr) = with_closed_stdout(dir.path(), &["export", "corpus"]);
    assert_eq!(code, Some(0), "export: {stderr}");
    assert!(stderr.is_empty(), "export: {stderr}");
}

#[test]
fn dash_words_exclude_without_quoting_or_a_double_dash() {
    let dir = indexed_corpus();
    let all = search_json(dir.path(), &["probiotics"]);
    let unquoted = search_json(dir.path(), &["probiotics", "-skin", "-n", "20"]);
    let separated = search_json(dir.path(), &["-n", "20", "--", "probiotics", "-skin"]);
    let total = |v: &serde_json::Value| v["total"].as_u64().unwrap();
    assert!(total(&unquoted) < total(&all), "{unquoted:#}");
    assert_eq!(total(&unquoted), total(&separated));
    assert_eq!(unquoted["query"], "probiotics -skin");
    for hit in unquoted["hits"].as_array().unwrap() {
        let text = hit["snippet"]["text"].as_str().unwrap().to_lowercase();
        assert!(!text.contains("skin"), "{text}");
    }
    // A number after -n is its value; -nausea would be a word.
    let numbered = search_json(dir.path(), &["-n3", "probiotics"]);
    assert_eq!(numbered["hits"].as_array().unwrap().len(), 3);
}

#[test]
fn the_last_of_a_repeated_flag_wins() {
    let dir = indexed_corpus();
    let results = search_json(dir.path(), &["-n", "5", "-n", "2", "gut"]);
    assert_eq!(results["hits"].as_array().unwrap().len(), 2);
}

#[test]
fn color_is_chosen_with_color() {
    let dir = indexed_corpus();
    let always = healthdex(dir.path(), &["search", "--color", "always", "leaky gut"]);
    assert!(always.stdout.contains("\x1b[1m"), "{}", always.stdout);
    let never = healthdex(dir.path(), &["search", "--color", "never", "leaky gut"]);
    assert_eq!(never.code, 0, "{}", never.stderr);
    assert!(!never.stdout.contains('\x1b'), "{}", never.stdout);
}

#[test]
fn a_huge_query_is_not_echoed_whole() {
    let dir = indexed_corpus();
    let query = "gut ".repeat(9_000);
    let text = healthdex(dir.path(), &["search", &query]);
    assert_eq!(text.code, 0, "{}", text.stderr);
    let footer = text.stdout.lines().last().unwrap();
    assert!(footer.chars().count() < 200, "{footer}");
    let json = search_json(dir.path(), &[&query]);
    assert!(json["query"].as_str().unwrap().chars().count() <= 1_000);
}

#[test]
fn grouped_json_has_groups_instead_of_hits() {
    let dir = indexed_corpus();
    let grouped = search_json(dir.path(), &["--group", "acne"]);
    assert!(grouped.get("hits").is_none(), "{grouped:#}");
    assert!(!grouped["groups"].as_array().unwrap().is_empty());
    let plain = search_json(dir.path(), &["acne"]);
    assert!(plain.get("groups").is_none());
    assert!(!plain["hits"].as_array().unwrap().is_empty());
}

#[test]
fn explain_shows_how_the_query_was_understood() {
    let dir = indexed_corpus();
    let text = healthdex(
        dir.path(),
        &[
            "search",
            "--explain",
            "-n",
            "1",
            "what could cause my rosacea -diet",
        ],
    );
    assert_eq!(text.code, 0, "{}", text.stderr);
    assert!(text.stdout.starts_with("Understood as:"), "{}", text.stdout);
    assert!(
        text.stdout.contains("left out: what, could, my"),
        "{}",
        text.stdout
    );
    assert!(text.stdout.contains("excluded: diet"), "{}", text.stdout);
    let json = search_json(dir.path(), &["--explain", "probiotcs for eczema"]);
    let plan = &json["plan"];
    assert_eq!(plan["notes"]["corrections"][0]["typed"], "probiotcs");
    assert_eq!(plan["slots"][0]["options"][1]["source"], "correction");
}
