//! The article region of a page, lowered to the events pulldown-cmark gives for the
//! same Markdown (`<h2 id>` → a heading with that id, `<p>`, `<ol start>`, `<li>`,
//! `<blockquote>`, `<pre>`, `<code>`, `<a>`, `<img alt>`, `<sup>`, tables) and fed
//! to the Markdown walk, so a page gets the sections, reference lists and citation
//! markers a Markdown article would.
//!
//! Left out: page chrome ([`is_chrome`]: navigation, headers, footers, asides, forms,
//! scripts, comment and share sections, hidden elements, `data-healthdex-ignore` and
//! `data-pagefind-ignore`), heading permalinks, and blocks the boilerplate patterns
//! match. Footnotes as generators write them — kramdown and goldmark
//! (`<div class="footnotes"><ol><li id="fn:1">`, `<a href="#fn:1">` in `<sup>`),
//! pandoc (`<section class="footnotes">`, `<a class="footnote-ref">`), pulldown-cmark
//! (`<div class="footnote-definition" id="1">`) — become footnote references and
//! definitions, their back-links dropped.
//!
//! An H1–H3 heading's anchor is its own `id`. A heading without one links to the
//! nearest `id` above it in the page (the id of a `<section>` it opens needs no
//! warning; any other is warned about), or to the page itself when there is none:
//! never to an anchor the page does not have.

use std::collections::HashMap;

use ego_tree::NodeRef;
use ego_tree::iter::Edge;
use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, LinkType, Tag, TagEnd};
use scraper::Node;

use super::dom::{Dom, attr, has_attr, has_class, name_words, short_text_of, tag, text_of};
use crate::Warning;
use crate::article::boilerplate::Boilerplate;
use crate::article::boilerplate::MAX_BLOCK_CHARS;
use crate::article::markdown::EventWalk;

/// Elements that are never article text.
const CHROME_TAGS: &[&str] = &[
    "nav", "header", "footer", "aside", "form", "script", "style", "noscript", "template", "svg",
    "iframe", "button", "select", "textarea", "input", "label", "dialog", "object", "embed",
    "canvas", "video", "audio", "head", "title", "meta", "link",
];

/// Words of a `class` or `id` that name page chrome.
const CHROME_WORDS: &[&str] = &[
    "comment",
    "comments",
    "respond",
    "disqus",
    "share",
    "sharing",
    "sharedaddy",
    "social",
    "related",
    "newsletter",
    "subscribe",
    "subscription",
    "cookie",
    "cookies",
    "consent",
    "gdpr",
    "breadcrumb",
    "breadcrumbs",
    "sidebar",
    "widget",
    "advert",
    "advertisement",
    "ads",
    "promo",
    "popup",
    "modal",
    "navbar",
    "menu",
    "toc",
    "pagination",
    "pager",
    "byline",
    "masthead",
    "banner",
];

/// Classes of text meant for screen readers only.
const HIDDEN_CLASSES: &[&str] = &["sr-only", "screen-reader-text", "visually-hidden", "hidden"];

/// Elements whose start and end close the open paragraph.
const BLOCK_TAGS: &[&str] = &[
    "p",
    "div",
    "section",
    "article",
    "main",
    "blockquote",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "td",
    "th",
    "pre",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "figure",
    "figcaption",
    "hr",
    "details",
    "summary",
    "address",
    "fieldset",
    "center",
    "body",
    "caption",
];

/// Texts of heading permalinks ("#", "¶", "🔗", "§").
const PERMALINK_TEXTS: &[&str] = &["#", "¶", "🔗", "§", "link", "permalink", "anchor"];

