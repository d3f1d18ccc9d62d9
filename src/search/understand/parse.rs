//! Reading what a person typed. Most readers type plain words or a question, and
//! that is never an error. For those who want them, a few operators are understood:
//!
//! | typed                    | meaning                                           |
//! |--------------------------|---------------------------------------------------|
//! | `"exact phrase"`         | the words must appear together, in order          |
//! | `-word`, `-"a phrase"`   | leave out sections containing it                  |
//! | `a OR b`                 | either word (or phrase) counts                    |
//! | `title:word`, `title:"…"`| the word or phrase must be in the article title   |
//! | `heading:word`           | … in the section heading                          |
//! | `tag:name`               | only articles with that tag                       |
//! | `author:name`            | only articles by that author (any name word)      |
//! | `year:2021`, `year:2019..2021`, `year:>=2020`, `year:<2015` | by article date |
//!
//! An operator typed wrongly degrades to plain words: `year:soon` searches for
//! "year soon", an unknown `foo:bar` searches for "foo bar", a dangling `OR` or `-`
//! is ignored, a query made only of `-word`s searches for those words, and an
//! unclosed quote runs to the end of the query.

use serde::{Deserialize, Serialize};

use crate::article::Date;

pub use crate::search::limits::MAX_QUERY_CHARS;
use crate::search::limits::MAX_QUERY_ITEMS as MAX_ITEMS;

/// A query after operators have been recognised.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ParsedQuery {
    /// Plain words and phrases, in the order typed; `OR` joins neighbours into one group.
    pub groups: Vec<Vec<Item>>,
    /// Items the reader excluded with `-`.
    pub excluded: Vec<Item>,
    /// Items that must appear in a given field (`title:`, `heading:`).
    pub required: Vec<(Scope, Item)>,
    /// `tag:`, `author:` and `year:` restrictions.
    pub filters: Filters,
}

/// A word or a quoted phrase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// A plain word.
    Word(String),
    /// A quoted phrase.
    Phrase(String),
}

impl Item {
    /// The word or phrase text.
    pub fn text(&self) -> &str {
        match self {
            Item::Word(text) | Item::Phrase(text) => text,
        }
    }
}

/// A field an item can be restricted to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The article title (`title:`).
    Title,
    /// The section heading (`heading:`).
    Heading,
}

/// Restrictions on which articles may match.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Filters {
    /// Tags, all required.
    pub tags: Vec<String>,
    /// Author name words, all required.
    pub authors: Vec<String>,
    /// Evidence types (`rct`, …), each required of some source the section cites.
    pub evidence: Vec<String>,
    /// Earliest article date (inclusive).
    pub since: Option<Date>,
    /// Latest article date (inclusive).
    pub until: Option<Date>,
}

impl Filters {
    /// Whether nothing restricts the articles.
    pub fn is_empty(&self) -> bool {
        self.tags.is_empty()
            && self.authors.is_empty()
            && self.evidence.is_empty()
            && self.since.is_none()
            && self.until.is_none()
    }
}

/// A raw piece of the query: a word or phrase with its prefix.
#[derive(Debug, PartialEq)]
struct Token<'a> {
    negated: bool,
    field: Option<&'a str>,
    item: Item,
}

/// The part of a query that is read: its first [`MAX_QUERY_CHARS`] characters.
pub fn clip(text: &str) -> &str {
    match text.char_indices().nth(MAX_QUERY_CHARS) {
        Some((cut, _)) => &text[..cut],
        None => text,
    }
}

/// Reads a query. Never fails.
pub fn parse(text: &str) -> ParsedQuery {
    let text = clip(text);
    let mut query = ParsedQuery::default();
    let mut join_next = false;
    for token in tokens(text).into_iter().take(MAX_ITEMS) {
        if token.item == Item::Word("OR".into()) && token.field.is_none() && !token.negated {
            join_next = !query.groups.is_empty();
            continue;
        }
        let joined = std::mem::take(&mut join_next);
        add_token(&mut query, token, joined);
    }
    if query.groups.is_empty() && query.required.is_empty() {
        // Nothing left to search for: `-word` alone was meant as a word.
        query.groups = query.excluded.drain(..).map(|item| vec![item]).collect();
    }
    query
}

fn add_token(query: &mut ParsedQuery, token: Token<'_>, joined: bool) {
    if let Some(field) = token.field
        && apply_field(query, field, &token)
    {
        return;
    }
    let plain = match token.field {
        Some(field) => vec![Item::Word(field.to_string()), token.item],
        None => vec![token.item],
    };
    for item in plain {
        if token.negated {
            query.excluded.push(item);
        } else if joined && let Some(last) = query.groups.last_mut() {
            last.push(item);
        } else {
            query.groups.push(vec![item]);
        }
    }
}

