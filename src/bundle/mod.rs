//! The static bundle: a folder of files that searches a corpus in the browser, with
//! no server. [`build`] turns parsed articles into the files (plain data: names
//! and bytes), [`write()`] puts them in a folder without touching what it did not
//! write, and `src/bundle/js/` holds the ES modules that search them.
//!
//! What the folder holds (every data file gzip-compressed once, here):
//! - `healthdex.js` and `healthdex-ui.js`: the only files with fixed names, small
//!   modules naming the current metadata and code; a host revalidates them.
//! - `code/HASH/`: the search code (planner, scorer, snippets) and the UI.
//! - `index/meta-HASH.hx`: sizes, field statistics, weights, and the directory of
//!   chunks (the first word of each); loaded once.
//! - `index/docs-HASH.hx`: per article and section what scoring, filters and the
//!   per-article cap need (norms, tags, date, authors, evidence); loaded once.
//! - `index/t-HASH.hx`: the stems and their postings, in chunks; a query loads
//!   those holding its words. `index/v-HASH.hx`: the vocabulary by word length, for
//!   typo correction; loaded only for words the corpus does not have.
//!   `index/w-HASH.hx`: the everyday English words the corpus lacks, by length, in
//!   the vocabulary's format; loaded only for a word that would be corrected.
//!   `index/c-HASH.hx`: title and heading words in order, for completions.
//! - `index/s-HASH.hx`: the synonym table in shards by the first word of each
//!   lookup key; a query loads those of its words. `index/text-HASH.hx`: the
//!   analyzers' word lists and folding, as the planner reads them.
//! - `index/n-HASH.hx`: the fragment names of a run of sections (32 bits each);
//!   loaded only for shown results.
//! - `fragment/NAME.hx`: one per section, what its hit shows; loaded only for
//!   shown results.
//!
//! Every name but the two entry modules carries a hash of the content, so a host
//! can cache those files forever, and an unchanged corpus gives the same bytes.

mod assets;
mod chunks;
mod docs;
mod encode;
mod inverted;
mod synonyms;
mod write;

use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;
use serde_json::json;

pub use assets::ENTRY_MODULES;
pub use write::{WriteReport, write};

use crate::article::Article;
use crate::export::{SectionRecord, section_records};
use crate::index::document::name_keys;
use crate::index::schema::article_key;
use crate::search::understand::PortableSynonyms;
use crate::search::{FIELD_TIE_BREAKER, FieldWeights, PROSE_SHARE};
use docs::BundledArticle;
use encode::{content_hash, gzip};
use inverted::Field;

/// Version of the bundle's layout, in its metadata; `healthdex.js` refuses others.
pub const FORMAT: u32 = 2;

/// How the bundle searches: what `healthdex.toml` sets for the server.
#[derive(Debug, Clone)]
pub struct BundleSettings {
    /// Field weights.
    pub weights: FieldWeights,
    /// At most this many sections of one article on the first page (0: no cap).
    pub per_article: usize,
    /// Whether words missing from the corpus are corrected.
    pub fuzzy: bool,
    /// The synonym table, in the planner's portable form.
    pub synonyms: PortableSynonyms,
    /// The analyzers' word lists and folding, in the planner's portable form.
    pub text: serde_json::Value,
}

/// The files of a bundle: path inside the folder (with `/`) to bytes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Bundle {
    /// Every file, by its path inside the folder.
    pub files: BTreeMap<String, Vec<u8>>,
}

impl Bundle {
    /// Total bytes of every file.
    pub fn bytes(&self) -> usize {
        self.files.values().map(Vec::len).sum()
    }
}

