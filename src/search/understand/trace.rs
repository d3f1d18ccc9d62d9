//! A vocabulary that remembers what the planner asked it. Another implementation
//! of the planner (the static bundle's JavaScript) is proved equal to this one by
//! replaying a query with the recorded answers only: any question the other side
//! asks that this side did not is a difference, found without an index.

use std::cell::RefCell;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Vocabulary;

/// Every question the planner asked a [`Vocabulary`] for one query, with its
/// answer. Keys are plain strings so the JSON reads easily: `near` is keyed
/// `"EDITS|word"`, `together` `"SLOP|stem stem …"`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VocabularyTrace {
    /// `doc_freq(word)`.
    pub doc_freq: BTreeMap<String, u64>,
    /// `near(word, edits)`, in the order the vocabulary answered.
    pub near: BTreeMap<String, Vec<(String, u64)>>,
    /// `has_stem(stem)`.
    pub has_stem: BTreeMap<String, bool>,
    /// `together(stems, slop)`.
    pub together: BTreeMap<String, bool>,
    /// `is_word(word)`.
    #[serde(default)]
    pub is_word: BTreeMap<String, bool>,
}

impl VocabularyTrace {
    /// The key of a `near` question.
    pub fn near_key(word: &str, edits: u8) -> String {
        format!("{edits}|{word}")
    }

    /// The key of a `together` question.
    pub fn together_key(stems: &[String], slop: u32) -> String {
        format!("{slop}|{}", stems.join(" "))
    }
}

/// A [`Vocabulary`] that answers from another and records each question.
pub struct RecordingVocabulary<'a> {
    inner: &'a dyn Vocabulary,
    trace: RefCell<VocabularyTrace>,
}

impl<'a> RecordingVocabulary<'a> {
    /// Records the questions asked of `inner`.
    pub fn new(inner: &'a dyn Vocabulary) -> RecordingVocabulary<'a> {
        RecordingVocabulary {
            inner,
            trace: RefCell::default(),
        }
    }

    /// What was asked, and answered.
    pub fn into_trace(self) -> VocabularyTrace {
        self.trace.into_inner()
    }
}

impl Vocabulary for RecordingVocabulary<'_> {
    fn doc_freq(&self, word: &str) -> u64 {
        let answer = self.inner.doc_freq(word);
        self.trace
            .borrow_mut()
            .doc_freq
            .insert(word.to_string(), answer);
        answer
    }

    fn near(&self, word: &str, edits: u8) -> Vec<(String, u64)> {
        let answer = self.inner.near(word, edits);
        self.trace
            .borrow_mut()
            .near
            .insert(VocabularyTrace::near_key(word, edits), answer.clone());
        answer
    }

    fn has_stem(&self, stem: &str) -> bool {
        let answer = self.inner.has_stem(stem);
        self.trace
            .borrow_mut()
            .has_stem
            .insert(stem.to_string(), answer);
        answer
    }

    fn together(&self, stems: &[String], slop: u32) -> bool {
        let answer = self.inner.together(stems, slop);
        self.trace
            .borrow_mut()
            .together
            .insert(VocabularyTrace::together_key(stems, slop), answer);
        answer
    }

    fn is_word(&self, word: &str) -> bool {
        let answer = self.inner.is_word(word);
        self.trace
            .borrow_mut()
            .is_word
            .insert(word.to_string(), answer);
        answer
    }
}

#[cfg(test)]
mod tests {
    use super::super::spelling::tests::MapVocabulary;
    use super::*;

    #[test]
    fn each_question_is_recorded_with_its_answer() {
        let map =
            MapVocabulary::of(&[("eczema", 9), ("exzema", 0)]).with_phrases(&["molar pregnancy"]);
        let recording = RecordingVocabulary::new(&map);
        assert_eq!(recording.doc_freq("eczema"), 9);
        assert_eq!(recording.near("eczma", 1), [("eczema".to_string(), 9)]);
        let pair = ["molar".to_string(), "pregnanc".to_string()];
        assert!(recording.together(&pair, 0));
        let reversed = ["pregnanc".to_string(), "molar".to_string()];
        assert!(!recording.together(&reversed, 3));
        assert!(recording.has_stem("eczema"));
        assert!(!recording.has_stem("acn"));
        assert!(recording.is_word("hates"));
        let trace = recording.into_trace();
        assert_eq!(trace.doc_freq["eczema"], 9);
        assert_eq!(trace.near["1|eczma"], [("eczema".to_string(), 9)]);
        assert!(trace.together["0|molar pregnanc"]);
        assert!(!trace.together["3|pregnanc molar"]);
        assert!(trace.has_stem["eczema"]);
        assert!(!trace.has_stem["acn"]);
        assert!(trace.is_word["hates"]);
    }
}
