//! The words of every section, inverted the way the index inverts them: each
//! prose field (title, heading, body, enclosing headings, references) analyzed by
//! [`crate::text`]'s English analyzer into stems with positions, each section's
//! length per field as the one-byte norm tantivy scores with, and the corpus
//! vocabulary (title, heading and body words, unstemmed) with the number of
//! sections holding each word, for typo correction. So the browser scores with the
//! statistics the server scores with.
//!
//! Sections are numbered in bundle order (the server's order of equal scores:
//! articles by their key, sections in article order).

use std::collections::BTreeMap;

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use tantivy::fieldnorm::FieldNormReader;

use crate::export::SectionRecord;
use crate::text::Analyzer;

/// The searched fields, in the order the bundle stores them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Title,
    Heading,
    Body,
    Parents,
    References,
}

impl Field {
    /// Every field, in storage order.
    pub const ALL: [Field; 5] = [
        Field::Title,
        Field::Heading,
        Field::Body,
        Field::Parents,
        Field::References,
    ];

    /// Whether the bundle keeps word positions for the field (the index does for
    /// title, heading and body: phrases and proximity are matched there only).
    pub fn has_positions(self) -> bool {
        matches!(self, Field::Title | Field::Heading | Field::Body)
    }

    /// The field's name in the bundle's metadata.
    pub fn name(self) -> &'static str {
        match self {
            Field::Title => "title",
            Field::Heading => "heading",
            Field::Body => "body",
            Field::Parents => "parents",
            Field::References => "references",
        }
    }
}

/// One section holding a word in one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Posting {
    /// The section's number in bundle order.
    pub section: u32,
    /// How often the word occurs in the field.
    pub tf: u32,
    /// Its positions (only for fields with positions).
    pub positions: Vec<u32>,
}

/// Where one stem occurs, per field ([`Field::ALL`] order), and the article names
/// that begin with it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TermPostings {
    pub fields: [Vec<Posting>; 5],
    /// Names ([`crate::text::Analyzer::name_key`] keys) whose first word is this
    /// stem, each with the articles going by it.
    pub names: Vec<NamedArticles>,
}

/// A name key and the sections of the articles that go by it, as runs of section
/// numbers (an article's sections are consecutive in bundle order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedArticles {
    pub key: String,
    /// (first section, number of sections) per article, in bundle order.
    pub runs: Vec<(u32, u32)>,
}

/// Files each article's names (`keys`, per article in bundle order, with its
/// section count) under the first word of each name.
pub fn add_names(terms: &mut BTreeMap<String, TermPostings>, articles: &[(Vec<String>, u32)]) {
    let mut first = 0u32;
    let mut by_key: BTreeMap<&str, Vec<(u32, u32)>> = BTreeMap::new();
    for (keys, sections) in articles {
        for key in keys {
            by_key.entry(key).or_default().push((first, *sections));
        }
        first += sections;
    }
    for (key, runs) in by_key {
        let stem = key.split(' ').next().unwrap_or(key);
        terms
            .entry(stem.to_string())
            .or_default()
            .names
            .push(NamedArticles {
                key: key.to_string(),
                runs,
            });
    }
}

/// The corpus inverted.
#[derive(Debug, Clone, Default)]
pub struct Inverted {
    /// Every stem with its postings, sorted by stem.
    pub terms: BTreeMap<String, TermPostings>,
    /// Every unstemmed title, heading and body word with the sections holding it.
    pub vocabulary: BTreeMap<String, u32>,
    /// Every unstemmed title and heading word with the sections holding it: what
    /// completions are made of (the index's `suggest` field).
    pub completions: BTreeMap<String, u32>,
    /// Each section's norm id per field ([`Field::ALL`] order).
    pub norms: Vec<[u8; 5]>,
    /// Tokens per field over all sections (BM25's average length).
    pub total_tokens: [u64; 5],
}

/// One section analyzed.
struct Analyzed {
    /// Per field: (stem, position) in text order.
    words: [Vec<(String, u32)>; 5],
    /// Distinct vocabulary words of title, heading and body.
    vocabulary: Vec<String>,
    /// Distinct words of title and heading.
    completions: Vec<String>,
}

/// Inverts `sections` (already in bundle order).
pub fn invert(sections: &[&SectionRecord]) -> Inverted {
    let analyzed: Vec<Analyzed> = sections
        .par_chunks(64)
        .flat_map_iter(|chunk| {
            let mut analyzer = Analyzer::new();
            chunk
                .iter()
                .map(|section| analyze(section, &mut analyzer))
                .collect::<Vec<_>>()
        })
        .collect();
    // Hash maps while collecting (a B-tree's string comparisons were a quarter of
    // a MedQuAD bundle's time), sorted once at the end.
    let mut collecting = Collecting::default();
    for (number, section) in analyzed.into_iter().enumerate() {
        collecting.add_section(number as u32, section);
    }
    Inverted {
        terms: collecting.terms.into_iter().collect(),
        vocabulary: collecting.vocabulary.into_iter().collect(),
        completions: collecting.completions.into_iter().collect(),
        norms: collecting.norms,
        total_tokens: collecting.total_tokens,
    }
}