/// The bundle of `articles` (drafts already left out, any order).
pub fn build(articles: &[Article], settings: &BundleSettings) -> Bundle {
    let bundled = bundled_articles(articles);
    let records: Vec<&SectionRecord> = bundled.iter().flat_map(|a| &a.sections).collect();
    let mut inverted = inverted::invert(&records);
    let named: Vec<(Vec<String>, u32)> = bundled
        .iter()
        .map(|a| (name_keys(a.article), a.sections.len() as u32))
        .collect();
    inverted::add_names(&mut inverted.terms, &named);
    let mut files = BTreeMap::new();
    let fragment_names = add_fragments(&mut files, &bundled);
    let names: Vec<(usize, String)> = name_runs(&fragment_names)
        .into_iter()
        .map(|(first, run)| (first, add_data(&mut files, "n", docs::names_file(run))))
        .collect();
    let tags = docs::tag_counts(&bundled);
    let docs = add_data(
        &mut files,
        "docs",
        docs::docs_table(&bundled, &tags, &inverted.norms),
    );
    let synonym_shards: Vec<(usize, String)> = synonyms::shards(&settings.synonyms)
        .iter()
        .enumerate()
        .map(|(number, shard)| {
            let json = serde_json::to_vec(shard).expect("json serializes");
            (number, add_data(&mut files, "s", json))
        })
        .collect();
    let text = add_data(
        &mut files,
        "text",
        serde_json::to_vec(&settings.text).expect("json serializes"),
    );
    let terms: Vec<(String, String)> = chunks::term_chunks(inverted.terms.iter())
        .into_iter()
        .map(|chunk| (chunk.first, add_data(&mut files, "t", chunk.bytes)))
        .collect();
    let vocabulary: Vec<((usize, String), String)> =
        chunks::vocabulary_chunks(inverted.vocabulary.iter())
            .into_iter()
            .map(|chunk| (chunk.first, add_data(&mut files, "v", chunk.bytes)))
            .collect();
    let words: Vec<((usize, String), String)> =
        everyday_words(&inverted.vocabulary, settings.fuzzy)
            .into_iter()
            .map(|chunk| (chunk.first, add_data(&mut files, "w", chunk.bytes)))
            .collect();
    let completions: Vec<(String, String)> = chunks::completion_chunks(inverted.completions.iter())
        .into_iter()
        .map(|chunk| (chunk.first, add_data(&mut files, "c", chunk.bytes)))
        .collect();
    let meta = json!({
        "format": FORMAT,
        "articles": bundled.len(),
        "sections": records.len(),
        "fields": Field::ALL.map(Field::name),
        "total_tokens": inverted.total_tokens,
        "norms": (0..=255u8).map(tantivy::fieldnorm::FieldNormReader::id_to_fieldnorm).collect::<Vec<_>>(),
        "weights": settings.weights,
        "per_article": settings.per_article,
        "fuzzy": settings.fuzzy,
        "field_tie_breaker": FIELD_TIE_BREAKER,
        "prose_share": PROSE_SHARE,
        "evidence": crate::article::Evidence::ALL.map(|e| e.as_str()),
        "tags": tags,
        "docs": docs,
        "names": directory("n", names),
        "synonyms": directory("s", synonym_shards),
        "text": text,
        "terms": directory("t", terms),
        "vocabulary": directory("v", vocabulary),
        "words": directory("w", words),
        "completions": directory("c", completions),
    });
    let meta = add_data(
        &mut files,
        "meta",
        serde_json::to_vec(&meta).expect("json serializes"),
    );
    let mut files = compress(files);
    assets::add_code(&mut files, &meta);
    Bundle { files }
}

/// The everyday English words the corpus lacks, in vocabulary chunks (a count of
/// 0 each), so the browser's planner leaves them uncorrected as the server's does
/// ([`crate::text::is_english_word`]); none when typo correction is off.
fn everyday_words(
    vocabulary: &BTreeMap<String, u32>,
    fuzzy: bool,
) -> Vec<chunks::Chunk<(usize, String)>> {
    if !fuzzy {
        return Vec::new();
    }
    let lacking: Vec<(String, u32)> = crate::text::english_words()
        .filter(|word| !vocabulary.contains_key(*word))
        .map(|word| (word.to_string(), 0))
        .collect();
    chunks::vocabulary_chunks(lacking.iter().map(|(w, n)| (w, n)))
}

/// The articles sorted by path, each with its section records.
fn bundled_articles(articles: &[Article]) -> Vec<BundledArticle<'_>> {
    // The server orders equal scores by article key, then position: so does the
    // bundle, by numbering sections in that order.
    let mut sorted: Vec<&Article> = articles.iter().collect();
    sorted.sort_by_cached_key(|a| (article_key(&a.path), a.path.clone()));
    sorted
        .into_iter()
        .map(|article| BundledArticle {
            article,
            sections: section_records(article).collect(),
        })
        .collect()
}

