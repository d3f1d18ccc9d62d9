//! Tag counts in articles, not sections: a collector that, for every matching
//! section, notes its article (the `article` fast field) under each of its tags,
//! and counts the distinct articles per tag. Every section of an article repeats the
//! article's tags, so counting sections would make a long article with many
//! matching sections look like many articles (a reader filtering by "gut" and
//! finding 3 articles after a chip said 14 is what this fixes). The same counts,
//! over all sections, are the site's main tags ([`super::Engine::tags`]).

use std::collections::{HashMap, HashSet};

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::fastfield::FacetReader;
use tantivy::schema::Facet;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

use super::TagCount;

/// Counts, per tag of the `tags` facet field, the distinct articles among the
/// collected sections.
pub(super) struct ArticlesPerTag;

/// The articles seen under each tag, by tag name.
pub(super) type TagArticles = HashMap<String, HashSet<u64>>;

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
            seen: HashMap::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, segments: Vec<TagArticles>) -> tantivy::Result<TagArticles> {
        let mut merged = TagArticles::new();
        for segment in segments {
            for (tag, articles) in segment {
                merged.entry(tag).or_default().extend(articles);
            }
        }
        Ok(merged)
    }
}

/// [`ArticlesPerTag`] over one segment, by the segment's tag ordinals.
pub(super) struct SegmentArticlesPerTag {
    tags: FacetReader,
    articles: Column<u64>,
    seen: HashMap<u64, HashSet<u64>>,
}

impl SegmentCollector for SegmentArticlesPerTag {
    type Fruit = TagArticles;

    fn collect(&mut self, doc: DocId, _: Score) {
        let Some(article) = self.articles.first(doc) else {
            return;
        };
        for ord in self.tags.facet_ords(doc) {
            self.seen.entry(ord).or_default().insert(article);
        }
    }

    fn harvest(self) -> TagArticles {
        let mut facet = Facet::root();
        self.seen
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
        .map(|(tag, articles)| (tag.to_string(), articles.into_iter().collect()))
        .collect();
        let ranked = ranked(counted, 3);
        let pairs: Vec<(&str, u64)> = ranked.iter().map(|t| (t.tag.as_str(), t.count)).collect();
        assert_eq!(pairs, [("gut", 3), ("acne", 2), ("skin", 2)]);
    }
}
