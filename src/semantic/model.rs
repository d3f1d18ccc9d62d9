//! The sentence-embedding model: all-MiniLM-L6-v2 read from a local folder
//! (`model.safetensors`, `config.json`, `tokenizer.json`), its weights checked
//! against the one checksum healthdex was measured with, and turned into
//! L2-normalised 384-dimension vectors by mean pooling. Text longer than the
//! model's window is cut into windows whose vectors are pooled (weighted by their
//! tokens). Passages are embedded in batches of similar length, so little of each
//! batch is padding. Nothing here reaches the network.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertModel, Config};
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use tokenizers::Tokenizer;

use crate::{Error, Result};

/// sha256 of the `model.safetensors` healthdex was measured with (all-MiniLM-L6-v2).
pub const MODEL_SHA256: &str = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db";
/// Size of that file, in bytes.
pub const MODEL_BYTES: u64 = 90_868_376;
/// Dimensions of a vector.
pub const DIMENSION: usize = 384;
/// Tokens per window, with `[CLS]` and `[SEP]`: the length all-MiniLM-L6-v2 was
/// trained on (its `max_seq_length` of 256 costs 18% more per token here).
pub const WINDOW: usize = 128;
/// Windows pooled per section at most: 256 tokens, the `max_seq_length` that
/// sentence-transformers truncates this model's input to. Every window more
/// costs embedding time (MedQuAD: 3.0 M word pieces with two windows, 4.7 M with
/// all of them; see ARCHITECTURE.md, Hybrid ranking).
pub const MAX_WINDOWS: usize = 2;
/// Windows run through the model at once when embedding passages.
const BATCH: usize = 32;
/// `[CLS]` and `[SEP]` in the model's vocabulary.
const CLS: u32 = 101;
const SEP: u32 = 102;

/// The loaded model and its tokenizer. Embedding takes `&self` and may run in
/// parallel.
pub struct Encoder {
    model: BertModel,
    tokenizer: Tokenizer,
    dir: PathBuf,
}

impl std::fmt::Debug for Encoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Encoder").field("dir", &self.dir).finish()
    }
}

/// One passage's windows, ready for the model.
struct Windows {
    passage: usize,
    ids: Vec<u32>,
}

impl Encoder {
    /// Loads the model in `dir`. Fails with [`Error::Model`], naming the folder and
    /// what is wrong (a missing file, another model's weights), when it is not the
    /// all-MiniLM-L6-v2 folder healthdex expects.
    pub fn load(dir: &Path) -> Result<Encoder> {
        let problem = |message: String| Error::Model {
            dir: dir.to_path_buf(),
            message,
        };
        if !dir.is_dir() {
            return Err(problem("the folder does not exist".to_string()));
        }
        let read = |name: &str| {
            std::fs::read(dir.join(name))
                .map_err(|e| problem(format!("cannot read `{name}` ({e})")))
        };
        let weights = read("model.safetensors")?;
        let sha = hex(&Sha256::digest(&weights));
        if sha != MODEL_SHA256 {
            return Err(problem(format!(
                "`model.safetensors` has sha256 {sha} ({} bytes), not {MODEL_SHA256} ({MODEL_BYTES} bytes) of all-MiniLM-L6-v2",
                weights.len()
            )));
        }
        let config: Config = serde_json::from_slice(&read("config.json")?)
            .map_err(|e| problem(format!("`config.json` is not a BERT configuration ({e})")))?;
        if config.hidden_size != DIMENSION {
            return Err(problem(format!(
                "`config.json` gives {} dimensions, not {DIMENSION}",
                config.hidden_size
            )));
        }
        let mut tokenizer = Tokenizer::from_bytes(read("tokenizer.json")?)
            .map_err(|e| problem(format!("`tokenizer.json` cannot be read ({e})")))?;
        tokenizer.with_padding(None);
        tokenizer
            .with_truncation(None)
            .map_err(|e| problem(format!("`tokenizer.json`: {e}")))?;
        let device = Device::Cpu;
        let vb = VarBuilder::from_buffered_safetensors(weights, DType::F32, &device)
            .map_err(|e| problem(format!("`model.safetensors` cannot be read ({e})")))?;
        let model = BertModel::load(vb, &config)
            .map_err(|e| problem(format!("the weights do not fit `config.json` ({e})")))?;
        Ok(Encoder {
            model,
            tokenizer,
            dir: dir.to_path_buf(),
        })
    }

    /// The folder the model was read from.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The vector of a reader's query (its first window).
    pub fn embed_query(&self, text: &str) -> Result<Vec<f32>> {
        let mut ids = self.tokens(text)?;
        ids.truncate(WINDOW - 2);
        let pooled = self.run(&[with_markers(&ids)])?;
        Ok(normalised(pooled.into_iter().next().unwrap_or_default()))
    }

    /// Word pieces of `text`, without `[CLS]`/`[SEP]`.
    pub fn tokens(&self, text: &str) -> Result<Vec<u32>> {
        let encoding = self
            .tokenizer
            .encode(text, false)
            .map_err(|e| Error::Model {
                dir: self.dir.clone(),
                message: format!("cannot tokenize a text ({e})"),
            })?;
        Ok(encoding.get_ids().to_vec())
    }

