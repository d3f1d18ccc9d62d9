//! Query understanding from the command line: typos, synonyms, operators,
//! filters, grouping, explanations and configuration.

use std::fs;

use crate::util::{fixtures, healthdex, hit_paths, repo_corpus, search_json, temp_corpus};

/// Asserts that every hit comes from the article at `path` (and that there is one).
fn assert_only_from(results: &serde_json::Value, path: &str) {
    let hits = results["hits"].as_array().unwrap();
    assert!(
        !hits.is_empty() && hits.iter().all(|h| h["path"] == path),
        "expected only {path}: {results:#}"
    );
}

fn headings(results: &serde_json::Value) -> Vec<String> {
    results["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["heading"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn misspelled_words_are_corrected_marked_and_suggested() {
    let (dir, _) = temp_corpus(&repo_corpus());
    let results = search_json(dir.path(), &["probiotcs for eczema"]);
    assert_eq!(
        results["did_you_mean"], "probiotics for eczema",
        "{results:#}"
    );
    assert_eq!(results["corrections"][0]["typed"], "probiotcs");
    let top: Vec<&serde_json::Value> = results["hits"].as_array().unwrap().iter().take(3).collect();
    let about_probiotics = top.iter().find(|hit| {
        let text = format!("{} {}", hit["heading"], hit["snippet"]["text"]).to_lowercase();
        text.contains("probiotic")
            && (text.contains("eczema") || text.contains("dermatitis") || text.contains("skin"))
    });
    let hit = about_probiotics
        .unwrap_or_else(|| panic!("no probiotics-and-eczema section in the top 3: {top:#?}"));
    assert!(
        hit["snippet"]["html"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("<mark>probiotic"),
        "{hit:#}"
    );
}

#[test]
fn nonsense_is_not_matched_by_prefix() {
    let (dir, _) = temp_corpus(&repo_corpus());
    let results = search_json(dir.path(), &["sdafadsf"]);
    assert_eq!(results["total"], 0);
    assert!(results["did_you_mean"].is_null());
}

#[test]
fn synonyms_find_professional_terms_and_are_reported() {
    let (dir, corpus) = temp_corpus(&fixtures().join("site"));
    fs::write(corpus.join("mi.md"), "---\ntitle: After a myocardial infarction\n---\n## Recovery\n\nCardiac rehabilitation helps recovery after myocardial infarction.\n").unwrap();
    let results = search_json(dir.path(), &["heart attack recovery"]);
    assert_eq!(results["hits"][0]["path"], "mi.md", "{results:#}");
    let also: Vec<&str> = results["also_searched"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(also.contains(&"myocardial infarction"), "{also:?}");
    assert!(
        results["hits"][0]["snippet"]["html"]
            .as_str()
            .unwrap()
            .contains("<mark>myocardial</mark>")
    );
}

#[test]
fn a_long_question_with_a_missing_word_still_answers() {
    let (dir, _) = temp_corpus(&repo_corpus());
    let question = "I have had itchy red patches on my elbows for weeks and my gut is always bloated, could these be connected? zzqxj";
    let results = search_json(dir.path(), &[question]);
    assert!(results["total"].as_u64().unwrap() > 0);
    let top: Vec<String> = results["hits"]
        .as_array()
        .unwrap()
        .iter()
        .take(5)
        .map(|h| h["path"].as_str().unwrap().to_string())
        .collect();
    assert!(
        top.iter()
            .any(|p| p.contains("psoriasis") || p.contains("eczema") || p.contains("gut-skin")),
        "{top:?}"
    );
}

#[test]
fn operators_exclude_choose_and_restrict() {
    let (dir, _) = temp_corpus(&fixtures().join("site"));
    let all = search_json(dir.path(), &["gut"]);
    let without = search_json(dir.path(), &["gut -fibre"]);
    assert!(without["total"].as_u64() < all["total"].as_u64());
    assert!(
        without["hits"]
            .as_array()
            .unwrap()
            .iter()
            .all(|h| h["path"] != "fibre.md"),
        "{without:#}"
    );

    let either = search_json(dir.path(), &["emollients OR lactulose"]);
    let paths = hit_paths(&either);
    assert!(
        paths.iter().any(|p| p == "eczema.md") && paths.iter().any(|p| p == "leaky-gut.md"),
        "{paths:?}"
    );

    let titled = search_json(dir.path(), &["title:fibre gut"]);
    assert_only_from(&titled, "fibre.md");

    let tagged = search_json(dir.path(), &["gut tag:barrier"]);
    assert_only_from(&tagged, "leaky-gut.md");

    let dated = search_json(dir.path(), &["gut year:2023"]);
    assert_only_from(&dated, "eczema.md");

    let by = search_json(dir.path(), &["gut author:writer"]);
    assert_only_from(&by, "leaky-gut.md");

    let degraded = search_json(dir.path(), &["year:soon gut"]);
    assert_eq!(
        degraded["total"], all["total"],
        "a wrong operator is plain words, not a filter"
    );
}

#[test]
fn filters_from_flags_and_tag_facets() {
    let (dir, _) = temp_corpus(&fixtures().join("site"));
    let results = search_json(dir.path(), &["gut", "--tag", "diet"]);
    assert_only_from(&results, "fibre.md");
    let since = search_json(dir.path(), &["gut", "--since", "2024-01-01"]);
    assert!(
        since["hits"]
            .as_array()
            .unwrap()
            .iter()
            .all(|h| h["date"] == "2024-03-10"),
        "{since:#}"
    );
    let facets = search_json(dir.path(), &["gut"])["facets"]["tags"].clone();
    assert_eq!(facets[0]["tag"], "gut", "{facets:#}");
    let bad = healthdex(dir.path(), &["search", "gut", "--since", "last week"]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("YYYY-MM-DD"), "{}", bad.stderr);
}

#[test]
fn no_article_floods_the_first_page_but_the_one_the_query_names() {
    let (dir, _) = temp_corpus(&repo_corpus());
    // "eczema" names the Eczema article and "leaky gut" (through its synonym
    // "intestinal permeability") the Intestinal Permeability one: each may fill the
    // page. No article is named "heart attack", so none may.
    for (query, named) in [
        ("eczema", Some("eczema.md")),
        ("leaky gut", Some("intestinal-permeability.md")),
        ("heart attack", None),
    ] {
        let results = search_json(dir.path(), &[query]);
        let mut counts = std::collections::HashMap::new();
        for hit in results["hits"].as_array().unwrap() {
            *counts
                .entry(hit["path"].as_str().unwrap().to_string())
                .or_insert(0) += 1;
        }
        for (path, n) in &counts {
            assert!(
                Some(path.as_str()) == named || *n <= 3,
                "{query}: {counts:?}"
            );
        }
        if let Some(named) = named {
            assert!(counts[named] > 3, "{query}: {counts:?}");
        }
    }
}

#[test]
fn grouping_gives_one_entry_per_article() {
    let (dir, _) = temp_corpus(&repo_corpus());
    let results = search_json(dir.path(), &["leaky gut", "--group", "--limit", "5"]);
    let groups = results["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 5);
    assert!(results.get("hits").is_none(), "groups replace hits");
    let paths: std::collections::HashSet<&str> =
        groups.iter().map(|g| g["path"].as_str().unwrap()).collect();
    assert_eq!(paths.len(), 5);
    for group in groups {
        let hits = group["hits"].as_array().unwrap();
        assert!(!hits.is_empty() && hits.len() <= 3);
        assert!(hits.iter().all(|h| h["path"] == group["path"]));
        assert_eq!(group["score"], hits[0]["score"]);
    }
    let scores: Vec<f64> = groups
        .iter()
        .map(|g| g["score"].as_f64().unwrap())
        .collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
}

#[test]
fn explain_says_which_parts_scored() {
    let (dir, _) = temp_corpus(&fixtures().join("site"));
    let results = search_json(dir.path(), &["leaky gut", "--explain", "--limit", "1"]);
    let parts = results["hits"][0]["explain"].as_array().unwrap();
    let clauses: Vec<&str> = parts
        .iter()
        .map(|p| p["clause"].as_str().unwrap())
        .collect();
    assert!(
        clauses.iter().any(|c| c.starts_with("words: leaky gut")),
        "{clauses:?}"
    );
    assert!(
        clauses.iter().any(|c| c.starts_with("near: leaky gut")),
        "{clauses:?}"
    );
    let text = healthdex(
        dir.path(),
        &["search", "leaky gut", "--explain", "--limit", "1"],
    );
    assert!(text.stdout.contains("score "), "{}", text.stdout);
}

#[test]
fn configuration_sets_weights_and_synonyms_and_rejects_typos() {
    let (dir, corpus) = temp_corpus(&fixtures().join("site"));
    fs::write(
        corpus.join("zinc.md"),
        "---\ntitle: Zinc\n---\n## Zinc and skin\n\nZinc lozenges.\n",
    )
    .unwrap();
    fs::write(
        dir.path().join("mine.txt"),
        "# our words\nzinc => emollients\n",
    )
    .unwrap();
    fs::write(
        dir.path().join("healthdex.toml"),
        "[synonyms]\nfiles = [\"mine.txt\"]\n",
    )
    .unwrap();
    let results = search_json(dir.path(), &["zinc"]);
    let paths = hit_paths(&results);
    assert!(
        paths.iter().any(|p| p == "eczema.md"),
        "the user list expands zinc: {paths:?}"
    );

    let mesh = "D1\tZinc\tZn Element|Emollients\n";
    fs::write(dir.path().join("mesh.tsv"), mesh).unwrap();
    fs::write(
        dir.path().join("mesh.toml"),
        "[synonyms]\nbuiltin = false\nmesh = [\"mesh.tsv\"]\n",
    )
    .unwrap();
    let results = search_json(dir.path(), &["zinc", "--config", "mesh.toml"]);
    assert!(
        results["also_searched"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t == "emollients"),
        "{results:#}"
    );

    fs::write(
        dir.path().join("healthdex.toml"),
        "[weights]\ntitel = 2.0\n",
    )
    .unwrap();
    let run = healthdex(dir.path(), &["search", "zinc"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("healthdex.toml")
            && run.stderr.contains("line 2")
            && run.stderr.contains("titel"),
        "{}",
        run.stderr
    );
}

#[test]
fn headings_follow_field_weights() {
    let (dir, _) = temp_corpus(&fixtures().join("site"));
    fs::write(
        dir.path().join("heading-first.toml"),
        "[weights]\ntitle = 0.0\nheading = 5.0\n",
    )
    .unwrap();
    let results = search_json(dir.path(), &["measured", "--config", "heading-first.toml"]);
    assert_eq!(headings(&results)[0], "How permeability is measured");
}

#[test]
fn bench_reports_latency_percentiles() {
    let (dir, _) = temp_corpus(&fixtures().join("site"));
    fs::write(
        dir.path().join("queries.txt"),
        "gut\n\nleaky gut\nprobiotcs\n",
    )
    .unwrap();
    let run = healthdex(
        dir.path(),
        &[
            "bench",
            "--queries",
            "queries.txt",
            "--rounds",
            "3",
            "--format",
            "json",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["queries"], 3);
    assert_eq!(report["count"], 9);
    let (p50, p99, max) = (
        report["p50_ms"].as_f64().unwrap(),
        report["p99_ms"].as_f64().unwrap(),
        report["max_ms"].as_f64().unwrap(),
    );
    assert!(p50 > 0.0 && p50 <= p99 && p99 <= max, "{report:#}");
}

#[test]
fn refs_lists_searches_and_shows_the_works_the_corpus_cites() {
    let (dir, _) = crate::util::temp_corpus(&crate::util::repo_corpus());
    let listed = crate::util::healthdex(dir.path(), &["refs", "--format", "json", "-n", "200"]);
    assert_eq!(listed.code, 0, "{}", listed.stderr);
    let listed: serde_json::Value = serde_json::from_str(&listed.stdout).unwrap();
    let works = listed["works"].as_array().unwrap();
    assert_eq!(works.len() as u64, listed["total"].as_u64().unwrap());
    let counts: Vec<usize> = works
        .iter()
        .map(|w| w["cited_by"].as_array().unwrap().len())
        .collect();
    assert!(counts.windows(2).all(|p| p[0] >= p[1]), "most cited first");
    assert!(counts[0] >= 2, "some work is cited by two articles");
    let keys: std::collections::HashSet<&str> =
        works.iter().map(|w| w["key"].as_str().unwrap()).collect();
    assert_eq!(keys.len(), works.len(), "one entry per work");

    let found = crate::util::healthdex(dir.path(), &["refs", "doi:10.1186/1757-4749-3-1"]);
    assert_eq!(found.code, 0);
    assert!(
        found
            .stdout
            .contains("Acne vulgaris, probiotics and the gut-brain-skin axis"),
        "{}",
        found.stdout
    );
    assert!(
        found
            .stdout
            .contains("https://doi.org/10.1186/1757-4749-3-1")
    );
    let one = crate::util::healthdex(
        dir.path(),
        &[
            "refs",
            "--work",
            "doi:10.1186/1757-4749-3-1",
            "--format",
            "json",
        ],
    );
    let one: serde_json::Value = serde_json::from_str(&one.stdout).unwrap();
    let citing: Vec<&str> = one["works"][0]["cited_by"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["path"].as_str().unwrap())
        .collect();
    assert!(citing.contains(&"acne.md"), "{citing:?}");
    let acne = one["works"][0]["cited_by"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["path"] == "acne.md")
        .unwrap();
    assert!(
        !acne["cited_in"].as_array().unwrap().is_empty(),
        "the sections whose text cites it: {acne:#}"
    );
    let missing = crate::util::healthdex(dir.path(), &["refs", "--work", "doi:10.0/nothing"]);
    assert_eq!(missing.code, 1);
    assert!(missing.stderr.contains("no work"), "{}", missing.stderr);
}

#[test]
fn refs_check_fails_on_one_doi_cited_with_two_years() {
    let entry = |name: &str, year: u16| {
        format!(
            "---\ntitle: {name}\n---\nText.\n\n## References\n\n1. Bowe WP, Logan AC. Acne vulgaris, probiotics and the gut-brain-skin axis. Gut Pathog. {year}. doi:10.1186/1757-4749-3-1\n"
        )
    };
    let dir = crate::util::corpus_of(&[
        ("a.md", &entry("a.md", 2011)),
        ("b.md", &entry("b.md", 2012)),
    ]);
    let run = crate::util::healthdex(dir.path(), &["refs", "--check"]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(
        run.stderr.contains("a.md, b.md: warning:"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("year 2011"), "{}", run.stderr);
}

#[test]
fn refs_check_lists_markers_that_link_to_nothing() {
    let dir = crate::util::corpus_of(&[(
        "a.md",
        "---\ntitle: A\n---\nProbiotics were tested [1] and again [7].\n\n## References\n\n1. Bowe WP, Logan AC. Acne vulgaris, probiotics and the gut-brain-skin axis. Gut Pathog. 2011.\n",
    )]);
    let run = crate::util::healthdex(dir.path(), &["refs", "--check"]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(
        run.stderr.contains("a.md:4:"),
        "names the file and line: {}",
        run.stderr
    );
    assert!(run.stderr.contains("[7]"), "{}", run.stderr);
}

#[test]
fn a_capitalised_front_matter_tag_is_found_by_any_tag_filter() {
    let dir = crate::util::corpus_of(&[(
        "a.md",
        "---\ntitle: A\ntags: [Skin, Gut Health]\n---\n## Acne\n\nAcne on the skin.\n",
    )]);
    assert_eq!(crate::util::healthdex(dir.path(), &["index", "-q"]).code, 0);
    for args in [
        vec!["acne tag:skin"],
        vec!["--tag", "Skin", "acne"],
        vec!["acne", "tag:\"gut health\""],
    ] {
        let mut all = vec!["--no-refresh"];
        all.extend(args.iter().copied());
        let results = crate::util::search_json(dir.path(), &all);
        assert_eq!(results["total"], 1, "{args:?}: {results:#}");
        assert_eq!(
            results["hits"][0]["tags"],
            serde_json::json!(["skin", "gut health"])
        );
    }
}
