//! The stemmer's identity. Words are stored as stems, so the algorithm and its
//! version are recorded in every commit and an index stemmed otherwise is rebuilt.
//! The stemming itself, with its cache, is part of [`super::terms`].

/// The stemmer and its version, recorded in every commit: words are stored as
/// stems, so an index whose stemmer differs from this one is rebuilt.
pub const STEMMER: &str = "frostem 1.20260821.8 english";
