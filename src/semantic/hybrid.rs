//! Hybrid search: the lexical candidates and the sections nearest the query's
//! vector (brute-force dot products over every section's vector) fused into one
//! ranking ([`super::fuse`]). The vectors of the commit a searcher reads are
//! loaded once per commit and kept: the commit is matched by its segments (ids and
//! deletions) against `meta.json`, whose payload names the vectors file, so a
//! search never pairs one commit's sections with another's vectors.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use tantivy::{DocAddress, Searcher};

use super::fuse::{Fused, Fusion, Ranked, fuse};
use super::model::{DIMENSION, Encoder};
use super::store::Vectors;
use crate::{Error, Result};

/// Sections taken from the nearest-vector side (and at least as many lexical
/// candidates are fused with them).
pub const DENSE_DEPTH: usize = 100;

/// The vectors of one commit, with where each section is in that commit.
struct Dense {
    /// Segment ids and deleted documents of the commit.
    segments: Vec<(String, u32)>,
    vectors: Vectors,
    /// The address of each row's section.
    addresses: Vec<DocAddress>,
    /// The row of each section that has a vector.
    rows: HashMap<DocAddress, usize>,
}

/// A section of the fused ranking.
#[derive(Debug, Clone, Copy)]
pub struct FusedSection {
    /// Where it is.
    pub address: DocAddress,
    /// Its article key and position, as the index stores them.
    pub article: u64,
    /// Position of the section in its article.
    pub ordinal: u64,
    /// Its fused score and the two contributions.
    pub fused: Fused,
}

/// What an engine needs to search in hybrid mode.
pub struct Hybrid {
    encoder: Arc<Encoder>,
    fusion: Fusion,
    dir: PathBuf,
    loaded: Mutex<Option<Arc<Dense>>>,
}

impl Hybrid {
    /// Hybrid search of the index in `dir` with `encoder`.
    pub fn new(encoder: Arc<Encoder>, fusion: Fusion, dir: &Path) -> Hybrid {
        Hybrid {
            encoder,
            fusion,
            dir: dir.to_path_buf(),
            loaded: Mutex::default(),
        }
    }

    /// The same model and fusion for the index in `dir`.
    pub fn for_index(&self, dir: &Path) -> Hybrid {
        Hybrid::new(self.encoder.clone(), self.fusion, dir)
    }

    /// The fusion in use.
    pub fn fusion(&self) -> Fusion {
        self.fusion
    }

    /// Fuses `lexical` (address, article, ordinal, score; best first) with the
    /// sections nearest `query`. `open_ended` lets sections the lexical search did
    /// not find join (false when filters or required and excluded words must hold,
    /// which only the lexical candidates are known to meet). `None` when the commit
    /// searched has no vectors.
    pub fn rank(
        &self,
        searcher: &Searcher,
        query: &str,
        lexical: &[(DocAddress, u64, u64, f32)],
        open_ended: bool,
    ) -> Result<Option<Vec<FusedSection>>> {
        let Some(dense) = self.dense(searcher)? else {
            return Ok(None);
        };
        let vector = self.encoder.embed_query(query)?;
        let mut union: Vec<(DocAddress, u64, u64, Ranked)> = lexical
            .iter()
            .map(|&(address, article, ordinal, score)| {
                let cosine = dense
                    .rows
                    .get(&address)
                    .map(|&row| dot(&vector, dense.vectors.row(row)));
                (
                    address,
                    article,
                    ordinal,
                    Ranked {
                        lexical: Some(score),
                        cosine,
                    },
                )
            })
            .collect();
        if open_ended {
            let known: std::collections::HashSet<DocAddress> =
                lexical.iter().map(|c| c.0).collect();
            for (row, cosine) in nearest(&dense.vectors, &vector, DENSE_DEPTH) {
                let address = dense.addresses[row];
                if !known.contains(&address) {
                    let key = dense.vectors.keys[row];
                    let ranked = Ranked {
                        lexical: None,
                        cosine: Some(cosine),
                    };
                    union.push((address, key.article, u64::from(key.ordinal), ranked));
                }
            }
        }
        let ranked: Vec<Ranked> = union.iter().map(|c| c.3).collect();
        let fused = fuse(self.fusion, &ranked);
        let mut out: Vec<FusedSection> = union
            .iter()
            .zip(fused)
            .map(|(&(address, article, ordinal, _), fused)| FusedSection {
                address,
                article,
                ordinal,
                fused,
            })
            .collect();
        out.sort_by(|a, b| {
            b.fused
                .score
                .total_cmp(&a.fused.score)
                .then_with(|| a.article.cmp(&b.article))
                .then_with(|| a.ordinal.cmp(&b.ordinal))
        });
        Ok(Some(out))
    }

    /// The vectors of the commit `searcher` reads, loaded when first needed.
    fn dense(&self, searcher: &Searcher) -> Result<Option<Arc<Dense>>> {
        let segments = segments_of(searcher);
        if let Ok(loaded) = self.loaded.lock()
            && let Some(dense) = loaded.as_ref()
            && dense.segments == segments
        {
            return Ok(Some(dense.clone()));
        }
        let Some(dense) = self.load(searcher, segments)? else {
            return Ok(None);
        };
        let dense = Arc::new(dense);
        if let Ok(mut loaded) = self.loaded.lock() {
            *loaded = Some(dense.clone());
        }
        Ok(Some(dense))
    }

