//! `healthdex index`: full builds, incremental updates, bad input, strictness and
//! rebuilds after a version change.

use std::fs;

use crate::util::{fixtures, healthdex, repo_corpus, rewrite_payload, search_json, temp_corpus};

#[test]
fn the_bundled_corpus_indexes_cleanly() {
    let (dir, _) = temp_corpus(&repo_corpus());
    let run = healthdex(dir.path(), &["index", "corpus", "--strict"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stderr.is_empty(),
        "the bundled corpus has warnings:\n{}",
        run.stderr
    );
    let articles: usize = run
        .stdout
        .split_whitespace()
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    assert!(articles >= 30, "{}", run.stdout);
    assert!(dir.path().join(".healthdex/meta.json").is_file());
}

#[test]
fn reindexing_touches_only_what_changed() {
    let (dir, corpus) = temp_corpus(&fixtures().join("site"));
    let first = healthdex(dir.path(), &["index"]);
    assert!(
        first.stdout.contains("indexed 3 articles") && first.stdout.contains("3 added"),
        "{}",
        first.stdout
    );

    let again = healthdex(dir.path(), &["index"]);
    assert!(
        again
            .stdout
            .contains("0 added, 0 updated, 0 removed, 3 unchanged"),
        "{}",
        again.stdout
    );

    // Touching a file without changing it is not a change.
    let text = fs::read_to_string(corpus.join("fibre.md")).unwrap();
    fs::write(corpus.join("fibre.md"), &text).unwrap();
    let touched = healthdex(dir.path(), &["index"]);
    assert!(
        touched
            .stdout
            .contains("0 added, 0 updated, 0 removed, 3 unchanged"),
        "{}",
        touched.stdout
    );

    fs::write(
        corpus.join("fibre.md"),
        text.replace("short-chain fatty acids", "butyrate and propionate"),
    )
    .unwrap();
    fs::remove_file(corpus.join("eczema.md")).unwrap();
    fs::write(
        corpus.join("new.md"),
        "---\ntitle: New\n---\nA new article about zinc.\n",
    )
    .unwrap();
    let changed = healthdex(dir.path(), &["index"]);
    assert!(
        changed
            .stdout
            .contains("1 added, 1 updated, 1 removed, 1 unchanged"),
        "{}",
        changed.stdout
    );

    let hits = crate::util::search_json(dir.path(), &["butyrate"]);
    assert_eq!(hits["hits"][0]["path"], "fibre.md");
    assert_eq!(
        crate::util::search_json(dir.path(), &["short-chain"])["total"],
        0,
        "old text is gone"
    );
    assert_eq!(
        crate::util::search_json(dir.path(), &["eczema"])["total"],
        0,
        "removed article is gone"
    );
    assert_eq!(
        crate::util::search_json(dir.path(), &["zinc"])["hits"][0]["path"],
        "new.md"
    );
}

#[test]
fn bad_articles_warn_and_the_rest_is_indexed() {
    let (dir, corpus) = temp_corpus(&fixtures().join("bad"));
    fs::copy(fixtures().join("site/eczema.md"), corpus.join("eczema.md")).unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&corpus, corpus.join("loop")).unwrap();
        std::os::unix::fs::symlink(corpus.join("missing-target.md"), corpus.join("dangling.md"))
            .unwrap();
    }
    let run = healthdex(dir.path(), &["index"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for expected in [
        "binary.md: skipped: looks like a binary file",
        "empty.md: skipped: is empty",
        "broken-yaml.md:3: warning: front matter is not valid YAML",
        "invalid-utf8.md:5: warning: contains bytes that are not valid UTF-8",
        "front-matter-only.md: skipped: has no text",
    ] {
        assert!(
            run.stderr.contains(expected),
            "missing {expected:?} in:\n{}",
            run.stderr
        );
    }
    #[cfg(unix)]
    {
        assert!(
            run.stderr.contains("loop: skipped: symbolic link loop"),
            "{}",
            run.stderr
        );
        assert!(
            run.stderr.contains("dangling.md: skipped"),
            "{}",
            run.stderr
        );
    }
    assert!(run.stdout.contains("skipped"), "{}", run.stdout);
    let hits = crate::util::search_json(dir.path(), &["atopic dermatitis"]);
    assert_eq!(hits["hits"][0]["path"], "eczema.md");
    let hits = crate::util::search_json(dir.path(), &["survives"]);
    assert_eq!(hits["hits"][0]["path"], "broken-yaml.md");

    let strict = healthdex(dir.path(), &["index", "--strict"]);
    assert_eq!(
        strict.code, 3,
        "--strict fails on warnings, even for unchanged files"
    );
    assert!(strict.stderr.contains("binary.md"), "{}", strict.stderr);
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let (dir, corpus) = temp_corpus(&fixtures().join("site"));
    fs::copy(
        fixtures().join("articles/draft.md"),
        corpus.join("draft.md"),
    )
    .unwrap();
    let run = healthdex(dir.path(), &["index"]);
    assert!(
        run.stdout.contains("1 left out as drafts"),
        "{}",
        run.stdout
    );
    assert_eq!(
        crate::util::search_json(dir.path(), &["--no-refresh", "unfinished"])["total"],
        0
    );
    let run = healthdex(dir.path(), &["index", "--drafts"]);
    assert!(
        run.stderr.contains("rebuilt"),
        "changing settings rebuilds: {}",
        run.stderr
    );
    assert_eq!(
        crate::util::search_json(dir.path(), &["unfinished"])["total"],
        1
    );
}

#[test]
fn an_index_from_another_version_is_rebuilt_with_a_message() {
    let (dir, _) = temp_corpus(&fixtures().join("site"));
    healthdex(dir.path(), &["index"]);
    rewrite_payload(&dir.path().join(".healthdex"), "schema_version", "0");

    let run = healthdex(dir.path(), &["index"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("rebuilt") && run.stderr.contains("schema version 0"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.contains("3 added"), "{}", run.stdout);
}

#[test]
fn an_index_stemmed_by_another_stemmer_is_rebuilt() {
    let (dir, _) = temp_corpus(&fixtures().join("site"));
    healthdex(dir.path(), &["index"]);
    rewrite_payload(&dir.path().join(".healthdex"), "stemmer", "\"porter 0.1\"");

    let run = healthdex(dir.path(), &["index"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("rebuilt") && run.stderr.contains("porter 0.1"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.contains("3 added"), "{}", run.stdout);
}

#[test]
fn a_folder_that_is_not_an_index_is_never_replaced() {
    let (dir, _) = temp_corpus(&fixtures().join("site"));
    fs::create_dir(dir.path().join("notes")).unwrap();
    fs::write(dir.path().join("notes/todo.txt"), "keep me").unwrap();
    let run = healthdex(dir.path(), &["index", "--index", "notes"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("not a healthdex index"),
        "{}",
        run.stderr
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("notes/todo.txt")).unwrap(),
        "keep me"
    );
}

#[test]
fn a_missing_corpus_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let run = healthdex(dir.path(), &["index", "no-such-folder"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("`no-such-folder` is not a directory"),
        "{}",
        run.stderr
    );
}

#[test]
fn export_writes_articles_sections_and_references_as_json() {
    let (dir, _) = temp_corpus(&fixtures().join("site"));
    let run = healthdex(
        dir.path(),
        &[
            "export",
            "corpus",
            "--base-url",
            "https://ex.org/a/",
            "--out",
            "site.json",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let exported: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.path().join("site.json")).unwrap()).unwrap();
    let articles = exported["articles"].as_array().unwrap();
    assert_eq!(articles.len(), 3);
    let leaky = articles
        .iter()
        .find(|a| a["path"] == "leaky-gut.md")
        .unwrap();
    assert_eq!(leaky["url"], "https://ex.org/a/leaky-gut/");
    let section = &leaky["sections"][1];
    assert_eq!(section["heading"], "What is leaky gut?");
    assert_eq!(
        section["url"],
        "https://ex.org/a/leaky-gut/#what-is-leaky-gut"
    );
    let reference = &leaky["sections"][3]["references"][0];
    assert_eq!(reference["doi"], "10.1136/gutjnl-2019-318427");
    assert_eq!(reference["year"], 2019);
}

#[test]
fn check_lists_every_problem_and_writes_no_index() {
    let (dir, corpus) = temp_corpus(&fixtures().join("site"));
    let clean = healthdex(dir.path(), &["index", "--check"]);
    assert_eq!(clean.code, 0, "{}", clean.stderr);
    assert!(
        clean.stdout.contains("checked 3 articles: 0 problems"),
        "{}",
        clean.stdout
    );

    fs::copy(
        fixtures().join("articles/duplicate-headings.md"),
        corpus.join("dup.md"),
    )
    .unwrap();
    fs::copy(
        fixtures().join("bad/broken-yaml.md"),
        corpus.join("broken.md"),
    )
    .unwrap();
    fs::write(
        corpus.join("refs.md"),
        "---\ntitle: R\n---\nText.\n\n## References\n\n- see the leaflet\n",
    )
    .unwrap();
    let run = healthdex(dir.path(), &["index", "--check"]);
    assert_eq!(run.code, 3);
    for expected in [
        "dup.md:12: warning: the heading `Symptoms` repeats the one on line 6",
        "broken.md:3: warning: front matter is not valid YAML",
        "broken.md: warning: no title",
        "refs.md:6: warning: none of the 1 entries under `References`",
    ] {
        assert!(
            run.stderr.contains(expected),
            "missing {expected:?} in:\n{}",
            run.stderr
        );
    }
    assert!(
        !dir.path().join(".healthdex").exists(),
        "--check writes no index"
    );
}

#[test]
fn huge_articles_long_lines_and_long_reference_lists_are_bounded() {
    let (dir, corpus) = temp_corpus(&fixtures().join("site"));
    let line = "word ".repeat(200_000);
    fs::write(
        corpus.join("long-line.md"),
        format!("---\ntitle: Long line\n---\n{line}\n"),
    )
    .unwrap();
    let references: String = (0..5_000)
        .map(|i| {
            format!(
                "{}. Author A{i}. Title {i}. J Test. 2001;{i}(1):1-2.\n",
                i + 1
            )
        })
        .collect();
    fs::write(
        corpus.join("many-refs.md"),
        format!("---\ntitle: Many references\n---\nText.\n\n## References\n\n{references}"),
    )
    .unwrap();
    let chunk = "A paragraph about the gut barrier and the skin.\n\n".repeat(1_100_000);
    fs::write(corpus.join("fifty-mb.md"), chunk).unwrap();
    let run = healthdex(dir.path(), &["index"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("fifty-mb.md: skipped: is 51.4 MiB, over the 16 MiB limit"),
        "{}",
        run.stderr
    );
    assert!(
        run.stdout.starts_with("indexed 5 articles"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("5001 references"), "{}", run.stdout);
    let results = search_json(dir.path(), &["--no-refresh", "word"]);
    assert_eq!(results["hits"][0]["path"], "long-line.md");
    assert!(
        results["hits"][0]["snippet"]["text"]
            .as_str()
            .unwrap()
            .chars()
            .count()
            < 300
    );
}
