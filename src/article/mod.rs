//! Markdown article → [`Article`]: front matter, sections split at H1–H3 headings,
//! and structured references. This is the first stage of the pipeline and does no
//! I/O: it takes the article's path (for messages and URLs) and its text, so tests,
//! benches, the indexer and the server all call the same [`parse_article`].
//!
//! Problems with the content never fail parsing; they become [`Warning`]s attached
//! to the result, and the article keeps whatever could be read soundly.
//!
//! Each section also knows the references its text cites ([`Section::cites`]):
//! numeric, superscript, footnote and author–year markers are linked to the
//! article's parsed references by [`cites`], and each reference carries the kind of
//! evidence its title and journal name ([`Evidence`]). Citation problems are not
//! parse warnings; [`lint`] reports them for `healthdex index --check`.

mod anchor;
pub mod boilerplate;
pub mod citation;
pub mod cites;
mod date;
mod flat_yaml;
mod frontmatter;
mod html;
mod infer;
mod markdown;
pub mod names;
pub mod page;
mod window;

use serde::{Deserialize, Serialize};

pub use boilerplate::Boilerplate;
pub use citation::{Evidence, Reference, parse_reference};
pub use cites::{CiteProblem, CiteRef, RefId, Unlinked};
pub use date::Date;
pub use frontmatter::Meta;

use crate::Warning;

/// One parsed article, ready for indexing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Article {
    /// Path relative to the indexed folder, with `/` separators. Also the article's id.
    pub path: String,
    /// From front matter, else the first H1, else the file name.
    pub title: String,
    /// Public URL of the article, without an anchor (see [`article_url`]).
    pub url: String,
    /// The front matter, read leniently.
    pub meta: Meta,
    /// In reading order; `sections[i].ordinal == i`.
    pub sections: Vec<Section>,
    /// What healthdex had to infer because the file did not say it (the title from
    /// the first line, headings from standalone lines, a reference list from the
    /// citations at the end, the content region of an HTML page). Empty when the
    /// file marks its own structure; `index --check` reports it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inferred: Vec<String>,
}

impl Article {
    /// Every reference of the article, in the order they appear.
    pub fn references(&self) -> impl Iterator<Item = &Reference> {
        self.sections.iter().flat_map(|s| s.references.iter())
    }

    /// Every reference of the article with its [`RefId`], in the order they appear.
    pub fn reference_ids(&self) -> impl Iterator<Item = (RefId, &Reference)> {
        self.sections.iter().flat_map(|s| {
            s.references.iter().enumerate().map(|(index, r)| {
                let index = u32::try_from(index).unwrap_or(u32::MAX);
                (
                    RefId {
                        section: s.ordinal,
                        index,
                    },
                    r,
                )
            })
        })
    }

    /// The reference at `id`, if there is one.
    pub fn reference(&self, id: RefId) -> Option<&Reference> {
        self.sections
            .get(usize::try_from(id.section).ok()?)?
            .references
            .get(usize::try_from(id.index).ok()?)
    }

    /// The references a section cites, each once, in the order first cited.
    ///
    /// ```
    /// use healthdex::article::{Evidence, parse_article, ParseOptions};
    /// let text = "Acne and the gut [1, 2]; diet [2].\n\n## References\n\n\
    ///     1. Bowe WP, Logan AC. Acne vulgaris, probiotics and the gut-brain-skin axis. Gut Pathog. 2011;3(1):1.\n\
    ///     2. Goldenberg JZ, et al. Probiotics for the prevention of Clostridium difficile-associated diarrhea in adults and children. Cochrane Database Syst Rev. 2017.\n";
    /// let article = parse_article("acne.md", text, &ParseOptions::default()).article;
    /// let sources = article.sources(&article.sections[0]);
    /// assert_eq!(sources.len(), 2);
    /// assert_eq!(sources[1].evidence, Evidence::SystematicReview);
    /// assert_eq!(article.sections[0].cites[1].marker, "[1, 2]");
    /// ```
    pub fn sources(&self, section: &Section) -> Vec<&Reference> {
        let mut seen = std::collections::HashSet::new();
        section
            .cites
            .iter()
            .filter(|cite| seen.insert(cite.reference))
            .filter_map(|cite| self.reference(cite.reference))
            .collect()
    }
}

