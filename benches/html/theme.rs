//! A small themed renderer of a Markdown corpus into built HTML pages, for the tests
//! and measurements of HTML input (`tests/integration/input_formats.rs`,
//! `benches/html/render.rs`). It writes what a static-site theme would: a header
//! with navigation, a cookie banner, the article in `<main><article>` with heading
//! ids (the anchors healthdex gives the Markdown, as Hugo's and GitHub's slugs
//! are), pulldown-cmark's footnote markup, a sidebar, a comment form and a footer,
//! and the page's metadata as `<meta>` tags and schema.org JSON-LD. Every word of the
//! theme is in [`THEME_WORDS`], and none of them is in the corpus, so a test can
//! check that none is searchable.
//!
//! Deliberately simple and ours; `benches/static/render.mjs` (the Pagefind
//! comparison's renderer) is a separate, richer one.

use healthdex::article::{ParseOptions, parse_article};
use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// Words only the theme writes (searched for by the tests: none may be found).
pub const THEME_WORDS: &[&str] = &["Quillmoor", "Wellspring", "Sprocketfern", "Larkhaven"];

/// One rendered page: where it goes under the output folder, and its HTML.
pub struct Page {
    pub path: String,
    pub html: String,
}

/// Renders the Markdown article at `path` (relative, `/` separators).
pub fn render(path: &str, markdown: &str) -> Page {
    let article = parse_article(path, markdown, &ParseOptions::default()).article;
    let anchors: Vec<(String, String)> = article
        .sections
        .iter()
        .filter(|s| s.level > 0)
        .map(|s| (s.heading.clone(), s.anchor.clone()))
        .collect();
    let body = body_of(markdown);
    let has_title = body
        .lines()
        .any(|l| l.trim() == format!("# {}", article.title));
    let body = body_html(body, &anchors);
    let title_heading = if has_title {
        String::new()
    } else {
        format!("<h1>{}</h1>", escape(&article.title))
    };
    let meta = &article.meta;
    let mut head = format!(
        "<title>{} | Quillmoor Wellspring</title>\n",
        escape(&article.title)
    );
    head.push_str(&format!(
        "<meta property=\"og:title\" content=\"{}\">\n",
        escape(&article.title)
    ));
    if let Some(description) = &meta.description {
        head.push_str(&format!(
            "<meta name=\"description\" content=\"{}\">\n",
            escape(description)
        ));
    }
    if let Some(url) = &meta.url {
        head.push_str(&format!(
            "<link rel=\"canonical\" href=\"{}\">\n",
            escape(url)
        ));
    }
    if !meta.tags.is_empty() {
        head.push_str(&format!(
            "<meta name=\"keywords\" content=\"{}\">\n",
            escape(&meta.tags.join(", "))
        ));
    }
    let mut ld = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "headline": article.title,
        "author": meta.authors.iter().map(|a| serde_json::json!({"@type": "Person", "name": a})).collect::<Vec<_>>(),
    });
    if let Some(date) = meta.date {
        ld["datePublished"] = date.to_string().into();
    }
    if let Some(date) = meta.updated {
        ld["dateModified"] = date.to_string().into();
    }
    head.push_str(&format!(
        "<script type=\"application/ld+json\">{}</script>\n",
        ld.to_string().replace("</", "<\\/")
    ));
    let html = format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
{head}<link rel="stylesheet" href="/css/sprocketfern.css">
<script>window.sprocketfern = {{ theme: "Larkhaven" }};</script>
</head>
<body>
<header class="site-header"><a class="brand" href="/">Quillmoor Wellspring</a>
<nav class="site-nav"><ul><li><a href="/">Quillmoor home</a></li><li><a href="/topics/">Wellspring topics</a></li><li><a href="/about/">About Larkhaven</a></li></ul></nav></header>
<div class="cookie-banner" id="cookie-consent">Quillmoor uses cookies for Sprocketfern analytics. <button>Accept</button></div>
<div class="layout">
<main id="content">
<article class="post">
{title_heading}
{body}
</article>
<section id="comments" class="comments">
<h2>Leave a comment on Quillmoor</h2>
<form class="comment-form"><p>Your email address will not be published. Larkhaven moderates every comment.</p>
<label>Name <input name="name"></label><label>Comment <textarea name="comment"></textarea></label><button>Post Comment</button></form>
<p class="recaptcha">This site is protected by reCAPTCHA and the Google Privacy Policy and Terms of Service apply.</p>
</section>
</main>
<aside class="sidebar"><h2>Wellspring newsletter</h2><p>Sprocketfern readers get the Larkhaven digest every week.</p></aside>
</div>
<footer class="site-footer"><p>© Quillmoor Wellspring. Theme Sprocketfern by Larkhaven.</p></footer>
</body>
</html>
"#,
    );
    Page {
        path: page_path(&article),
        html,
    }
}

/// Where a generator would write the article: at its site-relative URL
/// (`/acne-vulgaris/` → `acne-vulgaris/index.html`), else (an absolute URL, given
/// as the canonical link) by its file's path.
pub fn page_path(article: &healthdex::Article) -> String {
    match article.url.strip_prefix('/') {
        Some(relative) if !article.url.contains("://") => format!("{relative}index.html"),
        _ => output_path(&article.path),
    }
}

/// `gut/leaky.md` → `gut/leaky/index.html`; `gut/index.md` → `gut/index.html`.
pub fn output_path(path: &str) -> String {
    let stem = path.rsplit_once('.').map_or(path, |(stem, _)| stem);
    match stem.rsplit_once('/') {
        Some((folder, "index" | "_index")) => format!("{folder}/index.html"),
        None if stem == "index" || stem == "_index" => "index.html".to_string(),
        _ => format!("{stem}/index.html"),
    }
}

/// The Markdown after a `---` or `+++` front matter block.
fn body_of(markdown: &str) -> &str {
    for fence in ["---", "+++"] {
        if let Some(rest) = markdown
            .strip_prefix(fence)
            .and_then(|r| r.strip_prefix('\n'))
            && let Some(end) = rest.find(&format!("\n{fence}"))
        {
            let after = &rest[end + 1 + fence.len()..];
            return after.strip_prefix('\n').unwrap_or(after);
        }
    }
    markdown
}

/// The body as HTML, H1–H3 headings given the anchors healthdex gives them (in
/// order; a heading that is not one of them, the title H1, gets none).
fn body_html(body: &str, anchors: &[(String, String)]) -> String {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES;
    let events: Vec<Event<'_>> = Parser::new_ext(body, options).collect();
    let mut next = 0;
    let mut out = Vec::with_capacity(events.len());
    let mut index = 0;
    while index < events.len() {
        if let Event::Start(Tag::Heading { level, .. }) = &events[index]
            && *level <= HeadingLevel::H3
        {
            let text = heading_text(&events[index + 1..]);
            let id = match anchors.get(next) {
                Some((heading, anchor)) if *heading == text => {
                    next += 1;
                    Some(CowStr::from(anchor.clone()))
                }
                _ => None,
            };
            out.push(Event::Start(Tag::Heading {
                level: *level,
                id,
                classes: Vec::new(),
                attrs: Vec::new(),
            }));
        } else {
            out.push(events[index].clone());
        }
        index += 1;
    }
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, out.into_iter());
    html
}

fn heading_text(events: &[Event<'_>]) -> String {
    let mut text = String::new();
    for event in events {
        match event {
            Event::End(TagEnd::Heading(_)) => break,
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            _ => {}
        }
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
