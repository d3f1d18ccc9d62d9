//! The relevance suite as tests: floors on the bundled corpus, and the MedQuAD
//! target (at least 25% above plain BM25, no query class below it) on
//! MedQuAD (see [`medquad`]; mandatory when `HEALTHDEX_REQUIRE_DATA` is set).

use std::path::Path;

use healthdex::search::SearchOptions;
use healthdex::search::eval::{self, Report};

use crate::util::{medquad, repo_corpus, shared_index};

fn evaluate(corpus: &Path, judgments: &str) -> Report {
    let engine = shared_index(corpus);
    let baseline = engine.with_options(SearchOptions::baseline());
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/relevance")
        .join(judgments);
    let judged = eval::read_judgments(&std::fs::read_to_string(path).unwrap()).unwrap();
    eval::evaluate(engine, &baseline, &judged).unwrap()
}

#[test]
fn bundled_corpus_meets_its_relevance_floors() {
    let report = evaluate(&repo_corpus(), "corpus.jsonl");
    let all = &report.overall;
    assert!(all.queries >= 40);
    assert!(
        all.healthdex.ndcg >= 0.62,
        "nDCG@10 {:.3}",
        all.healthdex.ndcg
    );
    assert!(all.healthdex.mrr >= 0.85, "MRR@10 {:.3}", all.healthdex.mrr);
    assert!(all.healthdex.ndcg > all.baseline.ndcg * 1.05, "{all:?}");
    for class in ["lay", "misspelling"] {
        let s = &report.by_class[class];
        assert!(s.healthdex.ndcg > s.baseline.ndcg * 1.25, "{class}: {s:?}");
    }
}

#[test]
fn medquad_beats_plain_bm25_by_a_quarter_in_every_class() {
    let Some(data) = medquad() else { return };
    let report = evaluate(&data, "medquad.jsonl");
    let all = &report.overall;
    assert!(all.queries >= 60);
    assert!(all.healthdex.ndcg >= all.baseline.ndcg * 1.25, "{all:?}");
    for (class, s) in &report.by_class {
        assert!(
            s.healthdex.ndcg >= s.baseline.ndcg,
            "{class} is below the baseline: {s:?}"
        );
    }
}

