//! The hand-off to another engine: `export --format ndjson|opensearch` and
//! `plan --format opensearch`. Checked for structure (every line a record, every
//! record field mapped, the analyzer chain and synonyms as documented, the query
//! body carrying healthdex's plan); no cluster is run here.

use std::collections::{BTreeSet, HashSet};
use std::fs;
use std::path::Path;

use healthdex::export::{self, SectionRecord, opensearch};
use healthdex::search::{FieldWeights, SearchRequest};
use healthdex::text::{Analyzer, STOP_WORDS};
use healthdex::{ParseOptions, corpus};
use serde_json::Value;

use crate::util::{fixtures, healthdex, repo_corpus, shared_index, temp_corpus};

/// Runs `export` in `cwd` and returns its stdout, failing on a non-zero exit.
fn export_stdout(cwd: &Path, args: &[&str]) -> String {
    let mut all = vec!["export"];
    all.extend_from_slice(args);
    let run = healthdex(cwd, &all);
    assert_eq!(run.code, 0, "export {args:?}: {}", run.stderr);
    run.stdout
}

/// The bundled corpus exported for OpenSearch into `cwd/os`: (index body, bulk text).
fn opensearch_export(cwd: &Path, extra: &[&str]) -> (Value, String) {
    let mut args = vec!["corpus", "--format", "opensearch", "--out", "os"];
    args.extend_from_slice(extra);
    export_stdout(cwd, &args);
    let body = fs::read_to_string(cwd.join("os/index.json")).unwrap();
    let bulk = fs::read_to_string(cwd.join("os/bulk.ndjson")).unwrap();
    (serde_json::from_str(&body).unwrap(), bulk)
}

#[test]
fn every_ndjson_line_is_a_record_and_reads_back_as_the_library_built_it() {
    let (dir, corpus_dir) = temp_corpus(&repo_corpus());
    let text = export_stdout(dir.path(), &["corpus", "--format", "ndjson"]);
    for (number, line) in text.lines().enumerate() {
        let value: Value = serde_json::from_str(line)
            .unwrap_or_else(|e| panic!("line {} is not JSON ({e}): {line}", number + 1));
        assert!(value.is_object(), "line {}: {line}", number + 1);
    }
    let read = export::ndjson::parse(&text).unwrap();
    let parsed = corpus::read_articles(&corpus_dir, &ParseOptions::default()).unwrap();
    assert_eq!(read, export::records(&parsed.articles, false));
    let sections: usize = parsed
        .articles
        .iter()
        .filter(|a| !a.meta.draft)
        .map(|a| a.sections.len())
        .sum();
    assert_eq!(read.len(), sections);

    let ids: HashSet<&str> = read.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids.len(), read.len(), "ids are unique");
    assert!(
        read.iter().all(|r| !r.path.contains("reflux")),
        "drafts are left out"
    );
    let with_drafts = export_stdout(dir.path(), &["corpus", "--format", "ndjson", "--drafts"]);
    let drafts = export::ndjson::parse(&with_drafts).unwrap();
    assert!(
        drafts
            .iter()
            .any(|r| r.path == "gut/gastro-oesophageal-reflux.md")
    );
}

