//! Article → tantivy documents, one per section. Article-level values are copied
//! onto every section; the section's citations go into its `references` field, and
//! the works its text cites ([`Section::cites`]) into `sources` (stored, for hits)
//! and `evidence` (their kinds, as facets to filter and count by).
//! The choices of what a section carries ([`indexed_date`], [`parent_headings`])
//! are shared with the portable records of [`crate::export`].

use std::hash::BuildHasher;

use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;
use tantivy::schema::Facet;
use tantivy::{DateTime, TantivyDocument};

use super::schema::{DATE_LIMIT_SECONDS, Fields, article_key};
use crate::article::names::names;
use crate::article::{Article, Date, Meta, Section};
use crate::refs;

/// The documents for every section of an article, in order.
pub fn section_documents<'a>(
    fields: &'a Fields,
    article: &'a Article,
) -> impl Iterator<Item = TantivyDocument> + 'a {
    let names = name_keys(article);
    article
        .sections
        .iter()
        .map(move |section| section_document(fields, article, &names, section))
}

/// The article's names as the keys a query's focus is looked up by, each once.
/// One analyzer per indexing thread.
pub(crate) fn name_keys(article: &Article) -> Vec<String> {
    thread_local! {
        static ANALYZER: std::cell::RefCell<crate::text::Analyzer> =
            std::cell::RefCell::new(crate::text::Analyzer::new());
    }
    ANALYZER.with_borrow_mut(|analyzer| {
        let mut keys: Vec<String> = Vec::new();
        for name in names(article) {
            if let Some(key) = analyzer.name_key(&name)
                && !keys.contains(&key)
            {
                keys.push(key);
            }
        }
        keys
    })
}

/// The distinct words of `texts` as the `spell` field's analyzer gives them, joined
/// by spaces: the field keeps only which sections hold a word, so each word need
/// be indexed once a section, and the index is the same. Indexing every body word
/// a second time for this field was a fifth of all indexing instructions. `None`
/// (index the texts themselves) when a word would not come out of the joined text
/// as itself: one that is not plain ASCII letters and digits after folding, or is
/// as long as the analyzer's limit.
fn vocabulary_words(texts: &[&str]) -> Option<String> {
    thread_local! {
        static SEEN: std::cell::RefCell<(crate::text::Analyzer, HashTable<(u32, u32)>)> =
            std::cell::RefCell::new(Default::default());
    }
    let hash = |word: &str| FxBuildHasher.hash_one(word);
    SEEN.with_borrow_mut(|(analyzer, seen)| {
        // The words seen are ranges of `words`: no allocation a word.
        seen.clear();
        let mut words = String::new();
        for text in texts {
            let mut stream = analyzer.plain().token_stream(text);
            while stream.advance() {
                let word = stream.token().text.as_str();
                let word_hash = hash(word);
                let range = |&(start, len): &(u32, u32)| start as usize..(start + len) as usize;
                if seen.find(word_hash, |r| &words[range(r)] == word).is_some() {
                    continue;
                }
                let plain = word.len() < crate::text::MAX_TOKEN_BYTES
                    && word.bytes().all(|b| b.is_ascii_alphanumeric());
                if !plain {
                    return None;
                }
                if !words.is_empty() {
                    words.push(' ');
                }
                let at = (words.len() as u32, word.len() as u32);
                words.push_str(word);
                seen.insert_unique(word_hash, at, |r| hash(&words[range(r)]));
            }
        }
        Some(words)
    })
}

