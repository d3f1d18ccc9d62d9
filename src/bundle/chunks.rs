//! Cutting the sorted word lists into chunks a browser fetches one at a time: the
//! stems with their postings, and the vocabulary (sorted by length, then word, so
//! the words within a few edits of a typo lie in a few neighbouring chunks).
//!
//! A chunk ends before a word whose hash says so once the chunk holds
//! [`MIN_CHUNK_BYTES`], and at [`MAX_CHUNK_BYTES`] regardless; an entry of
//! [`ALONE_BYTES`] or more (a common stem's postings) is a chunk of its own, so a
//! query for it does not also pay for its neighbours. Boundaries so depend
//! on the words more than on the sizes: an article edited changes the chunks that
//! hold its words, and its neighbours' boundaries fall back into step at the next
//! word that ends a chunk, rather than every later chunk shifting.

use super::encode::Writer;
use super::inverted::{Field, FieldPostings, TermPostings};

/// Raw bytes a chunk holds before a word may end it.
pub const MIN_CHUNK_BYTES: usize = 4 * 1024;
/// Raw bytes at which a chunk ends whatever the next word is.
pub const MAX_CHUNK_BYTES: usize = 32 * 1024;
/// An entry this large (raw) gets a chunk to itself.
pub const ALONE_BYTES: usize = 4 * 1024;
/// One word in this many may end a chunk (past the minimum).
const BOUNDARY_ONE_IN: u64 = 8;

/// Magic of an index chunk (stems and postings), format 1.
pub const TERMS_MAGIC: &[u8; 4] = b"HXT1";
/// Magic of a vocabulary chunk (words and their section counts), format 1.
pub const VOCABULARY_MAGIC: &[u8; 4] = b"HXV1";
/// Magic of a completions chunk (title and heading words, their section counts).
pub const COMPLETIONS_MAGIC: &[u8; 4] = b"HXC1";

/// A chunk: the key of its first entry and its bytes (not yet compressed).
#[derive(Debug, Clone)]
pub struct Chunk<K> {
    pub first: K,
    pub bytes: Vec<u8>,
}

/// The stems and postings, in stem order, cut into chunks.
pub fn term_chunks<'a>(
    terms: impl Iterator<Item = (&'a String, &'a TermPostings)>,
) -> Vec<Chunk<String>> {
    cut(terms, TERMS_MAGIC, |w, (stem, postings)| {
        write_term(w, stem, postings);
        stem.to_string()
    })
}

/// The words completions are made of, in word order, cut into chunks.
pub fn completion_chunks<'a>(
    words: impl Iterator<Item = (&'a String, &'a u32)>,
) -> Vec<Chunk<String>> {
    cut(words, COMPLETIONS_MAGIC, |w, (word, count)| {
        w.text(word);
        w.varint(u64::from(*count));
        word.clone()
    })
}

/// The vocabulary sorted by (length in characters, word), cut into chunks.
pub fn vocabulary_chunks<'a>(
    words: impl Iterator<Item = (&'a String, &'a u32)>,
) -> Vec<Chunk<(usize, String)>> {
    let mut sorted: Vec<(usize, &String, u32)> = words
        .map(|(word, count)| (word.chars().count(), word, *count))
        .collect();
    sorted.sort();
    cut(
        sorted.into_iter(),
        VOCABULARY_MAGIC,
        |w, (chars, word, count)| {
            w.text(word);
            w.varint(u64::from(count));
            (chars, word.clone())
        },
    )
}

/// Writes entries into chunks; `write` adds one entry and returns its key.
fn cut<T, K: KeyText>(
    entries: impl Iterator<Item = T>,
    magic: &[u8; 4],
    mut write: impl FnMut(&mut Writer, T) -> K,
) -> Vec<Chunk<K>> {
    let mut chunks = Vec::new();
    let mut current: Option<(K, Writer)> = None;
    let mut last_alone = false;
    for entry in entries {
        let mut one = Writer::default();
        let key = write(&mut one, entry);
        let alone = one.len() >= ALONE_BYTES;
        let ends = current
            .as_ref()
            .is_some_and(|(_, w)| alone || last_alone || ends_before(w.len(), &key.key_text()));
        if ends && let Some((first, w)) = current.take() {
            chunks.push(finish(first, w));
        }
        let (_, w) = current.get_or_insert_with(|| (key, Writer::with_magic(magic)));
        w.append(one);
        last_alone = alone;
    }
    if let Some((first, w)) = current {
        chunks.push(finish(first, w));
    }
    chunks
}

