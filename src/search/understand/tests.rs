//! The planner against an in-memory vocabulary and synonym list: no index.

use super::spelling::tests::MapVocabulary;
use super::*;

fn plan_with(text: &str, synonyms: &Synonyms, vocabulary: Option<&dyn Vocabulary>) -> QueryPlan {
    let context = Context {
        synonyms,
        vocabulary,
    };
    understand(text, &Filters::default(), &context, &mut Analyzer::new())
}

fn plan(text: &str) -> QueryPlan {
    plan_with(text, &Synonyms::default(), None)
}

fn labels(plan: &QueryPlan) -> Vec<&str> {
    plan.slots.iter().map(|s| s.label.as_str()).collect()
}

#[test]
fn filler_is_dropped_and_noted_but_topic_words_stay() {
    let plan = plan("what could cause my itchy elbows");
    assert_eq!(
        labels(&plan),
        ["word: cause (also as: why)", "word: itchy", "word: elbows"]
    );
    assert_eq!(plan.notes.dropped, ["what", "could", "my"]);
    assert_eq!(plan.needed, 1, "three slots: any one is enough");
}

#[test]
fn a_query_of_filler_only_keeps_its_words() {
    let plan = plan("what is it");
    assert_eq!(labels(&plan), ["word: what"]);
    assert!(plan.notes.dropped.is_empty());
}

#[test]
fn short_queries_need_every_word_long_ones_any() {
    let needed: Vec<usize> = (0..=5).map(required_slots).collect();
    assert_eq!(needed, [0, 1, 2, 1, 1, 1]);
    assert_eq!(plan("leaky gut").needed, 2);
}

#[test]
fn a_synonym_stretch_is_one_slot_with_weighted_alternatives() {
    let synonyms = Synonyms::from_list("heart attack | myocardial infarction").unwrap();
    let plan = plan_with("heart attacks in women", &synonyms, None);
    assert_eq!(
        labels(&plan),
        [
            "words: heart attacks (also: myocardial infarction)",
            "word: women"
        ]
    );
    let options = &plan.slots[0].options;
    assert_eq!(options[0].source, Source::Typed);
    assert_eq!(
        options[0].matcher,
        Matcher::EachWord(vec!["heart".into(), "attack".into()])
    );
    assert_eq!(options[1].source, Source::Synonym);
    assert_eq!(options[1].weight, SYNONYM_WEIGHT * 2.0);
    assert_eq!(
        options[1].matcher,
        Matcher::Phrase(Phrase {
            words: vec![(0, "myocardi".into()), (1, "infarct".into())],
            slop: 0
        })
    );
    assert_eq!(plan.notes.also_searched, ["myocardial infarction"]);
    assert!(plan.notes.highlight.contains(&"infarct".to_string()));
}

#[test]
fn unknown_words_are_corrected_from_the_vocabulary() {
    let vocabulary = MapVocabulary::of(&[
        ("probiotics", 40),
        ("probiotic", 25),
        ("eczema", 30),
        ("for", 99),
    ]);
    let plan = plan_with(
        "probiotcs for eczema",
        &Synonyms::default(),
        Some(&vocabulary),
    );
    assert_eq!(
        plan.notes.corrections,
        [Correction {
            typed: "probiotcs".into(),
            read_as: vec!["probiotics".into(), "probiotic".into()],
        }]
    );
    assert_eq!(
        plan.notes.did_you_mean.as_deref(),
        Some("probiotics for eczema")
    );
    let correction = &plan.slots[0].options[1];
    assert_eq!(correction.source, Source::Correction);
    assert_eq!(correction.weight, FUZZY_WEIGHT);
    assert_eq!(correction.matcher, Matcher::Phrase(Phrase::word("probiot")));
}