    fn load(&self, searcher: &Searcher, segments: Vec<(String, u32)>) -> Result<Option<Dense>> {
        let wrong = |message: String| Error::Vectors {
            dir: self.dir.clone(),
            message,
        };
        let metas = searcher
            .index()
            .load_metas()
            .map_err(|e| Error::tantivy("cannot read the index metadata", e))?;
        let mut committed: Vec<(String, u32)> = metas
            .segments
            .iter()
            .map(|s| (s.id().uuid_string(), s.num_deleted_docs()))
            .collect();
        committed.sort();
        if committed != segments {
            // A newer commit than the one searched: its vectors are not this
            // searcher's. The next search reads the new commit.
            return Ok(None);
        }
        let payload = crate::index::Payload::read(metas.payload.as_deref()).map_err(wrong)?;
        let Some(name) = payload.vectors else {
            return Ok(None);
        };
        let vectors = Vectors::load(&self.dir, &name).map_err(wrong)?;
        let (addresses, rows) = locate(searcher, &vectors).map_err(wrong)?;
        Ok(Some(Dense {
            segments,
            vectors,
            addresses,
            rows,
        }))
    }
}

/// Hybrid ranking for the index `open` when its commit has vectors (`None` when it
/// has none): the model from `model_dir`, else from the folder the vectors were
/// made with. Fails when that folder does not hold the model.
pub fn hybrid_for(
    open: &crate::index::OpenIndex,
    model_dir: Option<&Path>,
    fusion: Fusion,
) -> Result<Option<Hybrid>> {
    let Some(name) = open.vectors_file() else {
        return Ok(None);
    };
    let dir = match model_dir {
        Some(dir) => dir.to_path_buf(),
        None => {
            super::store::recorded_model_dir(&open.dir, name).ok_or_else(|| Error::Vectors {
                dir: open.dir.clone(),
                message: format!("`{name}` is missing or damaged"),
            })?
        }
    };
    let encoder = Arc::new(Encoder::load(&dir)?);
    Ok(Some(Hybrid::new(encoder, fusion, &open.dir)))
}

/// The segments a searcher reads, sorted: (id, deleted documents).
fn segments_of(searcher: &Searcher) -> Vec<(String, u32)> {
    let mut segments: Vec<(String, u32)> = searcher
        .segment_readers()
        .iter()
        .map(|s| (s.segment_id().uuid_string(), s.num_deleted_docs()))
        .collect();
    segments.sort();
    segments
}

/// Where each vector's section is; `Err` when a vector names a section the commit
/// does not have (the vectors belong to another index).
type Located = (Vec<DocAddress>, HashMap<DocAddress, usize>);

fn locate(searcher: &Searcher, vectors: &Vectors) -> std::result::Result<Located, String> {
    let mut sections: HashMap<(u64, u64), DocAddress> = HashMap::new();
    for (ord, segment) in searcher.segment_readers().iter().enumerate() {
        let fast = segment.fast_fields();
        let (articles, ordinals) = match (fast.u64("article"), fast.u64("ordinal")) {
            (Ok(a), Ok(o)) => (a, o),
            _ => return Err("the index has no section keys".to_string()),
        };
        for doc in segment.doc_ids_alive() {
            let key = (
                articles.first(doc).unwrap_or_default(),
                ordinals.first(doc).unwrap_or_default(),
            );
            sections.insert(key, DocAddress::new(ord as u32, doc));
        }
    }
    let mut addresses = Vec::with_capacity(vectors.keys.len());
    let mut rows = HashMap::with_capacity(vectors.keys.len());
    for (row, key) in vectors.keys.iter().enumerate() {
        let Some(&address) = sections.get(&(key.article, u64::from(key.ordinal))) else {
            return Err(format!(
                "it has a vector for a section the index does not have (article key {:x}, section {}); run `healthdex index --semantic` to embed the index again",
                key.article, key.ordinal
            ));
        };
        addresses.push(address);
        rows.insert(address, row);
    }
    Ok((addresses, rows))
}

/// The `depth` rows nearest `query` (highest dot product), best first.
pub fn nearest(vectors: &Vectors, query: &[f32], depth: usize) -> Vec<(usize, f32)> {
    let mut scored: Vec<(usize, f32)> = vectors
        .matrix
        .chunks_exact(DIMENSION)
        .map(|row| dot(query, row))
        .enumerate()
        .collect();
    let depth = depth.min(scored.len());
    if depth == 0 {
        return Vec::new();
    }
    scored.select_nth_unstable_by(depth - 1, |a, b| b.1.total_cmp(&a.1));
    scored.truncate(depth);
    scored.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    scored
}

fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::semantic::store::{Key, text_hash};

    #[test]
    fn the_nearest_rows_come_best_first() {
        let mut vectors = Vectors::default();
        for (i, lead) in [0.1f32, 0.9, 0.5, 0.7].into_iter().enumerate() {
            let mut v = vec![0.0; DIMENSION];
            v[0] = lead;
            let key = Key {
                article: i as u64,
                ordinal: 0,
                text: text_hash(""),
            };
            vectors.push(key, &v);
        }
        let mut query = vec![0.0; DIMENSION];
        query[0] = 1.0;
        let rows: Vec<usize> = nearest(&vectors, &query, 3)
            .into_iter()
            .map(|r| r.0)
            .collect();
        assert_eq!(rows, [1, 3, 2]);
        assert_eq!(nearest(&vectors, &query, 10).len(), 4);
        assert!(nearest(&Vectors::default(), &query, 10).is_empty());
    }
}