#[test]
fn the_long_message_suite_is_well_formed_and_every_judged_section_exists() {
    let Some(data) = medquad() else { return };
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/relevance/medquad-long.jsonl");
    let judged = eval::read_judgments(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert!(judged.len() >= 60, "{} messages", judged.len());
    let mut anchors: std::collections::HashMap<String, Vec<String>> = Default::default();
    for judgment in &judged {
        let words = judgment.query.split_whitespace().count();
        assert!(
            (30..=150).contains(&words),
            "{}: {words} words",
            judgment.id
        );
        assert!(
            judgment.relevant.values().any(|&grade| grade == 3),
            "{} has no section that answers it",
            judgment.id
        );
        for section in judgment.relevant.keys() {
            let (file, anchor) = section.split_once('#').unwrap();
            let known = anchors.entry(file.to_string()).or_insert_with(|| {
                let text = std::fs::read_to_string(data.join(file)).unwrap();
                let parsed = healthdex::parse_article(file, &text, &Default::default());
                parsed
                    .article
                    .sections
                    .iter()
                    .map(|s| s.anchor.clone())
                    .collect()
            });
            assert!(
                known.iter().any(|a| a == anchor),
                "{}: no section {section}",
                judgment.id
            );
        }
    }
}

#[test]
fn long_messages_score_a_quarter_above_the_first_measurement() {
    let Some(data) = medquad() else { return };
    let report = evaluate(&data, "medquad-long.jsonl");
    let all = &report.overall;
    // 0.379 when the suite was written (2026-12-01): quoted fragments were required
    // phrases, repeated words counted again, and everyday words in headings won.
    assert!(all.healthdex.ndcg >= 0.379 * 1.25, "{all:?}");
    assert!(all.healthdex.ndcg > all.baseline.ndcg, "{all:?}");
}

#[test]
fn an_everyday_word_in_a_heading_does_not_outrank_the_topic() {
    let engine = shared_index(&repo_corpus());
    let results = engine
        .search(&healthdex::SearchRequest::new("tummy ache after eating"))
        .unwrap();
    let first = &results.hits[0];
    assert_ne!(first.heading, "After a heart attack", "{first:?}");
    assert!(!first.title.contains("Heart attack"), "{first:?}");
}

#[test]
fn headings_without_text_and_reference_lists_come_after_every_answer() {
    let engine = shared_index(&repo_corpus());
    // "omega-3" put the heading-only "Food sources" (an empty snippet) third, and a
    // "Further reading" list seventh; "further reading" listed every such list
    // before the prose that mentions a reading.
    for query in ["omega-3", "skin disorders and the gut", "further reading"] {
        let results = engine
            .search(&healthdex::SearchRequest::new(query))
            .unwrap();
        let empty: Vec<bool> = results
            .hits
            .iter()
            .map(|h| h.snippet.text.is_empty() || is_reference_list(&h.heading))
            .collect();
        let first_empty = empty.iter().position(|e| *e).unwrap_or(empty.len());
        assert!(
            empty[first_empty..].iter().all(|e| *e),
            "{query}: {:?}",
            results
                .hits
                .iter()
                .map(|h| &h.breadcrumbs)
                .collect::<Vec<_>>()
        );
        assert!(first_empty >= 3, "{query}: answers come first");
    }
    let lists = engine
        .search(&healthdex::SearchRequest::new("references"))
        .unwrap();
    assert!(
        lists.hits.iter().any(|h| h.heading == "References"),
        "a reference list is still found when nothing else matches"
    );
}

fn is_reference_list(heading: &str) -> bool {
    ["References", "Further reading", "Sources"].contains(&heading)
}

#[test]
fn everyday_words_the_corpus_lacks_are_not_corrected() {
    let engine = shared_index(&repo_corpus());
    // Were read as "rates", "walker" and "follow", and offered as did-you-mean.
    let results = engine
        .search(&healthdex::SearchRequest::new("my son hates walked fellow"))
        .unwrap();
    assert!(results.corrections.is_empty(), "{:?}", results.corrections);
    assert_eq!(results.did_you_mean, None);
    // Misspellings of the corpus's words are still corrected.
    let typo = engine
        .search(&healthdex::SearchRequest::new("psorasis"))
        .unwrap();
    assert_eq!(typo.did_you_mean.as_deref(), Some("psoriasis"));
}

#[test]
fn completions_are_words_found_after_the_word_typed_before() {
    let engine = shared_index(&repo_corpus());
    let texts = |typed: &str| -> Vec<String> {
        engine
            .suggest(typed, 8)
            .unwrap()
            .into_iter()
            .map(|s| s.text)
            .collect()
    };
    // Offered "leaky good" and "leaky get" after "leaky gut".
    assert_eq!(texts("leaky g"), ["leaky gut"]);
    let heart = texts("heart a");
    assert_eq!(
        heart.first().map(String::as_str),
        Some("heart attack"),
        "{heart:?}"
    );
    assert!(!heart.contains(&"heart acne".to_string()), "{heart:?}");
    // After a stop word, or with nothing typed before, the most frequent words.
    assert!(texts("symptoms of d").len() > 1);
    assert_eq!(texts("g").len(), 8);
}

#[test]
fn a_name_whose_words_are_scattered_over_a_section_is_not_an_all_words_match() {
    let engine = shared_index(&repo_corpus());
    // SIBO's symptoms list "vitamin B12 deficiency" and "vitamins such as A, D and
    // E" and have "symptoms": they were put first, above Vitamin D › Deficiency.
    let results = engine
        .search(&healthdex::SearchRequest::new(
            "vitamin d deficiency symptoms",
        ))
        .unwrap();
    let first = &results.hits[0];
    assert!(first.title.starts_with("Vitamin D"), "{:?}", first.title);
    let sibo = results.hits.iter().position(|h| h.title.contains("SIBO"));
    let best = results.hits.iter().map(|h| h.score).fold(0.0, f32::max);
    assert_eq!(first.score, best, "the strongest match comes first");
    assert!(sibo.is_none_or(|at| at > 0));
}

#[test]
fn cant_sleep_finds_the_insomnia_article_first() {
    let engine = shared_index(&repo_corpus());
    // "can't" is filler, so this was "sleep night": Sleep and Skin came first and
    // Insomnia's introduction eleventh.
    let results = engine
        .search(&healthdex::SearchRequest::new("can't sleep at night"))
        .unwrap();
    assert!(
        results.hits[0].title.starts_with("Insomnia"),
        "{:?}",
        results.hits[0].title
    );
    assert!(results.also_searched.contains(&"insomnia".to_string()));
}

#[test]
fn a_long_message_keeps_the_question_it_asks_last() {
    let engine = shared_index(&repo_corpus());
    // 80 words of story before the question: the parser read 64 words, so the
    // question was never searched.
    let story = "Hello and thank you for reading this. I am writing on behalf of my \
        brother who is forty one and works long shifts as a bus driver in the city. \
        He has always been fit and plays football with friends on Sunday mornings, \
        and he eats fairly well although he likes takeaways at the weekend. Last \
        winter he changed jobs and moved house, which was a stressful time for the \
        whole family, and his sleep has not been great since then either.";
    let message = format!("{story} He read online about leaky gut. Is leaky gut a real condition?");
    assert!(message.split_whitespace().count() > 80);
    let results = engine
        .search(&healthdex::SearchRequest::new(message.as_str()))
        .unwrap();
    let shown: Vec<String> = results
        .hits
        .iter()
        .map(|h| format!("{} › {}", h.title, h.heading).to_lowercase())
        .collect();
    assert!(shown[0].contains("leaky gut"), "{shown:#?}");
}

#[test]
fn a_message_quoting_words_no_article_has_still_gets_answers() {
    let engine = shared_index(&repo_corpus());
    let message = "my friend said \"leaky gut is caused by phones\" and that probiotics fix it, is that true?";
    let results = engine
        .search(&healthdex::SearchRequest::new(message))
        .unwrap();
    assert!(results.total > 0);
    assert!(
        results.hits[..3]
            .iter()
            .any(|h| h.title.contains("Leaky Gut")),
        "{:?}",
        results.hits.iter().map(|h| &h.title).collect::<Vec<_>>()
    );
}

#[test]
fn a_topic_no_published_article_mentions_is_named() {
    let engine = shared_index(&repo_corpus());
    let results = engine
        .search(&healthdex::SearchRequest::new("heartburn at night"))
        .unwrap();
    // The reflux article of the bundled corpus is a draft: nothing published
    // mentions heartburn, so the sleep sections that match "night" say so.
    assert_eq!(results.missing, ["heartburn"]);
    let json = serde_json::to_value(&results).unwrap();
    assert_eq!(json["missing"], serde_json::json!(["heartburn"]));
    let found = engine
        .search(&healthdex::SearchRequest::new("leaky gut"))
        .unwrap();
    assert!(found.missing.is_empty());
}

#[test]
fn a_query_with_nothing_searchable_keeps_the_shape_asked_for() {
    // Found by fuzzing: "???" returned early, without the plan or the groups.
    let engine = shared_index(&repo_corpus());
    let mut request = healthdex::SearchRequest::new("???");
    request.explain = true;
    request.group = true;
    let results = engine.search(&request).unwrap();
    assert_eq!(results.total, 0);
    assert!(results.plan.as_ref().is_some_and(|p| p.is_empty()));
    assert_eq!(results.groups.as_deref().map(<[_]>::len), Some(0));
}

#[test]
fn a_year_beyond_what_dates_can_hold_still_filters_correctly() {
    // Found by fuzzing: tantivy's dates are i64 nanoseconds (to 2262), and
    // `year:<2300` overflowed into a range that matched nothing.
    let engine = shared_index(&repo_corpus());
    let all = engine
        .search(&healthdex::SearchRequest::new("gut"))
        .unwrap()
        .total;
    let before = engine
        .search(&healthdex::SearchRequest::new("gut year:<2300"))
        .unwrap();
    assert!(before.total > 0);
    assert!(before.total <= all);
    let after = engine
        .search(&healthdex::SearchRequest::new("gut year:6730"))
        .unwrap();
    assert_eq!(after.total, 0);
}

#[test]
fn an_article_dated_beyond_what_the_index_can_hold_is_indexed_undated() {
    // Found by fuzzing: a date after 2262 overflowed tantivy's nanosecond dates
    // (a panic with overflow checks; 2999-01-01 was shown as 1829-11-23).
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("c");
    std::fs::create_dir(&corpus).unwrap();
    std::fs::write(
        corpus.join("far.md"),
        "---\ntitle: Far future\ndate: 2999-01-01\n---\nZinc and colds.\n",
    )
    .unwrap();
    let options = healthdex::IndexOptions::new(corpus, dir.path().join("ix"));
    healthdex::update(&options).unwrap();
    let engine = healthdex::Engine::open(&options.index_dir).unwrap();
    let results = engine
        .search(&healthdex::SearchRequest::new("zinc"))
        .unwrap();
    assert_eq!(results.hits[0].date, None);
}

#[test]
fn a_condition_named_alone_finds_its_own_article_before_a_short_mention() {
    let engine = shared_index(&repo_corpus());
    // Each of these put "The Gut–Skin Axis › Atopic dermatitis" (or Acne, Psoriasis,
    // Rosacea), a two-sentence section beside a table, above the condition's own
    // article; misspelled names are read as corrected before the focus is found.
    for (query, article) in [
        ("eczema", "eczema.md"),
        ("acne", "acne.md"),
        ("psorasis", "psoriasis.md"),
        ("rosacia", "rosacea.md"),
    ] {
        let results = engine
            .search(&healthdex::SearchRequest::new(query))
            .unwrap();
        let first = &results.hits[0];
        assert_eq!(first.path, article, "{query}: {first:?}");
    }
}

#[test]
fn an_alias_in_the_front_matter_names_the_article() {
    // Both articles hold the words; the garden one more densely, and in a heading.
    // Only the other goes by the name, through its alias.
    let dir = crate::util::corpus_of(&[
        (
            "hives.md",
            "---\ntitle: Urticaria\naliases: [\"nettle rash\"]\n---\n\n# Urticaria\n\nRaised itchy welts that come and go over hours. Some people call it a rash, and the welts look like the marks nettles leave on skin.\n",
        ),
        (
            "garden.md",
            "---\ntitle: Weeding safely\n---\n\n# Weeding safely\n\n## Nettle rash\n\nWear gloves: nettle rash stings.\n",
        ),
    ]);
    let engine = crate::util::shared_index(&dir.path().join("corpus"));
    let results = engine
        .search(&healthdex::SearchRequest::new("nettle rash"))
        .unwrap();
    assert_eq!(results.hits[0].path, "hives.md", "{:?}", results.hits);
    assert_eq!(results.hits.len(), 2, "{:?}", results.hits);
}

#[test]
fn an_absent_condition_in_a_longer_question_is_named_but_everyday_words_are_not() {
    let engine = shared_index(&repo_corpus());
    // Five slots: the bundled corpus has no article on Alzheimer's disease, and
    // the reader is told so rather than shown "warning signs" as if they answered.
    let results = engine
        .search(&healthdex::SearchRequest::new(
            "early signs of alzheimers in older parents",
        ))
        .unwrap();
    assert_eq!(results.missing, ["alzheimers"]);
    // "puppy" and "mum" are absent too, but they are not what is asked about;
    // past four slots only words that are no everyday word are named.
    let results = engine
        .search(&healthdex::SearchRequest::new(
            "my mum keeps scratching her eczema when the puppy sleeps on her bed",
        ))
        .unwrap();
    assert!(results.missing.is_empty(), "{:?}", results.missing);
}

#[test]
fn every_first_hit_of_a_short_question_is_about_its_main_words() {
    let engine = shared_index(&repo_corpus());
    // "is leaky gut real" put SIBO › Breath tests (4.05) above "What is leaky gut?"
    // (24.28): a tier must not lift a weak match over strong ones.
    let results = engine
        .search(&healthdex::SearchRequest::new("is leaky gut real"))
        .unwrap();
    let best = results.hits.iter().map(|h| h.score).fold(0.0f32, f32::max);
    for hit in results.hits.iter().take(5) {
        assert!(hit.score >= best / 2.0, "{hit:?}");
    }
}

#[test]
fn the_readers_own_word_outweighs_its_expansion() {
    let engine = shared_index(&repo_corpus());
    // "diabetes" filled the page with "diabetes mellitus" pages above the Diabetes
    // article; the reader's word and the article's name come first now.
    let results = engine
        .search(&healthdex::SearchRequest::new("diabetes"))
        .unwrap();
    assert_eq!(results.hits[0].path, "metabolic/type-2-diabetes.md");
    // "color" is an everyday spelling, not a typo of "colon": it is searched with
    // its British spelling and not corrected.
    let results = engine
        .search(&healthdex::SearchRequest::new("skin color changes"))
        .unwrap();
    assert!(results.corrections.is_empty(), "{:?}", results.corrections);
    assert!(results.did_you_mean.is_none());
    assert!(results.also_searched.contains(&"colour".to_string()));
}

#[test]
fn asking_what_something_is_opens_its_article() {
    let engine = shared_index(&repo_corpus());
    let mut request = healthdex::SearchRequest::new("what's rosacea");
    request.explain = true;
    let results = engine.search(&request).unwrap();
    let first = &results.hits[0];
    assert_eq!(
        (first.path.as_str(), first.anchor.as_str()),
        ("rosacea.md", ""),
        "{first:?}"
    );
    let plan = results.plan.as_ref().unwrap();
    assert!(plan.asks.iter().any(|a| a.opening), "{:?}", plan.asks);
}

#[test]
fn a_name_whose_article_never_mentions_the_rest_of_the_query_is_no_focus() {
    let engine = shared_index(&repo_corpus());
    let mut request = healthdex::SearchRequest::new("acne insulin");
    request.explain = true;
    let results = engine.search(&request).unwrap();
    // The Acne article never mentions insulin: "acne" names it, but not here.
    assert!(results.focus.is_empty(), "{:?}", results.focus);
    // With a word its article has, the name is the focus.
    request.query = "acne stress".to_string();
    let results = engine.search(&request).unwrap();
    assert!(
        results
            .focus
            .iter()
            .any(|f| f.articles.iter().any(|t| t.starts_with("Acne"))),
        "{:?}",
        results.focus
    );
}

#[test]
fn a_word_that_asks_for_treatment_is_answered_by_a_treatment_heading() {
    let engine = shared_index(&repo_corpus());
    // "helps" was a word every first-tier section needed, so "Common triggers"
    // (which says "help") came above "Medical treatments" with a higher score.
    let results = engine
        .search(&healthdex::SearchRequest::new("what helps with rosacea"))
        .unwrap();
    assert_eq!(
        results.hits[0].heading, "Medical treatments",
        "{:?}",
        results.hits[0]
    );
    let scores: Vec<f32> = results.hits.iter().take(3).map(|h| h.score).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
}