#[test]
fn a_record_carries_the_sections_urls_and_parsed_citations() {
    let (dir, _) = temp_corpus(&fixtures().join("site"));
    let text = export_stdout(
        dir.path(),
        &[
            "corpus",
            "--format",
            "ndjson",
            "--base-url",
            "https://ex.org/a/",
        ],
    );
    let records = export::ndjson::parse(&text).unwrap();
    let by_id = |id: &str| -> &SectionRecord {
        records
            .iter()
            .find(|r| r.id == id)
            .unwrap_or_else(|| panic!("no record {id}"))
    };
    let what = by_id("leaky-gut.md#what-is-leaky-gut");
    assert_eq!(what.url, "https://ex.org/a/leaky-gut/#what-is-leaky-gut");
    assert_eq!(
        what.breadcrumbs,
        ["Leaky gut explained", "What is leaky gut?"]
    );
    assert_eq!(what.date.unwrap().to_string(), "2024-03-10");
    assert_eq!(what.tags, ["gut", "barrier"]);
    let references = by_id("leaky-gut.md#references");
    let citation = &references.citations[0];
    assert_eq!(citation.doi.as_deref(), Some("10.1136/gutjnl-2019-318427"));
    assert_eq!(citation.year, Some(2019));
    assert!(
        citation.raw.contains("Leaky gut: mechanisms"),
        "{}",
        citation.raw
    );
    assert!(
        !references.body.contains("Camilleri"),
        "a reference list's entries are citations, not body text: {}",
        references.body
    );
    let intro = by_id("leaky-gut.md");
    assert_eq!(intro.anchor, "");
    assert_eq!(intro.url, "https://ex.org/a/leaky-gut/");
}

#[test]
fn the_bulk_file_alternates_index_actions_and_their_records() {
    let (dir, _) = temp_corpus(&repo_corpus());
    let (_, bulk) = opensearch_export(dir.path(), &["--index-name", "health-2024"]);
    assert!(bulk.ends_with('\n'), "the last line ends in a newline too");
    let lines: Vec<&str> = bulk.lines().collect();
    assert!(
        !lines.is_empty() && lines.len().is_multiple_of(2),
        "{} lines",
        lines.len()
    );
    let mut ids = HashSet::new();
    for pair in lines.chunks(2) {
        let action: Value = serde_json::from_str(pair[0]).unwrap();
        let record: SectionRecord = serde_json::from_str(pair[1])
            .unwrap_or_else(|e| panic!("not a record ({e}): {}", pair[1]));
        let index = action
            .as_object()
            .filter(|o| o.len() == 1)
            .and_then(|o| o.get("index"))
            .unwrap_or_else(|| panic!("not an index action: {action}"));
        assert_eq!(index["_index"], "health-2024");
        assert_eq!(index["_id"], record.id.as_str());
        assert_eq!(index.as_object().unwrap().len(), 2, "{index}");
        assert!(ids.insert(record.id.clone()), "repeated id {}", record.id);
    }
    let ndjson = export_stdout(dir.path(), &["corpus", "--format", "ndjson"]);
    let records = export::ndjson::parse(&ndjson).unwrap();
    let expected: HashSet<String> = records.into_iter().map(|r| r.id).collect();
    assert_eq!(ids, expected, "the bulk ids are the records' ids");
}

/// The dotted names of every field of a record as JSON (`citations.doi` …).
fn record_fields(value: &Value, prefix: &str, into: &mut BTreeSet<String>) {
    for (key, field) in value.as_object().unwrap() {
        let name = format!("{prefix}{key}");
        match field {
            Value::Object(_) => record_fields(field, &format!("{name}."), into),
            Value::Array(items) if items.first().is_some_and(Value::is_object) => {
                record_fields(&items[0], &format!("{name}."), into)
            }
            _ => {
                into.insert(name);
            }
        }
    }
}

/// The dotted names of every mapped leaf field.
fn mapped_fields(properties: &Value, prefix: &str, into: &mut BTreeSet<String>) {
    for (key, mapping) in properties.as_object().unwrap() {
        let name = format!("{prefix}{key}");
        match mapping.get("properties") {
            Some(inner) => mapped_fields(inner, &format!("{name}."), into),
            None => {
                into.insert(name);
            }
        }
    }
}

