//! The body of `PUT /NAME`: analyzers that turn text into the words healthdex's
//! own analyzers make ([`crate::text`]), healthdex's synonym table as a search-time
//! filter, and a mapping for every field of a [`SectionRecord`](super::SectionRecord).
//!
//! | healthdex (`text/mod.rs`)            | OpenSearch                                    |
//! |--------------------------------------|-----------------------------------------------|
//! | `SimpleTokenizer` (runs of `char::is_alphanumeric`) | `pattern` tokenizer splitting on `[^\p{IsAlphabetic}\p{N}]+` |
//! | `RemoveLongFilter::limit(40)` (bytes) | `length` filter, `max` 39 (UTF-16 units)     |
//! | `LowerCaser`, `AsciiFoldingFilter`   | `lowercase`, `asciifolding`                   |
//! | `StopWordFilter` over [`STOP_WORDS`] | `stop` with the same list                     |
//! | Porter2 (`frostem` English)          | `snowball`, language `English`                |
//!
//! Field weights are not in the mappings: they belong to a query (see `query.rs`),
//! as in healthdex, where `healthdex.toml` changes them without reindexing.

use std::collections::{HashMap, HashSet};

use serde_json::{Value, json};

use super::{ENGLISH, ENGLISH_SEARCH, GAP, NAMES, STEMS};
use crate::search::Synonyms;
use crate::text::STOP_WORDS;

/// Longest token kept, in characters: healthdex keeps tokens under 40 bytes.
const MAX_TOKEN_CHARS: usize = 39;
/// Longest keyword value indexed: Lucene's limit of 32,766 bytes per term, at four
/// bytes a character.
const MAX_KEYWORD_CHARS: usize = 8191;
/// Splits text where healthdex's tokenizer does: at every character that is
/// neither alphabetic nor numeric (Rust's `char::is_alphanumeric`).
const WORD_SEPARATORS: &str = r"[^\p{IsAlphabetic}\p{N}]+";

/// The settings and mappings to create the index with.
pub fn index_body(synonyms: &Synonyms) -> Value {
    json!({
        "settings": {"analysis": analyzers(synonyms)},
        "mappings": mappings(),
    })
}

/// The `analysis` settings: tokenizer, filters and the four analyzers.
///
/// The order of the search analyzer's filters matters because OpenSearch parses
/// each synonym rule with the tokenizer and the filters that come before the
/// synonym filter. It sits after folding and before the stop filter and the
/// stemmer, so:
/// - rules are read as lower-cased, folded words, as healthdex looks synonyms up;
///   after the stemmer they would match by stem, which healthdex avoids on
///   purpose ("test" would meet "testes");
/// - a rule holding a stop word ("blood clot in the lung") reads without a gap;
///   after the stop filter its words would come with position gaps, which the rule
///   parser rejects (or skips, when `lenient`), as far as the documentation says;
/// - what the filter puts out (the reader's words and the synonyms) is then
///   stop-filtered and stemmed like the indexed text, so it meets the index's stems.
///
/// The cost: a synonym it puts out that holds a stop word loses that word to the
/// stop filter, which the Elasticsearch documentation warns can keep it from
/// matching as a phrase (70 or so built-in terms). The bodies of `query.rs` do not
/// use this analyzer; they carry healthdex's synonyms already.
pub fn analyzers(synonyms: &Synonyms) -> Value {
    let rules = synonym_rules(synonyms);
    let base = ["healthdex_long", "lowercase", "asciifolding"];
    let prose: Vec<&str> = base
        .iter()
        .copied()
        .chain(["healthdex_stop", "healthdex_stem"])
        .collect();
    let mut search: Vec<&str> = base.to_vec();
    if !rules.is_empty() {
        search.push("healthdex_synonyms");
    }
    search.extend(["healthdex_stop", "healthdex_stem"]);
    let mut filters = json!({
        "healthdex_long": {"type": "length", "max": MAX_TOKEN_CHARS},
        "healthdex_stop": {"type": "stop", "stopwords": STOP_WORDS, "ignore_case": false},
        "healthdex_stem": {"type": "snowball", "language": "English"},
        "healthdex_gap": {"type": "stop", "stopwords": [GAP]},
    });
    if !rules.is_empty() {
        filters["healthdex_synonyms"] =
            json!({"type": "synonym_graph", "synonyms": rules, "expand": true, "lenient": false});
    }
    json!({
        "tokenizer": {
            "healthdex_words": {"type": "pattern", "pattern": WORD_SEPARATORS},
        },
        "filter": filters,
        "analyzer": {
            ENGLISH: {"type": "custom", "tokenizer": "healthdex_words", "filter": prose},
            ENGLISH_SEARCH: {"type": "custom", "tokenizer": "healthdex_words", "filter": search},
            NAMES: {"type": "custom", "tokenizer": "healthdex_words", "filter": base},
            STEMS: {"type": "custom", "tokenizer": "whitespace", "filter": ["healthdex_gap"]},
        },
    })
}

