//! Query understanding: from what a reader typed to a [`QueryPlan`], a plain,
//! serializable value that says what to look for and how much each part counts.
//! Nothing here knows tantivy: words come from [`crate::text`], the corpus
//! vocabulary (for typos) from a [`Vocabulary`], and the search's `compile.rs` turns the
//! plan into index queries. So the planner is tested without an index, `--explain`
//! can show the plan, and another target can run the same understanding.
//!
//! The stages, each a function below:
//! 1. [`parse`]: operators (quotes, `-x`, `OR`, `title:`, `tag:`, `year:` …).
//! 2. Word runs: consecutive plain words, analyzed once into stems and surfaces.
//! 3. Slots: question filler ("what", "could", "I have", "my") is dropped unless
//!    nothing else is left; stretches with synonyms ("heart attack") become one
//!    slot whose alternatives ("myocardial infarction") count at a lower weight;
//!    `OR` groups become one slot.
//! 4. Spelling: words missing from the vocabulary get close vocabulary words as
//!    lower-weighted alternatives.
//! 5. Boosts for neighbouring words found close together and for the whole run as
//!    a phrase; quoted phrases and `title:`/`heading:` items become requirements,
//!    `-x` exclusions, and `tag:`/`author:`/`year:` filters.
//! 6. Notes for the reader: dropped words, corrections, did-you-mean, synonyms
//!    used, and the words to mark in snippets.
//! 7. Focus and kinds of answer: the names the query may hold ([`candidate_names`];
//!    the index says which exist) and what it asks for ([`question_types`]), whose
//!    heading words also match a slot of cue words ("helps").

mod parse;
mod spelling;
mod synonyms;
mod trace;

use std::collections::HashSet;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

pub use parse::{Filters, Item, MAX_QUERY_CHARS, ParsedQuery, Scope, clip, parse};
pub use spelling::{
    Candidate, Vocabulary, allowed_edits, candidates, close_words, needs_correction, unknown,
};
pub use synonyms::{MAX_EXPANSIONS, Match, PortableSynonyms, SynonymError, Synonyms, Term};
pub use trace::{RecordingVocabulary, VocabularyTrace};

use crate::article::Date;
use crate::search::limits::MAX_CORRECTED_WORDS;
use crate::text::{Analyzer, STOP_WORDS, Word, key_word};

/// Distinct word slots scored per query; later ones are ignored.
pub const MAX_SLOTS: usize = 64;
/// Longest query, in slots, whose absent everyday words are named
/// ([`Notes::missing`]).
pub const MAX_SLOTS_NAMING_MISSING: usize = 4;
/// Longest query, in slots, whose absent words are named when they are no
/// everyday word.
pub const MAX_SLOTS_NAMING_UNCOMMON: usize = 8;
/// Neighbouring word pairs given a proximity boost, per run of words.
pub const MAX_PAIRS: usize = 24;
/// Extra word positions allowed between neighbouring query words.
pub const NEAR_SLOP: u32 = 3;
/// Weight of a pair of query words found close together.
pub const PAIR_BOOST: f32 = 0.6;
/// Weight of the whole run of query words found as a phrase.
pub const PHRASE_BOOST: f32 = 1.5;
/// Weight of a synonym relative to the reader's own words.
pub const SYNONYM_WEIGHT: f32 = 0.7;
/// Weight of a typo correction relative to the reader's own words.
pub const FUZZY_WEIGHT: f32 = 0.8;
/// Score of a section of an article the query names, when the name is all the
/// reader typed (a name covering half the words scores half).
pub const NAME_WEIGHT: f32 = 10.0;
/// Candidate names per query ([`candidate_names`]); later ones are not looked up.
pub const MAX_NAME_CANDIDATES: usize = 400;
/// Spellings of a stretch of words carried on to the next word: the reader's words
/// and the first corrections.
const MAX_SPELLINGS: usize = 4;

/// What to search for, understood from a query.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct QueryPlan {
    /// The things the reader asked for; each scores its best alternative.
    pub slots: Vec<Slot>,
    /// Slots a section must match to be in the first tier of results (the search
    /// then fills the page with sections matching one; see [`required_slots`]).
    pub needed: usize,
    /// Optional extra score: words near each other, the run as a phrase.
    pub boosts: Vec<Boost>,
    /// Phrases and scoped items every result must contain.
    pub required: Vec<Required>,
    /// Phrases no result may contain.
    pub excluded: Vec<Phrase>,
    /// Tags, authors and dates.
    pub filters: PlanFilters,
    /// Every analyzed word of the plain query, once, in order: what plain BM25 (the
    /// relevance yardstick) searches for.
    pub bag: Vec<String>,
    /// Names the query may contain ([`candidate_names`]): the sections of an article
    /// that goes by one of them (its title, a part of it, an alias) score extra, by
    /// the share of the query the name is. The index knows which are names; the
    /// plan does not.
    #[serde(default)]
    pub names: Vec<Name>,
    /// What the query asks about its topic ([`question_types`]): the heading words
    /// of each kind of answer asked for.
    #[serde(default)]
    pub asks: Vec<Asked>,
    /// What to tell the reader.
    pub notes: Notes,
}

impl QueryPlan {
    /// Whether nothing searchable is left (the query was empty or all punctuation).
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty() && self.required.is_empty()
    }
}

/// A name the query may contain, and what a section of an article going by it
/// scores extra.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Name {
    /// The name's stems joined by single spaces ([`crate::text::Analyzer::name_key`]).
    pub key: String,
    /// [`NAME_WEIGHT`] times the share of the reader's words the name covers (at
    /// most all), times [`SYNONYM_WEIGHT`] for a synonym's name.
    pub weight: f32,
}