/// A part of an article that starts at an H1–H3 heading (or the text before the
/// first heading, the *intro*, whose heading is empty).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Section {
    /// Position in the article, from 0.
    pub ordinal: u32,
    /// Heading level 1–3, or 0 for the intro.
    pub level: u8,
    /// Heading text with Markdown removed; empty for the intro.
    pub heading: String,
    /// URL fragment for the heading, unique within the article; empty for the intro.
    pub anchor: String,
    /// The article URL plus `#anchor` (just the article URL for the intro).
    pub url: String,
    /// Article title, then the enclosing headings, then this heading.
    pub breadcrumbs: Vec<String>,
    /// Plain text of the section: paragraphs, lists, tables, quotes, code, alt text.
    pub text: String,
    /// 1-based line of the heading in the file (or of the first line of the intro).
    pub line: usize,
    /// Citations listed in this section (a references list) or defined in it (footnotes).
    pub references: Vec<Reference>,
    /// The references this section's text cites, one per reference a marker names,
    /// in reading order (a reference cited twice is here twice); see
    /// [`Article::sources`] for each once.
    #[serde(default)]
    pub cites: Vec<CiteRef>,
    /// Markers in this section's text that could not be linked to one reference
    /// (reported by [`lint`]). Left out of JSON when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unlinked: Vec<Unlinked>,
}

/// Settings that change how an article is read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParseOptions {
    /// Prefix for article URLs, e.g. `https://example.org/articles/`. Empty means
    /// site-relative URLs starting with `/`.
    pub base_url: String,
    /// The page boilerplate left out of every article (built-in patterns plus the
    /// site's own from `healthdex.toml`).
    #[serde(default)]
    pub boilerplate: Boilerplate,
}

impl ParseOptions {
    /// Options with this URL prefix and the built-in boilerplate patterns.
    pub fn with_base_url(base_url: &str) -> ParseOptions {
        ParseOptions {
            base_url: base_url.to_string(),
            ..ParseOptions::default()
        }
    }
}

/// How a file is read, from its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// `.md`, `.markdown` (and anything else).
    Markdown,
    /// `.txt`: plain text, structure inferred.
    Text,
    /// `.html`, `.htm`: a built page (see [`page`]).
    Html,
}

impl Format {
    /// The format of the file at `path` (by extension, case-insensitively).
    pub fn of_path(path: &str) -> Format {
        let name = path.rsplit('/').next().unwrap_or(path);
        let extension = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
        match extension.as_deref() {
            Some("txt") => Format::Text,
            Some("html" | "htm") => Format::Html,
            _ => Format::Markdown,
        }
    }
}

/// An article together with the problems found while reading it.
#[derive(Debug, Clone)]
pub struct Parsed {
    /// The article, as far as it could be read.
    pub article: Article,
    /// Problems found while reading it (never fatal).
    pub warnings: Vec<Warning>,
}

/// Parses one article. `path` is relative to the corpus root with `/` separators;
/// it names the article in warnings, seeds its URL and chooses the reader by its
/// extension ([`Format`]): Markdown, plain text (structure inferred) or a built
/// HTML page ([`page`]).
///
/// ```
/// use healthdex::article::{parse_article, ParseOptions};
/// let text = "---\ntitle: Leaky gut\n---\nIntro.\n\n## What is it?\nThe gut barrier.\n";
/// let parsed = parse_article("gut/leaky.md", text, &ParseOptions::default());
/// let article = parsed.article;
/// assert_eq!(article.title, "Leaky gut");
/// assert_eq!(article.sections[1].heading, "What is it?");
/// assert_eq!(article.sections[1].anchor, "what-is-it");
/// assert_eq!(article.url, "/gut/leaky/");
/// ```
pub fn parse_article(path: &str, text: &str, options: &ParseOptions) -> Parsed {
    match Format::of_path(path) {
        Format::Html => page::parse_page(path, text, options),
        Format::Text => parse_text(path, text, options),
        Format::Markdown => parse_markdown(path, text, options),
    }
}

