//! Front matter: the `---` YAML or `+++` TOML block at the top of an article.
//!
//! Both formats are read into one generic JSON-like tree first, and the known keys
//! (title, description, authors, date, updated, reviewers, reviewed, tags, url, slug,
//! lang, draft) are then picked out leniently: a number where a title belongs becomes text with a
//! warning, a date that is not a date is dropped with a warning, and unknown keys
//! are kept in [`Meta::extra`]. Broken front matter never loses the article: the
//! body is still indexed and the warning says which line to fix.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use super::date::Date;
use crate::Warning;

/// Front matter larger than this is ignored (with a warning) rather than parsed.
const MAX_FRONT_MATTER_BYTES: usize = 64 * 1024;
/// Flow collections (`[[[...`) nested deeper than this are refused before parsing,
/// because the YAML parser recurses once per level.
const MAX_FLOW_NESTING: usize = 64;
/// YAML nodes kept from one front matter block; the rest are dropped.
const MAX_NODES: usize = 10_000;

/// Article metadata from the front matter. Every field is optional.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Meta {
    /// `title`.
    pub title: Option<String>,
    /// `description` (or `summary`).
    pub description: Option<String>,
    /// `authors` (or `author`), each as written.
    pub authors: Vec<String>,
    /// `date`: first publication.
    pub date: Option<Date>,
    /// `updated`: last revision.
    pub updated: Option<Date>,
    /// `reviewed_by` (or `reviewer`, `reviewers`, `medically_reviewed_by`): who
    /// checked the article's content, each as written.
    #[serde(default)]
    pub reviewers: Vec<String>,
    /// `last_reviewed` (or `reviewed`): when it was last checked.
    #[serde(default)]
    pub reviewed: Option<Date>,
    /// `tags` (or `keywords`).
    pub tags: Vec<String>,
    /// `url`: the article's own URL, when the site sets it.
    pub url: Option<String>,
    /// `slug`: the last part of the article's URL.
    pub slug: Option<String>,
    /// `lang`: the language code.
    pub lang: Option<String>,
    /// Drafts are left out of the index unless `--drafts` is given.
    pub draft: bool,
    /// Keys healthdex does not interpret, kept as written.
    pub extra: BTreeMap<String, Value>,
}

/// The Markdown after the front matter, and the file line it starts on.
pub(crate) struct Body<'a> {
    pub text: &'a str,
    pub first_line: usize,
}

/// Splits off the front matter block (if any) and reads it into [`Meta`].
pub(crate) fn split_and_parse<'a>(
    path: &str,
    text: &'a str,
    warnings: &mut Vec<Warning>,
) -> (Meta, Body<'a>) {
    let Some(block) = find_block(text) else {
        return (
            Meta::default(),
            Body {
                text,
                first_line: 1,
            },
        );
    };
    let body = Body {
        text: &text[block.body_start..],
        first_line: block.body_line,
    };
    let Some(raw) = block.raw else {
        let message = format!(
            "front matter opened with `{}` on line 1 is never closed; add a closing `{}` line after the last key",
            block.fence, block.fence
        );
        warnings.push(Warning::new(path, Some(1), message));
        return (
            Meta::default(),
            Body {
                text,
                first_line: 1,
            },
        );
    };
    let tree = match read_tree(block.fence, raw) {
        Ok(tree) => tree,
        Err(problem) => {
            let last_line = block.body_line.saturating_sub(2).max(2);
            let line = problem.line.map(|l| (l + 1).min(last_line));
            warnings.push(Warning::new(path, line, problem.message));
            return (Meta::default(), body);
        }
    };
    (meta_from_tree(path, tree, warnings), body)
}

struct Block<'a> {
    fence: &'static str,
    /// The text between the fences; `None` when the closing fence is missing.
    raw: Option<&'a str>,
    body_start: usize,
    body_line: usize,
}

/// Finds a `---`/`+++` fenced block that starts on the first line.
fn find_block(text: &str) -> Option<Block<'_>> {
    let first_line_end = text.find('\n').unwrap_or(text.len());
    let fence = match text[..first_line_end].trim_end() {
        "---" => "---",
        "+++" => "+++",
        _ => return None,
    };
    let content_start = (first_line_end + 1).min(text.len());
    let mut offset = content_start;
    for (line_number, line) in (2..).zip(text[content_start..].split_inclusive('\n')) {
        let trimmed = line.trim_end();
        if trimmed == fence || (fence == "---" && trimmed == "...") {
            return Some(Block {
                fence,
                raw: Some(&text[content_start..offset]),
                body_start: offset + line.len(),
                body_line: line_number + 1,
            });
        }
        offset += line.len();
    }
    Some(Block {
        fence,
        raw: None,
        body_start: 0,
        body_line: 1,
    })
}