/// The inverted corpus while sections are added.
#[derive(Default)]
struct Collecting {
    terms: FxHashMap<String, TermPostings>,
    vocabulary: FxHashMap<String, u32>,
    completions: FxHashMap<String, u32>,
    norms: Vec<[u8; 5]>,
    total_tokens: [u64; 5],
}

fn analyze(section: &SectionRecord, analyzer: &mut Analyzer) -> Analyzed {
    let values: [Vec<&str>; 5] = [
        vec![section.title.as_str()],
        vec![section.heading.as_str()],
        vec![section.body.as_str()],
        section.parents.iter().map(String::as_str).collect(),
        section.citations.iter().map(|c| c.raw.as_str()).collect(),
    ];
    let words = values.map(|texts| field_words(&texts, analyzer));
    let completions = distinct_names(&[&section.title, &section.heading], analyzer);
    let mut vocabulary = distinct_names(&[&section.body], analyzer);
    vocabulary.extend(completions.iter().cloned());
    vocabulary.sort_unstable();
    vocabulary.dedup();
    Analyzed {
        words,
        vocabulary,
        completions,
    }
}

/// The distinct words of `texts`, lower-cased and folded, unstemmed, sorted.
fn distinct_names(texts: &[&str], analyzer: &mut Analyzer) -> Vec<String> {
    let mut words: Vec<String> = texts
        .iter()
        .flat_map(|text| analyzer.names(text))
        .map(|(_, word)| word)
        .collect();
    words.sort_unstable();
    words.dedup();
    words
}

/// The stems of a field's values with the positions tantivy gives them: each
/// value continues one position after the last word of the one before.
fn field_words(values: &[&str], analyzer: &mut Analyzer) -> Vec<(String, u32)> {
    let mut words = Vec::new();
    let mut start = 0u32;
    for value in values {
        let mut end = start;
        for (position, stem) in analyzer.stems(value) {
            let at = start + position as u32;
            end = end.max(at + 1);
            words.push((stem, at));
        }
        start = end + 1;
    }
    words
}

impl Collecting {
    fn add_section(&mut self, number: u32, section: Analyzed) {
        let mut norms = [0u8; 5];
        for (slot, (field, words)) in Field::ALL.iter().zip(section.words).enumerate() {
            norms[slot] = FieldNormReader::fieldnorm_to_id(words.len() as u32);
            self.total_tokens[slot] += words.len() as u64;
            for (stem, positions) in group_by_stem(words) {
                let postings = &mut self.terms.entry(stem).or_default().fields[slot];
                postings.push(Posting {
                    section: number,
                    tf: positions.len() as u32,
                    positions: match field.has_positions() {
                        true => positions,
                        false => Vec::new(),
                    },
                });
            }
        }
        self.norms.push(norms);
        for word in section.vocabulary {
            *self.vocabulary.entry(word).or_default() += 1;
        }
        for word in section.completions {
            *self.completions.entry(word).or_default() += 1;
        }
    }
}

/// Each distinct stem of a field with its positions in order.
fn group_by_stem(mut words: Vec<(String, u32)>) -> Vec<(String, Vec<u32>)> {
    words.sort_unstable();
    let mut grouped: Vec<(String, Vec<u32>)> = Vec::new();
    for (stem, position) in words {
        match grouped.last_mut() {
            Some((last, positions)) if *last == stem => positions.push(position),
            _ => grouped.push((stem, vec![position])),
        }
    }
    grouped
}

#[cfg(test)]
mod tests {
    use super::*;

    fn section(title: &str, heading: &str, body: &str) -> SectionRecord {
        SectionRecord {
            id: String::new(),
            path: "a.md".into(),
            url: String::new(),
            anchor: String::new(),
            ordinal: 0,
            title: title.into(),
            heading: heading.into(),
            parents: vec!["Gut".into(), "Skin care".into()],
            breadcrumbs: Vec::new(),
            body: body.into(),
            tags: Vec::new(),
            authors: Vec::new(),
            date: None,
            citations: Vec::new(),
            sources: Vec::new(),
            evidence: Vec::new(),
            updated: None,
            description: None,
            reviewers: Vec::new(),
            reviewed: None,
        }
    }

    #[test]
    fn stems_positions_norms_and_vocabulary() {
        let first = section(
            "Leaky gut",
            "Symptoms of leaky gut",
            "Bloating and gut pain.",
        );
        let second = section("Leaky gut", "", "Gut");
        let inverted = invert(&[&first, &second]);
        let gut = &inverted.terms["gut"];
        assert_eq!(gut.fields[0].len(), 2, "the title of both sections");
        let heading = &gut.fields[1];
        assert_eq!(heading[0].positions, [3], "after a stop word's gap");
        let body = &gut.fields[2];
        assert_eq!((body[0].tf, body[1].section), (1, 1));
        // Parents keep counts, not positions; both values count towards the norm.
        assert!(gut.fields[3][0].positions.is_empty());
        assert_eq!(inverted.norms[0][3], 3);
        assert_eq!(inverted.norms[1][1], 0, "an intro has no heading");
        assert_eq!(inverted.total_tokens[2], 4);
        assert_eq!(inverted.vocabulary["gut"], 2);
        assert_eq!(inverted.vocabulary["symptoms"], 1);
        assert!(
            !inverted.vocabulary.contains_key("skin"),
            "parents are not vocabulary"
        );
    }
}
