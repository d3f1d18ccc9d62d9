//! Heading anchors in the style GitHub (and most static site generators) use, so
//! that `url#anchor` lands on the heading of the rendered page: lower-case, spaces
//! become `-`, punctuation other than `-` and `_` is dropped, and repeats within an
//! article get `-1`, `-2`, ... suffixes.

use std::collections::HashSet;

/// Anchor used when a heading has no letters or digits at all (e.g. `## ???`).
const FALLBACK: &str = "section";

/// The anchor text for a heading, before uniqueness is applied.
pub(crate) fn slugify(heading: &str) -> String {
    let mut slug = String::with_capacity(heading.len());
    for c in heading.trim().chars() {
        if c.is_alphanumeric() || c == '_' || c == '-' {
            slug.extend(c.to_lowercase());
        } else if c.is_whitespace() {
            slug.push('-');
        }
    }
    slug
}

/// Hands out anchors that are unique within one article.
#[derive(Default)]
pub(crate) struct Anchors {
    used: HashSet<String>,
}

impl Anchors {
    /// Reserves an explicit `{#id}` anchor. Returns `false` if it was already taken.
    pub fn reserve(&mut self, id: &str) -> bool {
        self.used.insert(id.to_string())
    }

    /// A unique anchor for the heading: its slug, or the slug with the first free
    /// `-N` suffix.
    pub fn unique(&mut self, heading: &str) -> String {
        let mut base = slugify(heading);
        if base.is_empty() {
            base = FALLBACK.to_string();
        }
        if self.used.insert(base.clone()) {
            return base;
        }
        (1..)
            .map(|n| format!("{base}-{n}"))
            .find(|candidate| self.used.insert(candidate.clone()))
            .expect("an unbounded range always yields a free suffix")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_match_github() {
        let cases = [
            ("What is leaky gut?", "what-is-leaky-gut"),
            (
                "1. Skin Regeneration and Our Gut",
                "1-skin-regeneration-and-our-gut",
            ),
            ("Crohn's disease", "crohns-disease"),
            ("Vitamin D & bone health", "vitamin-d--bone-health"),
            ("Über Ekzeme", "über-ekzeme"),
            ("snake_case-and-dash", "snake_case-and-dash"),
            ("  Padded  ", "padded"),
        ];
        for (heading, want) in cases {
            assert_eq!(slugify(heading), want, "{heading}");
        }
    }

    #[test]
    fn repeats_get_numbered_suffixes_and_reserved_ids_are_skipped() {
        let mut anchors = Anchors::default();
        assert!(anchors.reserve("symptoms-1"));
        assert_eq!(anchors.unique("Symptoms"), "symptoms");
        assert_eq!(anchors.unique("Symptoms"), "symptoms-2");
        assert_eq!(anchors.unique("???"), "section");
        assert_eq!(anchors.unique("!!!"), "section-1");
        assert!(!anchors.reserve("symptoms"));
    }
}