/// Markdown: front matter, then the body as written, or with structure inferred
/// when it marks no heading.
fn parse_markdown(path: &str, text: &str, options: &ParseOptions) -> Parsed {
    let mut warnings = Vec::new();
    let (meta, body) = frontmatter::split_and_parse(path, text, &mut warnings);
    if infer::has_headings(body.text) {
        let cleaned = infer::strip_boilerplate(body.text, &options.boilerplate);
        let outline = markdown::outline(path, &cleaned, body.first_line, &mut warnings);
        return assemble(path, meta, outline, options, warnings);
    }
    let inferred = infer::structure(
        body.text,
        infer::Source::Markdown,
        meta.title.as_deref(),
        &options.boilerplate,
    );
    parse_inferred(path, meta, inferred, body.first_line, options, warnings)
}

/// Plain text: no front matter, every character literal, structure inferred.
fn parse_text(path: &str, text: &str, options: &ParseOptions) -> Parsed {
    let inferred = infer::structure(text, infer::Source::Text, None, &options.boilerplate);
    parse_inferred(path, Meta::default(), inferred, 1, options, Vec::new())
}

/// Reads the Markdown written from inferred structure, then points every line back
/// at the file.
fn parse_inferred(
    path: &str,
    meta: Meta,
    inferred: infer::Inferred,
    first_line: usize,
    options: &ParseOptions,
    mut warnings: Vec<Warning>,
) -> Parsed {
    let mut own = Vec::new();
    let outline = markdown::outline(path, &inferred.markdown, 1, &mut own);
    let mut parsed = assemble(path, meta, outline, options, own);
    let file_line = |line: usize| {
        let body_line = inferred.lines.get(line.saturating_sub(1)).copied();
        first_line + body_line.unwrap_or(line.saturating_sub(1))
    };
    remap_lines(&mut parsed, file_line);
    parsed.article.inferred = inferred.notes;
    warnings.append(&mut parsed.warnings);
    parsed.warnings = warnings;
    parsed
}

/// Rewrites every line an article and its warnings report.
fn remap_lines(parsed: &mut Parsed, file_line: impl Fn(usize) -> usize) {
    for section in &mut parsed.article.sections {
        section.line = file_line(section.line);
        for reference in &mut section.references {
            reference.line = reference.line.map(&file_line);
        }
        for cite in &mut section.cites {
            cite.line = file_line(cite.line);
        }
        for unlinked in &mut section.unlinked {
            unlinked.line = file_line(unlinked.line);
        }
    }
    for warning in &mut parsed.warnings {
        warning.line = warning.line.map(&file_line);
    }
}

/// The steps after the walk, shared by every reader: the title, the sections'
/// anchors and citations, the URL.
pub(crate) fn assemble(
    path: &str,
    meta: Meta,
    outline: markdown::Outline,
    options: &ParseOptions,
    mut warnings: Vec<Warning>,
) -> Parsed {
    let title = choose_title(path, &meta, &outline, &mut warnings);
    let sections = markdown::finish_sections(path, outline, &title, &mut warnings);
    let url = article_url(&options.base_url, path, &meta);
    let sections = sections
        .into_iter()
        .map(|section| Section {
            url: section_url(&url, &section.anchor),
            ..section
        })
        .collect();
    Parsed {
        article: Article {
            path: path.to_string(),
            title,
            url,
            meta,
            sections,
            inferred: Vec::new(),
        },
        warnings,
    }
}

