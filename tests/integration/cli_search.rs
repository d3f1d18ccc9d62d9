//! `healthdex search`: the README's first command, output formats, and queries
//! people actually type.

use crate::util::{fixtures, healthdex, hit_paths, repo_corpus, search_json, temp_corpus};

#[test]
fn first_search_on_a_fresh_clone_indexes_the_corpus_then_answers() {
    let (dir, _) = temp_corpus(&repo_corpus());
    let run = healthdex(dir.path(), &["search", "leaky gut"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("no index at `.healthdex` yet; indexing `corpus` first"),
        "{}",
        run.stderr
    );
    assert!(
        run.stdout.lines().any(|l| l.starts_with("1. ")),
        "{}",
        run.stdout
    );

    let second = healthdex(dir.path(), &["search", "leaky gut"]);
    assert!(
        second.stderr.is_empty(),
        "an unchanged corpus is not re-indexed: {}",
        second.stderr
    );
    assert_eq!(second.stdout, run.stdout);
}

#[test]
fn leaky_gut_finds_a_leaky_gut_section_with_marks_and_an_anchor() {
    let (dir, _) = temp_corpus(&repo_corpus());
    let results = search_json(dir.path(), &["leaky gut", "--limit", "3"]);
    let hits = results["hits"].as_array().unwrap();
    let found = hits.iter().find(|hit| {
        hit["heading"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("leaky gut")
    });
    let hit = found.unwrap_or_else(|| panic!("no leaky gut section in the top 3: {results:#}"));
    assert!(hit["url"].as_str().unwrap().contains('#'), "{hit:#}");
    let html = hit["snippet"]["html"].as_str().unwrap();
    assert!(html.to_lowercase().contains("<mark>leaky</mark>"), "{html}");
}

#[test]
fn json_output_has_the_documented_shape() {
    let (dir, _) = temp_corpus(&fixtures().join("site"));
    let results = search_json(dir.path(), &["leaky gut"]);
    insta::assert_json_snapshot!("search_leaky_gut", results, {
        ".hits[].score" => insta::rounded_redaction(2),
    });
    let first = &results["hits"][0];
    let text: Vec<char> = first["snippet"]["text"].as_str().unwrap().chars().collect();
    for range in first["snippet"]["highlights"].as_array().unwrap() {
        let (start, end) = (
            range[0].as_u64().unwrap() as usize,
            range[1].as_u64().unwrap() as usize,
        );
        let word: String = text[start..end].iter().collect();
        assert!(
            ["leaky", "gut", "increased", "intestinal", "permeability"]
                .contains(&word.to_lowercase().as_str()),
            "{word}"
        );
    }
}

#[test]
fn words_close_together_rank_above_scattered_ones() {
    let (dir, corpus) = temp_corpus(&fixtures().join("site"));
    std::fs::write(corpus.join("scattered.md"), "---\ntitle: Notes\n---\n## Notes\n\nThe skin is an organ. Many people use probiotics. Research on eczema is ongoing in several countries.\n").unwrap();
    let results = search_json(dir.path(), &["probiotics for eczema"]);
    assert_eq!(results["hits"][0]["path"], "eczema.md", "{results:#}");
    assert_eq!(results["hits"][0]["heading"], "Probiotics for eczema");
}

#[test]
fn quoted_phrases_must_match_as_phrases() {
    let (dir, _) = temp_corpus(&fixtures().join("site"));
    let results = search_json(dir.path(), &["\"gut lining\""]);
    let paths = hit_paths(&results);
    assert!(!paths.is_empty());
    assert!(
        paths.iter().all(|p| p == "leaky-gut.md" || p == "fibre.md"),
        "{paths:?}"
    );
    assert_eq!(search_json(dir.path(), &["\"lining gut\""])["total"], 0);
}

#[test]
fn anything_a_person_types_gets_an_answer_not_an_error() {
    let (dir, _) = temp_corpus(&fixtures().join("site"));
    let long_question = "I have had itchy red patches on my elbows for weeks and my gut is always bloated could these be connected ".repeat(5);
    let queries = [
        "\"unbalanced quote",
        "title:(",
        "AND OR NOT",
        "&&& ### ::: ***",
        "<img src=x onerror=alert(1)>",
        "((((((((((gut",
        "\u{7}\u{1b}[31m",
        "🦠🦠",
        long_question.as_str(),
    ];
    for query in queries {
        let run = healthdex(dir.path(), &["search", "--format", "json", "--", query]);
        assert_eq!(run.code, 0, "{query:?}: {}", run.stderr);
        let parsed: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        assert_eq!(parsed["query"], query);
    }
}

#[test]
fn a_query_may_start_with_a_dash_after_double_dash() {
    let (dir, _) = temp_corpus(&fixtures().join("site"));
    let run = healthdex(dir.path(), &["search", "--", "-fibre"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("Fibre and the gut"), "{}", run.stdout);
}

#[test]
fn text_output_lists_path_link_and_snippet() {
    let (dir, _) = temp_corpus(&fixtures().join("site"));
    let run = healthdex(dir.path(), &["search", "probiotics"]);
    let first_block: Vec<&str> = run.stdout.lines().take(3).collect();
    assert_eq!(first_block[0], "1. Eczema basics › Probiotics for eczema");
    assert_eq!(first_block[1].trim(), "/eczema/#probiotics-for-eczema");
    assert!(
        first_block[2].contains("Trials of probiotics"),
        "{}",
        run.stdout
    );
    assert!(
        !run.stdout.contains('\u{1b}'),
        "no ANSI codes when not a terminal"
    );
    assert!(
        run.stdout
            .contains("Showing sections 1–1 of 1 matching sections"),
        "{}",
        run.stdout
    );
}

#[test]
fn paging_and_limits_are_checked() {
    let (dir, _) = temp_corpus(&fixtures().join("site"));
    let all = search_json(dir.path(), &["gut"]);
    let second = search_json(dir.path(), &["gut", "--limit", "1", "--offset", "1"]);
    assert_eq!(second["hits"][0], all["hits"][1]);
    assert_eq!(second["total"], all["total"]);
    let run = healthdex(dir.path(), &["search", "gut", "--limit", "0"]);
    assert_eq!(run.code, 2, "a limit of 0 is a usage error");
    let run = healthdex(dir.path(), &["search", "gut", "--limit", "1000000"]);
    assert_eq!(run.code, 2);
}

#[test]
fn searching_without_an_index_or_corpus_says_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let run = healthdex(dir.path(), &["search", "gut"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("healthdex index"), "{}", run.stderr);
}

/// Every entry under `dir`, recursively, as relative paths.
fn tree(dir: &std::path::Path) -> Vec<String> {
    let mut entries: Vec<String> = walkdir::WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .flatten()
        .map(|e| e.path().strip_prefix(dir).unwrap().display().to_string())
        .collect();
    entries.sort();
    entries
}

#[test]
fn a_search_over_an_unchanged_corpus_writes_nothing() {
    let (dir, corpus) = temp_corpus(&fixtures().join("site"));
    let first = healthdex(dir.path(), &["index", "corpus"]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    std::fs::remove_file(dir.path().join(".healthdex.lock")).unwrap();
    let before = tree(dir.path());

    let run = healthdex(dir.path(), &["search", "fibre"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    assert_eq!(tree(dir.path()), before, "the search wrote files");

    // A change is still seen by the next search.
    std::fs::write(
        corpus.join("zinc.md"),
        "---\ntitle: Zinc\n---\nZinc lozenges may shorten colds.\n",
    )
    .unwrap();
    let results = search_json(dir.path(), &["lozenges"]);
    assert_eq!(results["hits"][0]["path"], "zinc.md", "{results:#}");
}

#[test]
fn a_mistyped_index_path_is_an_error_that_creates_nothing() {
    let (dir, _) = temp_corpus(&fixtures().join("site"));
    let before = tree(dir.path());
    let run = healthdex(dir.path(), &["search", "--index", "does/not/exist", "gut"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stderr.contains("does/not/exist")
            && run
                .stderr
                .contains("healthdex index <DIR> --index does/not/exist"),
        "{}",
        run.stderr
    );
    assert_eq!(tree(dir.path()), before);

    // Told which corpus to index, it builds the index there.
    let built = healthdex(
        dir.path(),
        &[
            "search",
            "--index",
            "new-index",
            "--corpus",
            "corpus",
            "fibre",
        ],
    );
    assert_eq!(built.code, 0, "{}", built.stderr);
    assert!(dir.path().join("new-index/meta.json").is_file());
}

#[test]
fn a_rebuild_after_a_version_change_keeps_the_base_url() {
    let (dir, _) = temp_corpus(&fixtures().join("site"));
    let first = healthdex(
        dir.path(),
        &["index", "corpus", "--base-url", "https://ex.org/a/"],
    );
    assert_eq!(first.code, 0, "{}", first.stderr);
    crate::util::rewrite_payload(&dir.path().join(".healthdex"), "schema_version", "0");

    let results = search_json(dir.path(), &["fibre"]);
    let url = results["hits"][0]["url"].as_str().unwrap();
    assert!(url.starts_with("https://ex.org/a/"), "{results:#}");
}