/// Applies a `field:value` operator; `false` if it is not a valid one.
fn apply_field(query: &mut ParsedQuery, field: &str, token: &Token<'_>) -> bool {
    let value = token.item.text().trim();
    if value.is_empty() || token.negated && !matches!(field, "title" | "heading") {
        return false;
    }
    let filters = &mut query.filters;
    match field.to_ascii_lowercase().as_str() {
        "title" | "heading" => {
            let scope = if field.eq_ignore_ascii_case("title") {
                Scope::Title
            } else {
                Scope::Heading
            };
            if token.negated {
                query.excluded.push(token.item.clone());
            } else {
                query.required.push((scope, token.item.clone()));
            }
        }
        "tag" | "tags" => filters.tags.push(value.to_lowercase()),
        "author" | "by" => filters.authors.push(value.to_string()),
        "evidence" => match crate::search::request::check_evidence(vec![value.to_string()]) {
            Ok(mut names) => filters.evidence.append(&mut names),
            Err(_) => return false,
        },
        "year" | "date" => match year_range(value) {
            Some((since, until)) => {
                filters.since = since.or(filters.since);
                filters.until = until.or(filters.until);
            }
            None => return false,
        },
        _ => return false,
    }
    true
}

/// `2021`, `2019..2021`, `>=2020`, `>2019`, `<2015`, `<=2015`.
fn year_range(value: &str) -> Option<(Option<Date>, Option<Date>)> {
    let year = |text: &str| {
        text.trim()
            .parse::<u16>()
            .ok()
            .filter(|y| (1000..=9999).contains(y))
    };
    let start = |y: u16| Date::new(y, 1, 1);
    let end = |y: u16| Date::new(y, 12, 31);
    if let Some((from, to)) = value.split_once("..") {
        let (from, to) = (year(from)?, year(to)?);
        return (from <= to).then(|| (start(from), end(to)));
    }
    if let Some(rest) = value.strip_prefix(">=") {
        return Some((start(year(rest)?), None));
    }
    if let Some(rest) = value.strip_prefix('>') {
        return Some((start(year(rest)?.checked_add(1)?), None));
    }
    if let Some(rest) = value.strip_prefix("<=") {
        return Some((None, end(year(rest)?)));
    }
    if let Some(rest) = value.strip_prefix('<') {
        return Some((None, end(year(rest)?.checked_sub(1)?)));
    }
    let single = year(value)?;
    Some((start(single), end(single)))
}

/// Splits the text into words and phrases with their `-` and `field:` prefixes.
fn tokens(text: &str) -> Vec<Token<'_>> {
    let mut tokens = Vec::new();
    let mut rest = text.trim_start();
    while !rest.is_empty() {
        let (token, after) = next_token(rest);
        if let Some(token) = token {
            tokens.push(token);
        }
        rest = after.trim_start();
    }
    tokens
}

fn next_token(text: &str) -> (Option<Token<'_>>, &str) {
    let (negated, text) = match text.strip_prefix('-') {
        Some(rest) if rest.starts_with(|c: char| !c.is_whitespace() && c != '-') => (true, rest),
        Some(rest) => return (None, rest),
        None => (false, text),
    };
    if let Some((phrase, after)) = quoted(text) {
        return (
            Some(Token {
                negated,
                field: None,
                item: Item::Phrase(phrase.to_string()),
            }),
            after,
        );
    }
    let end = text.find(char::is_whitespace).unwrap_or(text.len());
    let word = &text[..end];
    if let Some((field, value)) = word.split_once(':').filter(|(f, _)| is_field_name(f)) {
        let value_start = field.len() + 1;
        if let Some((phrase, after)) = quoted(&text[value_start..]) {
            let item = Item::Phrase(phrase.to_string());
            return (
                Some(Token {
                    negated,
                    field: Some(field),
                    item,
                }),
                after,
            );
        }
        let item = Item::Word(value.to_string());
        return (
            Some(Token {
                negated,
                field: Some(field),
                item,
            }),
            &text[end..],
        );
    }
    let item = Item::Word(word.to_string());
    (
        Some(Token {
            negated,
            field: None,
            item,
        }),
        &text[end..],
    )
}

fn is_field_name(name: &str) -> bool {
    !name.is_empty() && name.len() <= 12 && name.chars().all(|c| c.is_ascii_alphabetic())
}

