//! The page as a tree: html5ever's HTML5 tree builder (the algorithm browsers
//! follow, so a page with unclosed or misnested tags gets the tree a browser shows)
//! into scraper's [`Html`], through a sink that also records the line each element
//! starts on, and the small questions the readers ask of an element.

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use ego_tree::{NodeId, NodeRef};
use html5ever::tendril::{StrTendril, TendrilSink};
use html5ever::tree_builder::{ElementFlags, NodeOrText, QuirksMode, TreeSink};
use html5ever::{Attribute, QualName};
use scraper::{Html, HtmlTreeSink, Node};

/// A parsed page and the 1-based line of each element.
pub(crate) struct Dom {
    pub html: Html,
    lines: HashMap<NodeId, usize>,
}

impl Dom {
    /// Builds the tree of `text` (never fails: every input has an HTML5 tree).
    pub fn parse(text: &str) -> Dom {
        let sink = LineSink {
            inner: HtmlTreeSink::new(Html::new_document()),
            line: Cell::new(1),
            lines: RefCell::new(HashMap::new()),
        };
        let (html, lines) = html5ever::parse_document(sink, Default::default()).one(text);
        Dom { html, lines }
    }

    /// The line `node` (or the nearest element holding it) starts on.
    pub fn line_of(&self, node: NodeRef<'_, Node>) -> usize {
        std::iter::once(node)
            .chain(node.ancestors())
            .find_map(|n| self.lines.get(&n.id()).copied())
            .unwrap_or(1)
    }
}

/// Elements that never hold others, or that the next of their kind closes (`<p>`,
/// `<li>` …, often left open): they do not deepen the estimate of [`nesting_depth`].
const FLAT_TAGS: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr", "p", "li", "dt", "dd", "option", "tr", "td", "th", "tbody", "thead", "tfoot",
    "colgroup", "optgroup", "rb", "rt", "rp", "!doctype",
];

/// About how deep the page's elements nest, from its tags alone (a close tag
/// undoes an open one; comments and the contents of scripts and styles are
/// skipped). The HTML5 tree builder scans its stack of open elements for many tags,
/// so its time grows with the square of the depth: 20,000 nested lists took 7 s.
pub(crate) fn nesting_depth(text: &str) -> usize {
    let bytes = text.as_bytes();
    let (mut depth, mut deepest, mut at) = (0usize, 0usize, 0usize);
    while let Some(offset) = text[at..].find('<') {
        let start = at + offset + 1;
        at = start;
        if text[start..].starts_with("!--") {
            at = text[start..]
                .find("-->")
                .map_or(text.len(), |end| start + end + 3);
            continue;
        }
        let closing = bytes.get(start) == Some(&b'/');
        let name_start = start + usize::from(closing);
        let name_len = bytes[name_start..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'!' || **b == b'-')
            .count();
        if name_len == 0 {
            continue;
        }
        let name = text[name_start..name_start + name_len].to_ascii_lowercase();
        let tag_end = text[name_start..]
            .find('>')
            .map_or(text.len(), |end| name_start + end);
        let self_closed = text[..tag_end].ends_with('/');
        if closing {
            if !FLAT_TAGS.contains(&name.as_str()) {
                depth = depth.saturating_sub(1);
            }
        } else if name == "script" || name == "style" {
            let close = format!("</{name}");
            at = find_ascii_case_insensitive(text, tag_end, &close).unwrap_or(text.len());
        } else if !self_closed && !FLAT_TAGS.contains(&name.as_str()) {
            depth += 1;
            deepest = deepest.max(depth);
        }
        at = at.max(tag_end.min(text.len()));
    }
    deepest
}

fn find_ascii_case_insensitive(text: &str, from: usize, needle: &str) -> Option<usize> {
    let haystack = text.as_bytes().get(from..)?;
    haystack
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
        .map(|i| from + i)
}

/// scraper's sink, plus a line per element (html5ever tells a sink the line before
/// each token).
struct LineSink {
    inner: HtmlTreeSink,
    line: Cell<u64>,
    lines: RefCell<HashMap<NodeId, usize>>,
}

impl TreeSink for LineSink {
    type Handle = NodeId;
    type Output = (Html, HashMap<NodeId, usize>);
    type ElemName<'a> = <HtmlTreeSink as TreeSink>::ElemName<'a>;

