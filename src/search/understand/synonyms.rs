//! Synonyms: the reader says "heart attack", the article says "myocardial
//! infarction". A [`Synonyms`] table maps word sequences to other ways of saying
//! the same thing. Sequences are compared by their lower-cased, accent-folded words
//! without stop words and with plural endings removed ([`crate::text::key_word`]), so "heart
//! attacks" matches "heart attack" — but not by full stems, which would let
//! "test" match "testes". The query planner adds those as lower-weighted alternatives,
//! never replacing the reader's words, and reports them ("also searched").
//!
//! Sources, which can be combined:
//! - the built-in list of consumer ↔ professional terms (`synonyms.txt`, written by
//!   the healthdex team);
//! - a user list in the same format: one group per line, terms separated by `|` or
//!   `,`; `a => b, c` makes `a` expand to `b` and `c` but not the reverse; `#` starts
//!   a comment;
//! - a MeSH-style TSV: `id<TAB>preferred name<TAB>term|term|…` per line.

use rustc_hash::FxHashMap as HashMap;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::OnceLock;

use crate::text::Analyzer;
#[cfg(test)]
use crate::text::key_word;

/// The built-in list.
const BUILTIN: &str = include_str!("synonyms.txt");
/// Longest term, in analyzed words, that is looked up.
const MAX_TERM_WORDS: usize = 6;
/// Alternatives added for one matched term (MeSH groups can be long).
pub const MAX_EXPANSIONS: usize = 6;

/// A term: how it is shown, its lookup key, and (computed when first searched
/// for, since stemming every term of a large list at start-up is wasted work) its
/// words as the index stores them.
#[derive(Debug, Clone)]
pub struct Term {
    /// The term as shown to readers (lower-cased).
    pub display: String,
    /// Lookup key: [`Analyzer::key_words`] joined by spaces ([`Analyzer::key_into`]).
    key: Box<str>,
    stems: OnceLock<Vec<(usize, String)>>,
}

impl Term {
    /// Stemmed words with positions, as the index stores them: used to search.
    pub fn words(&self, analyzer: &mut Analyzer) -> &[(usize, String)] {
        self.stems.get_or_init(|| analyzer.stems(&self.display))
    }
}

/// A synonym table. Built at every CLI start (the built-in list has about 2,700
/// terms), so each term costs few allocations: its key is one joined string, and
/// what it expands to is found by its index rather than by hashing the key again.
#[derive(Debug, Clone, Default)]
pub struct Synonyms {
    terms: Vec<Term>,
    /// Key of a term → its index in `terms`. Terms with equal keys are one term.
    term_ids: HashMap<Box<str>, usize>,
    /// By term index: the terms it expands to (indexes into `terms`), often none.
    expansions: Vec<Vec<usize>>,
    /// How many terms expand to something.
    expanding: usize,
}

/// The analyzer a list is read with, and the buffer each term's key is written
/// into: reading the built-in list allocates nothing per term but the term.
#[derive(Default)]
struct KeyReader {
    analyzer: Analyzer,
    key: String,
}

impl KeyReader {
    /// The lookup key of a term (see [`Analyzer::key_into`]).
    fn key(&mut self, term: &str) -> &str {
        self.analyzer.key_into(term, &mut self.key);
        &self.key
    }
}

/// A problem in a synonym file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct SynonymError {
    /// Line of the file (from 1).
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// A stretch of the query that has synonyms.
#[derive(Debug, Clone)]
pub struct Match<'a> {
    /// Index of the first query word matched, and how many words.
    pub start: usize,
    /// Number of query words matched.
    pub len: usize,
    /// The terms to search as well.
    pub alternatives: Vec<&'a Term>,
}

impl Synonyms {
    /// The built-in consumer ↔ professional list.
    pub fn builtin() -> Synonyms {
        Synonyms::from_list(BUILTIN).expect("the built-in synonym list is valid")
    }

