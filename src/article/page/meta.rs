//! A page's metadata into [`Meta`]: what the `<head>` says (`<title>`, `og:title`,
//! `description`, `author`, `keywords`, `article:published_time`,
//! `article:modified_time`, `article:tag`, `<link rel=canonical>`, `<html lang>`,
//! `robots: noindex`) and what schema.org JSON-LD says (`MedicalWebPage`, `Article`
//! and its kinds: `headline`, `description`, `datePublished`, `dateModified`,
//! `author`, `reviewedBy`, `lastReviewed`, `keywords`, `about`). JSON-LD wins over
//! the `<meta>` tags where both say a thing, since sites write it for exactly this;
//! a date that is not a date is dropped with a warning, as in front matter.

use ego_tree::NodeRef;
use scraper::Node;
use serde_json::Value;

use super::dom::{attr, tag, text_of};
use crate::Warning;
use crate::article::{Date, Meta};

/// schema.org types whose fields describe the page's article, best first.
const ARTICLE_TYPES: &[&str] = &[
    "MedicalWebPage",
    "MedicalScholarlyArticle",
    "Article",
    "NewsArticle",
    "BlogPosting",
    "ScholarlyArticle",
    "HealthTopicContent",
    "TechArticle",
    "Report",
    "WebPage",
];

/// JSON-LD blocks larger than this are not read.
const MAX_JSON_LD_BYTES: usize = 256 * 1024;

/// What the page says about itself.
#[derive(Debug, Default)]
pub(crate) struct PageMeta {
    pub meta: Meta,
    /// `<title>`, kept apart: it often carries the site's name.
    pub document_title: Option<String>,
}

/// Reads the metadata of the page whose root element is `root`.
pub(crate) fn read(path: &str, root: NodeRef<'_, Node>, warnings: &mut Vec<Warning>) -> PageMeta {
    let mut found = PageMeta::default();
    let mut tags = Tags::default();
    let mut ld = Vec::new();
    for node in root.descendants() {
        match tag(node) {
            Some("html") => found.meta.lang = attr(node, "lang").map(str::to_string),
            Some("title") if found.document_title.is_none() => {
                found.document_title = Some(text_of(node)).filter(|t| !t.is_empty());
            }
            Some("meta") => tags.read(node),
            Some("link") if is_canonical(node) => {
                found.meta.url = attr(node, "href")
                    .map(str::trim)
                    .filter(|h| !h.is_empty())
                    .map(str::to_string);
            }
            Some("script")
                if attr(node, "type")
                    .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/ld+json")) =>
            {
                let text: String = node
                    .descendants()
                    .filter_map(|n| n.value().as_text().map(|t| t.to_string()))
                    .collect();
                if text.len() <= MAX_JSON_LD_BYTES
                    && let Ok(value) = serde_json::from_str::<Value>(&text)
                {
                    ld.extend(article_objects(value));
                }
            }
            _ => {}
        }
    }
    ld.sort_by_key(type_rank);
    let best = ld.first();
    let meta = &mut found.meta;
    meta.title = best
        .and_then(|o| text_field(o, "headline").or_else(|| text_field(o, "name")))
        .or(tags.og_title);
    meta.description = best
        .and_then(|o| text_field(o, "description"))
        .or(tags.description)
        .or(tags.og_description);
    meta.authors = best.map(|o| names(o.get("author"))).unwrap_or_default();
    if meta.authors.is_empty() {
        meta.authors = tags.authors;
    }
    meta.reviewers = best.map(|o| names(o.get("reviewedBy"))).unwrap_or_default();
    let date = |key: &str| best.and_then(|o| text_field(o, key));
    meta.date = read_date(
        path,
        "datePublished",
        date("datePublished").or(tags.published),
        warnings,
    );
    meta.updated = read_date(
        path,
        "dateModified",
        date("dateModified").or(tags.modified),
        warnings,
    );
    meta.reviewed = read_date(path, "lastReviewed", date("lastReviewed"), warnings);
    let mut keywords = best
        .map(|o| keyword_list(o.get("keywords")))
        .unwrap_or_default();
    if keywords.is_empty() {
        keywords = tags.keywords;
    }
    keywords.extend(tags.article_tags);
    let mut seen = std::collections::HashSet::new();
    keywords.retain(|k| seen.insert(k.to_lowercase()));
    meta.tags = keywords;
    let about = best.map(|o| names(o.get("about"))).unwrap_or_default();
    if !about.is_empty() {
        meta.extra.insert("about".into(), Value::from(about));
    }
    meta.draft = tags.noindex;
    found
}

/// The `<meta>` tags, as found.
#[derive(Debug, Default)]
struct Tags {
    og_title: Option<String>,
    description: Option<String>,
    og_description: Option<String>,
    authors: Vec<String>,
    keywords: Vec<String>,
    article_tags: Vec<String>,
    published: Option<String>,
    modified: Option<String>,
    noindex: bool,
}