#[test]
fn a_real_word_is_corrected_only_into_a_phrase_the_corpus_has() {
    let vocabulary = MapVocabulary::of(&[("tay", 4), ("sachs", 4), ("rates", 9), ("son", 3)])
        .with_phrases(&["tay sachs"]);
    let plan = plan_with("tay sacks disease", &Synonyms::default(), Some(&vocabulary));
    assert_eq!(
        plan.notes.corrections,
        [Correction {
            typed: "sacks".into(),
            read_as: vec!["sachs".into()],
        }]
    );
    let plan = plan_with("my son hates it", &Synonyms::default(), Some(&vocabulary));
    assert!(plan.notes.corrections.is_empty(), "{:?}", plan.notes);
}

#[test]
fn without_a_vocabulary_nothing_is_corrected() {
    let plan = plan("probiotcs for eczema");
    assert!(plan.notes.corrections.is_empty());
    assert_eq!(plan.notes.did_you_mean, None);
}

#[test]
fn or_groups_become_one_slot_of_alternatives() {
    let plan = plan("eczema OR psoriasis itch");
    assert_eq!(labels(&plan), ["word: itch", "eczema OR psoriasis"]);
    let sources: Vec<Source> = plan.slots[1].options.iter().map(|o| o.source).collect();
    assert_eq!(sources, [Source::Either, Source::Either]);
}

#[test]
fn phrases_scopes_exclusions_and_filters_are_kept_apart() {
    let plan = plan("\"leaky gut\" title:diet -skin tag:Gut author:Osei year:2019..2021");
    let required: Vec<(&str, Within)> = plan
        .required
        .iter()
        .map(|r| (r.label.as_str(), r.within))
        .collect();
    assert_eq!(
        required,
        [
            ("title: diet", Within::Title),
            ("phrase \"leaky gut\"", Within::Anywhere)
        ]
    );
    assert_eq!(plan.excluded, [Phrase::word("skin")]);
    assert_eq!(plan.filters.tags, ["gut"]);
    assert_eq!(plan.filters.authors, ["osei"]);
    assert_eq!(plan.filters.since.unwrap().to_string(), "2019-01-01");
    assert_eq!(plan.filters.until.unwrap().to_string(), "2021-12-31");
    assert!(plan.slots.is_empty() && !plan.is_empty());
}

#[test]
fn request_filters_combine_with_typed_ones() {
    let extra = Filters {
        tags: vec!["Skin".into()],
        since: "2020-06-01".parse().ok(),
        ..Filters::default()
    };
    let context = Context {
        synonyms: &Synonyms::default(),
        vocabulary: None,
    };
    let plan = understand(
        "acne tag:teens year:2019..2021",
        &extra,
        &context,
        &mut Analyzer::new(),
    );
    assert_eq!(plan.filters.tags, ["teens", "skin"]);
    assert_eq!(plan.filters.since.unwrap().to_string(), "2020-06-01");
    assert_eq!(plan.filters.until.unwrap().to_string(), "2021-12-31");
}

#[test]
fn neighbours_get_near_boosts_and_runs_a_phrase_boost() {
    let plan = plan("gut skin axis");
    let boosts: Vec<(&str, f32)> = plan
        .boosts
        .iter()
        .map(|b| (b.label.as_str(), b.weight))
        .collect();
    assert_eq!(
        boosts,
        [
            ("near: gut skin", PAIR_BOOST),
            ("near: skin axis", PAIR_BOOST),
            ("phrase: gut skin axis", PHRASE_BOOST)
        ]
    );
    assert_eq!(plan.boosts[0].phrase.slop, NEAR_SLOP);
}

#[test]
fn the_bag_of_words_keeps_every_word_once_for_the_baseline() {
    let plan = plan("what is the gut and what is the skin");
    assert_eq!(plan.bag, ["what", "gut", "skin"]);
}

#[test]
fn empty_and_punctuation_queries_plan_nothing() {
    for text in ["", "   ", "?!.,", "\"\"", "-"] {
        assert!(plan(text).is_empty(), "{text:?}");
    }
}