    /// The vectors of `passages`, in order: each cut into windows, the windows
    /// batched by length, the window vectors pooled per passage. `progress` is
    /// called with the passages' tokens embedded so far and in all.
    pub fn embed_passages(
        &self,
        passages: &[String],
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> Result<Vec<Vec<f32>>> {
        let tokenized: Vec<Vec<u32>> = passages
            .par_iter()
            .map(|text| self.tokens(text))
            .collect::<Result<_>>()?;
        let mut windows = Vec::new();
        for (passage, tokens) in tokenized.iter().enumerate() {
            windows.extend(cut(tokens).map(|ids| Windows { passage, ids }));
        }
        // Longest first: the slowest batches start while the progress bar is new.
        windows.sort_by_key(|w| std::cmp::Reverse(w.ids.len()));
        let total: usize = windows.iter().map(|w| w.ids.len()).sum();
        let done = AtomicUsize::new(0);
        // Batches run side by side: much of a forward pass (GELU, softmax, layer
        // norm) uses one core, so one batch at a time leaves the other core idle.
        let pooled: Vec<Vec<Vec<f32>>> = windows
            .par_chunks(BATCH)
            .map(|batch| {
                let inputs: Vec<Vec<u32>> = batch.iter().map(|w| with_markers(&w.ids)).collect();
                let pooled = self.run(&inputs)?;
                let tokens: usize = batch.iter().map(|w| w.ids.len()).sum();
                progress(done.fetch_add(tokens, Ordering::Relaxed) + tokens, total);
                Ok(pooled)
            })
            .collect::<Result<_>>()?;
        let mut sums = vec![vec![0f32; DIMENSION]; passages.len()];
        for (window, vector) in windows.iter().zip(pooled.into_iter().flatten()) {
            let weight = window.ids.len() as f32;
            for (sum, value) in sums[window.passage].iter_mut().zip(vector) {
                *sum += weight * value;
            }
        }
        Ok(sums.into_iter().map(normalised).collect())
    }

    /// Mean-pooled (not yet normalised) vectors of a batch of token sequences.
    fn run(&self, inputs: &[Vec<u32>]) -> Result<Vec<Vec<f32>>> {
        self.forward(inputs).map_err(|e| Error::Model {
            dir: self.dir.clone(),
            message: format!("the model failed ({e})"),
        })
    }

    fn forward(&self, inputs: &[Vec<u32>]) -> candle_core::Result<Vec<Vec<f32>>> {
        let longest = inputs.iter().map(Vec::len).max().unwrap_or(0);
        let (mut ids, mut mask) = (Vec::new(), Vec::new());
        for input in inputs {
            ids.extend(input.iter().copied());
            ids.extend(std::iter::repeat_n(0u32, longest - input.len()));
            mask.extend(std::iter::repeat_n(1u32, input.len()));
            mask.extend(std::iter::repeat_n(0u32, longest - input.len()));
        }
        let device = &self.model.device;
        let shape = (inputs.len(), longest);
        let ids = Tensor::from_vec(ids, shape, device)?;
        let mask = Tensor::from_vec(mask, shape, device)?;
        let types = ids.zeros_like()?;
        let hidden = self.model.forward(&ids, &types, Some(&mask))?;
        let mask = mask.to_dtype(DType::F32)?.unsqueeze(2)?;
        let summed = hidden.broadcast_mul(&mask)?.sum(1)?;
        let counts = mask.sum(1)?;
        summed.broadcast_div(&counts)?.to_vec2::<f32>()
    }
}

/// Cuts word pieces into at most [`MAX_WINDOWS`] windows that fit the model with
/// its two markers; an empty text is one empty window (the markers alone).
fn cut(tokens: &[u32]) -> impl Iterator<Item = Vec<u32>> + '_ {
    let pieces = tokens.len().div_ceil(WINDOW - 2).clamp(1, MAX_WINDOWS);
    (0..pieces).map(move |i| {
        let start = i * (WINDOW - 2);
        tokens[start.min(tokens.len())..(start + WINDOW - 2).min(tokens.len())].to_vec()
    })
}

fn with_markers(ids: &[u32]) -> Vec<u32> {
    let mut out = Vec::with_capacity(ids.len() + 2);
    out.push(CLS);
    out.extend_from_slice(ids);
    out.push(SEP);
    out
}

/// `v` scaled to length 1 (left as it is when it is all zeros).
pub fn normalised(mut v: Vec<f32>) -> Vec<f32> {
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm > 0.0 {
        v.iter_mut().for_each(|x| *x /= norm);
    }
    v
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_texts_are_cut_into_windows_that_fit() {
        let tokens: Vec<u32> = (0..200).collect();
        let windows: Vec<Vec<u32>> = cut(&tokens).collect();
        assert_eq!(windows.iter().map(Vec::len).collect::<Vec<_>>(), [126, 74]);
        assert_eq!(windows.concat(), tokens);
        assert_eq!(cut(&[]).count(), 1);
        assert_eq!(cut(&tokens[..126]).count(), 1);
        let long: Vec<u32> = (0..1000).collect();
        let kept: Vec<u32> = cut(&long).flatten().collect();
        assert_eq!(kept, long[..126 * MAX_WINDOWS]);
    }

    #[test]
    fn vectors_are_scaled_to_unit_length() {
        let v = normalised(vec![3.0, 4.0]);
        assert_eq!(v, [0.6, 0.8]);
        assert_eq!(normalised(vec![0.0, 0.0]), [0.0, 0.0]);
    }
}