    /// Reads the list format (see the module documentation).
    pub fn from_list(text: &str) -> Result<Synonyms, SynonymError> {
        let mut synonyms = Synonyms::default();
        let mut reader = KeyReader::default();
        for (number, line) in text.lines().enumerate() {
            let line = line.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let error = |message: &str| SynonymError {
                line: number + 1,
                message: message.to_string(),
            };
            let (from, to) = match line.split_once("=>") {
                Some((from, to)) => (split_terms(from), split_terms(to)),
                None => (split_terms(line), Vec::new()),
            };
            let directional = !to.is_empty();
            if from.is_empty()
                || (!directional && from.len() < 2)
                || (line.contains("=>") && to.is_empty())
            {
                return Err(error(
                    "a group needs at least two terms, e.g. `heart attack | myocardial infarction`",
                ));
            }
            if directional {
                synonyms.add_directed(&mut reader, &from, &to);
            } else {
                synonyms.add_group(&mut reader, &from);
            }
        }
        Ok(synonyms)
    }

    /// Reads a MeSH-style TSV (`id<TAB>name<TAB>term|term|…`). Lines that do not have
    /// that shape are reported.
    pub fn from_mesh_tsv(text: &str) -> Result<Synonyms, SynonymError> {
        let mut synonyms = Synonyms::default();
        let mut reader = KeyReader::default();
        for (number, line) in text.lines().enumerate() {
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let mut columns = line.split('\t');
            let (Some(_id), Some(name), entries) = (columns.next(), columns.next(), columns.next())
            else {
                return Err(SynonymError {
                    line: number + 1,
                    message: "expected `id<TAB>name<TAB>term|term|…`".to_string(),
                });
            };
            let mut group = vec![name.trim()];
            group.extend(
                entries
                    .unwrap_or("")
                    .split('|')
                    .map(str::trim)
                    .filter(|t| !t.is_empty()),
            );
            if group.len() >= 2 {
                synonyms.add_group(&mut reader, &group);
            }
        }
        Ok(synonyms)
    }

    /// Adds every entry of `other`.
    pub fn merge(&mut self, other: Synonyms) {
        let ids: Vec<usize> = other
            .terms
            .into_iter()
            .map(|term| self.intern(term))
            .collect();
        for (from, targets) in other.expansions.into_iter().enumerate() {
            self.link(ids[from], targets.into_iter().map(|t| ids[t]));
        }
    }

    /// The index of a term with the same key, adding it if there is none.
    fn intern(&mut self, term: Term) -> usize {
        if let Some(&id) = self.term_ids.get(&term.key) {
            return id;
        }
        self.term_ids.insert(term.key.clone(), self.terms.len());
        self.terms.push(term);
        self.expansions.push(Vec::new());
        self.terms.len() - 1
    }

    /// Each term that expands to something, with its targets.
    fn expanding(&self) -> impl Iterator<Item = (usize, &[usize])> {
        self.expansions
            .iter()
            .enumerate()
            .filter(|(_, targets)| !targets.is_empty())
            .map(|(id, targets)| (id, targets.as_slice()))
    }

    /// A digest of the table's content: equal for equal tables, whatever the
    /// order they were built in.
    pub fn digest(&self) -> blake3::Hash {
        let mut entries: Vec<(Vec<&str>, Vec<&str>)> = self
            .expanding()
            .map(|(from, ids)| {
                let mut shown: Vec<&str> = ids
                    .iter()
                    .map(|&id| self.terms[id].display.as_str())
                    .collect();
                shown.sort_unstable();
                (self.terms[from].key.split(' ').collect(), shown)
            })
            .collect();
        entries.sort_unstable();
        let mut hasher = blake3::Hasher::new();
        for (key, shown) in entries {
            for part in key.into_iter().chain([" "]).chain(shown) {
                hasher.update(part.as_bytes());
                hasher.update(&[0]);
            }
            hasher.update(&[1]);
        }
        hasher.finalize()
    }

    /// Number of distinct terms that have alternatives.
    pub fn len(&self) -> usize {
        self.expanding
    }

    /// Whether no term has alternatives.
    pub fn is_empty(&self) -> bool {
        self.expanding == 0
    }

    fn add_term(&mut self, reader: &mut KeyReader, display: &str) -> Option<usize> {
        let key = reader.key(display);
        if key.is_empty() || key.split(' ').count() > MAX_TERM_WORDS {
            return None;
        }
        if let Some(&id) = self.term_ids.get(key) {
            return Some(id);
        }
        Some(self.intern(Term {
            display: display.to_lowercase(),
            key: key.into(),
            stems: OnceLock::new(),
        }))
    }