/// Whether the element is page chrome, never article text.
pub(crate) fn is_chrome(node: NodeRef<'_, Node>) -> bool {
    let Some(name) = tag(node) else {
        return false;
    };
    CHROME_TAGS.contains(&name)
        || has_attr(node, "hidden")
        || attr(node, "aria-hidden").is_some_and(|v| v.eq_ignore_ascii_case("true"))
        || has_attr(node, "data-healthdex-ignore")
        || has_attr(node, "data-pagefind-ignore")
        || attr(node, "role").is_some_and(|r| {
            [
                "navigation",
                "banner",
                "contentinfo",
                "complementary",
                "search",
                "dialog",
            ]
            .iter()
            .any(|chrome| r.eq_ignore_ascii_case(chrome))
        })
        || HIDDEN_CLASSES.iter().any(|c| has_class(node, c))
        || name_words(node)
            .iter()
            .any(|w| CHROME_WORDS.contains(&w.as_str()))
}

/// Whether the element holds footnote definitions (or is one, as pulldown-cmark
/// writes them).
fn is_footnotes(node: NodeRef<'_, Node>) -> bool {
    attr(node, "role").is_some_and(|r| r.eq_ignore_ascii_case("doc-endnotes"))
        || has_class(node, "footnotes")
        || has_class(node, "footnote-definition")
        || attr(node, "id").is_some_and(|id| id == "footnotes")
}

/// A footnote's label from the id of its definition (`fn:1`, `fn-1`, `fn1` → `1`,
/// `fn:note` → `note`; pulldown-cmark's `note` stays `note`).
fn footnote_label(id: &str) -> String {
    for prefix in ["fn:", "fn-", "fn_"] {
        if let Some(rest) = id.strip_prefix(prefix)
            && !rest.is_empty()
        {
            return rest.to_string();
        }
    }
    match id.strip_prefix("fn") {
        Some(rest) if rest.starts_with(|c: char| c.is_ascii_digit()) => rest.to_string(),
        _ => id.to_string(),
    }
}

/// Whether an `<a>` is a footnote's back-link.
fn is_backlink(node: NodeRef<'_, Node>) -> bool {
    attr(node, "role").is_some_and(|r| r.eq_ignore_ascii_case("doc-backlink"))
        || ["footnote-backref", "reversefootnote", "footnote-back"]
            .iter()
            .any(|c| has_class(node, c))
        || matches!(text_of(node).as_str(), "↩" | "↩︎" | "↑" | "^")
}

/// The paragraph being read, if any.
#[derive(Clone, Copy, PartialEq)]
enum Paragraph {
    None,
    /// Opened by text outside any block that holds text itself.
    Implicit,
    /// A `<p>`.
    Explicit,
}

/// The walk over one page's article region.
pub(crate) struct PageWalk<'a> {
    dom: &'a Dom,
    path: &'a str,
    boilerplate: &'a Boilerplate,
    events: EventWalk,
    /// Footnote definition ids → labels.
    footnotes: HashMap<String, String>,
    /// The last `id` seen in page order, and whether its element was a heading or
    /// the section a heading opens.
    last_id: Option<String>,
    paragraph: Paragraph,
    list_depth: usize,
    table_depth: usize,
    heading: Option<u8>,
    pre: usize,
    footnote_depth: usize,
    /// The page's title as its metadata gives it: an H1 saying it is the title, not
    /// a section, and needs no id.
    title: Option<String>,
    /// Whether an H1 has been read (the first is the title when the metadata has none).
    seen_h1: bool,
    /// Headings without an id, and where they link instead.
    pub warnings: Vec<Warning>,
}

