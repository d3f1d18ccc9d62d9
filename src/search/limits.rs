//! Every bound on a search, once. The library's bounds keep any request's work
//! finite; the HTTP API applies a stricter, named [`Profile`] because its callers
//! are anonymous.

/// Characters of a query that are read; the rest is ignored.
pub const MAX_QUERY_CHARS: usize = 1_000;
/// Items (words, phrases, operators) read from one query.
pub const MAX_QUERY_ITEMS: usize = 256;
/// Hits (or groups) returned when a request does not say.
pub const DEFAULT_LIMIT: usize = 10;
/// Sections shown per article in grouped results.
pub const SECTIONS_PER_GROUP: usize = 3;
/// Ranks in which no article may have more than `per_article` sections.
pub const FIRST_PAGE: usize = 10;
/// Most ranked sections read to arrange one page.
pub const MAX_ARRANGED_SECTIONS: usize = 5_000;
/// Unknown words of one query looked up for corrections (each is a walk of the
/// vocabulary); the rest are searched as typed. A query of 60 random non-words cost
/// 19× a long natural question before this bound.
pub const MAX_CORRECTED_WORDS: usize = 6;
/// Vocabulary words kept as corrections of one misspelled word.
pub const CORRECTIONS_PER_WORD: usize = 3;
/// Completions returned for search-as-you-type.
pub const SUGGESTIONS: usize = 8;

/// Bounds a request must respect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Profile {
    /// How the profile is named in messages.
    pub name: &'static str,
    /// Longest query accepted, in characters (longer is an error, not a cut).
    pub max_query_chars: usize,
    /// Most hits (or groups) per request.
    pub max_limit: usize,
    /// Deepest offset.
    pub max_offset: usize,
}

impl Profile {
    /// The library and the CLI: generous, but finite.
    pub const LIBRARY: Profile = Profile {
        name: "library",
        max_query_chars: usize::MAX,
        max_limit: 1_000,
        max_offset: 100_000,
    };

    /// The HTTP API: public callers get less per request.
    pub const HTTP: Profile = Profile {
        name: "http",
        max_query_chars: 512,
        max_limit: 100,
        max_offset: 10_000,
    };
}
