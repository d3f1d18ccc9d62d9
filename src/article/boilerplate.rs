//! Page boilerplate: the words a site's theme or a copy from a browser puts around an
//! article — comment forms and moderation notices, reCAPTCHA and privacy notices,
//! share and subscribe prompts, cookie banners. They are not the article's text and
//! must not be found by a search, so the readers of every input format (Markdown,
//! plain text, built HTML) drop a block (a paragraph, a list item, a line) that one
//! of these patterns matches, and a section whose heading matches and whose text is
//! then empty.
//!
//! The patterns are regular expressions matched case-insensitively against a block's
//! text with its whitespace collapsed; a block longer than [`MAX_BLOCK_CHARS`] is
//! never boilerplate (a real paragraph that mentions cookies is kept). A site adds
//! its own in `healthdex.toml`:
//!
//! ```toml
//! [input]
//! boilerplate = ["^Join the Bramblewood club", "^Sponsored by "]
//! ```

use std::sync::Arc;

use regex::{Regex, RegexSet, RegexSetBuilder};

/// Blocks longer than this (in characters) are article text whatever they contain.
pub const MAX_BLOCK_CHARS: usize = 400;

/// The built-in patterns, one kind of boilerplate a line. The README lists them.
pub const BUILTIN_PATTERNS: &[&str] = &[
    // Comment forms and moderation notices.
    r"^(leave a (comment|reply)|post a comment|add a comment|write a comment|join the (discussion|conversation))\b",
    r"^(\d+\s+)?(comments?|responses?|replies)( \(\d+\))?:?$",
    r"^(no comments( yet)?|be the first to comment)\b",
    r"\b(all )?comments are (moderated|reviewed)\b",
    r"\byour email address will not be published\b",
    r"\brequired fields are marked\b",
    r"^(name|e-?mail|website|comment|message)\s*\*?:?$",
    r"^(post|submit) (comment|reply)$",
    r"\bsave my name,? e-?mail,? and website\b",
    r"^notify me of (follow-up comments|new posts|new comments)\b",
    r"^cancel reply$",
    r"\b(tell|let) (us|me) (know )?(what you think )?in the comments\b",
    r"^what do you think\?",
    r"\b(leave|post|add|drop) (us )?a comment below\b",
    // reCAPTCHA and privacy notices.
    r"\bprotected by recaptcha\b",
    r"\bgoogle privacy policy and terms of service apply\b",
    // Share, follow and subscribe prompts.
    r"^(share|share this( (post|article|page))?|share on \w+|tweet|pin it|email this)( on)?:?$",
    r"^(share|follow us) on (facebook|twitter|x|linkedin|pinterest|whatsapp|instagram)\b",
    r"^(subscribe|sign up)( now)?( to| for)? (our|the|my) (newsletter|mailing list|blog|updates)\b",
    r"^(get|receive) (our|the) (latest|newsletter)\b",
    r"^enter your e-?mail( address)?\b",
    // Cookie banners.
    r"\b(we|this (web)?site|our (web)?site) uses? cookies\b",
    r"^(accept|reject|decline|allow)( all)?( cookies)?$",
    r"^cookie (settings|preferences|policy)$",
    // Navigation left in a paste.
    r"^(previous|next|older|newer) (post|article|entry)\b",
    r"^(skip to (main )?content|back to top|read more|continue reading)$",
    r"^related (posts|articles)$",
];

/// A compiled set of boilerplate patterns: the built-in ones and a site's own.
#[derive(Clone)]
pub struct Boilerplate {
    /// The site's own patterns as written (what settings record).
    extra: Vec<String>,
    set: Arc<RegexSet>,
}

impl Boilerplate {
    /// The built-in patterns plus `extra`; an `Err` names the pattern that is not a
    /// valid regular expression and why.
    pub fn with_extra(extra: &[String]) -> Result<Boilerplate, String> {
        for pattern in extra {
            Regex::new(pattern)
                .map_err(|e| format!("the boilerplate pattern `{pattern}` is not a valid regular expression ({e}); fix or remove it"))?;
        }
        let set = RegexSetBuilder::new(
            BUILTIN_PATTERNS
                .iter()
                .copied()
                .chain(extra.iter().map(String::as_str)),
        )
        .case_insensitive(true)
        .size_limit(4 * 1024 * 1024)
        .build()
        .map_err(|e| {
            format!("the boilerplate patterns cannot be compiled together ({e}); shorten them")
        })?;
        Ok(Boilerplate {
            extra: extra.to_vec(),
            set: Arc::new(set),
        })
    }

    /// The site's own patterns, as given to [`Boilerplate::with_extra`].
    pub fn extra(&self) -> &[String] {
        &self.extra
    }

    /// Whether a block of text (a paragraph, list item, heading or line) is
    /// boilerplate.
    pub fn matches(&self, block: &str) -> bool {
        let trimmed = block.trim();
        if trimmed.is_empty() || trimmed.chars().count() > MAX_BLOCK_CHARS {
            return false;
        }
        let collapsed = trimmed.split_whitespace().collect::<Vec<_>>().join(" ");
        let collapsed = collapsed.trim_end_matches(['.', '!', '…']);
        self.set.is_match(collapsed)
    }
}

impl Default for Boilerplate {
    fn default() -> Self {
        static BUILTIN: std::sync::OnceLock<Boilerplate> = std::sync::OnceLock::new();
        BUILTIN
            .get_or_init(|| {
                Boilerplate::with_extra(&[]).unwrap_or_else(|_| Boilerplate {
                    extra: Vec::new(),
                    set: Arc::new(RegexSet::empty()),
                })
            })
            .clone()
    }
}

impl std::fmt::Debug for Boilerplate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Boilerplate")
            .field("extra", &self.extra)
            .finish_non_exhaustive()
    }
}

impl PartialEq for Boilerplate {
    fn eq(&self, other: &Self) -> bool {
        self.extra == other.extra
    }
}

impl Eq for Boilerplate {}

impl serde::Serialize for Boilerplate {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.extra.serialize(serializer)
    }
}

impl<'de> serde::Deserialize<'de> for Boilerplate {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let extra = Vec::<String>::deserialize(deserializer)?;
        Boilerplate::with_extra(&extra).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_patterns_match_page_chrome_and_not_article_text() {
        let builtin = Boilerplate::default();
        for chrome in [
            "Leave a comment",
            "All comments are moderated before being published.",
            "This site is protected by reCAPTCHA and the Google Privacy Policy and Terms of Service apply.",
            "Your email address will not be published. Required fields are marked *",
            "Name *",
            "Post Comment",
            "Share this post:",
            "Subscribe to our newsletter",
            "We use cookies to give you the best experience.",
            "Accept all",
            "3 Comments",
        ] {
            assert!(builtin.matches(chrome), "{chrome:?}");
        }
        for text in [
            "Comments from readers often ask whether probiotics help eczema.",
            "Share your symptoms with your doctor before changing medicines.",
            "Name the foods that trigger your symptoms in a diary.",
            "",
            &format!("We use cookies. {}", "Long text. ".repeat(50)),
        ] {
            assert!(!builtin.matches(text), "{text:?}");
        }
    }

    #[test]
    fn a_site_adds_patterns_and_a_bad_one_is_named() {
        let site = Boilerplate::with_extra(&["^join the bramblewood club".into()]).unwrap();
        assert!(site.matches("Join the Bramblewood Club today!"));
        assert!(
            site.matches("Leave a reply"),
            "the built-in ones still apply"
        );
        let err = Boilerplate::with_extra(&["(unclosed".into()]).unwrap_err();
        assert!(err.contains("`(unclosed`"), "{err}");
    }
}
