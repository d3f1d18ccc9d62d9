//! The vectors file: one per commit, next to the index, named after the hash of
//! its own bytes (`healthdex-vectors-<hash>.bin`) and named in turn by the commit
//! payload, so an index and its vectors change in one atomic step. It is written
//! (durably) before the commit; a file that does not hash to its name, or that was
//! made by another model, is refused rather than searched.
//!
//! Layout, little-endian: the magic `HXVEC001`; the model's sha256 (32 bytes); the
//! dimension and the count (u32 each); the model folder as UTF-8 (u32 length, then
//! the bytes), so a search finds the model the index was built with; then per
//! section its article key (u64), its position in the article (u32) and the BLAKE3
//! hash of the text that was embedded (16 bytes), so an update re-embeds only the
//! sections whose text changed; then the vectors (count × dimension f32).

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::model::{DIMENSION, MODEL_SHA256};

pub use crate::index::VECTORS_PREFIX;
const MAGIC: &[u8; 8] = b"HXVEC001";

/// Which section a vector belongs to and what text it was made from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    /// The article's key (a hash of its path, as the index's `article` field holds it).
    pub article: u64,
    /// Position of the section in its article.
    pub ordinal: u32,
    /// BLAKE3 of the embedded text (first 16 bytes).
    pub text: [u8; 16],
}

/// The vectors of one commit.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Vectors {
    /// The model folder the vectors were made with.
    pub model_dir: PathBuf,
    /// One key per vector.
    pub keys: Vec<Key>,
    /// `keys.len() × DIMENSION` values, row by row.
    pub matrix: Vec<f32>,
}

impl Vectors {
    /// The vector of row `i`.
    pub fn row(&self, i: usize) -> &[f32] {
        &self.matrix[i * DIMENSION..(i + 1) * DIMENSION]
    }

    /// Appends a vector.
    pub fn push(&mut self, key: Key, vector: &[f32]) {
        self.keys.push(key);
        self.matrix.extend_from_slice(vector);
    }

    /// Row of each embedded text, by its hash (for reusing vectors of unchanged text).
    pub fn by_text(&self) -> HashMap<[u8; 16], usize> {
        self.keys
            .iter()
            .enumerate()
            .map(|(i, key)| (key.text, i))
            .collect()
    }

    /// Writes the file into `dir` (synced, then renamed into place) and returns its name.
    pub fn store(&self, dir: &Path) -> std::io::Result<String> {
        let bytes = self.encode();
        let name = format!(
            "{VECTORS_PREFIX}{}.bin",
            &blake3::hash(&bytes).to_hex()[..16]
        );
        let temporary = dir.join(format!(".{name}.tmp"));
        let mut file = std::fs::File::create(&temporary)?;
        file.write_all(&bytes)?;
        file.sync_all()?;
        std::fs::rename(&temporary, dir.join(&name))?;
        Ok(name)
    }

    /// Reads the file `name` in `dir`. `Err` says why it cannot be used.
    pub fn load(dir: &Path, name: &str) -> Result<Vectors, String> {
        if !name.starts_with(VECTORS_PREFIX) || name.contains(['/', '\\']) {
            return Err(format!("`{name}` is not a vectors file name"));
        }
        let path = dir.join(name);
        let bytes = std::fs::read(&path)
            .map_err(|e| format!("`{}` cannot be read ({e})", path.display()))?;
        let hash = blake3::hash(&bytes).to_hex();
        let named = &name[VECTORS_PREFIX.len()..name.len().saturating_sub(4)];
        if !hash.starts_with(named) || named.len() != 16 {
            return Err(format!(
                "`{}` is not the vectors file the commit names (its content hashes to {})",
                path.display(),
                &hash[..16]
            ));
        }
        decode(&bytes).ok_or_else(|| format!("`{}` is damaged", path.display()))
    }

    fn encode(&self) -> Vec<u8> {
        let dir = self.model_dir.to_string_lossy();
        let mut out = Vec::with_capacity(64 + self.keys.len() * (28 + 4 * DIMENSION));
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&unhex(MODEL_SHA256));
        out.extend_from_slice(&(DIMENSION as u32).to_le_bytes());
        out.extend_from_slice(&(self.keys.len() as u32).to_le_bytes());
        out.extend_from_slice(&(dir.len() as u32).to_le_bytes());
        out.extend_from_slice(dir.as_bytes());
        for key in &self.keys {
            out.extend_from_slice(&key.article.to_le_bytes());
            out.extend_from_slice(&key.ordinal.to_le_bytes());
            out.extend_from_slice(&key.text);
        }
        for value in &self.matrix {
            out.extend_from_slice(&value.to_le_bytes());
        }
        out
    }
}