/// A kind of answer the query asks for, and the heading words that answer it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Asked {
    /// The kind: `symptoms`, `causes`, `treatment`, …
    pub kind: String,
    /// Stems of the headings of sections that answer it.
    pub headings: Vec<String>,
    /// Whether the article's opening section answers it (what something is).
    #[serde(default)]
    pub opening: bool,
}

/// Score of a section of an article the query may name whose heading answers what
/// the query asks ([`question_types`]); 2 and 3 measured alike, 6 cost the bundled
/// corpus's questions (0.741–0.754 in the variants measured, against 0.758).
pub const ASKED_WEIGHT: f32 = 2.0;
/// Weight of a heading word of the kind asked for as an alternative of the slot of
/// cue words that asks it ([`Source::Asked`]). Measured on the three suites: 0.2,
/// 0.3 and 0.4 alike (0.3: MedQuAD 0.704 → 0.710, bundled corpus 0.779 → 0.782);
/// 0.7, a synonym's weight, cost the bundled corpus's lay class 0.763 → 0.740.
pub const ASKED_ALTERNATIVE_WEIGHT: f32 = 0.3;

/// Kinds of answer, the words of a query that ask for each (as typed, lower-cased)
/// and the heading words of sections that give it. "Triggers" asks for what sets a
/// flare off, not for causes ("rosacea triggers" lost its "Common triggers" section
/// to "What causes rosacea?").
pub const QUESTION_TYPES: &[(&str, &[&str], &[&str])] = &[
    (
        "symptoms",
        &["symptom", "symptoms", "sign", "signs"],
        &["symptoms", "signs"],
    ),
    (
        "causes",
        &["cause", "causes", "caused", "causing", "why", "reason"],
        &["causes", "why"],
    ),
    (
        "treatment",
        &[
            "treat",
            "treated",
            "treating",
            "treatment",
            "treatments",
            "cure",
            "cured",
            "help",
            "helps",
            "therapy",
            "medicine",
            "medication",
            "manage",
            "rid",
            "remedy",
            "remedies",
        ],
        &["treatment", "treatments", "therapy", "management"],
    ),
    (
        "prevention",
        &["prevent", "prevented", "prevention", "avoid"],
        &["prevent", "prevention"],
    ),
    (
        "diagnosis",
        &[
            "diagnose",
            "diagnosed",
            "diagnosis",
            "test",
            "tests",
            "tested",
        ],
        &["diagnosis", "diagnose", "tests"],
    ),
    (
        "outlook",
        &["outlook", "prognosis", "expectancy", "recover", "recovery"],
        &["outlook", "prognosis"],
    ),
    (
        "inheritance",
        &[
            "inherit",
            "inherited",
            "hereditary",
            "genetic",
            "families",
            "genes",
        ],
        &["inherited", "genetic"],
    ),
    ("risk", &["risk", "risks", "chance", "chances"], &["risk"]),
    (
        "side effects",
        &["side effects", "adverse", "safe", "safety"],
        &["side effects", "safety"],
    ),
    (
        "dosage",
        &["dose", "doses", "dosage", "dosing", "how much"],
        &["dose", "dosage", "much"],
    ),
];

/// The kind asked by "what is …", "what are …", "what's …" or a word asking for a
/// definition, when no other kind is: the article's opening section answers it.
pub const WHAT_IS: &str = "what is";
/// Words that ask what something is, on their own.
const DEFINITION_CUES: &[&str] = &["definition", "define", "defined", "meaning"];

/// The kinds of answer `runs` ask for, in [`QUESTION_TYPES`] order, each with the
/// stems of its heading words. Measured: leaving out the heading words the reader
/// typed (they score in headings already) cost MedQuAD 0.704 → 0.694.
pub fn question_types(runs: &[Vec<Word>]) -> Vec<Asked> {
    let mut asked: Vec<Asked> = analyzed_kinds()
        .iter()
        .filter(|kind| !kind.heading_stems.is_empty())
        .filter(|kind| kind.cues.iter().any(|cue| has_cue(runs, cue)))
        .map(|kind| Asked {
            kind: kind.name.to_string(),
            headings: kind.heading_stems.clone(),
            opening: false,
        })
        .collect();
    if asked.is_empty() && asks_what_is(runs) {
        asked.push(Asked {
            kind: WHAT_IS.to_string(),
            headings: Vec::new(),
            opening: true,
        });
    }
    asked
}

/// The stems of every word of [`QUESTION_TYPES`]'s cues: words that ask about
/// a topic rather than name one.
pub fn cue_stems() -> &'static HashSet<String> {
    static STEMS: LazyLock<HashSet<String>> = LazyLock::new(|| {
        analyzed_kinds()
            .iter()
            .flat_map(|kind| kind.cue_stems.iter().cloned())
            .collect()
    });
    &STEMS
}

/// A row of [`QUESTION_TYPES`] with its words analyzed once.
struct Kind {
    name: &'static str,
    /// The cues as written (matched against what the reader typed).
    cues: &'static [&'static str],
    /// The stems of the cues' words.
    cue_stems: HashSet<String>,
    /// The stems of the heading words, each once, in order.
    heading_stems: Vec<String>,
    /// Each heading as written with its stems joined, for `--explain`.
    headings: Vec<(String, &'static str)>,
}