/// A phrase in straight or curly double quotes at the start of `text`; an
/// unclosed quote runs to the end.
fn quoted(text: &str) -> Option<(&str, &str)> {
    let open = text
        .chars()
        .next()
        .filter(|c| matches!(c, '"' | '“' | '”'))?;
    let inner = &text[open.len_utf8()..];
    match inner.find(['"', '“', '”']) {
        Some(close) => {
            let quote_len = inner[close..].chars().next().map_or(1, char::len_utf8);
            Some((&inner[..close], &inner[close + quote_len..]))
        }
        None => Some((inner, "")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(items: &[&str]) -> Vec<Vec<Item>> {
        items
            .iter()
            .map(|w| vec![Item::Word(w.to_string())])
            .collect()
    }

    #[test]
    fn plain_words_and_phrases() {
        let q = parse("leaky gut \"skin barrier\" probiotics");
        assert_eq!(q.groups.len(), 4);
        assert_eq!(q.groups[2], vec![Item::Phrase("skin barrier".into())]);
        assert_eq!(
            parse("acne \"dairy intake").groups[1],
            vec![Item::Phrase("dairy intake".into())]
        );
    }

    #[test]
    fn operators_are_recognised() {
        let q = parse(
            "eczema -steroids -\"wet wraps\" title:probiotics tag:Skin author:Osei year:2019..2021",
        );
        assert_eq!(q.groups, words(&["eczema"]));
        assert_eq!(
            q.excluded,
            vec![
                Item::Word("steroids".into()),
                Item::Phrase("wet wraps".into())
            ]
        );
        assert_eq!(
            q.required,
            vec![(Scope::Title, Item::Word("probiotics".into()))]
        );
        assert_eq!(q.filters.tags, ["skin"]);
        assert_eq!(q.filters.authors, ["Osei"]);
        assert_eq!(q.filters.since.unwrap().to_string(), "2019-01-01");
        assert_eq!(q.filters.until.unwrap().to_string(), "2021-12-31");
    }

    #[test]
    fn or_joins_neighbours() {
        let q = parse("eczema OR dermatitis itch");
        assert_eq!(
            q.groups[0],
            vec![Item::Word("eczema".into()), Item::Word("dermatitis".into())]
        );
        assert_eq!(q.groups[1], vec![Item::Word("itch".into())]);
        assert_eq!(parse("OR acne OR").groups, words(&["acne"]));
    }

    #[test]
    fn mistyped_operators_degrade_to_words() {
        let cases: [(&str, &[&str]); 6] = [
            ("year:soon", &["year", "soon"]),
            ("foo:bar", &["foo", "bar"]),
            ("title:", &["title", ""]),
            ("- acne", &["acne"]),
            ("covid-19", &["covid-19"]),
            ("http://x.org", &["http", "//x.org"]),
        ];
        for (text, expected) in cases {
            let parsed = parse(text);
            let got: Vec<&str> = parsed
                .groups
                .iter()
                .flatten()
                .map(Item::text)
                .filter(|w| !w.is_empty())
                .collect();
            let expected: Vec<&str> = expected.iter().copied().filter(|w| !w.is_empty()).collect();
            assert_eq!(got, expected, "{text}");
        }
        let q = parse("year:1999..1990 -");
        assert!(q.filters.is_empty());
        let q = parse("-probiotics");
        assert_eq!(q.groups, words(&["probiotics"]));
        assert!(q.excluded.is_empty());
    }

    #[test]
    fn year_forms() {
        let cases = [
            ("2021", Some("2021-01-01"), Some("2021-12-31")),
            (">=2020", Some("2020-01-01"), None),
            (">2019", Some("2020-01-01"), None),
            ("<2015", None, Some("2014-12-31")),
            ("<=2015", None, Some("2015-12-31")),
        ];
        for (value, since, until) in cases {
            let (s, u) = year_range(value).unwrap();
            assert_eq!(s.map(|d| d.to_string()).as_deref(), since, "{value}");
            assert_eq!(u.map(|d| d.to_string()).as_deref(), until, "{value}");
        }
        assert!(year_range("99").is_none());
    }

    #[test]
    fn hostile_text_is_bounded() {
        let long = "(".repeat(10_000) + &"\"".repeat(5_000);
        let q = parse(&long);
        assert!(q.groups.len() <= MAX_ITEMS);
        let controls: String = (0u8..32).map(char::from).collect();
        parse(&controls);
        parse("-\"");
        parse("title:\"");
    }
}
