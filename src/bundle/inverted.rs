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
use std::hash::BuildHasher;

use rayon::prelude::*;
use tantivy::fieldnorm::FieldNormReader;

use super::encode::Writer;
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

/// One field's postings of one stem, encoded as they are collected (sections come
/// in increasing order), in the format `chunks::write_term` stores: per section,
/// the gap from the last section shifted left with the low bit set when the word
/// occurs once (else the gap, then the count), then for fields with positions the
/// gaps between its positions. Encoding at once keeps no list per posting: lists
/// of positions were most of a MedQuAD build's allocations and its peak memory.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldPostings {
    /// Sections holding the word.
    sections: u32,
    /// The last section added.
    last: u32,
    bytes: Writer,
}

impl FieldPostings {
    /// Adds a section (after every section added so far) holding the word at
    /// `positions` (in order); the positions are stored if `keep_positions`.
    pub fn push(&mut self, section: u32, positions: &[u32], keep_positions: bool) {
        let delta = u64::from(section - self.last) << 1;
        self.last = section;
        self.sections += 1;
        match positions.len() {
            1 => self.bytes.varint(delta | 1),
            tf => {
                self.bytes.varint(delta);
                self.bytes.count(tf);
            }
        }
        if keep_positions {
            let mut at = 0u32;
            for &position in positions {
                self.bytes.varint(u64::from(position - at));
                at = position;
            }
        }
    }

    /// Whether no section holds the word in this field.
    pub fn is_empty(&self) -> bool {
        self.sections == 0
    }

    /// Sections holding the word.
    pub fn sections(&self) -> u32 {
        self.sections
    }

    /// The encoded postings.
    pub fn bytes(&self) -> &[u8] {
        self.bytes.as_bytes()
    }
}

/// Where one stem occurs, per field ([`Field::ALL`] order), and the article names
/// that begin with it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TermPostings {
    pub fields: [FieldPostings; 5],
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
    /// Per field: its distinct stems with their positions.
    fields: [Distinct; 5],
    /// Per field: how many words it holds (its norm's length).
    lengths: [u32; 5],
    /// Distinct vocabulary words of title, heading and body.
    vocabulary: Distinct,
    /// Distinct words of title and heading.
    completions: Distinct,
}

/// Distinct words, in the order each first occurs, each with its positions in
/// order: the words in one string and the positions in one list, so a section's
/// analysis allocates a few buffers rather than a string per word.
#[derive(Default)]
struct Distinct {
    text: String,
    /// Per word: where it ends in `text` and where its positions end.
    ends: Vec<(u32, u32)>,
    positions: Vec<u32>,
}

impl Distinct {
    /// `words` grouped by text (hashed: sorting them by text was a tenth of a
    /// MedQuAD build).
    fn of(words: Words) -> Distinct {
        let Words { text, spans } = words;
        let word = |span: &(u32, u32, u32)| &text[span.0 as usize..span.1 as usize];
        let hasher = rustc_hash::FxBuildHasher;
        // Each distinct word's first span, and each span's word number.
        let mut firsts: Vec<usize> = Vec::new();
        let mut numbers: Vec<u32> = Vec::with_capacity(spans.len());
        let mut table: hashbrown::HashTable<u32> = hashbrown::HashTable::new();
        for (at, span) in spans.iter().enumerate() {
            let current = word(span);
            let hash = hasher.hash_one(current);
            let found = table
                .find(hash, |&n| word(&spans[firsts[n as usize]]) == current)
                .copied();
            let number = found.unwrap_or_else(|| {
                let number = firsts.len() as u32;
                firsts.push(at);
                table.insert_unique(hash, number, |&n| {
                    hasher.hash_one(word(&spans[firsts[n as usize]]))
                });
                number
            });
            numbers.push(number);
        }
        // Positions laid out word by word: where each word's run starts.
        let mut starts = vec![0u32; firsts.len() + 1];
        for &number in &numbers {
            starts[number as usize + 1] += 1;
        }
        for n in 1..starts.len() {
            starts[n] += starts[n - 1];
        }
        let mut distinct = Distinct {
            text: String::with_capacity(text.len()),
            ends: Vec::with_capacity(firsts.len()),
            positions: vec![0; spans.len()],
        };
        for (n, &first) in firsts.iter().enumerate() {
            distinct.text.push_str(word(&spans[first]));
            distinct
                .ends
                .push((distinct.text.len() as u32, starts[n + 1]));
        }
        let mut next = starts;
        for (span, &number) in spans.iter().zip(&numbers) {
            let slot = &mut next[number as usize];
            distinct.positions[*slot as usize] = span.2;
            *slot += 1;
        }
        distinct
    }

    /// Each word with its positions.
    fn iter(&self) -> impl Iterator<Item = (&str, &[u32])> {
        let mut from = (0usize, 0usize);
        self.ends.iter().map(move |&(text_end, positions_end)| {
            let (text_end, positions_end) = (text_end as usize, positions_end as usize);
            let word = &self.text[from.0..text_end];
            let positions = &self.positions[from.1..positions_end];
            from = (text_end, positions_end);
            (word, positions)
        })
    }

    /// Each word.
    fn words(&self) -> impl Iterator<Item = &str> {
        self.iter().map(|(word, _)| word)
    }
}

/// Words as they are analyzed: their texts in one string, (start, end, position)
/// per word.
#[derive(Default)]
struct Words {
    text: String,
    spans: Vec<(u32, u32, u32)>,
}

