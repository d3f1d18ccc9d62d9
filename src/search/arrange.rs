//! Arranging ranked sections into a page, as pure functions over anything that
//! knows its article: sections with text before those that are only a heading or
//! a reference list, the per-article cap on the first page, and grouping per
//! article. No index is needed to test them.

use std::collections::{HashMap, HashSet};

/// A ranked item that belongs to an article.
pub trait OfArticle {
    /// The article's key.
    fn article(&self) -> u64;
    /// Whether it has text of its own to answer with (not only a heading, or only
    /// a list of references).
    fn answers(&self) -> bool {
        true
    }
}

/// The items with text of their own in rank order, then the others in rank order:
/// a heading with nothing under it, or a reference list, is not an answer, but it
/// stays findable (a search for "references" still lists them).
pub fn answers_first<T: OfArticle>(ranked: Vec<T>) -> Vec<T> {
    let (mut answers, rest): (Vec<T>, Vec<T>) = ranked.into_iter().partition(T::answers);
    answers.extend(rest);
    answers
}

/// Fills the first `first_page` ranks with at most `cap` items of any one article
/// but the `exempt` ones (the articles the query names), taking the best items
/// that fit; the items passed over follow in rank order with the rest. A `cap` of
/// 0 leaves the order as it is.
pub fn cap_per_article<T: OfArticle>(
    ranked: Vec<T>,
    cap: usize,
    first_page: usize,
    exempt: &HashSet<u64>,
) -> Vec<T> {
    if cap == 0 {
        return ranked;
    }
    let mut seen: HashMap<u64, usize> = HashMap::new();
    let mut taken = vec![false; ranked.len()];
    let mut on_page = 0;
    for (i, item) in ranked.iter().enumerate() {
        if on_page == first_page {
            break;
        }
        let count = seen.entry(item.article()).or_default();
        if *count < cap || exempt.contains(&item.article()) {
            *count += 1;
            taken[i] = true;
            on_page += 1;
        }
    }
    let (mut page, mut rest) = (Vec::new(), Vec::new());
    for (item, taken) in ranked.into_iter().zip(taken) {
        match taken {
            true => page.push(item),
            false => rest.push(item),
        }
    }
    page.extend(rest);
    page
}

/// Groups ranked items per article, articles in the order of their best item, each
/// with at most `per_group` items in rank order.
pub fn group_by_article<T: OfArticle>(ranked: Vec<T>, per_group: usize) -> Vec<Vec<T>> {
    let mut index: HashMap<u64, usize> = HashMap::new();
    let mut groups: Vec<Vec<T>> = Vec::new();
    for item in ranked {
        let slot = *index.entry(item.article()).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        if groups[slot].len() < per_group {
            groups[slot].push(item);
        }
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (article, rank) pairs.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    struct Item(u64, usize);

    impl OfArticle for Item {
        fn article(&self) -> u64 {
            self.0
        }
    }

    /// A rank and whether the item has text.
    struct Text(usize, bool);

    impl OfArticle for Text {
        fn article(&self) -> u64 {
            0
        }

        fn answers(&self) -> bool {
            self.1
        }
    }

    #[test]
    fn headings_and_reference_lists_follow_every_section_with_text() {
        let ranked = vec![Text(0, false), Text(1, true), Text(2, false), Text(3, true)];
        let order: Vec<usize> = answers_first(ranked).iter().map(|t| t.0).collect();
        assert_eq!(order, [1, 3, 0, 2]);
        let none: Vec<usize> = answers_first(vec![Text(0, false), Text(1, false)])
            .iter()
            .map(|t| t.0)
            .collect();
        assert_eq!(none, [0, 1], "with nothing else they keep their order");
    }

    fn ranked(articles: &[u64]) -> Vec<Item> {
        articles
            .iter()
            .enumerate()
            .map(|(i, &a)| Item(a, i))
            .collect()
    }

    fn ranks(items: &[Item]) -> Vec<usize> {
        items.iter().map(|i| i.1).collect()
    }

    #[test]
    fn no_article_floods_the_first_page() {
        let arranged = cap_per_article(ranked(&[1, 1, 1, 1, 2, 1, 3, 2]), 2, 4, &HashSet::new());
        // First page: ranks 0, 1 (article 1), 4 (2), 6 (3); the rest in rank order.
        assert_eq!(ranks(&arranged), [0, 1, 4, 6, 2, 3, 5, 7]);
    }

    #[test]
    fn the_article_a_query_names_is_not_capped() {
        let named = HashSet::from([1]);
        let arranged = cap_per_article(ranked(&[1, 1, 1, 2, 2, 2, 1]), 2, 6, &named);
        // Article 1 keeps all four of its ranks; article 2 its first two of three.
        assert_eq!(ranks(&arranged), [0, 1, 2, 3, 4, 6, 5]);
    }

    #[test]
    fn the_cap_applies_only_to_the_first_page() {
        let arranged = cap_per_article(ranked(&[1, 1, 1, 1]), 1, 10, &HashSet::new());
        assert_eq!(ranks(&arranged), [0, 1, 2, 3]);
        let arranged = cap_per_article(ranked(&[1, 2, 1, 2, 1]), 1, 2, &HashSet::new());
        assert_eq!(ranks(&arranged), [0, 1, 2, 3, 4]);
    }

    #[test]
    fn a_cap_of_zero_keeps_the_ranking() {
        let items = ranked(&[3, 3, 3, 1]);
        assert_eq!(
            cap_per_article(items.clone(), 0, 10, &HashSet::new()),
            items
        );
        assert!(cap_per_article(Vec::<Item>::new(), 3, 10, &HashSet::new()).is_empty());
    }

    #[test]
    fn groups_follow_each_articles_best_section() {
        let groups = group_by_article(ranked(&[2, 1, 2, 2, 2, 3, 1]), 3);
        let shape: Vec<(u64, Vec<usize>)> = groups.iter().map(|g| (g[0].0, ranks(g))).collect();
        assert_eq!(shape, [(2, vec![0, 2, 3]), (1, vec![1, 6]), (3, vec![5])]);
    }
}