    fn finish(self) -> Self::Output {
        (self.inner.finish(), self.lines.into_inner())
    }
    fn parse_error(&self, msg: Cow<'static, str>) {
        self.inner.parse_error(msg);
    }
    fn get_document(&self) -> NodeId {
        self.inner.get_document()
    }
    fn elem_name<'a>(&'a self, target: &'a NodeId) -> Self::ElemName<'a> {
        self.inner.elem_name(target)
    }
    fn create_element(&self, name: QualName, attrs: Vec<Attribute>, flags: ElementFlags) -> NodeId {
        let id = self.inner.create_element(name, attrs, flags);
        let line = usize::try_from(self.line.get()).unwrap_or(usize::MAX);
        self.lines.borrow_mut().insert(id, line);
        id
    }
    fn create_comment(&self, text: StrTendril) -> NodeId {
        self.inner.create_comment(text)
    }
    fn create_pi(&self, target: StrTendril, data: StrTendril) -> NodeId {
        self.inner.create_pi(target, data)
    }
    fn append(&self, parent: &NodeId, child: NodeOrText<NodeId>) {
        self.inner.append(parent, child);
    }
    fn append_based_on_parent_node(
        &self,
        element: &NodeId,
        prev_element: &NodeId,
        child: NodeOrText<NodeId>,
    ) {
        self.inner
            .append_based_on_parent_node(element, prev_element, child);
    }
    fn append_doctype_to_document(
        &self,
        name: StrTendril,
        public_id: StrTendril,
        system_id: StrTendril,
    ) {
        self.inner
            .append_doctype_to_document(name, public_id, system_id);
    }
    fn get_template_contents(&self, target: &NodeId) -> NodeId {
        self.inner.get_template_contents(target)
    }
    fn same_node(&self, x: &NodeId, y: &NodeId) -> bool {
        x == y
    }
    fn set_quirks_mode(&self, mode: QuirksMode) {
        self.inner.set_quirks_mode(mode);
    }
    fn append_before_sibling(&self, sibling: &NodeId, new_node: NodeOrText<NodeId>) {
        self.inner.append_before_sibling(sibling, new_node);
    }
    fn add_attrs_if_missing(&self, target: &NodeId, attrs: Vec<Attribute>) {
        self.inner.add_attrs_if_missing(target, attrs);
    }
    fn remove_from_parent(&self, target: &NodeId) {
        self.inner.remove_from_parent(target);
    }
    fn reparent_children(&self, node: &NodeId, new_parent: &NodeId) {
        self.inner.reparent_children(node, new_parent);
    }
    fn set_current_line(&self, line_number: u64) {
        self.line.set(line_number);
    }
}

/// The element's tag name (lower-case), or `None` for other nodes.
pub(crate) fn tag<'a>(node: NodeRef<'a, Node>) -> Option<&'a str> {
    node.value().as_element().map(|e| e.name())
}

/// An attribute of an element.
pub(crate) fn attr<'a>(node: NodeRef<'a, Node>, name: &str) -> Option<&'a str> {
    node.value().as_element()?.attr(name)
}

/// Whether the element has the attribute (with any value).
pub(crate) fn has_attr(node: NodeRef<'_, Node>, name: &str) -> bool {
    attr(node, name).is_some()
}

/// The words naming what an element is, lower-case, split at spaces, `-` and `_`
/// ("comment-respond" → "comment", "respond"): those of its `class`, and of its `id`
/// when that is a short name ("comments", "site-navigation") rather than one made
/// from a heading's words ("what-are-the-related-conditions").
pub(crate) fn name_words(node: NodeRef<'_, Node>) -> Vec<String> {
    let words = |value: &str| -> Vec<String> {
        value
            .split(|c: char| c.is_whitespace() || c == '-' || c == '_')
            .filter(|w| !w.is_empty())
            .map(str::to_ascii_lowercase)
            .collect()
    };
    let mut found = attr(node, "class").map(words).unwrap_or_default();
    let heading = matches!(tag(node), Some("h1" | "h2" | "h3" | "h4" | "h5" | "h6"));
    if let Some(id) = attr(node, "id").map(words)
        && id.len() <= 2
        && !heading
    {
        found.extend(id);
    }
    found
}

/// Whether the element's class list holds `class`.
pub(crate) fn has_class(node: NodeRef<'_, Node>, class: &str) -> bool {
    attr(node, "class").is_some_and(|c| c.split_whitespace().any(|w| w == class))
}

/// The text under `node`, whitespace collapsed, if it is at most `max_chars` long
/// (looking at no more than a few nodes per allowed character), else `None`: what
/// a check on short blocks needs, at a cost bounded whatever the page's nesting.
pub(crate) fn short_text_of(node: NodeRef<'_, Node>, max_chars: usize) -> Option<String> {
    let mut out = String::new();
    let mut chars = 0;
    for (visited, n) in node.descendants().enumerate() {
        if visited > 4 * max_chars + 16 {
            return None;
        }
        if let Some(piece) = n.value().as_text() {
            chars += piece.chars().count();
            if chars > 4 * max_chars {
                return None;
            }
            out.push_str(piece);
            out.push(' ');
        }
    }
    let collapsed = out.split_whitespace().collect::<Vec<_>>().join(" ");
    (collapsed.chars().count() <= max_chars).then_some(collapsed)
}

/// The nodes under `root` (in page order) that `keep` accepts and that no element
/// `prune` accepts holds: one pass, so a page nested thousands deep costs no more
/// than a flat one.
pub(crate) fn outside<'a>(
    root: NodeRef<'a, Node>,
    prune: impl Fn(NodeRef<'a, Node>) -> bool,
    keep: impl Fn(NodeRef<'a, Node>) -> bool,
) -> Vec<NodeRef<'a, Node>> {
    use ego_tree::iter::Edge;
    let mut found = Vec::new();
    let mut pruned: Option<NodeId> = None;
    for edge in root.traverse() {
        match edge {
            Edge::Open(node) if pruned.is_none() => {
                if node.id() != root.id() && prune(node) {
                    pruned = Some(node.id());
                } else if keep(node) {
                    found.push(node);
                }
            }
            Edge::Close(node) if pruned == Some(node.id()) => pruned = None,
            _ => {}
        }
    }
    found
}

/// All the text under `node`, whitespace collapsed.
pub(crate) fn text_of(node: NodeRef<'_, Node>) -> String {
    let mut out = String::new();
    for piece in node.descendants().filter_map(|n| n.value().as_text()) {
        out.push_str(piece);
        out.push(' ');
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}