/// [`QUESTION_TYPES`], analyzed once, in order.
fn analyzed_kinds() -> &'static [Kind] {
    static KINDS: LazyLock<Vec<Kind>> = LazyLock::new(|| {
        let mut analyzer = Analyzer::new();
        let mut stems = |text: &str| -> Vec<String> {
            analyzer
                .stems(text)
                .into_iter()
                .map(|(_, stem)| stem)
                .collect()
        };
        QUESTION_TYPES
            .iter()
            .map(|(name, cues, headings)| {
                let mut heading_stems: Vec<String> = Vec::new();
                for stem in headings.iter().flat_map(|h| stems(h)) {
                    if !heading_stems.contains(&stem) {
                        heading_stems.push(stem);
                    }
                }
                Kind {
                    name,
                    cues,
                    cue_stems: cues.iter().flat_map(|cue| stems(cue)).collect(),
                    heading_stems,
                    headings: headings.iter().map(|h| (stems(h).join(" "), *h)).collect(),
                }
            })
            .collect()
    });
    &KINDS
}

/// Whether a run holds `cue`: a word, or words one after another ("side effects").
fn has_cue(runs: &[Vec<Word>], cue: &str) -> bool {
    let cue: Vec<&str> = cue.split(' ').collect();
    runs.iter().any(|run| {
        run.windows(cue.len()).any(|window| {
            window.iter().zip(&cue).enumerate().all(|(i, (word, cue))| {
                word.surface == *cue && (i == 0 || word.position == window[i - 1].position + 1)
            })
        })
    })
}

/// Whether the runs ask what something is: "what" followed by a stop word ("is",
/// "are", "was": the analyzer leaves a gap where it was) or by the "s" of "what's",
/// or a word asking for a definition.
fn asks_what_is(runs: &[Vec<Word>]) -> bool {
    runs.iter().any(|run| {
        run.windows(2).any(|pair| {
            pair[0].surface == "what"
                && (pair[1].position == pair[0].position + 2
                    || (pair[1].surface == "s" && pair[1].position == pair[0].position + 1))
        }) || run
            .iter()
            .any(|w| DEFINITION_CUES.contains(&w.surface.as_str()))
    })
}

/// One thing the reader asked for, and the ways it may be matched.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Slot {
    /// How `--explain` names it ("word: itchy", "words: heart attack (also: …)").
    pub label: String,
    /// The ways of matching it, the reader's own first.
    pub options: Vec<Alternative>,
}

/// One way of matching a slot, and its weight relative to the reader's own words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alternative {
    /// Where it came from.
    pub source: Source,
    /// How its words match.
    pub matcher: Matcher,
    /// Its weight relative to the reader's own words (1.0).
    pub weight: f32,
}

/// Where an alternative came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// The reader's own words.
    Typed,
    /// A synonym of them.
    Synonym,
    /// A vocabulary word close to a misspelled one.
    Correction,
    /// One side of the reader's `OR`.
    Either,
    /// A heading word of the kind of answer a slot of cue words asks for.
    Asked,
}

/// How words match a section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Matcher {
    /// Each word scores on its own and the scores add up (a synonym stretch typed
    /// by the reader: "heart attack" need not be a phrase).
    EachWord(Vec<String>),
    /// The words at their relative positions (one word: that word).
    Phrase(Phrase),
}

impl Matcher {
    /// Its stems, in order.
    pub fn words(&self) -> Vec<&str> {
        match self {
            Matcher::EachWord(words) => words.iter().map(String::as_str).collect(),
            Matcher::Phrase(phrase) => phrase.words.iter().map(|(_, w)| w.as_str()).collect(),
        }
    }
}

/// Stemmed words at their query positions, allowed `slop` extra positions apart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Phrase {
    /// Stemmed words with their positions in the query.
    pub words: Vec<(usize, String)>,
    /// Extra positions allowed between them.
    pub slop: u32,
}

impl Phrase {
    fn exact(words: Vec<(usize, String)>) -> Phrase {
        Phrase { words, slop: 0 }
    }

    fn word(stem: &str) -> Phrase {
        Phrase::exact(vec![(0, stem.to_string())])
    }
}

/// Optional score for words found together.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Boost {
    /// How `--explain` names it.
    pub label: String,
    /// The words to find together.
    pub phrase: Phrase,
    /// Its weight relative to a word slot.
    pub weight: f32,
}

/// A phrase every result must contain, in a field or anywhere.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Required {
    /// How `--explain` names it.
    pub label: String,
    /// Where the phrase must be.
    pub within: Within,
    /// The words.
    pub phrase: Phrase,
}

/// Where a required phrase must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Within {
    /// In the article title.
    Title,
    /// In the section heading.
    Heading,
    /// Title, heading or body.
    Anywhere,
}

/// Restrictions on the articles, typed in the query or given with the request.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanFilters {
    /// Tags, lower-cased; all required.
    pub tags: Vec<String>,
    /// Author name words (lower-cased, folded); all required.
    pub authors: Vec<String>,
    /// Evidence types; each required of some source the section cites.
    #[serde(default)]
    pub evidence: Vec<String>,
    /// Earliest article date (inclusive).
    pub since: Option<Date>,
    /// Latest article date (inclusive).
    pub until: Option<Date>,
}

/// What the reader is told about how the query was read.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Notes {
    /// Question filler left out of the search.
    pub dropped: Vec<String>,
    /// Words not in the vocabulary, and what they were read as.
    pub corrections: Vec<Correction>,
    /// Synonyms searched as well as the reader's words, as shown to the reader.
    pub also_searched: Vec<String>,
    /// The query with each unknown word replaced by its most frequent correction.
    pub did_you_mean: Option<String>,
    /// Stemmed words to mark in snippets.
    pub highlight: Vec<String>,
    /// Words the reader typed that no section has, with no correction or synonym
    /// found for them either: the reader is told, since the results cannot be about
    /// them.
    #[serde(default)]
    pub missing: Vec<String>,
    /// Quoted phrases searched as words found together rather than required,
    /// because the query has other words too.
    #[serde(default)]
    pub soft: Vec<String>,
}