impl Tags {
    fn read(&mut self, node: NodeRef<'_, Node>) {
        let key = attr(node, "property")
            .or_else(|| attr(node, "name"))
            .or_else(|| attr(node, "itemprop"))
            .map(|k| k.trim().to_ascii_lowercase());
        let (Some(key), Some(content)) = (key, attr(node, "content").map(str::trim)) else {
            return;
        };
        if content.is_empty() {
            return;
        }
        let content = content.to_string();
        match key.as_str() {
            "og:title" => keep_first(&mut self.og_title, content),
            "description" => keep_first(&mut self.description, content),
            "og:description" => keep_first(&mut self.og_description, content),
            "author" | "article:author" | "dc.creator" if !content.contains("://") => {
                self.authors.push(content)
            }
            "keywords" | "news_keywords" => self.keywords.extend(
                content
                    .split([',', ';'])
                    .map(str::trim)
                    .filter(|k| !k.is_empty())
                    .map(String::from),
            ),
            "article:tag" => self.article_tags.push(content),
            "article:published_time" | "datepublished" | "dc.date" => {
                keep_first(&mut self.published, content)
            }
            "article:modified_time" | "og:updated_time" | "datemodified" => {
                keep_first(&mut self.modified, content)
            }
            "robots" => {
                self.noindex |= content
                    .split(',')
                    .any(|d| d.trim().eq_ignore_ascii_case("noindex"))
            }
            _ => {}
        }
    }
}

/// The first of several tags saying one thing wins.
fn keep_first(slot: &mut Option<String>, value: String) {
    if slot.is_none() {
        *slot = Some(value);
    }
}

fn is_canonical(node: NodeRef<'_, Node>) -> bool {
    attr(node, "rel").is_some_and(|rel| {
        rel.split_whitespace()
            .any(|r| r.eq_ignore_ascii_case("canonical"))
    })
}

/// The JSON-LD objects of article types: at the top, in an array or in `@graph`.
fn article_objects(value: Value) -> Vec<serde_json::Map<String, Value>> {
    let mut out = Vec::new();
    let mut stack = vec![value];
    while let Some(value) = stack.pop() {
        match value {
            Value::Array(items) => stack.extend(items.into_iter().take(64)),
            Value::Object(mut object) => {
                if let Some(graph) = object.remove("@graph") {
                    stack.push(graph);
                }
                if type_rank(&object) < ARTICLE_TYPES.len() {
                    out.push(object);
                }
            }
            _ => {}
        }
        if out.len() > 64 {
            break;
        }
    }
    out
}

/// Where the object's `@type` stands in [`ARTICLE_TYPES`] (the length if absent).
fn type_rank(object: &serde_json::Map<String, Value>) -> usize {
    let types: Vec<&str> = match object.get("@type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    types
        .iter()
        .filter_map(|t| {
            let t = t.rsplit('/').next().unwrap_or(t);
            ARTICLE_TYPES.iter().position(|known| known == &t)
        })
        .min()
        .unwrap_or(ARTICLE_TYPES.len())
}

fn text_field(object: &serde_json::Map<String, Value>, key: &str) -> Option<String> {
    match object.get(key)? {
        Value::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        Value::Array(items) => items
            .iter()
            .filter_map(Value::as_str)
            .map(str::trim)
            .find(|s| !s.is_empty())
            .map(String::from),
        _ => None,
    }
}

/// Names of a Person, Organization or thing: a string, `{ "name": … }`, or a list
/// of either.
fn names(value: Option<&Value>) -> Vec<String> {
    let mut out = Vec::new();
    let mut push = |value: &Value| match value {
        Value::String(s) if !s.trim().is_empty() && !s.contains("://") => {
            out.push(s.trim().to_string())
        }
        Value::Object(o) => {
            if let Some(name) = o.get("name").and_then(Value::as_str).map(str::trim)
                && !name.is_empty()
            {
                out.push(name.to_string());
            }
        }
        _ => {}
    };
    match value {
        Some(Value::Array(items)) => items.iter().take(64).for_each(&mut push),
        Some(value) => push(value),
        None => {}
    }
    out
}

/// `keywords`: a comma-separated string or a list.
fn keyword_list(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::String(s)) => s
            .split(',')
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .map(String::from)
            .collect(),
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .map(String::from)
            .collect(),
        _ => Vec::new(),
    }
}

fn read_date(
    path: &str,
    key: &str,
    value: Option<String>,
    warnings: &mut Vec<Warning>,
) -> Option<Date> {
    let value = value?;
    match value.parse::<Date>() {
        Ok(date) => Some(date),
        Err(()) => {
            warnings.push(Warning::new(
                path,
                None,
                format!("the page's {key} `{value}` is not a date; write it as YYYY-MM-DD (an ISO 8601 date and time is fine)"),
            ));
            None
        }
    }
}