/// Problems worth fixing before publishing that do not stop indexing: headings
/// repeated in one article (the second gets a `-1` anchor, so links meant for it
/// land on the first), reference lists in which no entry could be read, and the
/// citation problems of [`cites::lint`] (markers that link to nothing or to more
/// than one reference, references never cited, one work listed twice).
/// Used by `healthdex index --check`.
pub fn lint(article: &Article) -> Vec<Warning> {
    let mut warnings = Vec::new();
    let mut first_seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for section in article.sections.iter().filter(|s| !s.heading.is_empty()) {
        let key = section.heading.to_lowercase();
        match first_seen.get(&key) {
            Some(&line) => warnings.push(Warning::new(
                &article.path,
                Some(section.line),
                format!(
                    "the heading `{}` repeats the one on line {line}; this one is reached as `#{}`, so rename one of them if links should tell them apart",
                    section.heading, section.anchor
                ),
            )),
            None => {
                first_seen.insert(key, section.line);
            }
        }
    }
    for section in article.sections.iter().filter(|s| !s.references.is_empty()) {
        let readable = section.references.iter().any(|r| {
            r.year.is_some()
                || r.container.is_some()
                || r.doi.is_some()
                || r.pmid.is_some()
                || r.pmcid.is_some()
                || r.url.is_some()
        });
        if !readable {
            warnings.push(Warning::new(
                &article.path,
                Some(section.line),
                format!(
                    "none of the {} entries under `{}` has a recognisable year, journal, DOI, PMID or link; write them in APA or Vancouver style",
                    section.references.len(),
                    if section.heading.is_empty() { "the footnotes" } else { section.heading.as_str() }
                ),
            ));
        }
    }
    warnings.extend(cites::lint(article));
    if !article.inferred.is_empty() {
        let first_line = article.sections.first().map_or(1, |s| s.line);
        warnings.push(Warning::new(
            &article.path,
            Some(first_line),
            format!(
                "structure was inferred from the text: {}; mark headings and a References heading in Markdown to say it yourself",
                article.inferred.join(", ")
            ),
        ));
    }
    warnings
}

/// Title from front matter, else the first H1, else the file name (with a warning).
fn choose_title(
    path: &str,
    meta: &Meta,
    outline: &markdown::Outline,
    warnings: &mut Vec<Warning>,
) -> String {
    if let Some(title) = meta.title.as_deref().filter(|t| !t.trim().is_empty()) {
        return title.trim().to_string();
    }
    if let Some(h1) = outline.first_h1() {
        return h1.to_string();
    }
    warnings.push(Warning::new(
        path,
        None,
        "no title: add `title:` to the front matter or start the article with a `# Heading`; using the file name",
    ));
    title_from_file_name(path)
}

fn title_from_file_name(path: &str) -> String {
    let name = path.rsplit('/').next().unwrap_or(path);
    let stem = name.rsplit_once('.').map_or(name, |(stem, _)| stem);
    let words = stem.replace(['-', '_'], " ");
    let mut chars = words.trim().chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => path.to_string(),
    }
}

/// The URL of a section: the article URL, plus `#anchor` unless it is the intro.
pub fn section_url(article_url: &str, anchor: &str) -> String {
    if anchor.is_empty() {
        article_url.to_string()
    } else {
        format!("{article_url}#{anchor}")
    }
}

/// The public URL of an article, without anchor.
///
/// 1. A front matter `url` that is absolute (`https://…`) is used as is.
/// 2. A front matter `url` starting with `/` is joined to the base URL.
/// 3. Otherwise the folder of the file plus the `slug` (or the file stem), with a
///    trailing `/`: `gut/leaky-gut.md` → `{base}gut/leaky-gut/`; an `index.md` or
///    `_index.md` stands for its folder.
pub fn article_url(base_url: &str, path: &str, meta: &Meta) -> String {
    let base = base_url.trim_end_matches('/');
    if let Some(url) = meta.url.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
        if url.contains("://") {
            return url.to_string();
        }
        return format!("{base}/{}", url.trim_start_matches('/'));
    }
    let (folder, file) = match path.rsplit_once('/') {
        Some((folder, file)) => (Some(folder), file),
        None => (None, path),
    };
    let stem = file.rsplit_once('.').map_or(file, |(stem, _)| stem);
    let leaf = match meta
        .slug
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(slug) => Some(slug.trim_matches('/')),
        None if stem == "index" || stem == "_index" => None,
        None => Some(stem),
    };
    let mut url = String::from(base);
    url.push('/');
    for part in folder.into_iter().chain(leaf) {
        url.push_str(&percent_encode_path(part));
        url.push('/');
    }
    url
}