    fn add_group(&mut self, reader: &mut KeyReader, group: &[&str]) {
        let ids: Vec<usize> = group
            .iter()
            .filter_map(|t| self.add_term(reader, t))
            .collect();
        for &from in &ids {
            self.link(from, ids.iter().copied());
        }
    }

    fn add_directed(&mut self, reader: &mut KeyReader, from: &[&str], to: &[&str]) {
        let targets: Vec<usize> = to.iter().filter_map(|t| self.add_term(reader, t)).collect();
        let sources: Vec<usize> = from
            .iter()
            .filter_map(|t| self.add_term(reader, t))
            .collect();
        for source in sources {
            self.link(source, targets.iter().copied());
        }
    }

    /// Makes `from` expand to `targets` as well (itself and repeats left out).
    fn link(&mut self, from: usize, targets: impl IntoIterator<Item = usize>) {
        let entry = &mut self.expansions[from];
        let had_any = !entry.is_empty();
        for target in targets {
            if target != from && !entry.contains(&target) {
                entry.push(target);
            }
        }
        if !had_any && !entry.is_empty() {
            self.expanding += 1;
        }
    }

    /// Finds the stretches of `words` (query words as [`crate::text::key_word`] makes them, in
    /// order) that have synonyms, longest first, without overlaps.
    pub fn find(&self, words: &[String]) -> Vec<Match<'_>> {
        let mut found = Vec::new();
        let mut start = 0;
        while start < words.len() {
            let longest = (1..=MAX_TERM_WORDS.min(words.len() - start))
                .rev()
                .find_map(|len| self.lookup(&words[start..start + len]).map(|t| (len, t)));
            match longest {
                Some((len, targets)) => {
                    let alternatives = targets
                        .iter()
                        .take(MAX_EXPANSIONS)
                        .map(|&t| &self.terms[t])
                        .collect();
                    found.push(Match {
                        start,
                        len,
                        alternatives,
                    });
                    start += len;
                }
                None => start += 1,
            }
        }
        found
    }
}

impl Synonyms {
    /// The expansions of a stretch of key words. A stretch whose last word ends in
    /// `s` and has none is tried without it: [`key_word`](crate::text::key_word)
    /// keeps the `s` of words ending in `is` ("psoriasis"), which also kept plural
    /// abbreviations ("UTIs", "STIs") from their groups.
    fn lookup(&self, words: &[String]) -> Option<&Vec<usize>> {
        let mut key = words.join(" ");
        if let Some(found) = self.expansions_of(&key) {
            return Some(found);
        }
        let singular = words.last()?.strip_suffix('s').filter(|s| s.len() >= 2)?;
        key.truncate(key.len() - 1);
        debug_assert!(key.ends_with(singular));
        self.expansions_of(&key)
    }

    /// The expansions of the term with this key, if it has any.
    fn expansions_of(&self, key: &str) -> Option<&Vec<usize>> {
        let &id = self.term_ids.get(key)?;
        Some(&self.expansions[id]).filter(|targets| !targets.is_empty())
    }
}

impl Synonyms {
    /// Every term that has alternatives, as shown, with the alternatives a search
    /// adds for it (at most [`MAX_EXPANSIONS`], in the order they are searched), in
    /// the order the terms were first read: the table as another engine's synonym
    /// rules need it (see `export::opensearch`).
    pub fn entries(&self) -> Vec<(&str, Vec<&str>)> {
        self.terms
            .iter()
            .zip(&self.expansions)
            .filter(|(_, targets)| !targets.is_empty())
            .map(|(term, targets)| {
                let shown = targets
                    .iter()
                    .take(MAX_EXPANSIONS)
                    .map(|&t| self.terms[t].display.as_str())
                    .collect();
                (term.display.as_str(), shown)
            })
            .collect()
    }
}