/// A word the reader typed that was not in the vocabulary, and what it was read as.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Correction {
    /// The word as typed (lower-cased, folded).
    pub typed: String,
    /// Vocabulary words it was read as, most frequent first.
    pub read_as: Vec<String>,
}

/// What understanding may use besides the text.
pub struct Context<'a> {
    /// Synonyms to expand the reader's words with.
    pub synonyms: &'a Synonyms,
    /// The corpus vocabulary, for typo correction (`None`: no correction).
    pub vocabulary: Option<&'a dyn Vocabulary>,
}

/// Understands `text` (with `extra` filters from the request) as a [`QueryPlan`].
pub fn understand(
    text: &str,
    extra: &Filters,
    context: &Context<'_>,
    analyzer: &mut Analyzer,
) -> QueryPlan {
    let parsed = parse(text);
    let soft = quotes_are_soft(&parsed);
    let runs = word_runs(&parsed, soft, analyzer);
    let mut slots = slots(&runs, &parsed, context, analyzer);
    slots.truncate(MAX_SLOTS);
    let corrections = match context.vocabulary {
        Some(vocabulary) => correct(&mut slots, vocabulary, analyzer),
        None => Vec::new(),
    };
    let notes = Notes {
        dropped: dropped_words(&runs),
        did_you_mean: did_you_mean(&parsed, &corrections, analyzer),
        also_searched: slots
            .iter()
            .flat_map(|s| s.synonyms.iter().map(|t| t.display.clone()))
            .collect(),
        highlight: highlight_words(&slots, &parsed, analyzer),
        missing: context
            .vocabulary
            .map(|vocabulary| missing_words(&slots, vocabulary, analyzer))
            .unwrap_or_default(),
        corrections,
        soft: match soft {
            true => quoted(&parsed),
            false => Vec::new(),
        },
    };
    let mut slots: Vec<Slot> = slots.iter().map(|slot| slot.options(analyzer)).collect();
    let asks = question_types(&runs);
    answered_by_headings(&mut slots, &asks);
    QueryPlan {
        needed: required_slots(slots.len()),
        names: candidate_names(&runs, &slots),
        asks,
        slots,
        boosts: proximity(&runs),
        required: requirements(&parsed, soft, analyzer),
        excluded: parsed
            .excluded
            .iter()
            .map(|item| analyzer.stems(item.text()))
            .filter(|words| !words.is_empty())
            .map(Phrase::exact)
            .collect(),
        filters: filters(&parsed.filters, extra, analyzer),
        bag: bag_of_words(&parsed, analyzer),
        notes,
    }
}

/// A slot of cue words only ("helps" in "what helps with rosacea") is matched as
/// well by the heading words of the kind it asks for ("treatment"), at
/// [`ASKED_ALTERNATIVE_WEIGHT`]: any wording of that kind of answer is what was
/// asked, so a "Medical treatments" section is in the first tier with "Common
/// triggers" (which says "help") and its score orders the two.
fn answered_by_headings(slots: &mut [Slot], asks: &[Asked]) {
    for slot in slots.iter_mut() {
        let Some(typed) = slot.options.iter().find(|o| o.source == Source::Typed) else {
            continue;
        };
        let words: Vec<String> = typed
            .matcher
            .words()
            .into_iter()
            .map(String::from)
            .collect();
        let asking = analyzed_kinds().iter().find(|kind| {
            !words.is_empty()
                && words.iter().all(|w| kind.cue_stems.contains(w))
                && asks.iter().any(|a| a.kind == kind.name)
        });
        let Some(kind) = asking else {
            continue;
        };
        let added: Vec<&String> = kind
            .heading_stems
            .iter()
            .filter(|h| !words.contains(h))
            .filter(|h| {
                !slot
                    .options
                    .iter()
                    .any(|o| o.matcher.words() == [h.as_str()])
            })
            .collect();
        if added.is_empty() {
            continue;
        }
        // The headings as written, one per stem added, for `--explain`.
        let mut shown: Vec<&str> = Vec::new();
        let mut seen: Vec<&str> = Vec::new();
        for (stem, heading) in &kind.headings {
            if added.contains(&stem) && !seen.contains(&stem.as_str()) {
                seen.push(stem);
                shown.push(heading);
            }
        }
        slot.label = format!("{} (also as: {})", slot.label, shown.join(", "));
        for heading in added {
            slot.options.push(Alternative {
                source: Source::Asked,
                matcher: Matcher::Phrase(Phrase::word(heading)),
                weight: ASKED_ALTERNATIVE_WEIGHT,
            });
        }
    }
}

/// How many of `n` word slots a section must match to be in the first tier of
/// results: all of one or two words; any one of longer queries, where BM25's
/// weighting of rare words ranks better than a fixed share (measured with the
/// relevance suite: requiring 50% or 70% of a question's words cost 11–18% nDCG).
/// Sections matching fewer slots follow when the first tier does not fill a page.
pub fn required_slots(n: usize) -> usize {
    if n <= 2 { n } else { 1 }
}