fn section_document(
    fields: &Fields,
    article: &Article,
    names: &[String],
    section: &Section,
) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_text(fields.path, &article.path);
    doc.add_u64(fields.article, article_key(&article.path));
    doc.add_text(fields.url, &article.url);
    doc.add_text(fields.anchor, &section.anchor);
    doc.add_u64(fields.ordinal, u64::from(section.ordinal));
    doc.add_text(fields.title, &article.title);
    doc.add_text(fields.heading, &section.heading);
    for parent in parent_headings(section) {
        doc.add_text(fields.parents, parent);
    }
    doc.add_text(fields.body, &section.text);
    let spelled = [&article.title, &section.heading, &section.text];
    match vocabulary_words(&spelled.map(String::as_str)) {
        Some(words) => doc.add_text(fields.spell, words),
        None => {
            for text in spelled {
                doc.add_text(fields.spell, text);
            }
        }
    }
    for text in [&article.title, &section.heading] {
        doc.add_text(fields.suggest, text);
    }
    for key in names {
        doc.add_text(fields.names, key);
    }
    for reference in &section.references {
        doc.add_text(fields.references, &reference.raw);
    }
    // Lower-cased, as tag filters are (and as site generators list taxonomy terms):
    // a front-matter `Skin` is found by `tag:skin` and `--tag Skin` alike.
    for tag in &article.meta.tags {
        doc.add_facet(fields.tags, Facet::from_path([tag.to_lowercase()]));
    }
    let sources = refs::cited_sources(article, section);
    if !sources.is_empty() {
        for kind in refs::evidence_kinds(&sources) {
            doc.add_facet(fields.evidence, Facet::from_path([kind]));
        }
        doc.add_text(
            fields.sources,
            serde_json::to_string(&sources).unwrap_or_default(),
        );
    }
    for author in &article.meta.authors {
        doc.add_text(fields.authors, author);
    }
    add_shown_meta(fields, &article.meta, &mut doc);
    if let Some(date) = indexed_date(&article.meta) {
        doc.add_date(
            fields.date,
            DateTime::from_timestamp_secs(date.unix_seconds()),
        );
    }
    doc
}

/// What a hit shows about the article and does not search: when it was updated,
/// its description, and who reviewed it when (each left out when absent).
fn add_shown_meta(fields: &Fields, meta: &Meta, doc: &mut TantivyDocument) {
    if let Some(updated) = meta.updated {
        doc.add_text(fields.updated, updated.to_string());
    }
    if let Some(description) = shown_description(meta) {
        doc.add_text(fields.description, description);
    }
    for reviewer in &meta.reviewers {
        doc.add_text(fields.reviewers, reviewer);
    }
    if let Some(reviewed) = meta.reviewed {
        doc.add_text(fields.reviewed, reviewed.to_string());
    }
}

/// The front matter description, trimmed; `None` when it is missing or blank.
pub(crate) fn shown_description(meta: &Meta) -> Option<&str> {
    meta.description
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
}

/// The day an article is indexed under: its `date`, else `updated`. tantivy keeps
/// dates as i64 nanoseconds (1677-09-21 to 2262-04-11); a date beyond overflowed (a
/// panic with overflow checks, a wrong date without: found by fuzzing), so such an
/// article is indexed as undated.
pub(crate) fn indexed_date(meta: &Meta) -> Option<Date> {
    meta.date
        .or(meta.updated)
        .filter(|d| d.unix_seconds().abs() <= DATE_LIMIT_SECONDS)
}

/// The breadcrumbs between the article title and the section's own heading.
pub(crate) fn parent_headings(section: &Section) -> &[String] {
    let crumbs = &section.breadcrumbs;
    let end = if section.heading.is_empty() {
        crumbs.len()
    } else {
        crumbs.len().saturating_sub(1)
    };
    crumbs.get(1..end).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::text::Analyzer;

    fn distinct(texts: &[&str]) -> BTreeSet<String> {
        let mut analyzer = Analyzer::new();
        texts
            .iter()
            .flat_map(|text| analyzer.names(text))
            .map(|(_, word)| word)
            .collect()
    }

    #[test]
    fn the_spell_words_are_each_distinct_word_once_and_analyze_to_the_same_set() {
        let texts = [
            "Leaky gut",
            "What is leaky gut?",
            "The gut lining, the GUT barrier and the gut–skin axis; Gut 2019.",
        ];
        let words = vocabulary_words(&texts).expect("plain words");
        let listed: Vec<&str> = words.split(' ').collect();
        let unique: BTreeSet<&str> = listed.iter().copied().collect();
        assert_eq!(listed.len(), unique.len(), "{words}");
        assert_eq!(distinct(&[&words]), distinct(&texts));
        assert!(
            listed.contains(&"gut") && listed.contains(&"2019"),
            "{words}"
        );
    }

    #[test]
    fn a_word_that_would_not_analyze_back_to_itself_keeps_the_texts() {
        // "½" is a number to the splitter and folds to "1/2": joined, it would split.
        assert_eq!(vocabulary_words(&["Take ½ a tablet"]), None);
        assert_eq!(
            vocabulary_words(&["Crème brûlée"]).as_deref(),
            Some("creme brulee")
        );
        assert_eq!(vocabulary_words(&["", "  "]).as_deref(), Some(""));
    }
}