#[test]
fn every_field_of_a_record_is_in_the_mappings() {
    let (dir, corpus) = temp_corpus(&fixtures().join("site"));
    // An article whose text cites its references, so records carry sources too.
    std::fs::write(corpus.join("cited.md"), crate::sources::ARTICLE).unwrap();
    // And one with every field a hit only shows (omitted from records without them).
    std::fs::write(
        corpus.join("reviewed.md"),
        "---\ntitle: Reviewed\nupdated: 2025-01-02\ndescription: What it is.\nreviewed_by: Dr Ada Obi\nlast_reviewed: 2025-02-03\n---\nText.\n",
    )
    .unwrap();
    let (body, bulk) = opensearch_export(dir.path(), &[]);
    let mappings = &body["mappings"];
    assert_eq!(mappings["dynamic"], "strict");
    let mut mapped = BTreeSet::new();
    mapped_fields(&mappings["properties"], "", &mut mapped);
    let mut fields = BTreeSet::new();
    for line in bulk.lines().skip(1).step_by(2) {
        record_fields(
            &serde_json::from_str::<Value>(line).unwrap(),
            "",
            &mut fields,
        );
    }
    // An empty list in one record names a field whose parts another record shows.
    let parents: Vec<String> = fields
        .iter()
        .filter(|f| fields.iter().any(|g| g.starts_with(&format!("{f}."))))
        .cloned()
        .collect();
    for parent in parents {
        fields.remove(&parent);
    }
    assert!(fields.contains("citations.doi"), "{fields:?}");
    assert!(fields.contains("sources.evidence"), "{fields:?}");
    assert_eq!(fields, mapped, "record fields and mapped fields");
    let properties = &mappings["properties"];
    assert_eq!(properties["title"]["analyzer"], opensearch::ENGLISH);
    assert_eq!(
        properties["title"]["search_analyzer"],
        opensearch::ENGLISH_SEARCH
    );
    assert_eq!(properties["authors"]["analyzer"], opensearch::NAMES);
    assert_eq!(
        properties["citations"]["properties"]["raw"]["analyzer"],
        opensearch::ENGLISH
    );
    assert_eq!(properties["tags"]["type"], "keyword");
    assert_eq!(properties["date"]["type"], "date");
}

#[test]
fn the_analyzers_are_the_documented_chain_with_healthdex_stop_words() {
    let (dir, _) = temp_corpus(&fixtures().join("site"));
    let (body, _) = opensearch_export(dir.path(), &[]);
    let analysis = &body["settings"]["analysis"];
    let chain = |name: &str| -> Vec<String> {
        serde_json::from_value(analysis["analyzer"][name]["filter"].clone()).unwrap()
    };
    assert_eq!(
        chain(opensearch::ENGLISH),
        [
            "healthdex_long",
            "lowercase",
            "asciifolding",
            "healthdex_stop",
            "healthdex_stem"
        ]
    );
    assert_eq!(
        chain(opensearch::ENGLISH_SEARCH),
        [
            "healthdex_long",
            "lowercase",
            "asciifolding",
            "healthdex_synonyms",
            "healthdex_stop",
            "healthdex_stem"
        ]
    );
    assert_eq!(
        chain(opensearch::NAMES),
        ["healthdex_long", "lowercase", "asciifolding"]
    );
    for name in [
        opensearch::ENGLISH,
        opensearch::ENGLISH_SEARCH,
        opensearch::NAMES,
    ] {
        assert_eq!(analysis["analyzer"][name]["tokenizer"], "healthdex_words");
    }
    let filters = &analysis["filter"];
    let stop: Vec<String> =
        serde_json::from_value(filters["healthdex_stop"]["stopwords"].clone()).unwrap();
    assert_eq!(stop, STOP_WORDS);
    assert!(!stop.iter().any(|w| w == "no" || w == "not"));
    assert_eq!(filters["healthdex_stop"]["type"], "stop");
    assert_eq!(filters["healthdex_stem"]["type"], "snowball");
    assert_eq!(filters["healthdex_stem"]["language"], "English");
    assert_eq!(filters["healthdex_long"]["max"], 39);
    assert_eq!(filters["healthdex_synonyms"]["type"], "synonym_graph");
    assert_eq!(
        analysis["tokenizer"]["healthdex_words"]["pattern"],
        r"[^\p{IsAlphabetic}\p{N}]+"
    );
}