/// The names a query may contain, as [`crate::text::Analyzer::name_key`] keys: the
/// words of every stretch of consecutive words of a run, filler left out (up to
/// [`crate::text::MAX_NAME_WORDS`]), each word as typed or as a correction of it,
/// then each synonym of a slot and each side of an `OR` on its own ("eczema" names
/// "atopic dermatitis").
/// Runs rather than slots, because slots hold a repeated word once: in "… a heart
/// attack … broken heart syndrome" the second "heart" is no slot of its own.
/// "symptoms of salcedo syndrome" holds "salcedo syndrom".
pub fn candidate_names(runs: &[Vec<Word>], slots: &[Slot]) -> Vec<Name> {
    let typed = typed_words(slots).max(1) as f32;
    let mut names: Vec<Name> = Vec::new();
    let mut add = |words: &[&str], factor: f32| {
        let key = words.join(" ");
        if names.len() < MAX_NAME_CANDIDATES && !names.iter().any(|n| n.key == key) {
            let cover = (words.len() as f32 / typed).min(1.0);
            names.push(Name {
                key,
                weight: NAME_WEIGHT * cover * factor,
            });
        }
    };
    let corrected = corrections_by_stem(slots);
    for run in runs {
        let kept: Vec<&Word> = run.iter().filter(|w| !w.is_filler()).collect();
        for start in 0..kept.len() {
            let mut stretches: Vec<Vec<&str>> = vec![Vec::new()];
            for word in kept[start..].iter().take(crate::text::MAX_NAME_WORDS) {
                let spellings = std::iter::once(word.stem.as_str()).chain(
                    corrected
                        .iter()
                        .filter(|(typed, _)| *typed == word.stem)
                        .map(|(_, fix)| *fix),
                );
                let spellings: Vec<&str> = spellings.collect();
                let mut longer: Vec<Vec<&str>> = Vec::new();
                for stretch in &stretches {
                    for spelling in &spellings {
                        if longer.len() < MAX_SPELLINGS {
                            longer.push(stretch.iter().copied().chain([*spelling]).collect());
                        }
                    }
                }
                longer.iter().for_each(|words| add(words, 1.0));
                stretches = longer;
            }
        }
    }
    for option in slots.iter().flat_map(|s| &s.options) {
        let factor = match option.source {
            Source::Synonym => SYNONYM_WEIGHT,
            Source::Either => 1.0,
            Source::Typed | Source::Correction | Source::Asked => continue,
        };
        if let Matcher::Phrase(phrase) = &option.matcher {
            let words: Vec<&str> = phrase.words.iter().map(|(_, w)| w.as_str()).collect();
            if words.len() <= crate::text::MAX_NAME_WORDS {
                add(&words, factor);
            }
        }
    }
    names
}

/// The reader's own words in the slots.
fn typed_words(slots: &[Slot]) -> usize {
    slots
        .iter()
        .flat_map(|s| s.options.iter().filter(|o| o.source == Source::Typed))
        .map(|o| o.matcher.words().len())
        .sum()
}

/// (typed stem, correction) for every correction of a one-word slot.
fn corrections_by_stem(slots: &[Slot]) -> Vec<(&str, &str)> {
    let mut pairs = Vec::new();
    for slot in slots {
        let Some(Matcher::Phrase(typed)) = slot
            .options
            .iter()
            .find(|o| o.source == Source::Typed)
            .map(|o| &o.matcher)
        else {
            continue;
        };
        let [(_, stem)] = typed.words.as_slice() else {
            continue;
        };
        for option in slot
            .options
            .iter()
            .filter(|o| o.source == Source::Correction)
        {
            if let Matcher::Phrase(fix) = &option.matcher {
                pairs.extend(fix.words.iter().map(|(_, w)| (stem.as_str(), w.as_str())));
            }
        }
    }
    pairs
}

/// A slot while it is being built: the reader's words and what was found for them.
struct Building {
    label: String,
    words: Vec<Word>,
    synonyms: Vec<Term>,
    corrections: Vec<String>,
    /// Alternatives joined with `OR` by the reader.
    any_of: Vec<Vec<(usize, String)>>,
}

impl Building {
    fn word(word: Word) -> Building {
        Building {
            label: format!("word: {}", word.surface),
            words: vec![word],
            synonyms: Vec::new(),
            corrections: Vec::new(),
            any_of: Vec::new(),
        }
    }