#[test]
fn did_you_mean_replaces_only_corrected_words() {
    let parsed = parse("probiotcs for eczema");
    let corrections = [Correction {
        typed: "probiotcs".into(),
        read_as: vec!["probiotics".into()],
    }];
    let mut analyzer = Analyzer::new();
    assert_eq!(
        did_you_mean(&parsed, &corrections, &mut analyzer).as_deref(),
        Some("probiotics for eczema")
    );
    assert_eq!(did_you_mean(&parsed, &[], &mut analyzer), None);
}

#[test]
fn a_plan_round_trips_through_json() {
    let synonyms = Synonyms::from_list("heart attack | myocardial infarction").unwrap();
    let plan = plan_with(
        "\"chest pain\" heart attack -anxiety tag:heart",
        &synonyms,
        None,
    );
    let json = serde_json::to_string(&plan).unwrap();
    let back: QueryPlan = serde_json::from_str(&json).unwrap();
    assert_eq!(back, plan);
}

#[test]
fn typo_work_is_bounded_per_query() {
    use std::cell::Cell;
    /// Counts the vocabulary walks.
    struct Counting(MapVocabulary, Cell<usize>);
    impl Vocabulary for Counting {
        fn doc_freq(&self, word: &str) -> u64 {
            self.0.doc_freq(word)
        }
        fn near(&self, word: &str, edits: u8) -> Vec<(String, u64)> {
            self.1.set(self.1.get() + 1);
            self.0.near(word, edits)
        }
    }
    let vocabulary = Counting(MapVocabulary::of(&[("eczema", 3)]), Cell::new(0));
    // Sixty different non-words (a word repeated counts once).
    let letter = |n: u8| char::from(b'a' + n % 26);
    let nonsense: Vec<String> = (0..60u8)
        .map(|i| format!("qzxvbw{}{}k", letter(i / 26), letter(i)))
        .collect();
    let text = format!("exzema {}", nonsense.join(" "));
    let plan = plan_with(&text, &Synonyms::default(), Some(&vocabulary));
    assert_eq!(vocabulary.1.get(), MAX_CORRECTED_WORDS);
    assert_eq!(
        plan.notes.corrections[0].typed, "exzema",
        "the first unknown words are read first"
    );
}

#[test]
fn quoted_text_inside_a_message_is_a_boost_not_a_requirement() {
    let plan = plan("the leaflet says \"refrigerate until opened\" but mine was left out");
    assert!(plan.required.is_empty(), "{:?}", plan.required);
    assert_eq!(plan.notes.soft, ["refrigerate until opened"]);
    let words = labels(&plan);
    for word in ["word: refrigerate", "word: opened", "word: leaflet"] {
        assert!(words.contains(&word), "{words:?}");
    }
    assert!(
        plan.boosts
            .iter()
            .any(|b| b.label == "near: refrigerate until"),
        "{:?}",
        plan.boosts
    );
}

#[test]
fn a_query_of_quoted_phrases_only_still_requires_them() {
    let plan = plan("\"leaky gut\"");
    assert_eq!(plan.required.len(), 1);
    assert!(plan.notes.soft.is_empty());
    assert_eq!(plan.required[0].within, Within::Anywhere);
    let both = plan_with("\"leaky gut\" \"skin\"", &Synonyms::default(), None);
    assert_eq!(both.required.len(), 2);
}

#[test]
fn a_repeated_word_counts_once() {
    let plan = plan("Eczema on hands. eczema eczema on my hands, what cream for eczema?");
    assert_eq!(
        labels(&plan),
        ["word: eczema", "word: hands", "word: cream"]
    );
}

#[test]
fn greetings_thanks_and_talk_about_asking_are_dropped() {
    let plan = plan("Hi, I was wondering if anyone could explain eczema flares? Thanks in advance");
    assert_eq!(labels(&plan), ["word: eczema", "word: flares"]);
    for word in ["hi", "wondering", "anyone", "explain", "thanks", "advance"] {
        assert!(plan.notes.dropped.iter().any(|d| d == word), "{word}");
    }
}

