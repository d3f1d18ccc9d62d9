//! The search contract shared by the CLI, the HTTP API and library users: one
//! [`SearchRequest`], checked in one place ([`SearchRequest::validate`]) against a
//! [`Profile`] of bounds, and built from text parameters (a query string) by one
//! function ([`RawRequest::into_request`]), so every front end offers the same
//! features with the same messages.

use super::limits::{DEFAULT_LIMIT, Profile};
use super::understand::Filters;
use crate::article::Date;
use crate::{Error, Result};

/// One search request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchRequest {
    /// What the reader typed.
    pub query: String,
    /// Hits (or groups) to return.
    pub limit: usize,
    /// Hits (or groups) to skip.
    pub offset: usize,
    /// Restrictions added to those typed in the query (`tag:` …).
    pub filters: Filters,
    /// One entry per article with its best sections, instead of single sections.
    pub group: bool,
    /// Show the understood query and why each hit scored as it did.
    pub explain: bool,
    /// Count tags over all matching sections (for filter menus).
    pub facets: bool,
    /// Rank by the words alone, even when the index has vectors for hybrid ranking
    /// (`--no-semantic`).
    pub lexical_only: bool,
}

impl SearchRequest {
    /// The first ten hits for `query`.
    pub fn new(query: impl Into<String>) -> SearchRequest {
        SearchRequest {
            query: query.into(),
            limit: DEFAULT_LIMIT,
            ..SearchRequest::default()
        }
    }

    /// Checks the request against `profile`; the error says which value is wrong
    /// and what is allowed.
    pub fn validate(&self, profile: &Profile) -> Result<()> {
        let invalid = |message: String| Err(Error::InvalidRequest(message));
        if self.limit == 0 || self.limit > profile.max_limit {
            return invalid(format!(
                "limit must be 1 to {}, not {}",
                profile.max_limit, self.limit
            ));
        }
        if self.offset > profile.max_offset {
            return invalid(format!(
                "offset must be at most {}, not {}",
                profile.max_offset, self.offset
            ));
        }
        let chars = self.query.chars().count();
        if chars > profile.max_query_chars {
            return invalid(format!(
                "the query is {chars} characters long; at most {} are accepted",
                profile.max_query_chars
            ));
        }
        if let (Some(since), Some(until)) = (self.filters.since, self.filters.until)
            && since > until
        {
            return invalid(format!("since ({since}) is after until ({until})"));
        }
        Ok(())
    }
}

/// A request as text parameters, every value a string as it arrived (the HTTP
/// query string: `q`, `limit`, `offset`, `tag` and `author` (repeatable), `since`,
/// `until`, `group`, `explain`, `semantic`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawRequest {
    /// `q`: the query.
    pub q: Option<String>,
    /// `limit`: hits (or groups) to return.
    pub limit: Option<String>,
    /// `offset`: hits (or groups) to skip.
    pub offset: Option<String>,
    /// `tag`: required tags.
    pub tags: Vec<String>,
    /// `author`: required author name words.
    pub authors: Vec<String>,
    /// `evidence`: required evidence types of a cited source.
    pub evidence: Vec<String>,
    /// `since`: earliest article date.
    pub since: Option<String>,
    /// `until`: latest article date.
    pub until: Option<String>,
    /// `group`: one entry per article.
    pub group: Option<String>,
    /// `explain`: the plan and each hit's score parts.
    pub explain: Option<String>,
    /// `semantic`: `0` ranks by words alone on an index with vectors.
    pub semantic: Option<String>,
}

impl RawRequest {
    /// Collects the known parameters from `(name, value)` pairs; a repeated `tag` or
    /// `author` adds a value, a repeated single value keeps the last, unknown names
    /// are ignored.
    pub fn from_pairs<K: AsRef<str>, V: Into<String>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> RawRequest {
        let mut raw = RawRequest::default();
        for (name, value) in pairs {
            let value = value.into();
            match name.as_ref() {
                "q" => raw.q = Some(value),
                "limit" => raw.limit = Some(value),
                "offset" => raw.offset = Some(value),
                "tag" => raw.tags.push(value),
                "author" => raw.authors.push(value),
                "evidence" => raw.evidence.push(value),
                "since" => raw.since = Some(value),
                "until" => raw.until = Some(value),
                "group" => raw.group = Some(value),
                "explain" => raw.explain = Some(value),
                "semantic" => raw.semantic = Some(value),
                _ => {}
            }
        }
        raw
    }

    /// The checked request (facets are always counted: a filter menu needs them).
    pub fn into_request(self, profile: &Profile) -> Result<SearchRequest> {
        let query = self.q.as_deref().unwrap_or("").trim().to_string();
        if query.is_empty() {
            return Err(Error::InvalidRequest(
                "the query is empty; pass it as ?q=...".into(),
            ));
        }
        let request = SearchRequest {
            query,
            limit: number("limit", self.limit.as_deref(), DEFAULT_LIMIT)?,
            offset: number("offset", self.offset.as_deref(), 0)?,
            filters: Filters {
                tags: non_empty(self.tags),
                authors: non_empty(self.authors),
                evidence: check_evidence(non_empty(self.evidence))?,
                since: date("since", self.since.as_deref())?,
                until: date("until", self.until.as_deref())?,
            },
            group: flag("group", self.group.as_deref())?,
            explain: flag("explain", self.explain.as_deref())?,
            facets: true,
            lexical_only: !flag("semantic", Some(self.semantic.as_deref().unwrap_or("1")))?,
        };
        request.validate(profile)?;
        Ok(request)
    }
}