/// Why a front matter block could not be read; `line` is relative to the block.
struct Problem {
    line: Option<usize>,
    message: String,
}

fn read_tree(fence: &str, raw: &str) -> Result<Value, Problem> {
    if raw.len() > MAX_FRONT_MATTER_BYTES {
        return Err(Problem {
            line: Some(0),
            message: format!(
                "front matter is larger than {} KiB and was ignored; move long content into the article body",
                MAX_FRONT_MATTER_BYTES / 1024
            ),
        });
    }
    if fence == "+++" {
        read_toml(raw)
    } else {
        read_yaml(raw)
    }
}

fn read_toml(raw: &str) -> Result<Value, Problem> {
    let table: toml::Table = toml::from_str(raw).map_err(|err| {
        let line = err.span().map(|span| raw[..span.start.min(raw.len())].matches('\n').count() + 1);
        Problem {
            line,
            message: format!(
                "front matter is not valid TOML ({}); fix it, or write it as YAML between `---` lines",
                err.message()
            ),
        }
    })?;
    Ok(toml_to_json(toml::Value::Table(table)))
}

fn toml_to_json(value: toml::Value) -> Value {
    match value {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => Value::from(f),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(items) => Value::Array(items.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(table) => Value::Object(
            table
                .into_iter()
                .map(|(k, v)| (k, toml_to_json(v)))
                .collect(),
        ),
    }
}

fn read_yaml(raw: &str) -> Result<Value, Problem> {
    if flow_nesting(raw) > MAX_FLOW_NESTING {
        return Err(Problem {
            line: Some(1),
            message: format!(
                "front matter nests `[`/`{{` more than {MAX_FLOW_NESTING} levels deep and was ignored; flatten it"
            ),
        });
    }
    match super::flat_yaml::read(raw, plain_scalar, MAX_NODES) {
        Some(tree) => Ok(tree),
        None => parse_yaml(raw),
    }
}

/// Any YAML front matter, through the YAML parser.
fn parse_yaml(raw: &str) -> Result<Value, Problem> {
    let mut builder = TreeBuilder::default();
    Parser::new_from_str(raw)
        .load(&mut builder, false)
        .map_err(|err| Problem {
            line: Some(err.marker().line()),
            message: format!(
                "front matter is not valid YAML ({}); fix that line or quote the value",
                err.info()
            ),
        })?;
    let root = builder.root.unwrap_or(Value::Null);
    match root {
        Value::Object(_) | Value::Null => Ok(root),
        other => Err(Problem {
            line: Some(1),
            message: format!(
                "front matter is a {} but should be `key: value` lines; it was ignored",
                json_kind(&other)
            ),
        }),
    }
}

/// Deepest nesting of `[` and `{` outside quotes: a cheap guard before parsing.
fn flow_nesting(raw: &str) -> usize {
    let (mut depth, mut deepest, mut quote) = (0usize, 0usize, None);
    for c in raw.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '[' | '{') => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            (None, ']' | '}') => depth = depth.saturating_sub(1),
            (None, '\n') => quote = None,
            _ => {}
        }
    }
    deepest
}

/// Builds a JSON tree from YAML events, keeping only the first document. Aliases
/// are not expanded (they become `null`), so a hostile file cannot blow up memory.
#[derive(Default)]
struct TreeBuilder {
    stack: Vec<(Value, Option<String>)>,
    root: Option<Value>,
    nodes: usize,
}

impl TreeBuilder {
    fn insert(&mut self, value: Value) {
        self.nodes += 1;
        match self.stack.last_mut() {
            None => {
                if self.root.is_none() {
                    self.root = Some(value);
                }
            }
            Some((Value::Array(items), _)) => items.push(value),
            Some((Value::Object(map), pending)) => match pending.take() {
                Some(key) => {
                    map.insert(key, value);
                }
                None => *pending = Some(key_text(value)),
            },
            Some(_) => {}
        }
    }
}