/// A built synonym table as plain data, for a planner that runs elsewhere (the
/// static bundle's JavaScript): what a search of the table can use and nothing
/// more, and compact, since browsers download it.
///
/// Most terms come from symmetric groups read in order ("a | b | c": each
/// expands to the others), so they are numbered in first-read order and `groups`
/// cuts `terms` into consecutive runs: a run of `n` ≥ 2 terms is such a group, and
/// each of its terms expands to the run's other terms in order (at most
/// [`MAX_EXPANSIONS`]). A run of 1 is a term outside any group. Whatever else a
/// term expands to (one-way entries, merged lists) is listed in `expansions`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortableSynonyms {
    /// Every term that is looked up or added, as shown (lower-cased).
    pub terms: Vec<String>,
    /// Lengths of consecutive runs of `terms`; they add up to `terms.len()`.
    pub groups: Vec<usize>,
    /// `[from, to, to, …]`: a term outside the groups (index into `terms`) and the
    /// terms a search adds for it, at most [`MAX_EXPANSIONS`], in search order.
    pub expansions: Vec<Vec<usize>>,
    /// Lookup keys of the few terms whose key is not the key of their display
    /// (a term read with upper-case letters that lower-case differently in a word
    /// than alone, such as a final Greek sigma), by index into `terms`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub keys: BTreeMap<usize, Vec<String>>,
}

impl PortableSynonyms {
    /// Every term's expansions, `(from, targets)`, groups first.
    pub fn entries(&self) -> Vec<(usize, Vec<usize>)> {
        let mut entries = Vec::new();
        let mut start = 0;
        for &length in &self.groups {
            let run: Vec<usize> = (start..start + length).collect();
            if length >= 2 {
                for &from in &run {
                    entries.push((from, group_targets(&run, from)));
                }
            }
            start += length;
        }
        for entry in &self.expansions {
            if let Some((&from, targets)) = entry.split_first() {
                entries.push((from, targets.to_vec()));
            }
        }
        entries
    }
}

/// What a term of a symmetric group expands to: the group's other terms.
fn group_targets(group: &[usize], from: usize) -> Vec<usize> {
    group
        .iter()
        .copied()
        .filter(|&t| t != from)
        .take(MAX_EXPANSIONS)
        .collect()
}

impl Synonyms {
    /// The table as [`PortableSynonyms`]: only terms that have or are
    /// alternatives, numbered anew in first-read order.
    pub fn portable(&self) -> PortableSynonyms {
        let mut analyzer = Analyzer::new();
        let (used, searched) = self.searched();
        let mut targets_of: Vec<Option<Vec<usize>>> = vec![None; used.len()];
        for (from, targets) in searched {
            targets_of[from] = Some(targets);
        }
        let groups = group_runs(&targets_of);
        let mut in_group = vec![false; used.len()];
        let mut start = 0;
        for &length in &groups {
            if length >= 2 {
                in_group[start..start + length].fill(true);
            }
            start += length;
        }
        let expansions = targets_of
            .iter()
            .enumerate()
            .filter(|&(from, _)| !in_group[from])
            .filter_map(|(from, targets)| {
                let targets = targets.as_ref()?;
                Some(
                    std::iter::once(from)
                        .chain(targets.iter().copied())
                        .collect(),
                )
            })
            .collect();
        let mut key = String::new();
        let keys = used
            .iter()
            .enumerate()
            .filter(|&(_, &old)| {
                analyzer.key_into(&self.terms[old].display, &mut key);
                *key != *self.terms[old].key
            })
            .map(|(new, &old)| {
                (
                    new,
                    self.terms[old].key.split(' ').map(String::from).collect(),
                )
            })
            .collect();
        PortableSynonyms {
            terms: used
                .iter()
                .map(|&id| self.terms[id].display.clone())
                .collect(),
            groups,
            expansions,
            keys,
        }
    }

    /// The terms a search can meet (old ids, in first-read order), and each
    /// term's searched expansions in the new numbering (index into the first list).
    fn searched(&self) -> (Vec<usize>, Vec<(usize, Vec<usize>)>) {
        let entries: Vec<(usize, &[usize])> = self
            .expanding()
            .map(|(id, targets)| (id, &targets[..targets.len().min(MAX_EXPANSIONS)]))
            .collect();
        let mut used: Vec<usize> = entries
            .iter()
            .flat_map(|(from, targets)| std::iter::once(*from).chain(targets.iter().copied()))
            .collect();
        used.sort_unstable();
        used.dedup();
        let renumbered: HashMap<usize, usize> = used
            .iter()
            .enumerate()
            .map(|(new, &old)| (old, new))
            .collect();
        let searched = entries
            .iter()
            .map(|(from, targets)| {
                let targets = targets.iter().map(|t| renumbered[t]).collect();
                (renumbered[from], targets)
            })
            .collect();
        (used, searched)
    }