/// A mapping for every field of a record; `dynamic: strict`, so a record with a
/// field the mappings lack is refused rather than guessed at. Fields healthdex
/// searches are analyzed as it analyzes them (positions only where it matches
/// phrases: title, heading, body); what it only shows is stored, not indexed.
pub fn mappings() -> Value {
    let prose = |positions: bool| {
        let mut field =
            json!({"type": "text", "analyzer": ENGLISH, "search_analyzer": ENGLISH_SEARCH});
        if !positions {
            field["index_options"] = json!("freqs");
        }
        field
    };
    let names = json!({"type": "text", "analyzer": NAMES, "index_options": "freqs"});
    let keyword = json!({"type": "keyword", "ignore_above": MAX_KEYWORD_CHARS});
    let shown = json!({"type": "text", "index": false});
    json!({
        "dynamic": "strict",
        "properties": {
            "id": keyword,
            "path": keyword,
            "url": keyword,
            "anchor": keyword,
            "ordinal": {"type": "integer"},
            "title": prose(true),
            "heading": prose(true),
            "parents": prose(false),
            "breadcrumbs": shown,
            "body": prose(true),
            "tags": keyword,
            "authors": names,
            "date": {"type": "date", "format": "strict_date"},
            "updated": {"type": "date", "format": "strict_date", "index": false},
            "description": shown,
            "reviewers": shown,
            "reviewed": {"type": "date", "format": "strict_date", "index": false},
            "citations": {
                "properties": {
                    "raw": prose(false),
                    "authors": names,
                    "year": {"type": "short"},
                    "title": shown,
                    "container": shown,
                    "volume": shown,
                    "issue": shown,
                    "pages": shown,
                    "doi": keyword,
                    "pmid": keyword,
                    "pmcid": keyword,
                    "url": keyword,
                },
            },
            "sources": {
                "properties": {
                    "authors": shown,
                    "year": {"type": "short"},
                    "title": shown,
                    "container": shown,
                    "doi": keyword,
                    "pmid": keyword,
                    "url": keyword,
                    "evidence": keyword,
                },
            },
            "evidence": keyword,
        },
    })
}

/// healthdex's synonym table as Solr-format rules: a group whose terms all expand
/// to each other is one line of equivalents (`a, b, c`); any other term gets an
/// explicit rule that keeps the reader's words, as healthdex does
/// (`a => a, b`). Each term expands to what healthdex searches for it (at most
/// [`MAX_EXPANSIONS`](crate::search::understand::MAX_EXPANSIONS) alternatives).
pub fn synonym_rules(synonyms: &Synonyms) -> Vec<String> {
    let entries = synonyms.entries();
    let expands_to: HashMap<&str, HashSet<&str>> = entries
        .iter()
        .map(|(term, alternatives)| (*term, alternatives.iter().copied().collect()))
        .collect();
    let mut written: HashSet<&str> = HashSet::new();
    let mut rules = Vec::new();
    for (term, alternatives) in &entries {
        if written.contains(term) {
            continue;
        }
        let group: Vec<&str> = std::iter::once(*term)
            .chain(alternatives.iter().copied())
            .collect();
        let listed = group
            .iter()
            .map(|t| escape(t))
            .collect::<Vec<_>>()
            .join(", ");
        if is_closed_group(&group, &expands_to) {
            written.extend(group.iter().copied());
            rules.push(listed);
        } else {
            written.insert(term);
            rules.push(format!("{} => {listed}", escape(term)));
        }
    }
    rules
}

/// Whether every term of `group` expands to exactly the others.
fn is_closed_group(group: &[&str], expands_to: &HashMap<&str, HashSet<&str>>) -> bool {
    group.iter().all(|term| {
        let others: HashSet<&str> = group.iter().copied().filter(|t| t != term).collect();
        expands_to.get(term) == Some(&others)
    })
}

/// A term as a Solr rule writes it: `,` and `=` (of `=>`) separate terms, `#`
/// opens a comment, `\` escapes; each is escaped.
fn escape(term: &str) -> String {
    let mut out = String::with_capacity(term.len());
    for c in term.chars() {
        if matches!(c, '\\' | ',' | '=' | '#') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_become_equivalents_and_one_way_entries_keep_the_readers_words() {
        let synonyms = Synonyms::from_list(
            "heart attack | myocardial infarction\nleaky gut => intestinal permeability\nhives, urticaria\n",
        )
        .unwrap();
        assert_eq!(
            synonym_rules(&synonyms),
            [
                "heart attack, myocardial infarction",
                "leaky gut => leaky gut, intestinal permeability",
                "hives, urticaria",
            ]
        );
    }

    #[test]
    fn merged_tables_that_are_no_longer_groups_become_explicit_rules() {
        let mut synonyms = Synonyms::from_list("a1 | b1\n").unwrap();
        synonyms.merge(Synonyms::from_list("a1 | c1\n").unwrap());
        assert_eq!(
            synonym_rules(&synonyms),
            ["a1 => a1, b1, c1", "b1 => b1, a1", "c1 => c1, a1"]
        );
    }

    #[test]
    fn separators_inside_terms_are_escaped() {
        let synonyms =
            Synonyms::from_mesh_tsv("D1\tEczema, Atopic\tAtopic Eczema|a=>b #1\n").unwrap();
        let rules = synonym_rules(&synonyms);
        assert_eq!(rules, [r"eczema\, atopic, atopic eczema, a\=>b \#1"]);
    }

    #[test]
    fn an_empty_table_leaves_the_synonym_filter_out() {
        let analysis = analyzers(&Synonyms::default());
        assert!(analysis["filter"].get("healthdex_synonyms").is_none());
        assert_eq!(
            analysis["analyzer"][ENGLISH_SEARCH]["filter"],
            analysis["analyzer"][ENGLISH]["filter"]
        );
    }
}