/// A path made safe for a URL: bytes other than letters, digits, `-._~/` and the
/// sub-delimiters `!$&'()*+,;=:@` are percent-encoded (UTF-8), so a file named
/// `what? #1 and more.md` cannot end the path, start a fragment or break a line.
fn percent_encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        let keep = byte.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@".contains(&byte);
        if keep {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_over_a_megabyte_parses_into_the_same_sections_in_windows() {
        let header = "| Drug | Dose |\n|---|---|\n";
        let mut text = String::from("---\ntitle: Doses\n---\n");
        for n in 0..30 {
            text.push_str(&format!("## Part {n}\n\nAbout part {n}.\n\n{header}"));
            for row in 0..3_000 {
                text.push_str(&format!("| drug{n}x{row} | {row} mg |\n"));
            }
            text.push_str(&format!("\nLast line of part {n}.\n\n"));
        }
        assert!(text.len() > 2 * 1024 * 1024);
        let article = parse_article("doses.md", &text, &ParseOptions::default()).article;
        let parts: Vec<_> = article.sections.iter().filter(|s| s.level == 2).collect();
        assert_eq!(parts.len(), 30);
        for (n, section) in parts.iter().enumerate() {
            assert_eq!(section.heading, format!("Part {n}"));
            assert_eq!(section.anchor, format!("part-{n}"));
            assert!(section.text.contains(&format!("drug{n}x2999 2999 mg")));
            assert!(section.text.contains(&format!("Last line of part {n}.")));
            assert!(!section.text.contains('|'), "{}", &section.text[..200]);
        }
        let line = text[..text.find("## Part 20").unwrap()].lines().count() + 1;
        assert_eq!(parts[20].line, line);
    }

    #[test]
    fn urls_from_file_names_are_percent_encoded() {
        let meta = Meta::default();
        assert_eq!(
            article_url("", "a b/what? #1\n.md", &meta),
            "/a%20b/what%3F%20%231%0A/"
        );
        assert_eq!(article_url("", "café.md", &meta), "/caf%C3%A9/");
        assert_eq!(
            article_url("", "gut/leaky-gut.md", &meta),
            "/gut/leaky-gut/"
        );
    }

    fn meta_with(url: Option<&str>, slug: Option<&str>) -> Meta {
        Meta {
            url: url.map(String::from),
            slug: slug.map(String::from),
            ..Meta::default()
        }
    }

    #[test]
    fn article_urls_follow_the_documented_pattern() {
        let cases = [
            ("", "acne.md", None, None, "/acne/"),
            ("", "gut/leaky-gut.md", None, None, "/gut/leaky-gut/"),
            (
                "https://ex.org/a/",
                "gut/leaky.md",
                None,
                None,
                "https://ex.org/a/gut/leaky/",
            ),
            (
                "https://ex.org",
                "gut/index.md",
                None,
                None,
                "https://ex.org/gut/",
            ),
            ("", "index.md", None, None, "/"),
            ("", "gut/x.md", None, Some("leaky"), "/gut/leaky/"),
            (
                "https://ex.org/",
                "x.md",
                Some("/p/x.html"),
                None,
                "https://ex.org/p/x.html",
            ),
            (
                "https://ex.org/",
                "x.md",
                Some("https://other.org/y"),
                None,
                "https://other.org/y",
            ),
        ];
        for (base, path, url, slug, want) in cases {
            assert_eq!(
                article_url(base, path, &meta_with(url, slug)),
                want,
                "{path}"
            );
        }
    }

    #[test]
    fn lint_reports_repeated_headings_and_unreadable_references() {
        let text = "---\ntitle: T\n---\n## Symptoms\n\na\n\n## Symptoms\n\nb\n\n## References\n\n- see the leaflet\n- ask a nurse\n";
        let article = parse_article("a.md", text, &ParseOptions::default()).article;
        let warnings = lint(&article);
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert_eq!(warnings[0].line, Some(8));
        assert!(warnings[0].message.contains("#symptoms-1"));
        assert!(warnings[1].message.contains("none of the 2 entries"));
        let clean = parse_article("b.md", "## One\n\ntext\n", &ParseOptions::default()).article;
        assert!(lint(&clean).is_empty());
    }

    #[test]
    fn title_falls_back_to_h1_then_file_name() {
        let opts = ParseOptions::default();
        let from_h1 = parse_article("a.md", "# From the heading\n\ntext\n", &opts);
        assert_eq!(from_h1.article.title, "From the heading");
        assert!(from_h1.warnings.is_empty());

        let from_name = parse_article("gut/leaky-gut.md", "just text\n", &opts);
        assert_eq!(from_name.article.title, "Leaky gut");
        assert_eq!(from_name.warnings.len(), 1);
        assert!(from_name.warnings[0].message.contains("no title"));
    }
}