/// The model folder recorded in the vectors file `name` in `dir`, read from its
/// header alone.
pub fn recorded_model_dir(dir: &Path, name: &str) -> Option<PathBuf> {
    use std::io::Read;
    let mut header = vec![0u8; 8 + 32 + 12];
    let mut file = std::fs::File::open(dir.join(name)).ok()?;
    file.read_exact(&mut header).ok()?;
    let length = u32::from_le_bytes(header[48..52].try_into().ok()?) as usize;
    let mut path = vec![0u8; length.min(64 * 1024)];
    file.read_exact(&mut path).ok()?;
    Some(PathBuf::from(String::from_utf8(path).ok()?))
}

/// The file's content, if it is complete and made by this model with this dimension.
fn decode(bytes: &[u8]) -> Option<Vectors> {
    let mut reader = Reader { bytes, at: 0 };
    if reader.take(8)? != MAGIC || reader.take(32)? != unhex(MODEL_SHA256) {
        return None;
    }
    let dimension = reader.u32()? as usize;
    let count = reader.u32()? as usize;
    let dir_len = reader.u32()? as usize;
    let model_dir = PathBuf::from(String::from_utf8(reader.take(dir_len)?.to_vec()).ok()?);
    if dimension != DIMENSION {
        return None;
    }
    let mut keys = Vec::with_capacity(count.min(bytes.len() / 28));
    for _ in 0..count {
        let article = u64::from_le_bytes(reader.take(8)?.try_into().ok()?);
        let ordinal = reader.u32()?;
        let text = reader.take(16)?.try_into().ok()?;
        keys.push(Key {
            article,
            ordinal,
            text,
        });
    }
    let values = reader.take(count.checked_mul(DIMENSION * 4)?)?;
    if reader.at != bytes.len() {
        return None;
    }
    let matrix = values
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect();
    Some(Vectors {
        model_dir,
        keys,
        matrix,
    })
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.at.checked_add(n)?;
        let out = self.bytes.get(self.at..end)?;
        self.at = end;
        Some(out)
    }

    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
}

fn unhex(text: &str) -> Vec<u8> {
    (0..text.len() / 2)
        .filter_map(|i| u8::from_str_radix(&text[2 * i..2 * i + 2], 16).ok())
        .collect()
}

/// The hash a [`Key`] records for an embedded text.
pub fn text_hash(text: &str) -> [u8; 16] {
    blake3::hash(text.as_bytes()).as_bytes()[..16]
        .try_into()
        .expect("a BLAKE3 hash has 32 bytes")
}

/// Removes vectors files other than `current` (left by earlier commits or by a run
/// that crashed before committing).
pub fn remove_stale(dir: &Path, current: Option<&str>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let ours =
            name.starts_with(VECTORS_PREFIX) || name.starts_with(&format!(".{VECTORS_PREFIX}"));
        if ours && Some(name.as_str()) != current {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(rows: usize) -> Vectors {
        let mut vectors = Vectors {
            model_dir: PathBuf::from("/models/minilm"),
            ..Vectors::default()
        };
        for i in 0..rows {
            let key = Key {
                article: i as u64 * 7,
                ordinal: i as u32,
                text: text_hash(&format!("section {i}")),
            };
            vectors.push(key, &vec![i as f32 / 10.0; DIMENSION]);
        }
        vectors
    }

    #[test]
    fn a_stored_file_reads_back_as_written() {
        let dir = tempfile::tempdir().unwrap();
        let vectors = sample(3);
        let name = vectors.store(dir.path()).unwrap();
        assert!(name.starts_with(VECTORS_PREFIX));
        assert_eq!(Vectors::load(dir.path(), &name).unwrap(), vectors);
        assert_eq!(vectors.row(2)[0], 0.2);
    }

    #[test]
    fn a_file_under_another_commits_name_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let first = sample(2).store(dir.path()).unwrap();
        let second = sample(3).store(dir.path()).unwrap();
        std::fs::copy(dir.path().join(&first), dir.path().join(&second)).unwrap();
        let err = Vectors::load(dir.path(), &second).unwrap_err();
        assert!(
            err.contains("not the vectors file the commit names"),
            "{err}"
        );
    }

    #[test]
    fn truncated_or_foreign_files_are_refused() {
        let vectors = sample(2);
        let bytes = vectors.encode();
        assert!(decode(&bytes).is_some());
        assert!(decode(&bytes[..bytes.len() - 1]).is_none());
        let mut other_model = bytes.clone();
        other_model[8] ^= 1;
        assert!(decode(&other_model).is_none());
        assert!(decode(b"HXVEC001").is_none());
    }

    #[test]
    fn stale_files_are_removed_and_the_current_one_kept() {
        let dir = tempfile::tempdir().unwrap();
        let old = sample(1).store(dir.path()).unwrap();
        let current = sample(2).store(dir.path()).unwrap();
        remove_stale(dir.path(), Some(&current));
        assert!(!dir.path().join(old).exists());
        assert!(dir.path().join(&current).exists());
        remove_stale(dir.path(), None);
        assert!(!dir.path().join(current).exists());
    }
}