#[test]
fn the_synonym_filter_holds_the_builtin_groups_and_the_sites_own() {
    let (dir, _) = temp_corpus(&fixtures().join("site"));
    fs::write(
        dir.path().join("healthdex.toml"),
        "[synonyms]\nfiles = [\"ours.txt\"]\n",
    )
    .unwrap();
    fs::write(
        dir.path().join("ours.txt"),
        "belly grumbles => borborygmi\n",
    )
    .unwrap();
    let (body, _) = opensearch_export(dir.path(), &[]);
    let rules: Vec<String> = serde_json::from_value(
        body["settings"]["analysis"]["filter"]["healthdex_synonyms"]["synonyms"].clone(),
    )
    .unwrap();
    assert!(
        rules.contains(
            &"heart attack, myocardial infarction, acute myocardial infarction".to_string()
        ),
        "the built-in group from synonyms.txt: {:?}",
        &rules[..5]
    );
    assert!(
        rules.contains(&"belly grumbles => belly grumbles, borborygmi".to_string()),
        "the site's own list"
    );
    assert!(!rules.iter().any(|r| r.starts_with("borborygmi")));
}

#[test]
fn a_folder_with_other_files_is_refused_and_left_untouched() {
    let (dir, _) = temp_corpus(&fixtures().join("site"));
    let out = dir.path().join("os");
    fs::create_dir(&out).unwrap();
    fs::write(out.join("index.json"), "{\"mine\": true}\n").unwrap();
    fs::write(out.join("notes.md"), "my notes\n").unwrap();
    let run = healthdex(
        dir.path(),
        &["export", "corpus", "--format", "opensearch", "--out", "os"],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("`notes.md`"), "{}", run.stderr);
    assert!(run.stderr.contains("never overwrites"), "{}", run.stderr);
    let names: BTreeSet<String> = fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        BTreeSet::from(["index.json".into(), "notes.md".into()])
    );
    assert_eq!(
        fs::read_to_string(out.join("index.json")).unwrap(),
        "{\"mine\": true}\n"
    );
    assert_eq!(
        fs::read_to_string(out.join("notes.md")).unwrap(),
        "my notes\n"
    );

    let missing = healthdex(dir.path(), &["export", "corpus", "--format", "opensearch"]);
    assert_eq!(missing.code, 1);
    assert!(missing.stderr.contains("--out DIR"), "{}", missing.stderr);
    let stray = healthdex(dir.path(), &["export", "corpus", "--index-name", "x"]);
    assert_eq!(stray.code, 1);
    assert!(
        stray.stderr.contains("--format opensearch"),
        "{}",
        stray.stderr
    );
    let bad = healthdex(
        dir.path(),
        &[
            "export",
            "corpus",
            "--format",
            "opensearch",
            "--out",
            "new",
            "--index-name",
            "Bad",
        ],
    );
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    assert!(bad.stderr.contains("lower case"), "{}", bad.stderr);
    assert!(!dir.path().join("new").exists());
}

// The search body of a plan, on the bundled corpus's index.

/// The OpenSearch body for `query` (with `request` options) on the bundled corpus.
fn body_for(request: SearchRequest) -> Value {
    let engine = shared_index(&repo_corpus());
    let plan = engine.plan(&request);
    opensearch::search_body(&plan, &FieldWeights::default(), request.limit)
}

fn body(query: &str) -> Value {
    body_for(SearchRequest::new(query))
}

/// Every query object in `value` whose key is `kind` (`multi_match` …), depth first.
fn all<'a>(value: &'a Value, kind: &str, into: &mut Vec<&'a Value>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                if key == kind {
                    into.push(inner);
                }
                all(inner, kind, into);
            }
        }
        Value::Array(items) => items.iter().for_each(|item| all(item, kind, into)),
        _ => {}
    }
}