impl MarkedEventReceiver for TreeBuilder {
    fn on_event(&mut self, event: Event, _mark: Marker) {
        if self.root.is_some() || self.nodes > MAX_NODES {
            return;
        }
        match event {
            Event::Scalar(text, style, _, _) => self.insert(scalar(text, style)),
            Event::Alias(_) => self.insert(Value::Null),
            Event::SequenceStart(..) => self.stack.push((Value::Array(Vec::new()), None)),
            Event::MappingStart(..) => self.stack.push((Value::Object(Map::new()), None)),
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some((value, _)) = self.stack.pop() {
                    self.insert(value);
                }
            }
            _ => {}
        }
    }
}

/// Types a YAML scalar: quoted text stays text; plain `true`, `null`, `12` are typed.
fn scalar(text: String, style: TScalarStyle) -> Value {
    if style != TScalarStyle::Plain {
        return Value::String(text);
    }
    match text.as_str() {
        "true" | "True" | "TRUE" => Value::Bool(true),
        "false" | "False" | "FALSE" => Value::Bool(false),
        "" | "~" | "null" | "Null" | "NULL" => Value::Null,
        _ => text
            .parse::<i64>()
            .map(Value::from)
            .or_else(|_| text.parse::<f64>().map(Value::from))
            .unwrap_or(Value::String(text)),
    }
}

/// [`scalar`] of a plain (unquoted) value.
fn plain_scalar(text: String) -> Value {
    scalar(text, TScalarStyle::Plain)
}

fn key_text(value: Value) -> String {
    match value {
        Value::String(s) => s,
        other => other.to_string(),
    }
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "list",
        Value::Object(_) => "mapping",
    }
}

/// Picks the known keys out of the tree; everything else goes to `extra`.
fn meta_from_tree(path: &str, tree: Value, warnings: &mut Vec<Warning>) -> Meta {
    let Value::Object(map) = tree else {
        return Meta::default();
    };
    let mut meta = Meta::default();
    let mut fields = FieldReader { path, warnings };
    for (key, value) in map {
        match key.to_ascii_lowercase().as_str() {
            "title" => meta.title = fields.text(&key, value),
            "description" | "summary" => meta.description = fields.text(&key, value),
            "author" | "authors" => meta.authors.extend(fields.list(&key, value)),
            "date" | "published" => meta.date = fields.date(&key, value),
            "updated" | "lastmod" | "modified" => meta.updated = fields.date(&key, value),
            "reviewed_by" | "reviewer" | "reviewers" | "medically_reviewed_by" => {
                meta.reviewers.extend(fields.list(&key, value))
            }
            "last_reviewed" | "reviewed" | "lastreviewed" => {
                meta.reviewed = fields.date(&key, value)
            }
            "tags" => meta.tags = fields.list(&key, value),
            "url" | "permalink" => meta.url = fields.text(&key, value),
            "slug" => meta.slug = fields.text(&key, value),
            "lang" | "language" => meta.lang = fields.text(&key, value),
            "draft" => meta.draft = fields.flag(&key, value),
            _ => {
                meta.extra.insert(key, value);
            }
        }
    }
    meta
}

/// Reads typed fields leniently, warning when a value has the wrong shape.
struct FieldReader<'a> {
    path: &'a str,
    warnings: &'a mut Vec<Warning>,
}