impl Words {
    fn push(&mut self, word: &str, position: u32) {
        let start = self.text.len() as u32;
        self.text.push_str(word);
        self.spans.push((start, self.text.len() as u32, position));
    }
}

/// Inverts `sections` (already in bundle order).
pub fn invert(sections: &[&SectionRecord]) -> Inverted {
    // An analyzer per rayon job, not per few sections: its stem cache fills anew
    // each time.
    let analyzed: Vec<Analyzed> = sections
        .par_iter()
        .map_init(Analyzer::new, |analyzer, section| {
            analyze(section, analyzer)
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

type FxMap<V> = hashbrown::HashMap<String, V, rustc_hash::FxBuildHasher>;

/// The inverted corpus while sections are added.
#[derive(Default)]
struct Collecting {
    terms: FxMap<TermPostings>,
    vocabulary: FxMap<u32>,
    completions: FxMap<u32>,
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
    let mut lengths = [0u32; 5];
    let fields = std::array::from_fn(|slot| {
        let words = field_words(&values[slot], analyzer);
        lengths[slot] = words.spans.len() as u32;
        Distinct::of(words)
    });
    let completions = Distinct::of(names(&[&section.title, &section.heading], analyzer));
    let vocabulary = Distinct::of(names(
        &[&section.body, &section.title, &section.heading],
        analyzer,
    ));
    Analyzed {
        fields,
        lengths,
        vocabulary,
        completions,
    }
}

/// The words of `texts`, lower-cased and folded, unstemmed (positions unused).
fn names(texts: &[&str], analyzer: &mut Analyzer) -> Words {
    let mut words = Words::default();
    for text in texts {
        analyzer.each_name(text, |_, word| words.push(word, 0));
    }
    words
}

/// The stems of a field's values with the positions tantivy gives them: each
/// value continues one position after the last word of the one before.
fn field_words(values: &[&str], analyzer: &mut Analyzer) -> Words {
    let mut words = Words::default();
    let mut start = 0u32;
    for value in values {
        let mut end = start;
        analyzer.each_stem(value, |position, stem| {
            let at = start + position as u32;
            end = end.max(at + 1);
            words.push(stem, at);
        });
        start = end + 1;
    }
    words
}

impl Collecting {
    fn add_section(&mut self, number: u32, section: Analyzed) {
        let mut norms = [0u8; 5];
        for (slot, field) in Field::ALL.iter().enumerate() {
            norms[slot] = FieldNormReader::fieldnorm_to_id(section.lengths[slot]);
            self.total_tokens[slot] += u64::from(section.lengths[slot]);
            for (stem, positions) in section.fields[slot].iter() {
                self.terms.entry_ref(stem).or_default().fields[slot].push(
                    number,
                    positions,
                    field.has_positions(),
                );
            }
        }
        self.norms.push(norms);
        for word in section.vocabulary.words() {
            *self.vocabulary.entry_ref(word).or_default() += 1;
        }
        for word in section.completions.words() {
            *self.completions.entry_ref(word).or_default() += 1;
        }
    }
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

    /// (section, count, positions) of each posting, read back as `data.js` reads them.
    fn decode(postings: &FieldPostings, positions: bool) -> Vec<(u32, u32, Vec<u32>)> {
        let mut bytes = postings.bytes().iter();
        let mut varint = || {
            let (mut value, mut shift) = (0u32, 0);
            loop {
                let byte = *bytes.next()?;
                value |= u32::from(byte & 0x7f) << shift;
                shift += 7;
                if byte < 0x80 {
                    return Some(value);
                }
            }
        };
        let mut decoded = Vec::new();
        let mut section = 0;
        for _ in 0..postings.sections() {
            let head = varint().unwrap();
            section += head >> 1;
            let count = if head & 1 == 1 { 1 } else { varint().unwrap() };
            let mut at = 0;
            let kept = match positions {
                true => (0..count)
                    .map(|_| {
                        at += varint().unwrap();
                        at
                    })
                    .collect(),
                false => Vec::new(),
            };
            decoded.push((section, count, kept));
        }
        assert_eq!(varint(), None, "nothing after the last posting");
        decoded
    }

    #[test]
    fn postings_are_encoded_as_the_browser_reads_them() {
        let mut with_positions = FieldPostings::default();
        with_positions.push(3, &[2, 9, 10], true);
        with_positions.push(200, &[0], true);
        let decoded = decode(&with_positions, true);
        assert_eq!(decoded, [(3, 3, vec![2, 9, 10]), (200, 1, vec![0])]);
        let mut counts_only = FieldPostings::default();
        counts_only.push(7, &[4, 5], false);
        counts_only.push(8, &[1], false);
        assert_eq!(
            decode(&counts_only, false),
            [(7, 2, vec![]), (8, 1, vec![])]
        );
        assert!(FieldPostings::default().is_empty() && !counts_only.is_empty());
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
        assert_eq!(gut.fields[0].sections(), 2, "the title of both sections");
        let heading = decode(&gut.fields[1], true);
        assert_eq!(heading[0].2, [3], "after a stop word's gap");
        let body = decode(&gut.fields[2], true);
        assert_eq!(
            body,
            [(0, 1, vec![2]), (1, 1, vec![0])],
            "after a stop word's gap"
        );
        // Parents keep counts, not positions; both values count towards the norm.
        let parents = decode(&gut.fields[3], false);
        assert_eq!(parents, [(0, 1, vec![]), (1, 1, vec![])]);
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