/// Whether a chunk of `len` bytes ends before the entry whose key reads `key`.
fn ends_before(len: usize, key: &str) -> bool {
    len >= MAX_CHUNK_BYTES
        || (len >= MIN_CHUNK_BYTES && word_hash(key).is_multiple_of(BOUNDARY_ONE_IN))
}

/// A stable 64-bit hash of a word (FNV-1a: the same on every platform and build).
fn word_hash(word: &str) -> u64 {
    word.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The word of a chunk key, which decides where chunks end.
trait KeyText {
    fn key_text(&self) -> String;
}

impl KeyText for String {
    fn key_text(&self) -> String {
        self.clone()
    }
}

impl KeyText for (usize, String) {
    fn key_text(&self) -> String {
        self.1.clone()
    }
}

fn finish<K>(first: K, w: Writer) -> Chunk<K> {
    Chunk {
        first,
        bytes: w.into_bytes(),
    }
}

/// The mask bit saying that names follow a stem's postings.
const NAMES_BIT: u8 = 1 << Field::ALL.len();

/// One stem: its text, a bit per field that has postings (and [`NAMES_BIT`] when
/// names begin with it), the length of what follows, then per such field the
/// postings as (section delta with a low bit for tf = 1, else the tf; position
/// deltas when the field keeps them), then the names: their count, and per name
/// its key, its number of articles and per article (first section delta from the
/// last run's end, number of sections).
fn write_term(w: &mut Writer, stem: &str, postings: &TermPostings) {
    w.text(stem);
    let mask = Field::ALL
        .iter()
        .enumerate()
        .filter(|(slot, _)| !postings.fields[*slot].is_empty())
        .fold(0u8, |mask, (slot, _)| mask | 1 << slot);
    let mask = match postings.names.is_empty() {
        true => mask,
        false => mask | NAMES_BIT,
    };
    w.byte(mask);
    let mut block = Writer::default();
    for list in postings.fields.iter().filter(|list| !list.is_empty()) {
        write_postings(&mut block, list);
    }
    if !postings.names.is_empty() {
        block.count(postings.names.len());
        for name in &postings.names {
            block.text(&name.key);
            block.count(name.runs.len());
            let mut end = 0u32;
            for &(first, sections) in &name.runs {
                block.varint(u64::from(first - end));
                block.varint(u64::from(sections));
                end = first + sections;
            }
        }
    }
    // The block's length first, so a reader skips the stems it was not asked for.
    w.count(block.len());
    w.append(block);
}

/// A field's postings: how many, then the postings as [`FieldPostings`] encoded
/// them.
fn write_postings(w: &mut Writer, list: &FieldPostings) {
    w.count(list.sections() as usize);
    w.raw(list.bytes());
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn postings(sections: u32) -> TermPostings {
        let mut postings = TermPostings::default();
        for section in 0..sections {
            postings.fields[2].push(section, &[3], true);
        }
        postings
    }

    #[test]
    fn a_large_entry_is_a_chunk_of_its_own() {
        let mut terms: BTreeMap<String, TermPostings> = (0..400)
            .map(|i| (format!("w{i:03}"), postings(3)))
            .collect();
        terms.insert("w200".into(), postings(3_000));
        let chunks = term_chunks(terms.iter());
        let alone = chunks
            .iter()
            .position(|c| c.first == "w200")
            .expect("w200 starts a chunk");
        assert!(chunks[alone].bytes.len() >= ALONE_BYTES);
        assert!(
            chunks[alone + 1].first == "w201",
            "the next word starts the next chunk"
        );
        assert!(
            chunks
                .iter()
                .all(|c| c.bytes.len() < MAX_CHUNK_BYTES + ALONE_BYTES)
        );
    }
}