    /// A table from its portable form: it finds what the table it was made from
    /// finds. Entries that point at no term are skipped.
    pub fn from_portable(portable: &PortableSynonyms) -> Synonyms {
        let mut analyzer = Analyzer::new();
        let mut synonyms = Synonyms::default();
        for (id, display) in portable.terms.iter().enumerate() {
            let key = match portable.keys.get(&id) {
                Some(key) => key.join(" "),
                None => {
                    let mut key = String::new();
                    analyzer.key_into(display, &mut key);
                    key
                }
            };
            let key = key.into_boxed_str();
            synonyms.term_ids.insert(key.clone(), id);
            synonyms.terms.push(Term {
                display: display.clone(),
                key,
                stems: OnceLock::new(),
            });
            synonyms.expansions.push(Vec::new());
        }
        let known = |id: &usize| *id < portable.terms.len();
        for (from, targets) in portable.entries() {
            if known(&from) {
                synonyms.link(from, targets.into_iter().filter(known));
            }
        }
        synonyms
    }
}

/// Cuts terms (by new id, with their expansions) into runs: a run of `n` ≥ 2 is
/// a symmetric group whose every term expands to the run's others, in order; any
/// other term is a run of 1.
fn group_runs(targets_of: &[Option<Vec<usize>>]) -> Vec<usize> {
    let mut runs = Vec::new();
    let mut start = 0;
    while start < targets_of.len() {
        let length = group_at(targets_of, start).unwrap_or(1);
        runs.push(length);
        start += length;
    }
    runs
}

/// The length of the symmetric group starting at `start`, if one does.
fn group_at(targets_of: &[Option<Vec<usize>>], start: usize) -> Option<usize> {
    let first = targets_of[start].as_ref()?;
    // The group's size: the first term's targets are the next terms in order, and
    // a group larger than MAX_EXPANSIONS + 1 shows only part of itself; grow it
    // while its members still agree.
    let mut length = first.len() + 1;
    if first.iter().enumerate().any(|(i, &t)| t != start + 1 + i) {
        return None;
    }
    let fits = |length: usize| {
        let run: Vec<usize> = (start..start + length).collect();
        start + length <= targets_of.len()
            && run
                .iter()
                .all(|&t| targets_of[t].as_ref() == Some(&group_targets(&run, t)))
    };
    if first.len() == MAX_EXPANSIONS {
        while fits(length + 1) {
            length += 1;
        }
    }
    fits(length).then_some(length)
}

