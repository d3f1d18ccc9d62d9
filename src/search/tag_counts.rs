//! Tag counts in articles, not sections: a collector that, for every matching
//! section, notes its article (the `article` fast field) under each of its tags,
//! and counts the distinct articles per tag. Every section of an article repeats the
//! article's tags, so counting sections would make a long article with many
//! matching sections look like many articles (a reader filtering by "gut" and
//! finding 3 articles after a chip said 14 is what this fixes). The same counts,
//! over all sections, are the site's main tags ([`super::Engine::tags`]).

use rustc_hash::{FxHashMap, FxHashSet};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::fastfield::FacetReader;
use tantivy::schema::Facet;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

use super::TagCount;

/// Counts, per tag of the `tags` facet field, the distinct articles among the
/// collected sections.
pub(super) struct ArticlesPerTag;

/// The articles seen under each tag, by tag name (each article once per segment).
pub(super) type TagArticles = FxHashMap<String, Vec<u64>>;

impl Collector for ArticlesPerTag {
    type Fruit = TagArticles;
    type Child = SegmentArticlesPerTag;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentArticlesPerTag> {
        Ok(SegmentArticlesPerTag {
            tags: reader.facet_reader("tags")?,
            articles: reader.fast_fields().u64("article")?,
            sections: FxHashMap::default(),
            last: None,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    /// One segment's lists as they are; several are joined, an article found in
    /// more than one segment (an update not yet merged away) counted once.
    fn merge_fruits(&self, mut segments: Vec<TagArticles>) -> tantivy::Result<TagArticles> {
        if segments.len() <= 1 {
            return Ok(segments.pop().unwrap_or_default());
        }
        let mut merged: FxHashMap<String, FxHashSet<u64>> = FxHashMap::default();
        for segment in segments {
            for (tag, articles) in segment {
                merged.entry(tag).or_default().extend(articles);
            }
        }
        Ok(merged
            .into_iter()
            .map(|(tag, articles)| (tag, articles.into_iter().collect()))
            .collect())
    }
}

/// [`ArticlesPerTag`] over one segment: each matching article once, with one of its
/// sections (they all carry the article's tags), read for its tags at the end.
pub(super) struct SegmentArticlesPerTag {
    tags: FacetReader,
    articles: Column<u64>,
    /// A matching section of each matching article.
    sections: FxHashMap<u64, DocId>,
    /// The article of the last section collected: an article's sections mostly
    /// sit side by side, so most sections need no lookup.
    last: Option<u64>,
}

impl SegmentCollector for SegmentArticlesPerTag {
    type Fruit = TagArticles;

    fn collect(&mut self, doc: DocId, _: Score) {
        let Some(article) = self.articles.first(doc) else {
            return;
        };
        if self.last != Some(article) {
            self.last = Some(article);
            self.sections.entry(article).or_insert(doc);
        }
    }

    fn harvest(self) -> TagArticles {
        let mut by_ord: FxHashMap<u64, Vec<u64>> = FxHashMap::default();
        for (&article, &doc) in &self.sections {
            for ord in self.tags.facet_ords(doc) {
                by_ord.entry(ord).or_default().push(article);
            }
        }
        let mut facet = Facet::root();
        by_ord
            .into_iter()
            .filter_map(|(ord, articles)| {
                self.tags.facet_from_ord(ord, &mut facet).ok()?;
                Some((facet.to_path().join("/"), articles))
            })
            .collect()
    }
}

/// The counts, most articles first, then by name; at most `limit`.
pub(super) fn ranked(counted: TagArticles, limit: usize) -> Vec<TagCount> {
    let mut all: Vec<TagCount> = counted
        .into_iter()
        .map(|(tag, articles)| TagCount {
            tag,
            count: articles.len() as u64,
        })
        .collect();
    all.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.tag.cmp(&b.tag)));
    all.truncate(limit);
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_ranked_by_articles_then_name_and_cut_to_the_limit() {
        let counted: TagArticles = [
            ("skin", vec![1, 2]),
            ("gut", vec![1, 2, 3]),
            ("acne", vec![4, 5]),
            ("diet", vec![6]),
        ]
        .into_iter()
        .map(|(tag, articles)| (tag.to_string(), articles))
        .collect();
        let ranked = ranked(counted, 3);
        let pairs: Vec<(&str, u64)> = ranked.iter().map(|t| (t.tag.as_str(), t.count)).collect();
        assert_eq!(pairs, [("gut", 3), ("acne", 2), ("skin", 2)]);
    }

    #[test]
    fn an_article_in_two_segments_counts_once() {
        let segment = |pairs: &[(&str, &[u64])]| -> TagArticles {
            pairs
                .iter()
                .map(|(tag, articles)| (tag.to_string(), articles.to_vec()))
                .collect()
        };
        let merged = ArticlesPerTag
            .merge_fruits(vec![
                segment(&[("gut", &[1, 2]), ("skin", &[2])]),
                segment(&[("gut", &[2, 3])]),
            ])
            .unwrap();
        let counts = ranked(merged, 10);
        let pairs: Vec<(&str, u64)> = counts.iter().map(|t| (t.tag.as_str(), t.count)).collect();
        assert_eq!(pairs, [("gut", 3), ("skin", 1)]);
    }
}
