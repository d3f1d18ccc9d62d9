//! Which part of a page is the article. A site can say so: every element with
//! `data-healthdex-body` (else Pagefind's `data-pagefind-body`) is the article, in
//! page order. Otherwise the first `<main>`, else the first `[role=main]`, else the
//! `<article>` with the most text. A page with none of these gets a
//! readability-style choice: the element whose paragraphs hold the most text (each
//! paragraph of 25 characters or more scores its length plus its commas, fully for
//! its parent and half for the grandparent), and that choice is reported.
//! Elements left out inside the region (navigation, comments …) are the walk's
//! business (`walk.rs`).

use std::collections::HashMap;

use ego_tree::{NodeId, NodeRef};
use scraper::Node;

use super::dom::{attr, has_attr, outside, tag, text_of};
use super::walk::is_chrome;

/// Paragraphs shorter than this (characters) are not counted by the fallback.
const MIN_PARAGRAPH_CHARS: usize = 25;

/// How the region was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Choice {
    /// `data-healthdex-body` or `data-pagefind-body`.
    Marked,
    /// `<main>`, `[role=main]` or `<article>`.
    Semantic,
    /// By text density (no element said where the article is).
    Density,
    /// The whole `<body>` (no text to go by).
    Body,
}

/// The article's elements, in page order, and how they were found.
pub(crate) fn choose(root: NodeRef<'_, Node>) -> (Vec<NodeRef<'_, Node>>, Choice) {
    for marker in ["data-healthdex-body", "data-pagefind-body"] {
        let marked = outermost(root.descendants().filter(|n| has_attr(*n, marker)));
        if !marked.is_empty() {
            return (marked, Choice::Marked);
        }
    }
    let first = |pick: &dyn Fn(NodeRef<'_, Node>) -> bool| root.descendants().find(|n| pick(*n));
    if let Some(main) = first(&|n| tag(n) == Some("main"))
        .or_else(|| first(&|n| attr(n, "role").is_some_and(|r| r.eq_ignore_ascii_case("main"))))
    {
        return (vec![main], Choice::Semantic);
    }
    let articles = root.descendants().filter(|n| {
        tag(*n) == Some("article") && !n.ancestors().any(|a| tag(a) == Some("article"))
    });
    if let Some(article) = articles.max_by_key(|n| text_of(*n).len()) {
        return (vec![article], Choice::Semantic);
    }
    if let Some(dense) = densest(root) {
        return (vec![dense], Choice::Density);
    }
    let body = first(&|n| tag(n) == Some("body")).unwrap_or(root);
    (vec![body], Choice::Body)
}

/// The elements not inside another of them.
fn outermost<'a>(nodes: impl Iterator<Item = NodeRef<'a, Node>>) -> Vec<NodeRef<'a, Node>> {
    let nodes: Vec<_> = nodes.collect();
    let ids: std::collections::HashSet<NodeId> = nodes.iter().map(|n| n.id()).collect();
    nodes
        .into_iter()
        .filter(|n| !n.ancestors().any(|a| ids.contains(&a.id())))
        .collect()
}

/// The element whose paragraphs hold the most text, outside page chrome.
fn densest(root: NodeRef<'_, Node>) -> Option<NodeRef<'_, Node>> {
    let mut scores: HashMap<NodeId, f64> = HashMap::new();
    let paragraphs = outside(root, is_chrome, |n| {
        matches!(tag(n), Some("p" | "pre" | "td"))
    });
    for paragraph in paragraphs {
        let text = text_of(paragraph);
        let length = text.chars().count();
        if length < MIN_PARAGRAPH_CHARS {
            continue;
        }
        let score = 1.0 + text.matches(',').count() as f64 + (length as f64 / 100.0).min(3.0);
        let mut ancestors = paragraph.ancestors().filter(|a| a.value().is_element());
        if let Some(parent) = ancestors.next() {
            *scores.entry(parent.id()).or_default() += score;
        }
        if let Some(grandparent) = ancestors.next() {
            *scores.entry(grandparent.id()).or_default() += score / 2.0;
        }
    }
    let best = scores
        .into_iter()
        .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))?
        .0;
    root.tree().get(best)
}