/// Evidence types, each checked against the names [`Evidence`] knows.
///
/// [`Evidence`]: crate::article::Evidence
pub fn check_evidence(names: Vec<String>) -> Result<Vec<String>> {
    names
        .into_iter()
        .map(|name| {
            crate::article::Evidence::from_name(&name.trim().to_lowercase())
                .filter(|e| *e != crate::article::Evidence::Unknown)
                .map(|e| e.as_str().to_string())
                .ok_or_else(|| {
                    let known: Vec<&str> = crate::article::Evidence::ALL
                        .iter()
                        .filter(|e| **e != crate::article::Evidence::Unknown)
                        .map(|e| e.as_str())
                        .collect();
                    Error::InvalidRequest(format!(
                        "evidence must be one of {}, not `{name}`",
                        known.join(", ")
                    ))
                })
        })
        .collect()
}

fn non_empty(values: Vec<String>) -> Vec<String> {
    values
        .into_iter()
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .collect()
}

fn number(name: &str, value: Option<&str>, default: usize) -> Result<usize> {
    let Some(text) = value.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(default);
    };
    text.parse::<usize>().map_err(|_| {
        Error::InvalidRequest(format!(
            "{name} must be a whole number, not `{}`",
            clip(text)
        ))
    })
}

fn date(name: &str, value: Option<&str>) -> Result<Option<Date>> {
    let Some(text) = value.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    text.parse().map(Some).map_err(|()| {
        Error::InvalidRequest(format!(
            "{name} must be a date written YYYY-MM-DD, not `{}`",
            clip(text)
        ))
    })
}

fn flag(name: &str, value: Option<&str>) -> Result<bool> {
    match value.map(str::trim) {
        None | Some("" | "0" | "false" | "no") => Ok(false),
        Some("1" | "true" | "yes") => Ok(true),
        Some(other) => Err(Error::InvalidRequest(format!(
            "{name} must be 1 or 0, not `{}`",
            clip(other)
        ))),
    }
}

/// A value echoed in an error message, cut to a readable length.
fn clip(text: &str) -> String {
    let mut clipped: String = text.chars().take(40).collect();
    if clipped.len() < text.len() {
        clipped.push('…');
    }
    clipped
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(pairs: &[(&str, &str)]) -> RawRequest {
        RawRequest::from_pairs(pairs.iter().copied())
    }

    #[test]
    fn parameters_become_a_checked_request() {
        let request = raw(&[
            ("q", " leaky gut "),
            ("limit", "5"),
            ("tag", "gut"),
            ("tag", "skin"),
            ("author", "Osei"),
            ("since", "2020-01-01"),
            ("group", "1"),
            ("explain", "true"),
            ("unknown", "x"),
        ])
        .into_request(&Profile::HTTP)
        .unwrap();
        assert_eq!(request.query, "leaky gut");
        assert_eq!(request.limit, 5);
        assert_eq!(request.filters.tags, ["gut", "skin"]);
        assert_eq!(request.filters.authors, ["Osei"]);
        assert_eq!(request.filters.since.unwrap().to_string(), "2020-01-01");
        assert!(request.group && request.explain && request.facets);
    }

    #[test]
    fn every_bad_value_is_an_invalid_request_that_names_it() {
        let cases: &[(&[(&str, &str)], &str)] = &[
            (&[("q", "  ")], "query is empty"),
            (&[("q", "gut"), ("limit", "0")], "limit must be 1 to 100"),
            (&[("q", "gut"), ("limit", "101")], "limit must be 1 to 100"),
            (
                &[("q", "gut"), ("limit", "ten")],
                "limit must be a whole number",
            ),
            (
                &[("q", "gut"), ("offset", "10001")],
                "offset must be at most",
            ),
            (&[("q", "gut"), ("since", "May")], "since must be a date"),
            (
                &[
                    ("q", "gut"),
                    ("since", "2021-01-01"),
                    ("until", "2020-01-01"),
                ],
                "is after until",
            ),
            (&[("q", "gut"), ("group", "maybe")], "group must be 1 or 0"),
        ];
        for (pairs, expected) in cases {
            let error = raw(pairs).into_request(&Profile::HTTP).unwrap_err();
            assert!(
                matches!(&error, Error::InvalidRequest(m) if m.contains(expected)),
                "{pairs:?}: {error}"
            );
        }
        let long = "a".repeat(513);
        assert!(raw(&[("q", &long)]).into_request(&Profile::HTTP).is_err());
        assert!(raw(&[("q", &long)]).into_request(&Profile::LIBRARY).is_ok());
    }

    #[test]
    fn the_library_profile_is_looser_than_http() {
        let mut request = SearchRequest::new("gut");
        request.limit = 500;
        assert!(request.validate(&Profile::LIBRARY).is_ok());
        assert!(request.validate(&Profile::HTTP).is_err());
    }
}