fn found<'a>(value: &'a Value, kind: &str) -> Vec<&'a Value> {
    let mut into = Vec::new();
    all(value, kind, &mut into);
    into
}

/// The stems healthdex makes of `text`, separated by spaces.
fn stems(text: &str) -> String {
    let words: Vec<String> = Analyzer::new()
        .stems(text)
        .into_iter()
        .map(|(_, w)| w)
        .collect();
    words.join(" ")
}

#[test]
fn a_synonym_is_a_lower_weighted_phrase_beside_the_readers_words() {
    let body = body("heart attack");
    assert_eq!(body["size"], 10);
    assert_eq!(body["highlight"]["pre_tags"][0], "<mark>");
    let slot = &body["query"]["bool"]["must"][0]["bool"]["should"][0]["dis_max"];
    assert!(
        slot["_name"]
            .as_str()
            .unwrap()
            .starts_with("words: heart attack"),
        "{slot:#}"
    );
    let alternatives = slot["queries"].as_array().unwrap();
    let typed = found(&alternatives[0], "multi_match");
    let typed: Vec<&str> = typed.iter().map(|m| m["query"].as_str().unwrap()).collect();
    assert_eq!(typed, [stems("heart"), stems("attack")]);
    let synonym = alternatives
        .iter()
        .find(|a| a["multi_match"]["query"] == stems("myocardial infarction"))
        .unwrap_or_else(|| panic!("no myocardial infarction phrase: {slot:#}"));
    assert_eq!(synonym["multi_match"]["type"], "phrase");
    assert_eq!(
        synonym["multi_match"]["boost"], 1.4,
        "0.7 for each typed word"
    );
    assert_eq!(
        synonym["multi_match"]["fields"],
        serde_json::json!(["title^2.2", "heading^2", "body^1"])
    );
}

#[test]
fn a_misspelled_word_carries_its_correction_from_the_index() {
    let body = body("probiotcs for eczema");
    let names: Vec<&str> = found(&body, "_name")
        .iter()
        .filter_map(|n| n.as_str())
        .collect();
    assert!(names.contains(&"word: probiotcs"), "{names:?}");
    assert!(
        !names.iter().any(|n| n.contains("for")),
        "filler is dropped: {names:?}"
    );
    let corrections: Vec<&Value> = found(&body, "multi_match")
        .into_iter()
        .filter(|m| m["query"] == stems("probiotics") && m["boost"] == 0.8)
        .collect();
    assert!(!corrections.is_empty(), "{body:#}");
    let tier = found(&body, "constant_score");
    assert_eq!(tier.len(), 1, "two words: a first tier needing both");
    assert_eq!(tier[0]["boost"], 1000.0);
    let needs = found(tier[0], "minimum_should_match");
    assert!(needs.contains(&&serde_json::json!(2)), "{:#}", tier[0]);
}

#[test]
fn an_excluded_word_is_must_not() {
    let body = body("probiotics -skin");
    let must_not = body["query"]["bool"]["must_not"].as_array().unwrap();
    assert_eq!(must_not.len(), 1);
    assert_eq!(must_not[0]["multi_match"]["query"], "skin");
    let searched: Vec<&str> = found(&body["query"]["bool"]["must"], "multi_match")
        .iter()
        .map(|m| m["query"].as_str().unwrap())
        .collect();
    assert!(!searched.contains(&"skin"), "{searched:?}");
}

#[test]
fn a_quoted_phrase_is_required_with_its_stems_in_order() {
    let body = body("\"leaky gut\"");
    let must = body["query"]["bool"]["must"].as_array().unwrap();
    assert_eq!(must.len(), 1, "{body:#}");
    let phrase = &must[0]["multi_match"];
    assert_eq!(phrase["type"], "phrase");
    assert_eq!(phrase["query"], stems("leaky gut"));
    assert_eq!(phrase["slop"], 0);
    assert_eq!(phrase["_name"], "phrase \"leaky gut\"");

    let gapped = body_for(SearchRequest::new("\"symptoms of acromegaly\""));
    let phrase = &gapped["query"]["bool"]["must"][0]["multi_match"];
    assert_eq!(
        phrase["query"],
        format!("{} _ {}", stems("symptoms"), stems("acromegaly"))
    );
}