#[test]
fn words_no_section_has_are_noted_unless_a_correction_or_synonym_exists() {
    let vocabulary = MapVocabulary::of(&[("night", 4), ("sleep", 3), ("reflux", 2)]);
    let none = Synonyms::default();
    let plan = plan_with("heartburn at night", &none, Some(&vocabulary));
    assert_eq!(plan.notes.missing, ["heartburn"]);
    let synonyms = Synonyms::from_list("heartburn | acid reflux").unwrap();
    let with_reflux = MapVocabulary::of(&[("night", 4), ("acid", 1), ("reflux", 2)]);
    let plan = plan_with("heartburn at night", &synonyms, Some(&with_reflux));
    assert!(plan.notes.missing.is_empty(), "a synonym can match");
    let plan = plan_with("nigth sleep", &none, Some(&vocabulary));
    assert!(
        plan.notes.missing.is_empty(),
        "a typo is corrected, not missing"
    );
}

#[test]
fn absent_words_of_a_long_message_or_numbers_are_not_named() {
    let vocabulary = MapVocabulary::of(&[("gut", 4), ("probiotics", 3)]);
    let none = Synonyms::default();
    let long = plan_with(
        "my friend swears kefir fixes gut trouble, probiotics too, and her sister agrees completely",
        &none,
        Some(&vocabulary),
    );
    assert!(long.notes.missing.is_empty(), "{:?}", long.notes.missing);
    // Five to eight slots: only words that are no everyday word, of five letters or
    // more ("son" is too short for the list to say, "hates" is a word).
    let medium = plan_with(
        "son hates kefir for gut probiotics",
        &none,
        Some(&vocabulary),
    );
    assert_eq!(medium.notes.missing, ["kefir"]);
    let number = plan_with("gut 34", &none, Some(&vocabulary));
    assert!(number.notes.missing.is_empty());
}

#[test]
fn a_word_inside_a_name_the_corpus_uses_is_not_expanded() {
    let synonyms = Synonyms::from_list("back teeth | molars\ntummy | stomach").unwrap();
    let vocabulary = MapVocabulary::of(&[("molar", 2), ("pregnancy", 9), ("tummy", 1)])
        .with_phrases(&["molar pregnancy", "tummy bug", "stomach bug"]);
    let plan = plan_with("molar pregnancy bleeding", &synonyms, Some(&vocabulary));
    assert_eq!(labels(&plan)[..2], ["word: molar", "word: pregnancy"]);
    assert!(plan.notes.also_searched.is_empty());
    // The synonym is found with the same neighbour: the sense holds.
    let plan = plan_with("tummy bug", &synonyms, Some(&vocabulary));
    assert_eq!(plan.notes.also_searched, ["stomach"]);
    // No cue in the corpus: the synonym stays.
    let plan = plan_with("sore molars", &synonyms, Some(&vocabulary));
    assert_eq!(plan.notes.also_searched, ["back teeth"]);
}

fn name_keys(plan: &QueryPlan) -> Vec<(&str, f32)> {
    plan.names
        .iter()
        .map(|n| (n.key.as_str(), n.weight))
        .collect()
}

#[test]
fn candidate_names_are_stretches_of_slots_weighted_by_the_words_they_cover() {
    let salcedo = plan("what are the symptoms of salcedo syndrome");
    let names = name_keys(&salcedo);
    let weight = |key: &str| names.iter().find(|(k, _)| *k == key).map(|(_, w)| *w);
    // Filler is not in the slots, so the name is found across it; a name covering
    // two of the three words the reader typed weighs two thirds.
    let close = |key: &str, expected: f32| weight(key).is_some_and(|w| (w - expected).abs() < 1e-4);
    assert!(
        close("salcedo syndrom", NAME_WEIGHT * 2.0 / 3.0),
        "{names:?}"
    );
    assert!(close("symptom salcedo syndrom", NAME_WEIGHT), "{names:?}");
    assert!(close("salcedo", NAME_WEIGHT / 3.0), "{names:?}");
    // Never out of order, and never longer than a name is looked for.
    assert!(!names.iter().any(|(k, _)| *k == "syndrom salcedo"));
    let words: Vec<String> = (0..70).map(|i| format!("word{i}")).collect();
    let long = plan(&words.join(" "));
    assert!(
        long.names
            .iter()
            .all(|n| n.key.split(' ').count() <= crate::text::MAX_NAME_WORDS)
    );
    assert!(long.names.len() <= MAX_NAME_CANDIDATES);
}