    fn stretch(words: &[Word], alternatives: &[&Term]) -> Building {
        let text = words
            .iter()
            .map(|w| w.surface.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let names = alternatives
            .iter()
            .map(|t| t.display.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        Building {
            label: format!("words: {text} (also: {names})"),
            words: words.to_vec(),
            synonyms: alternatives.iter().map(|&t| t.clone()).collect(),
            corrections: Vec::new(),
            any_of: Vec::new(),
        }
    }

    /// The finished slot: the reader's words, then synonyms, corrections and `OR`
    /// alternatives, each with its weight.
    fn options(&self, analyzer: &mut Analyzer) -> Slot {
        let mut options = Vec::new();
        let typed = match self.words.as_slice() {
            [] => None,
            [one] => Some(Matcher::Phrase(Phrase::word(&one.stem))),
            many => Some(Matcher::EachWord(
                many.iter().map(|w| w.stem.clone()).collect(),
            )),
        };
        options.extend(typed.map(|matcher| Alternative {
            source: Source::Typed,
            matcher,
            weight: 1.0,
        }));
        let synonym_weight = SYNONYM_WEIGHT * self.words.len().max(1) as f32;
        for synonym in &self.synonyms {
            options.push(Alternative {
                source: Source::Synonym,
                matcher: Matcher::Phrase(Phrase::exact(synonym.words(analyzer).to_vec())),
                weight: synonym_weight,
            });
        }
        for stem in &self.corrections {
            options.push(Alternative {
                source: Source::Correction,
                matcher: Matcher::Phrase(Phrase::word(stem)),
                weight: FUZZY_WEIGHT,
            });
        }
        for alternative in &self.any_of {
            options.push(Alternative {
                source: Source::Either,
                matcher: Matcher::Phrase(Phrase::exact(alternative.clone())),
                weight: 1.0,
            });
        }
        Slot {
            label: self.label.clone(),
            options,
        }
    }
}

/// Whether quoted phrases count as words found together (a boost) rather than as
/// requirements: when the query has plain words too. Readers quote what a leaflet
/// or a doctor said inside a longer message, and requiring those exact words
/// emptied the page (the quoted class of the long-message suite scored nDCG@10
/// 0.05). A query of quoted phrases only still requires them.
fn quotes_are_soft(parsed: &ParsedQuery) -> bool {
    parsed
        .groups
        .iter()
        .any(|group| matches!(group.as_slice(), [Item::Word(_)]))
}

/// The quoted phrases standing alone in the query, as typed.
fn quoted(parsed: &ParsedQuery) -> Vec<String> {
    parsed
        .groups
        .iter()
        .filter_map(|group| match group.as_slice() {
            [Item::Phrase(text)] => Some(text.clone()),
            _ => None,
        })
        .collect()
}

/// Consecutive plain words, analyzed; each run is what was typed between phrases
/// and operators. With `soft` quotes, each quoted phrase is a run of its own.
fn word_runs(parsed: &ParsedQuery, soft: bool, analyzer: &mut Analyzer) -> Vec<Vec<Word>> {
    let mut runs: Vec<Vec<Word>> = Vec::new();
    let mut current = String::new();
    let mut flush = |current: &mut String, runs: &mut Vec<Vec<Word>>| {
        let words = analyzer.words(current);
        if !words.is_empty() {
            runs.push(words);
        }
        current.clear();
    };
    for group in &parsed.groups {
        match group.as_slice() {
            [Item::Word(word)] => {
                current.push(' ');
                current.push_str(word);
            }
            [Item::Phrase(phrase)] if soft => {
                flush(&mut current, &mut runs);
                current.push_str(phrase);
                flush(&mut current, &mut runs);
            }
            _ => flush(&mut current, &mut runs),
        }
    }
    flush(&mut current, &mut runs);
    runs
}

/// Slots for word runs (with synonym stretches and filler removed) and OR groups.
fn slots(
    runs: &[Vec<Word>],
    parsed: &ParsedQuery,
    context: &Context<'_>,
    analyzer: &mut Analyzer,
) -> Vec<Building> {
    let synonyms = context.synonyms;
    let mut slots: Vec<Building> = Vec::new();
    // A word (or stretch) counts once however often it is repeated: a subject line
    // repeated in the message must not weigh its words double.
    let mut seen: Vec<Vec<String>> = Vec::new();
    let mut add = |slots: &mut Vec<Building>, building: Building| {
        let stems: Vec<String> = building.words.iter().map(|w| w.stem.clone()).collect();
        if !seen.contains(&stems) {
            seen.push(stems);
            slots.push(building);
        }
    };
    for run in runs {
        let keys: Vec<String> = run.iter().map(|w| key_word(&w.surface)).collect();
        let mut matches = synonyms.find(&keys);
        // A match inside another name the corpus uses is no match: its words are
        // read as plain words below.
        if let Some(vocabulary) = context.vocabulary {
            matches.retain(|m| !names_another_thing(run, m, vocabulary, analyzer));
        }
        let mut next = 0;
        for m in matches.iter().map(Some).chain(std::iter::once(None)) {
            let end = m.map_or(run.len(), |m| m.start);
            for word in run[next..end].iter().filter(|w| !w.is_filler()) {
                add(&mut slots, Building::word(word.clone()));
            }
            if let Some(m) = m {
                let stretch = Building::stretch(&run[m.start..m.start + m.len], &m.alternatives);
                add(&mut slots, stretch);
                next = m.start + m.len;
            }
        }
    }
    if slots.is_empty() {
        slots.extend(runs.iter().flatten().map(|w| Building::word(w.clone())));
    }
    for group in parsed.groups.iter().filter(|g| g.len() > 1) {
        let any_of: Vec<_> = group
            .iter()
            .map(|item| analyzer.stems(item.text()))
            .filter(|w| !w.is_empty())
            .collect();
        if !any_of.is_empty() {
            let label = group
                .iter()
                .map(Item::text)
                .collect::<Vec<_>>()
                .join(" OR ");
            slots.push(Building {
                label,
                words: Vec::new(),
                synonyms: Vec::new(),
                corrections: Vec::new(),
                any_of,
            });
        }
    }
    slots
}

/// Whether the single word matched by `m` is, with a neighbouring query word, a
/// name the corpus uses for something else than its synonyms: the pair is found
/// together in some section (or, in a query of just the two words, not even near
/// each other while both are corpus words), and none of the synonyms is
/// found near that neighbour. "molar pregnancy" is in the corpus and "back teeth"
/// near "pregnancy" is not, so "molar" there is not a back tooth; "amphetamine"
/// is near neither "salts" nor "table salt" anywhere, so the salts are not table salt.
fn names_another_thing(
    run: &[Word],
    m: &Match<'_>,
    vocabulary: &dyn Vocabulary,
    analyzer: &mut Analyzer,
) -> bool {
    if m.len != 1 {
        return false;
    }
    let word = &run[m.start].stem;
    let compound = run.iter().filter(|w| !w.is_filler()).count() == 2;
    let before = m.start.checked_sub(1).map(|i| (&run[i], true));
    let after = run.get(m.start + 1).map(|w| (w, false));
    for (neighbour, is_before) in before.into_iter().chain(after) {
        if neighbour.is_filler() || STOP_WORDS.contains(&neighbour.surface.as_str()) {
            continue;
        }
        let pair = |inner: Vec<String>| -> Vec<String> {
            match is_before {
                true => std::iter::once(neighbour.stem.clone())
                    .chain(inner)
                    .collect(),
                false => inner.into_iter().chain([neighbour.stem.clone()]).collect(),
            }
        };
        let named_together = vocabulary.together(&pair(vec![word.clone()]), 0);
        // A run of two words (most often the whole query) is one thing: if the
        // corpus never has the word near the other, nor a synonym, nothing says the
        // synonym is what is meant.
        let uncued = !named_together
            && compound
            && vocabulary.has_stem(word)
            && vocabulary.has_stem(&neighbour.stem)
            && !vocabulary.together(&pair(vec![word.clone()]), NEAR_SLOP);
        if !named_together && !uncued {
            continue;
        }
        let synonym_fits = m.alternatives.iter().any(|term| {
            let words: Vec<String> = term
                .words(analyzer)
                .iter()
                .map(|(_, s)| s.clone())
                .collect();
            vocabulary.together(&pair(words), NEAR_SLOP)
        });
        if !synonym_fits {
            return true;
        }
    }
    false
}

/// Adds typo corrections to single-word slots whose word the vocabulary lacks:
/// first the words that are not real words, then real words the corpus lacks,
/// which are read as a close corpus word only when that word makes a phrase the
/// corpus has with a neighbouring slot ("tay sacks" is "tay sachs", but "my son
/// hates" is not "my son rates"). Each word looked up counts against
/// [`MAX_CORRECTED_WORDS`].
fn correct(
    slots: &mut [Building],
    vocabulary: &dyn Vocabulary,
    analyzer: &mut Analyzer,
) -> Vec<Correction> {
    let mut corrections = Vec::new();
    let mut lookups = 0;
    for real in [false, true] {
        for at in 0..slots.len() {
            let slot = &slots[at];
            if slot.words.len() != 1 || !slot.synonyms.is_empty() {
                continue;
            }
            let surface = slot.words[0].surface.clone();
            if !unknown(vocabulary, &surface) || vocabulary.is_word(&surface) != real {
                continue;
            }
            if lookups == MAX_CORRECTED_WORDS {
                return corrections;
            }
            lookups += 1;
            let mut found = close_words(vocabulary, &surface);
            if real {
                found.retain(|c| makes_a_phrase(slots, at, &c.word, vocabulary, analyzer));
            }
            if found.is_empty() {
                continue;
            }
            let slot = &mut slots[at];
            for candidate in &found {
                for (_, stem) in analyzer.stems(&candidate.word) {
                    if stem != slot.words[0].stem && !slot.corrections.contains(&stem) {
                        slot.corrections.push(stem);
                    }
                }
            }
            corrections.push(Correction {
                typed: surface,
                read_as: found.into_iter().map(|c| c.word).collect(),
            });
        }
    }
    corrections
}

/// Whether `word`, in place of slot `at`, makes a phrase some section has with the
/// last word of the slot before or the first word of the slot after (neither a
/// number).
fn makes_a_phrase(
    slots: &[Building],
    at: usize,
    word: &str,
    vocabulary: &dyn Vocabulary,
    analyzer: &mut Analyzer,
) -> bool {
    let Some((_, stem)) = analyzer.stems(word).into_iter().next() else {
        return false;
    };
    // A number is no context: "type 2 scared" is not "type 2 shared".
    let context = |w: &&Word| !w.stem.chars().any(|c| c.is_ascii_digit());
    let before = at
        .checked_sub(1)
        .and_then(|i| slots[i].words.last())
        .filter(context)
        .map(|w| vec![w.stem.clone(), stem.clone()]);
    let after = slots
        .get(at + 1)
        .and_then(|s| s.words.first())
        .filter(context)
        .map(|w| vec![stem.clone(), w.stem.clone()]);
    [before, after]
        .into_iter()
        .flatten()
        .any(|pair| vocabulary.together(&pair, 0))
}

/// The reader's single words that no section has, when none of their synonyms can
/// match either (each lacks a word no section has) and no correction was found. In
/// a query of more than [`MAX_SLOTS_NAMING_MISSING`] slots, only words of five
/// letters or more that are no everyday English word (the list holds no shorter
/// ones): most absent everyday words are incidental ("my friend swears by it"), but
/// an absent condition ("early signs of alzheimers in older parents", in a corpus
/// with no article on it) is what the reader must be told. None in a message of
/// more than [`MAX_SLOTS_NAMING_UNCOMMON`] slots, whose absent words were names,
/// places and family words ("mum", "sunday", "grandkids") in the long-message
/// suite. Numbers are never named.
fn missing_words(
    slots: &[Building],
    vocabulary: &dyn Vocabulary,
    analyzer: &mut Analyzer,
) -> Vec<String> {
    let mut missing = Vec::new();
    if slots.len() > MAX_SLOTS_NAMING_UNCOMMON {
        return missing;
    }
    let long = slots.len() > MAX_SLOTS_NAMING_MISSING;
    for slot in slots {
        let [word] = slot.words.as_slice() else {
            continue;
        };
        if !slot.corrections.is_empty()
            || !slot.any_of.is_empty()
            || word.surface.chars().any(|c| c.is_ascii_digit())
            || word.surface.chars().count() < 3
            || vocabulary.has_stem(&word.stem)
        {
            continue;
        }
        let synonym_matches = slot.synonyms.iter().any(|term| {
            term.words(analyzer)
                .iter()
                .all(|(_, stem)| vocabulary.has_stem(stem))
        });
        let uncommon = || {
            word.surface.chars().count() >= crate::text::EVERYDAY_WORD_MIN_CHARS
                && !vocabulary.is_word(&word.surface)
        };
        if !synonym_matches && (!long || uncommon()) {
            missing.push(word.surface.clone());
        }
    }
    missing
}

/// Boosts for neighbouring words found close together and for whole runs as phrases.
fn proximity(runs: &[Vec<Word>]) -> Vec<Boost> {
    let mut boosts = Vec::new();
    for run in runs {
        let kept: Vec<&Word> = run.iter().filter(|w| !w.is_filler()).collect();
        for pair in kept.windows(2).take(MAX_PAIRS) {
            if pair[0].stem != pair[1].stem {
                boosts.push(Boost {
                    label: format!("near: {} {}", pair[0].surface, pair[1].surface),
                    phrase: Phrase {
                        words: positioned(pair),
                        slop: NEAR_SLOP,
                    },
                    weight: PAIR_BOOST,
                });
            }
        }
        if (3..=8).contains(&kept.len()) {
            let surfaces: Vec<&str> = kept.iter().map(|w| w.surface.as_str()).collect();
            boosts.push(Boost {
                label: format!("phrase: {}", surfaces.join(" ")),
                phrase: Phrase::exact(positioned(&kept)),
                weight: PHRASE_BOOST,
            });
        }
    }
    boosts
}

fn positioned(words: &[&Word]) -> Vec<(usize, String)> {
    words.iter().map(|w| (w.position, w.stem.clone())).collect()
}

/// `title:`/`heading:` items, then quoted phrases standing alone (unless quotes
/// are `soft`).
fn requirements(parsed: &ParsedQuery, soft: bool, analyzer: &mut Analyzer) -> Vec<Required> {
    let mut required = Vec::new();
    for (scope, item) in &parsed.required {
        let words = analyzer.stems(item.text());
        if !words.is_empty() {
            let (within, name) = match scope {
                Scope::Title => (Within::Title, "title"),
                Scope::Heading => (Within::Heading, "heading"),
            };
            required.push(Required {
                label: format!("{name}: {}", item.text()),
                within,
                phrase: Phrase::exact(words),
            });
        }
    }
    if soft {
        return required;
    }
    for text in quoted(parsed) {
        let words = analyzer.stems(&text);
        if !words.is_empty() {
            required.push(Required {
                label: format!("phrase \"{text}\""),
                within: Within::Anywhere,
                phrase: Phrase::exact(words),
            });
        }
    }
    required
}

/// The query's filters and the request's, combined: every tag and author word is
/// required, and the date range is the narrower of the two.
fn filters(typed: &Filters, extra: &Filters, analyzer: &mut Analyzer) -> PlanFilters {
    let both = [typed, extra];
    PlanFilters {
        tags: both
            .iter()
            .flat_map(|f| f.tags.iter().map(|t| t.to_lowercase()))
            .collect(),
        authors: both
            .iter()
            .flat_map(|f| f.authors.iter())
            .flat_map(|author| analyzer.names(author).into_iter().map(|(_, w)| w))
            .collect(),
        evidence: both
            .iter()
            .flat_map(|f| f.evidence.iter().cloned())
            .collect(),
        since: both.iter().filter_map(|f| f.since).max(),
        until: both.iter().filter_map(|f| f.until).min(),
    }
}

/// Every analyzed word of the plain query, once, in order.
fn bag_of_words(parsed: &ParsedQuery, analyzer: &mut Analyzer) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for item in parsed.groups.iter().flatten() {
        for (_, word) in analyzer.stems(item.text()) {
            if !words.contains(&word) {
                words.push(word);
            }
        }
    }
    words
}

/// Question filler that was left out (when anything else was left).
fn dropped_words(runs: &[Vec<Word>]) -> Vec<String> {
    let all: Vec<&Word> = runs.iter().flatten().collect();
    if all.iter().all(|w| w.is_filler()) {
        return Vec::new();
    }
    let mut dropped: Vec<String> = Vec::new();
    for word in all.iter().filter(|w| w.is_filler()) {
        if !dropped.contains(&word.surface) {
            dropped.push(word.surface.clone());
        }
    }
    dropped
}

fn highlight_words(
    slots: &[Building],
    parsed: &ParsedQuery,
    analyzer: &mut Analyzer,
) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    let mut add = |word: &str| {
        if !words.iter().any(|w| w == word) {
            words.push(word.to_string());
        }
    };
    for slot in slots {
        slot.words.iter().for_each(|w| add(&w.stem));
        slot.corrections.iter().for_each(|w| add(w));
        for term in &slot.synonyms {
            term.words(analyzer).iter().for_each(|(_, w)| add(w));
        }
        slot.any_of.iter().flatten().for_each(|(_, w)| add(w));
    }
    let phrases = parsed
        .groups
        .iter()
        .flatten()
        .chain(parsed.required.iter().map(|(_, i)| i));
    for item in phrases {
        analyzer.stems(item.text()).iter().for_each(|(_, w)| add(w));
    }
    words
}

/// The query text with each corrected word replaced by its best correction.
fn did_you_mean(
    parsed: &ParsedQuery,
    corrections: &[Correction],
    analyzer: &mut Analyzer,
) -> Option<String> {
    if corrections.is_empty() {
        return None;
    }
    let words: Vec<String> = parsed
        .groups
        .iter()
        .flatten()
        .flat_map(|item| match item {
            Item::Phrase(text) => vec![format!("\"{text}\"")],
            Item::Word(text) => analyzer
                .names(text)
                .into_iter()
                .map(|(_, word)| {
                    let fix = corrections
                        .iter()
                        .find(|c| c.typed == word)
                        .and_then(|c| c.read_as.first());
                    fix.cloned().unwrap_or(word)
                })
                .collect(),
        })
        .collect();
    Some(words.join(" "))
}

#[cfg(test)]
mod tests;