impl FieldReader<'_> {
    fn wrong_shape(&mut self, key: &str, value: &Value, expected: &str) {
        self.warnings.push(Warning::new(
            self.path,
            None,
            format!(
                "front matter `{key}` is a {} but should be {expected}; it was ignored",
                json_kind(value)
            ),
        ));
    }

    fn text(&mut self, key: &str, value: Value) -> Option<String> {
        match value {
            Value::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
            Value::Null => None,
            Value::Number(_) | Value::Bool(_) => {
                self.warnings.push(Warning::new(
                    self.path,
                    None,
                    format!("front matter `{key}` is not text ({value}); it was read as text, quote it to silence this"),
                ));
                Some(value.to_string())
            }
            other => {
                self.wrong_shape(key, &other, "text");
                None
            }
        }
    }

    /// A list of names or tags; a single string may also be comma-separated.
    fn list(&mut self, key: &str, value: Value) -> Vec<String> {
        let items = match value {
            Value::Array(items) => items,
            Value::String(s) => s.split(',').map(|p| Value::String(p.to_string())).collect(),
            Value::Null => Vec::new(),
            other => vec![other],
        };
        items
            .into_iter()
            .filter_map(|item| match item {
                Value::Object(mut map) => map.remove("name").and_then(|n| self.text(key, n)),
                other => self.text(key, other),
            })
            .collect()
    }

    fn date(&mut self, key: &str, value: Value) -> Option<Date> {
        let text = match &value {
            Value::String(s) => s.as_str(),
            Value::Null => return None,
            _ => "",
        };
        let date = text.parse::<Date>().ok();
        if date.is_none() {
            self.warnings.push(Warning::new(
                self.path,
                None,
                format!("front matter `{key}` ({value}) is not a date; write it as YYYY-MM-DD"),
            ));
        }
        date
    }

    fn flag(&mut self, key: &str, value: Value) -> bool {
        match value {
            Value::Bool(b) => b,
            Value::String(s) if s.eq_ignore_ascii_case("true") || s == "yes" => true,
            Value::String(s) if s.eq_ignore_ascii_case("false") || s == "no" => false,
            Value::Null => false,
            other => {
                self.wrong_shape(key, &other, "true or false");
                false
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fast reader's tree of `raw`, when it reads it, must be the YAML parser's.
    fn assert_flat_reader_agrees(raw: &str) -> bool {
        let Some(fast) = super::super::flat_yaml::read(raw, plain_scalar, MAX_NODES) else {
            return false;
        };
        let full = parse_yaml(raw).unwrap_or_else(|p| panic!("{raw:?}: {}", p.message));
        assert_eq!(fast, full, "{raw:?}");
        true
    }

    #[test]
    fn flat_front_matter_reads_as_the_yaml_parser_reads_it() {
        let read = [
            "title: \"ABCD syndrome\"\nsource: GARD\nurl: \"https://rarediseases.info.nih.gov/gard/335\"\numls_cui: [C1838099]\ntags: [\"symptoms\", 'a, b']\n",
            "title: Leaky gut\ndate: 2023-05-01\ndraft: true\nweight: 12\nratio: 1.5\nempty: []\n",
            "a: NaN\nb: inf\nc: yes\ne: 1e5\nf: null\ng: False\nh: 0x1F\ni: 1_000\n",
            "title: \"Crème brûlée\"\n\n\nauthors: [\"Ann Lee\", Bo Kim]\ntitle: again\n",
            "list: [a  b, c.d, e-f, 7]\r\nk_2-x: 'it is'\n",
        ];
        for raw in read {
            assert!(assert_flat_reader_agrees(raw), "{raw:?} is flat");
        }
        let left_to_the_parser = [
            "title: a: b\n",
            "title: \"a\\\"b\"\n",
            "title: 'it''s'\n",
            "tags:\n  - a\n",
            "title: long\n  continued\n",
            "True: x\n",
            "null: x\n",
            "inf: x\n",
            "# comment\ntitle: x\n",
            "title: x # comment\n",
            "d: ~x\n",
            "title: Crème brûlée\n",
            "list: [a, [b]]\n",
            "list: [a, ]\n",
            "list: [\"a\", b\n",
            "title: |\n  block\n",
            "title: &a x\n",
            "title:x\n",
            "\u{feff}title: x\n",
            "title: \"tab\there\"\n",
            "",
        ];
        for raw in left_to_the_parser {
            assert!(
                !assert_flat_reader_agrees(raw),
                "{raw:?} is left to the parser"
            );
        }
    }

    #[test]
    fn generated_front_matter_reads_as_the_yaml_parser_reads_it() {
        let keys = ["title", "tags", "True", "a-b", "_x", "null", "n1", "date"];
        let values = [
            "x",
            "Leaky gut",
            "\"q, r\"",
            "'s'",
            "[a, \"b, c\"]",
            "[]",
            "12",
            "-3",
            "1.5e3",
            "true",
            "NULL",
            "2023-05-01",
            "a: b",
            "\"",
            "[a",
            "x ",
            "é",
            "\"é\"",
            "[yes, no, ~]",
            ".5",
            "nan",
            "'a''b'",
            "\"a\\nb\"",
            "[ ]",
            "[a,b]",
            "a  b",
        ];
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        let mut flat = 0;
        for _ in 0..3000 {
            let lines = 1 + next(5);
            let raw: String = (0..lines)
                .map(|_| {
                    format!(
                        "{}: {}\n",
                        keys[next(keys.len())],
                        values[next(values.len())]
                    )
                })
                .collect();
            if parse_yaml(&raw).is_ok() && assert_flat_reader_agrees(&raw) {
                flat += 1;
            }
        }
        assert!(flat > 300, "only {flat} generated texts were flat");
    }

    fn parse(text: &str) -> (Meta, usize, Vec<Warning>) {
        let mut warnings = Vec::new();
        let (meta, body) = split_and_parse("a.md", text, &mut warnings);
        (meta, body.first_line, warnings)
    }

    #[test]
    fn reads_yaml_keys_and_keeps_unknown_ones() {
        let text = "---\ntitle: Leaky gut\nauthors: [Ann Lee, Bo Kim]\ndate: 2023-05-01\ntags:\n  - gut\n  - skin\ndraft: true\nseries: gut-skin\n---\n# Body\n";
        let (meta, first_line, warnings) = parse(text);
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(meta.title.as_deref(), Some("Leaky gut"));
        assert_eq!(meta.authors, ["Ann Lee", "Bo Kim"]);
        assert_eq!(meta.date.unwrap().to_string(), "2023-05-01");
        assert_eq!(meta.tags, ["gut", "skin"]);
        assert!(meta.draft);
        assert_eq!(meta.extra["series"], "gut-skin");
        assert_eq!(first_line, 11);
    }

    #[test]
    fn reads_who_reviewed_the_article_and_when() {
        let text = "---\nreviewed_by: Dr Ann Lee\nlast_reviewed: 2024-02-03\n---\nText\n";
        let (meta, _, warnings) = parse(text);
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(meta.reviewers, ["Dr Ann Lee"]);
        assert_eq!(meta.reviewed.unwrap().to_string(), "2024-02-03");
        let (meta, _, _) = parse("---\nreviewers: [A, B]\nreviewed: 2023\n---\n");
        assert_eq!(meta.reviewers, ["A", "B"]);
    }

    #[test]
    fn reads_toml_with_native_dates() {
        let text = "+++\ntitle = \"Fibre\"\ndate = 2022-01-31\ntags = [\"diet\"]\nslug = \"fibre\"\n+++\nText\n";
        let (meta, first_line, warnings) = parse(text);
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(meta.title.as_deref(), Some("Fibre"));
        assert_eq!(meta.date.unwrap().to_string(), "2022-01-31");
        assert_eq!(meta.slug.as_deref(), Some("fibre"));
        assert_eq!(first_line, 7);
    }

    #[test]
    fn wrong_shapes_warn_and_keep_what_is_sound() {
        let (meta, _, warnings) = parse("---\ntitle: 42\ndate: someday\ntags: gut, skin\n---\n");
        assert_eq!(meta.title.as_deref(), Some("42"));
        assert_eq!(meta.date, None);
        assert_eq!(meta.tags, ["gut", "skin"]);
        assert_eq!(warnings.len(), 2, "{warnings:?}");

        let (meta, _, warnings) = parse("---\n- a\n- b\n---\nbody\n");
        assert_eq!(meta, Meta::default());
        assert!(warnings[0].message.contains("list"), "{warnings:?}");
    }

    #[test]
    fn broken_or_unclosed_front_matter_is_reported_with_a_line() {
        let (_, first_line, warnings) = parse("---\ntitle: ok\nbad: [unclosed\n---\nbody\n");
        assert_eq!(first_line, 5);
        assert!(
            warnings[0].message.contains("not valid YAML"),
            "{warnings:?}"
        );
        assert!(warnings[0].line.is_some());

        let (_, first_line, warnings) = parse("---\ntitle: never closed\n\nbody\n");
        assert_eq!(first_line, 1);
        assert_eq!(warnings[0].line, Some(1));
        assert!(warnings[0].message.contains("never closed"));
    }

    #[test]
    fn hostile_yaml_is_bounded() {
        let deep = format!(
            "---\na: {}{}\n---\n",
            "[".repeat(10_000),
            "]".repeat(10_000)
        );
        let (_, _, warnings) = parse(&deep);
        assert!(warnings[0].message.contains("nests"));

        let laughs = "---\na: &a [x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b, *b, *b]\ntitle: Safe\n---\n";
        let (meta, _, _) = parse(laughs);
        assert_eq!(meta.title.as_deref(), Some("Safe"));
        assert_eq!(
            meta.extra["c"],
            serde_json::json!([null, null, null, null, null, null, null, null])
        );
    }

    #[test]
    fn crlf_front_matter_is_found() {
        let (meta, first_line, _) = parse("---\r\ntitle: Windows\r\n---\r\nbody\r\n");
        assert_eq!(meta.title.as_deref(), Some("Windows"));
        assert_eq!(first_line, 4);
    }
}