impl<'a> PageWalk<'a> {
    pub fn new(
        dom: &'a Dom,
        path: &'a str,
        boilerplate: &'a Boilerplate,
        title: Option<&str>,
    ) -> PageWalk<'a> {
        PageWalk {
            dom,
            path,
            boilerplate,
            events: EventWalk::new(1),
            footnotes: HashMap::new(),
            last_id: None,
            paragraph: Paragraph::None,
            list_depth: 0,
            table_depth: 0,
            heading: None,
            pre: 0,
            footnote_depth: 0,
            title: title.map(str::to_string),
            seen_h1: false,
            warnings: Vec::new(),
        }
    }

    /// Reads the region's elements in order and returns the Markdown walk's result.
    pub fn read(mut self, region: &[NodeRef<'a, Node>]) -> (EventWalk, Vec<Warning>) {
        self.find_footnotes(region);
        if let Some(first) = region.first() {
            // The intro starts where the article does.
            self.events = EventWalk::new(self.dom.line_of(*first));
            self.last_id = first
                .ancestors()
                .find_map(|a| attr(a, "id"))
                .map(str::to_string);
        }
        for root in region {
            self.element_tree(*root);
        }
        self.close_paragraph(1);
        (self.events, self.warnings)
    }

    fn find_footnotes(&mut self, region: &[NodeRef<'a, Node>]) {
        // One pass with a count of open footnote containers (asking each item for
        // its ancestors would cost the depth of the page per item).
        for root in region {
            let mut open = 0usize;
            for edge in root.traverse() {
                match edge {
                    Edge::Open(node) => {
                        if is_footnotes(node) {
                            open += 1;
                        }
                        let is_definition = (open > 0 && tag(node) == Some("li"))
                            || has_class(node, "footnote-definition");
                        if is_definition && let Some(id) = attr(node, "id") {
                            self.footnotes.insert(id.to_string(), footnote_label(id));
                        }
                    }
                    Edge::Close(node) if is_footnotes(node) => open = open.saturating_sub(1),
                    Edge::Close(_) => {}
                }
            }
        }
    }

    /// Walks one subtree without recursion (pages can nest thousands deep).
    fn element_tree(&mut self, root: NodeRef<'a, Node>) {
        let mut skipping: Option<ego_tree::NodeId> = None;
        for edge in root.traverse() {
            match edge {
                Edge::Open(node) => {
                    if skipping.is_some() {
                        continue;
                    }
                    if self.skips(node, root) {
                        skipping = Some(node.id());
                        continue;
                    }
                    if !self.open(node) {
                        skipping = Some(node.id());
                    }
                }
                Edge::Close(node) => {
                    if skipping == Some(node.id()) {
                        skipping = None;
                    } else if skipping.is_none() {
                        self.close(node);
                    }
                }
            }
        }
    }

    /// Chrome and boilerplate are skipped whole (the region's own root never).
    fn skips(&self, node: NodeRef<'a, Node>, root: NodeRef<'a, Node>) -> bool {
        if node.id() == root.id() || !node.value().is_element() {
            return false;
        }
        if is_chrome(node) {
            return true;
        }
        let block = matches!(tag(node), Some("p" | "li" | "dt" | "dd" | "blockquote"));
        // A heading that is boilerplate goes only when nothing else is under it
        // (`Outline::drop_boilerplate_headings`), as in Markdown.
        block
            && self.heading.is_none()
            && short_text_of(node, MAX_BLOCK_CHARS).is_some_and(|t| self.boilerplate.matches(&t))
    }

    fn line(&self, node: NodeRef<'_, Node>) -> usize {
        self.dom.line_of(node)
    }

    fn emit(&mut self, event: Event<'_>, node: NodeRef<'_, Node>) {
        let line = self.line(node);
        self.events.event(event, line);
    }

    /// Opens an element; `false` skips what it holds.
    fn open(&mut self, node: NodeRef<'a, Node>) -> bool {
        match node.value() {
            Node::Text(text) => {
                self.text(text, node);
                return true;
            }
            Node::Element(_) => {}
            _ => return false,
        }
        let name = tag(node).unwrap_or("");
        if let Some(id) = attr(node, "id")
            && !matches!(name, "h1" | "h2" | "h3")
        {
            self.last_id = Some(id.to_string());
        }
        if BLOCK_TAGS.contains(&name) && name != "p" {
            self.close_paragraph(self.line(node));
        }
        if self.footnote_depth > 0 || is_footnotes(node) {
            return self.open_in_footnotes(node, name);
        }
        match name {
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => self.open_heading(node, name),
            "p" => {
                self.close_paragraph(self.line(node));
                self.emit(Event::Start(Tag::Paragraph), node);
                self.paragraph = Paragraph::Explicit;
            }
            "ul" | "ol" => {
                let start = (name == "ol").then(|| {
                    attr(node, "start")
                        .and_then(|s| s.trim().parse::<u64>().ok())
                        .unwrap_or(1)
                });
                self.list_depth += 1;
                self.emit(Event::Start(Tag::List(start)), node);
            }
            "li" => self.emit(Event::Start(Tag::Item), node),
            "dt" | "dd" | "figcaption" | "caption" | "summary" => {
                self.emit(Event::Start(Tag::Paragraph), node);
            }
            "blockquote" => self.emit(Event::Start(Tag::BlockQuote(None)), node),
            "pre" => {
                self.pre += 1;
                self.emit(
                    Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(CowStr::from("")))),
                    node,
                );
            }
            "code" if self.pre == 0 => {
                let text = text_of(node);
                self.inline_start(node);
                self.emit(Event::Code(text.into()), node);
                return false;
            }
            "table" => {
                self.table_depth += 1;
                self.emit(Event::Start(Tag::Table(Vec::new())), node);
            }
            "tr" => self.emit(Event::Start(Tag::TableRow), node),
            "td" | "th" => self.emit(Event::Start(Tag::TableCell), node),
            "br" => self.emit(Event::HardBreak, node),
            "hr" => self.emit(Event::Rule, node),
            "img" => {
                if let Some(alt) = attr(node, "alt").map(str::trim).filter(|a| !a.is_empty()) {
                    self.inline_start(node);
                    let image = Tag::Image {
                        link_type: LinkType::Inline,
                        dest_url: attr(node, "src").unwrap_or("").to_string().into(),
                        title: CowStr::from(""),
                        id: CowStr::from(""),
                    };
                    self.emit(Event::Start(image), node);
                    self.emit(Event::Text(alt.to_string().into()), node);
                    self.emit(Event::End(TagEnd::Image), node);
                }
                return false;
            }
            "sup" => return self.open_sup(node),
            "a" => return self.open_link(node),
            _ => {}
        }
        true
    }

    fn close(&mut self, node: NodeRef<'a, Node>) {
        let Some(name) = tag(node) else {
            return;
        };
        if self.footnote_depth > 0 {
            self.close_in_footnotes(node, name);
            return;
        }
        let end = match name {
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                let level = self.heading.take().unwrap_or(4);
                Some(TagEnd::Heading(heading_level(level)))
            }
            "p" => {
                self.paragraph = Paragraph::None;
                Some(TagEnd::Paragraph)
            }
            "ul" | "ol" => {
                self.close_paragraph(self.line(node));
                self.list_depth = self.list_depth.saturating_sub(1);
                Some(TagEnd::List(name == "ol"))
            }
            "li" => {
                self.close_paragraph(self.line(node));
                Some(TagEnd::Item)
            }
            "dt" | "dd" | "figcaption" | "caption" | "summary" => Some(TagEnd::Paragraph),
            "blockquote" => {
                self.close_paragraph(self.line(node));
                Some(TagEnd::BlockQuote(None))
            }
            "pre" => {
                self.pre = self.pre.saturating_sub(1);
                Some(TagEnd::CodeBlock)
            }
            "table" => {
                self.table_depth = self.table_depth.saturating_sub(1);
                Some(TagEnd::Table)
            }
            "tr" => Some(TagEnd::TableRow),
            "td" | "th" => Some(TagEnd::TableCell),
            "sup" if self.plain_sup(node) => {
                self.emit(Event::InlineHtml("</sup>".into()), node);
                None
            }
            "a" => Some(TagEnd::Link),
            other if BLOCK_TAGS.contains(&other) => {
                self.close_paragraph(self.line(node));
                None
            }
            _ => None,
        };
        if let Some(end) = end {
            self.emit(Event::End(end), node);
        }
    }

    fn text(&mut self, text: &str, node: NodeRef<'a, Node>) {
        if text.trim().is_empty() && self.paragraph == Paragraph::None && self.pre == 0 {
            if self.heading.is_some() || self.list_depth > 0 || self.table_depth > 0 {
                self.emit(Event::Text(" ".into()), node);
            }
            return;
        }
        self.inline_start(node);
        self.emit(Event::Text(text.to_string().into()), node);
    }

    /// Inline content outside any block that holds text starts a paragraph.
    fn inline_start(&mut self, node: NodeRef<'_, Node>) {
        let holds_text = self.heading.is_some()
            || self.list_depth > 0
            || self.table_depth > 0
            || self.pre > 0
            || self.footnote_depth > 0;
        if self.paragraph == Paragraph::None && !holds_text {
            self.emit(Event::Start(Tag::Paragraph), node);
            self.paragraph = Paragraph::Implicit;
        }
    }

    fn close_paragraph(&mut self, line: usize) {
        if self.paragraph == Paragraph::Implicit {
            self.events.event(Event::End(TagEnd::Paragraph), line);
            self.paragraph = Paragraph::None;
        }
    }

    fn open_heading(&mut self, node: NodeRef<'a, Node>, name: &str) {
        let level: u8 = name[1..].parse().unwrap_or(4);
        self.heading = Some(level);
        let id = if level <= 3 {
            self.heading_id(node)
        } else {
            None
        };
        let heading = Tag::Heading {
            level: heading_level(level),
            id: id.map(CowStr::from),
            classes: Vec::new(),
            attrs: Vec::new(),
        };
        self.emit(Event::Start(heading), node);
    }

    /// The anchor of an H1–H3: its id, else the nearest id above it.
    fn heading_id(&mut self, node: NodeRef<'a, Node>) -> Option<String> {
        if let Some(id) = attr(node, "id").map(str::trim).filter(|id| !id.is_empty()) {
            self.last_id = Some(id.to_string());
            return Some(id.to_string());
        }
        let opens_its_section = node.parent().is_some_and(|parent| {
            attr(parent, "id").is_some()
                && parent
                    .children()
                    .find(|c| c.value().is_element())
                    .is_some_and(|first| first.id() == node.id())
        });
        if opens_its_section {
            return node
                .parent()
                .and_then(|p| attr(p, "id"))
                .map(str::to_string);
        }
        let heading = text_of(node);
        if tag(node) == Some("h1") {
            let is_title = match &self.title {
                Some(title) => title.eq_ignore_ascii_case(&heading),
                None => !self.seen_h1,
            };
            self.seen_h1 = true;
            if is_title {
                return self.last_id.clone();
            }
        }
        let line = Some(self.line(node));
        let message = match &self.last_id {
            Some(id) => format!(
                "the heading `{heading}` has no id; its section links to `#{id}`, the nearest id above it; give the heading an id so links land on it"
            ),
            None => format!(
                "the heading `{heading}` has no id and none is above it; its section links to the page; give the heading an id so links land on it"
            ),
        };
        self.warnings.push(Warning::new(self.path, line, message));
        self.last_id.clone()
    }

    /// A `<sup>` holding a footnote reference is that reference; others are kept as
    /// `<sup>` for superscript citations.
    fn open_sup(&mut self, node: NodeRef<'a, Node>) -> bool {
        if self.plain_sup(node) {
            self.inline_start(node);
            self.emit(Event::InlineHtml("<sup>".into()), node);
        }
        true
    }

    /// A `<sup>` without a footnote reference in its first few nodes (a footnote
    /// reference's `<sup>` holds one link).
    fn plain_sup(&self, node: NodeRef<'a, Node>) -> bool {
        !node
            .descendants()
            .take(16)
            .any(|n| tag(n) == Some("a") && self.footnote_target(n).is_some())
    }

    /// The footnote label an `<a href="#…">` points at, if it is a footnote reference.
    fn footnote_target(&self, node: NodeRef<'a, Node>) -> Option<String> {
        let target = attr(node, "href")?.strip_prefix('#')?;
        self.footnotes.get(target).cloned()
    }

    fn open_link(&mut self, node: NodeRef<'a, Node>) -> bool {
        if let Some(label) = self.footnote_target(node) {
            self.inline_start(node);
            self.emit(Event::FootnoteReference(label.into()), node);
            return false;
        }
        let href = attr(node, "href").unwrap_or("");
        if self.heading.is_some() && is_permalink(node, href) {
            return false;
        }
        self.inline_start(node);
        let link = Tag::Link {
            link_type: LinkType::Inline,
            dest_url: href.to_string().into(),
            title: CowStr::from(""),
            id: CowStr::from(""),
        };
        self.emit(Event::Start(link), node);
        true
    }

    /// Inside a footnotes container: each definition is a footnote, back-links and
    /// the container's own headings and rules are dropped.
    fn open_in_footnotes(&mut self, node: NodeRef<'a, Node>, name: &str) -> bool {
        self.footnote_depth += 1;
        let definition = attr(node, "id").and_then(|id| self.footnotes.get(id).cloned());
        if let Some(label) = definition {
            self.emit(Event::Start(Tag::FootnoteDefinition(label.into())), node);
            return true;
        }
        match name {
            "a" if is_backlink(node) => {
                self.footnote_depth -= 1;
                false
            }
            "sup" if has_class(node, "footnote-definition-label") => {
                self.footnote_depth -= 1;
                false
            }
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "hr" => {
                self.footnote_depth -= 1;
                false
            }
            "a" => {
                let link = Tag::Link {
                    link_type: LinkType::Inline,
                    dest_url: attr(node, "href").unwrap_or("").to_string().into(),
                    title: CowStr::from(""),
                    id: CowStr::from(""),
                };
                self.emit(Event::Start(link), node);
                true
            }
            "code" => {
                self.emit(Event::Code(text_of(node).into()), node);
                self.footnote_depth -= 1;
                false
            }
            _ => true,
        }
    }

    fn close_in_footnotes(&mut self, node: NodeRef<'a, Node>, name: &str) {
        self.footnote_depth = self.footnote_depth.saturating_sub(1);
        let definition = attr(node, "id").is_some_and(|id| self.footnotes.contains_key(id));
        if definition {
            self.emit(Event::End(TagEnd::FootnoteDefinition), node);
        } else if name == "a" {
            self.emit(Event::End(TagEnd::Link), node);
        } else if matches!(name, "p" | "div" | "li") {
            self.emit(Event::SoftBreak, node);
        }
    }
}

/// A link inside a heading that only points at the heading ("#", "¶").
fn is_permalink(node: NodeRef<'_, Node>, href: &str) -> bool {
    let text = text_of(node);
    let own = node
        .ancestors()
        .find(|a| matches!(tag(*a), Some("h1" | "h2" | "h3" | "h4" | "h5" | "h6")))
        .and_then(|h| attr(h, "id"))
        .is_some_and(|id| href == format!("#{id}"));
    href.starts_with('#')
        && (own
            || text.is_empty()
            || PERMALINK_TEXTS.contains(&text.to_lowercase().as_str())
            || has_class(node, "anchor")
            || has_class(node, "header-anchor")
            || has_class(node, "heading-anchor"))
}

fn heading_level(level: u8) -> HeadingLevel {
    match level {
        1 => HeadingLevel::H1,
        2 => HeadingLevel::H2,
        3 => HeadingLevel::H3,
        4 => HeadingLevel::H4,
        5 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    }
}