#[test]
fn tags_authors_and_dates_are_filters() {
    let typed = body("tag:skin stress");
    assert_eq!(
        typed["query"]["bool"]["filter"],
        serde_json::json!([{"term": {"tags": "skin"}}])
    );
    let mut request = SearchRequest::new("sleep year:2020..2025");
    request.filters.tags = vec!["Gut".into()];
    request.filters.authors = vec!["Ama Osei".into()];
    let given = body_for(request);
    assert_eq!(
        given["query"]["bool"]["filter"],
        serde_json::json!([
            {"term": {"tags": "gut"}},
            {"term": {"authors": "ama"}},
            {"term": {"authors": "osei"}},
            {"range": {"date": {"gte": "2020-01-01", "lte": "2025-12-31", "format": "strict_date"}}},
        ])
    );
}

#[test]
fn every_field_a_search_body_names_is_mapped_and_searchable() {
    let (dir, _) = temp_corpus(&fixtures().join("site"));
    let (index, _) = opensearch_export(dir.path(), &[]);
    let properties = &index["mappings"]["properties"];
    let mapping = |field: &str| -> Value {
        match field.split_once('.') {
            Some((outer, inner)) => properties[outer]["properties"][inner].clone(),
            None => properties[field].clone(),
        }
    };
    for query in [
        "probiotcs for eczema",
        "what could cause my rosacea to flare up",
        "title:acne diet",
        "heading:\"gut barrier\" skin",
    ] {
        let body = body(query);
        for multi in found(&body, "multi_match") {
            assert_eq!(multi["analyzer"], opensearch::STEMS, "{query}");
            for field in multi["fields"].as_array().unwrap() {
                let name = field.as_str().unwrap().split('^').next().unwrap();
                let mapped = mapping(name);
                assert_eq!(mapped["type"], "text", "{query}: {name}");
                if multi["type"] == "phrase" {
                    assert!(
                        mapped.get("index_options").is_none(),
                        "{name} keeps positions for phrases"
                    );
                }
            }
        }
        for phrase in found(&body, "match_phrase") {
            for (name, _) in phrase.as_object().unwrap() {
                assert!(
                    mapping(name).get("index_options").is_none(),
                    "{query}: {name}"
                );
            }
        }
    }
}

#[test]
fn plan_prints_the_plan_or_an_opensearch_body_from_the_local_index() {
    let (dir, _) = temp_corpus(&repo_corpus());
    let run = healthdex(dir.path(), &["plan", "probiotcs", "for", "eczema", "-skin"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let plan: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        plan["notes"]["corrections"][0]["typed"], "probiotcs",
        "{plan:#}"
    );
    assert_eq!(plan["excluded"][0]["words"][0][1], "skin");

    let run = healthdex(
        dir.path(),
        &[
            "plan",
            "--format",
            "opensearch",
            "-n",
            "5",
            "--tag",
            "skin",
            "probiotcs",
            "for",
            "eczema",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let printed: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(printed["size"], 5);
    assert_eq!(
        printed["query"]["bool"]["filter"][0]["term"]["tags"],
        "skin"
    );
    let mut request = SearchRequest::new("probiotcs for eczema");
    request.limit = 5;
    request.filters.tags = vec!["skin".into()];
    assert_eq!(
        printed,
        body_for(request),
        "the CLI prints the library's body"
    );

    let bad = healthdex(
        dir.path(),
        &["plan", "--format", "opensearch", "-n", "0", "gut"],
    );
    assert_eq!(bad.code, 2, "{}", bad.stderr);
}
