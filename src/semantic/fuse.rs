//! Fusing two rankings of the same candidates (the lexical ranking and the
//! model's cosine similarity) into one score, as pure functions: reciprocal rank
//! fusion, and a linear interpolation of min-max normalised scores. Each fused
//! score is returned with its two contributions, for `--explain`.

/// How the lexical and the semantic ranking are combined.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Fusion {
    /// Reciprocal rank fusion: `1/(k + lexical rank) + 1/(k + semantic rank)`,
    /// ranks from 1.
    Rrf {
        /// The damping constant (60 in the paper that named the method).
        k: f32,
    },
    /// `lexical_weight × lexical + (1 − lexical_weight) × cosine`, each min-max
    /// normalised over the candidates.
    Linear {
        /// Weight of the normalised lexical score, 0 to 1.
        lexical_weight: f32,
    },
}

impl Default for Fusion {
    fn default() -> Self {
        Fusion::Rrf { k: 60.0 }
    }
}

/// One candidate as the two rankings see it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ranked {
    /// Its lexical score, when the lexical search found it.
    pub lexical: Option<f32>,
    /// Cosine similarity with the query, when the section has a vector.
    pub cosine: Option<f32>,
}

/// A fused score and what each ranking added to it.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Fused {
    /// The sum.
    pub score: f32,
    /// The lexical ranking's contribution.
    pub lexical: f32,
    /// The semantic ranking's contribution.
    pub semantic: f32,
    /// 1-based rank among the candidates by lexical score (0: not found lexically).
    pub lexical_rank: usize,
    /// 1-based rank among the candidates by cosine (0: no vector).
    pub semantic_rank: usize,
}

/// The fused score of every candidate, in the order given.
pub fn fuse(fusion: Fusion, candidates: &[Ranked]) -> Vec<Fused> {
    let lexical_ranks = ranks(candidates.iter().map(|c| c.lexical));
    let semantic_ranks = ranks(candidates.iter().map(|c| c.cosine));
    let lexical_range = range(candidates.iter().filter_map(|c| c.lexical));
    let cosine_range = range(candidates.iter().filter_map(|c| c.cosine));
    candidates
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let (lexical, semantic) = match fusion {
                Fusion::Rrf { k } => (
                    reciprocal(k, lexical_ranks[i]),
                    reciprocal(k, semantic_ranks[i]),
                ),
                Fusion::Linear { lexical_weight } => (
                    lexical_weight * scaled(c.lexical, lexical_range),
                    (1.0 - lexical_weight) * scaled(c.cosine, cosine_range),
                ),
            };
            Fused {
                score: lexical + semantic,
                lexical,
                semantic,
                lexical_rank: lexical_ranks[i],
                semantic_rank: semantic_ranks[i],
            }
        })
        .collect()
}

/// 1-based rank of each present value, highest first (ties by position); 0 where absent.
fn ranks(values: impl Iterator<Item = Option<f32>>) -> Vec<usize> {
    let values: Vec<Option<f32>> = values.collect();
    let mut present: Vec<usize> = (0..values.len()).filter(|&i| values[i].is_some()).collect();
    present.sort_by(|&a, &b| {
        values[b]
            .unwrap_or(0.0)
            .total_cmp(&values[a].unwrap_or(0.0))
    });
    let mut out = vec![0; values.len()];
    for (rank, i) in present.into_iter().enumerate() {
        out[i] = rank + 1;
    }
    out
}

fn reciprocal(k: f32, rank: usize) -> f32 {
    match rank {
        0 => 0.0,
        rank => 1.0 / (k + rank as f32),
    }
}

fn range(values: impl Iterator<Item = f32>) -> (f32, f32) {
    values.fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    })
}

/// `value` mapped onto 0..1 over `(lo, hi)`; 1 when every value is the same, 0 when absent.
fn scaled(value: Option<f32>, (lo, hi): (f32, f32)) -> f32 {
    match value {
        None => 0.0,
        Some(_) if hi <= lo => 1.0,
        Some(v) => (v - lo) / (hi - lo),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn both(lexical: f32, cosine: f32) -> Ranked {
        Ranked {
            lexical: Some(lexical),
            cosine: Some(cosine),
        }
    }

    #[test]
    fn rrf_adds_reciprocal_ranks() {
        let fused = fuse(
            Fusion::Rrf { k: 60.0 },
            &[both(9.0, 0.1), both(5.0, 0.9), both(1.0, 0.5)],
        );
        let first = &fused[0];
        assert_eq!((first.lexical_rank, first.semantic_rank), (1, 3));
        assert!((first.score - (1.0 / 61.0 + 1.0 / 63.0)).abs() < 1e-6);
        // Second lexically and first semantically beats first and last.
        assert!(fused[1].score > fused[0].score);
        assert!(fused[0].score > fused[2].score);
    }

    #[test]
    fn a_ranking_that_misses_a_candidate_adds_nothing() {
        let candidates = [
            Ranked {
                lexical: None,
                cosine: Some(0.8),
            },
            Ranked {
                lexical: Some(3.0),
                cosine: None,
            },
        ];
        for fusion in [
            Fusion::Rrf { k: 60.0 },
            Fusion::Linear {
                lexical_weight: 0.5,
            },
        ] {
            let fused = fuse(fusion, &candidates);
            assert_eq!(fused[0].lexical, 0.0, "{fusion:?}");
            assert_eq!(fused[0].lexical_rank, 0);
            assert_eq!(fused[1].semantic, 0.0, "{fusion:?}");
            assert_eq!(fused[1].semantic_rank, 0);
        }
    }

    #[test]
    fn linear_interpolates_normalised_scores() {
        let fused = fuse(
            Fusion::Linear {
                lexical_weight: 0.25,
            },
            &[both(10.0, 0.2), both(2.0, 0.6), both(6.0, 0.4)],
        );
        let expected = [0.25, 0.75, 0.125 + 0.375];
        for (f, want) in fused.iter().zip(expected) {
            assert!((f.score - want).abs() < 1e-6, "{fused:?}");
        }
    }
}