#[test]
fn a_synonym_is_a_name_on_its_own_and_a_correction_spells_one() {
    let synonyms = Synonyms::from_list("eczema | atopic dermatitis").unwrap();
    let plan = plan_with("eczema", &synonyms, None);
    assert_eq!(
        name_keys(&plan),
        [
            ("eczema", NAME_WEIGHT),
            ("atop dermat", NAME_WEIGHT * SYNONYM_WEIGHT)
        ]
    );
    let vocabulary = MapVocabulary::of(&[("rosacea", 5), ("flushing", 3)]);
    let plan = plan_with("rosacia flushing", &Synonyms::default(), Some(&vocabulary));
    let names = name_keys(&plan);
    assert!(
        names.iter().any(|(k, _)| *k == "rosacea flush"),
        "{names:?}"
    );
}

#[test]
fn what_a_question_asks_for_is_read_from_its_words() {
    let asked = plan("what helps with eczema and why does it come back");
    let kinds: Vec<&str> = asked.asks.iter().map(|a| a.kind.as_str()).collect();
    assert_eq!(kinds, ["causes", "treatment"]);
    assert!(
        asked.asks[1].headings.contains(&"treatment".to_string()),
        "{:?}",
        asked.asks
    );
    // A word that names a heading of its own asks for nothing more.
    assert!(plan("rosacea triggers").asks.is_empty());
    assert!(plan("eczema").asks.is_empty());
}

#[test]
fn side_effects_dosage_and_what_something_is_are_kinds_of_answer() {
    let kinds = |text: &str| -> Vec<(String, bool)> {
        plan(text)
            .asks
            .into_iter()
            .map(|a| (a.kind, a.opening))
            .collect()
    };
    assert_eq!(
        kinds("statins side effects"),
        [("side effects".into(), false)]
    );
    // "side" alone (a side of the body) asks for nothing.
    assert!(kinds("pain in my left side").is_empty());
    assert_eq!(
        kinds("how much vitamin d a day"),
        [("dosage".into(), false)]
    );
    assert_eq!(kinds("what is glaucoma"), [("what is".into(), true)]);
    assert_eq!(kinds("what's rosacea"), [("what is".into(), true)]);
    // Another kind asked for wins over "what is": the question is about that.
    assert_eq!(
        kinds("what are the symptoms of glaucoma"),
        [("symptoms".into(), false)]
    );
    // "what" before a word that is not a stop word asks nothing of itself.
    assert!(kinds("what happened to my skin").is_empty());
    let asked = plan("what is glaucoma").asks;
    assert!(asked[0].headings.is_empty(), "{asked:?}");
}

#[test]
fn the_letter_of_a_name_is_a_word_and_the_end_of_a_contraction_is_filler() {
    assert_eq!(labels(&plan("vitamin d")), ["word: vitamin", "word: d"]);
    assert_eq!(
        labels(&plan("t cell lymphoma")),
        ["word: t", "word: cell", "word: lymphoma"]
    );
    // "I'd" and "can't" end in filler.
    assert_eq!(
        labels(&plan("I'd like gout diets")),
        ["word: like", "word: gout", "word: diets"]
    );
    assert_eq!(
        labels(&plan("I\u{2019}d like gout diets")),
        ["word: like", "word: gout", "word: diets"]
    );
    let names: Vec<String> = plan("vitamin d").names.into_iter().map(|n| n.key).collect();
    assert!(names.contains(&"vitamin d".to_string()), "{names:?}");
}