/// Splits a list line into terms at `|` (or `,` when there is no `|`).
fn split_terms(text: &str) -> Vec<&str> {
    let separator = if text.contains('|') { '|' } else { ',' };
    text.split(separator)
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        Analyzer::new().key_words(text)
    }

    fn displays(synonyms: &Synonyms, query: &str) -> Vec<Vec<String>> {
        synonyms
            .find(&words(query))
            .into_iter()
            .map(|m| m.alternatives.iter().map(|t| t.display.clone()).collect())
            .collect()
    }

    #[test]
    fn groups_are_symmetric_and_match_inflected_words() {
        let synonyms = Synonyms::from_list(
            "# comment\nheart attack | myocardial infarction\nhives, urticaria\n",
        )
        .unwrap();
        assert_eq!(
            displays(&synonyms, "heart attacks in women"),
            [["myocardial infarction"]]
        );
        assert_eq!(
            displays(&synonyms, "myocardial infarction"),
            [["heart attack"]]
        );
        assert_eq!(displays(&synonyms, "itchy hives"), [["urticaria"]]);
        let found = synonyms.find(&words("signs of heart attack"));
        assert_eq!((found[0].start, found[0].len), (1, 2));
    }

    #[test]
    fn plural_abbreviations_find_their_group() {
        let synonyms = Synonyms::from_list("uti | urinary tract infection").unwrap();
        assert_eq!(
            displays(&synonyms, "I keep getting UTIs"),
            [["urinary tract infection"]]
        );
        let lookalike = Synonyms::from_list("psoriasis | plaque psoriasis").unwrap();
        assert_eq!(displays(&lookalike, "psoriasis"), [["plaque psoriasis"]]);
    }

    #[test]
    fn plural_endings_match_but_stems_do_not() {
        let synonyms = Synonyms::from_list(
            "testes | testicles
allergy | hypersensitivity
",
        )
        .unwrap();
        assert!(displays(&synonyms, "blood test").is_empty());
        assert_eq!(displays(&synonyms, "allergies"), [["hypersensitivity"]]);
        assert_eq!(key_word("rashes"), "rash");
        assert_eq!(key_word("psoriasis"), "psoriasis");
        assert_eq!(key_word("virus"), "virus");
    }

    #[test]
    fn directed_entries_expand_one_way() {
        let synonyms = Synonyms::from_list("leaky gut => intestinal permeability\n").unwrap();
        assert_eq!(
            displays(&synonyms, "leaky gut"),
            [["intestinal permeability"]]
        );
        assert!(displays(&synonyms, "intestinal permeability").is_empty());
    }

    #[test]
    fn longest_match_wins() {
        let synonyms =
            Synonyms::from_list("blood pressure | bp\nhigh blood pressure | hypertension\n")
                .unwrap();
        assert_eq!(
            displays(&synonyms, "high blood pressure"),
            [["hypertension"]]
        );
    }

    #[test]
    fn bad_lines_are_reported_with_their_number() {
        let err = Synonyms::from_list("a | b\nlonely\n").unwrap_err();
        assert_eq!(err.line, 2);
        assert!(Synonyms::from_list("x =>\n").is_err());
    }

    #[test]
    fn mesh_tsv_rows_become_groups() {
        let tsv = "D003876\tDermatitis, Atopic\tAtopic Dermatitis|Atopic Eczema|Eczema, Atopic\nD000001\tCalcimycin\t\n";
        let synonyms = Synonyms::from_mesh_tsv(tsv).unwrap();
        let alternatives = displays(&synonyms, "atopic eczema");
        assert!(
            alternatives[0].contains(&"atopic dermatitis".to_string()),
            "{alternatives:?}"
        );
        assert!(Synonyms::from_mesh_tsv("no tabs here\n").is_err());
    }

    #[test]
    fn entries_list_each_term_with_what_a_search_adds_for_it() {
        let synonyms = Synonyms::from_list(
            "heart attack | myocardial infarction\nleaky gut => intestinal permeability\n",
        )
        .unwrap();
        assert_eq!(
            synonyms.entries(),
            [
                ("heart attack", vec!["myocardial infarction"]),
                ("myocardial infarction", vec!["heart attack"]),
                ("leaky gut", vec!["intestinal permeability"]),
            ]
        );
        let long: Vec<String> = (0..9).map(|n| format!("term{n}")).collect();
        let many = Synonyms::from_list(&long.join(" | ")).unwrap();
        assert!(
            many.entries()
                .iter()
                .all(|(_, shown)| shown.len() == MAX_EXPANSIONS)
        );
    }

    #[test]
    fn the_portable_table_finds_what_the_table_finds() {
        let mut synonyms = Synonyms::builtin();
        synonyms.merge(
            Synonyms::from_list(
                "leaky gut => intestinal permeability\nΣΟΦΙΑΣ | sophia\nlonely1 | x\nt0|t1|t2|t3|t4|t5|t6|t7|t8\nt9|t10|t11|t12|t13|t14|t15\n",
            )
            .unwrap(),
        );
        let portable = synonyms.portable();
        assert_eq!(portable.entries().len(), synonyms.len());
        assert_eq!(portable.groups.iter().sum::<usize>(), portable.terms.len());
        assert!(
            portable.expansions.len() < portable.terms.len() / 10,
            "most terms are in groups: {} of {} listed apart",
            portable.expansions.len(),
            portable.terms.len()
        );
        assert_eq!(portable.keys.len(), 1, "{:?}", portable.keys);
        let back = Synonyms::from_portable(&portable);
        assert_eq!(back.entries(), synonyms.entries());
        for query in [
            "heart attacks",
            "leaky gut",
            "σοφιας",
            "UTIs",
            "high blood pressure",
        ] {
            assert_eq!(
                displays(&back, query),
                displays(&synonyms, query),
                "{query}"
            );
        }
    }

    #[test]
    fn merging_combines_tables() {
        let mut synonyms = Synonyms::from_list("a1 | b1\n").unwrap();
        synonyms.merge(Synonyms::from_list("a1 | c1\n").unwrap());
        assert_eq!(displays(&synonyms, "a1"), [["b1", "c1"]]);
    }
}