/// Writes each section's fragment; returns their 32-bit names, in bundle order.
/// A name is the start of the fragment's content hash; the rare fragment whose
/// name another (with other bytes) already took is named by the hash of its
/// content and a counter.
fn add_fragments(
    files: &mut BTreeMap<String, Vec<u8>>,
    bundled: &[BundledArticle<'_>],
) -> Vec<u32> {
    let jsons: Vec<Vec<u8>> = bundled
        .par_iter()
        .flat_map_iter(docs::fragment_jsons)
        .collect();
    let mut taken: HashMap<u32, blake3::Hash> = HashMap::new();
    jsons
        .into_iter()
        .map(|json| {
            let whole = blake3::hash(&json);
            let name = (0u32..)
                .map(|salt| fragment_name(&json, salt))
                .find(|name| *taken.entry(*name).or_insert(whole) == whole)
                .expect("some salt gives a free name");
            files.insert(format!("fragment/{name:08x}.hx"), json);
            name
        })
        .collect()
}

/// Sections per file of fragment names, on average: a shown result costs its
/// file (4 bytes a section), and the metadata lists every file.
const NAMES_ONE_IN: u32 = 64;
/// The fewest and most names in one file.
const MIN_NAMES: usize = 16;
const MAX_NAMES: usize = 256;

/// The fragment names cut into runs, each with the number of its first section.
/// A run ends before a name whose low bits say so (once it holds [`MIN_NAMES`]),
/// so an edited section changes the run holding its name and the boundaries
/// after it stay where they were, as with the index chunks.
fn name_runs(names: &[u32]) -> Vec<(usize, &[u32])> {
    let mut runs = Vec::new();
    let mut start = 0;
    for (at, name) in names.iter().enumerate() {
        let held = at - start;
        let ends = held >= MAX_NAMES || (held >= MIN_NAMES && name % NAMES_ONE_IN == 0);
        if ends {
            runs.push((start, &names[start..at]));
            start = at;
        }
    }
    if start < names.len() {
        runs.push((start, &names[start..]));
    }
    runs
}

fn fragment_name(json: &[u8], salt: u32) -> u32 {
    let mut hasher = blake3::Hasher::new();
    hasher.update(json);
    if salt > 0 {
        hasher.update(&salt.to_le_bytes());
    }
    let hash = hasher.finalize();
    u32::from_le_bytes(hash.as_bytes()[..4].try_into().expect("four bytes"))
}

/// Every data file gzip-compressed, in parallel (compression was most of a
/// build's time on one core).
fn compress(raw: BTreeMap<String, Vec<u8>>) -> BTreeMap<String, Vec<u8>> {
    raw.into_par_iter()
        .map(|(name, bytes)| {
            let compressed = gzip(&bytes);
            (name, compressed)
        })
        .collect()
}

/// The metadata's list of the data files of `kind` (`index/{kind}-HASH.hx`): the
/// key of each (where its part of the sorted entries starts) and, in one string,
/// their hashes; `js/search.js` rebuilds the paths. Listing whole paths cost the
/// metadata a quarter of its size.
fn directory<K: serde::Serialize>(kind: &str, files: Vec<(K, String)>) -> serde_json::Value {
    let prefix = format!("index/{kind}-");
    let (keys, paths): (Vec<K>, Vec<String>) = files.into_iter().unzip();
    let hashes: String = paths
        .iter()
        .map(|path| {
            let hash = path
                .strip_prefix(&prefix)
                .and_then(|p| p.strip_suffix(".hx"));
            hash.expect("a data file's path is index/KIND-HASH.hx")
        })
        .collect();
    json!({ "kind": kind, "keys": keys, "hashes": hashes })
}

/// Adds a data file of `kind` named by its content (compressed later, with the
/// rest); returns its path inside the folder.
fn add_data(files: &mut BTreeMap<String, Vec<u8>>, kind: &str, raw: Vec<u8>) -> String {
    let name = format!("index/{kind}-{}.hx", content_hash(&raw));
    files.insert(name.clone(), raw);
    name
}

impl BundleSettings {
    /// The settings of a server with `options`.
    pub fn from_options(options: &crate::search::SearchOptions) -> BundleSettings {
        BundleSettings {
            weights: options.weights,
            per_article: options.per_article,
            fuzzy: options.fuzzy,
            synonyms: options.synonyms.portable(),
            text: serde_json::to_value(crate::text::PortableText::current())
                .expect("the word lists serialize"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Names as blake3 gives them: spread over all 32 bits.
    fn names(n: u32, seed: u32) -> Vec<u32> {
        (0..n)
            .map(|i| fragment_name(&i.to_le_bytes(), seed))
            .collect()
    }

    #[test]
    fn name_runs_cover_every_section_in_order_within_their_bounds() {
        let all = names(5_000, 0);
        let runs = name_runs(&all);
        let mut next = 0;
        for (i, (first, run)) in runs.iter().enumerate() {
            assert_eq!(*first, next, "run {i} starts where the last ended");
            assert!(run.len() <= MAX_NAMES, "run {i} holds {}", run.len());
            if i + 1 < runs.len() {
                assert!(run.len() >= MIN_NAMES, "run {i} holds {}", run.len());
            }
            next += run.len();
        }
        assert_eq!(next, all.len());
        let average = all.len() / runs.len();
        assert!((40..=100).contains(&average), "{average} names a run");
    }

    #[test]
    fn an_edited_name_changes_only_the_runs_around_it() {
        let before = names(5_000, 0);
        let mut after = before.clone();
        after[2_500] = fragment_name(b"edited", 0);
        let (old, new) = (name_runs(&before), name_runs(&after));
        let changed = new.iter().filter(|run| !old.contains(run)).count();
        assert!((1..=2).contains(&changed), "{changed} runs changed");
    }
}
