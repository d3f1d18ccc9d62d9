//! A built HTML page (what Hugo, Jekyll, Eleventy or a WordPress export writes to
//! `public/`) → [`Article`](crate::article::Article), in steps, one file each:
//! `dom` builds the page's tree with lines, `meta` reads what the page says about
//! itself, `region` chooses the part that is the article, and `walk` lowers that
//! part to the Markdown walk's events, so sections, anchors, reference lists,
//! footnotes and citation markers are read exactly as for Markdown. The URL is the
//! page's `<link rel=canonical>`, else its path in the output folder
//! (`gut/leaky-gut/index.html` → `/gut/leaky-gut/`, `about.html` → `/about.html`).
//!
//! A redirect page (a `<meta http-equiv=refresh>` and no article) and a page marked
//! `robots: noindex` are drafts: left out unless `--drafts`.

mod dom;
mod meta;
mod region;
mod walk;

use super::{ParseOptions, Parsed, assemble};

/// Pages whose elements nest deeper than this are not read (see
/// `dom::nesting_depth`); real pages nest a few dozen deep.
pub const MAX_NESTING: usize = 1_000;

/// Parses one built HTML page. Never fails: a page with no article text gives an
/// article with no sections, and problems are warnings.
///
/// ```
/// use healthdex::article::{parse_article, ParseOptions};
/// let page = r#"<!doctype html><html lang="en"><head><title>Fibre | Example Health</title>
/// <meta property="og:title" content="Fibre"></head><body><nav>Home About</nav>
/// <main><h1>Fibre</h1><p>Fibre feeds gut bacteria.</p>
/// <h2 id="how-much">How much?</h2><p>About 30 g a day for adults.</p></main>
/// <footer>© Example Health</footer></body></html>"#;
/// let article = parse_article("fibre/index.html", page, &ParseOptions::default()).article;
/// assert_eq!(article.title, "Fibre");
/// assert_eq!(article.url, "/fibre/");
/// assert_eq!(article.sections[1].url, "/fibre/#how-much");
/// assert!(!article.sections.iter().any(|s| s.text.contains("About Home")));
/// ```
pub fn parse_page(path: &str, text: &str, options: &ParseOptions) -> Parsed {
    let mut warnings = Vec::new();
    let depth = dom::nesting_depth(text);
    if depth > MAX_NESTING {
        warnings.push(crate::Warning::new(
            path,
            None,
            format!("nests its elements about {depth} deep, over the {MAX_NESTING} healthdex reads (its parse time grows with the square of the depth); close the tags the page leaves open"),
        ));
        return assemble(
            path,
            super::Meta::default(),
            super::markdown::EventWalk::new(1).finish(path, &mut warnings),
            options,
            warnings,
        );
    }
    let page = dom::Dom::parse(text);
    let root = page.html.tree.root();
    let found = meta::read(path, root, &mut warnings);
    let (region, choice) = region::choose(root);
    let (events, walk_warnings) = walk::PageWalk::new(
        &page,
        path,
        &options.boilerplate,
        found.meta.title.as_deref(),
    )
    .read(&region);
    warnings.extend(walk_warnings);
    let mut outline = events.finish(path, &mut warnings);
    outline.drop_boilerplate_headings(&options.boilerplate);
    let mut meta = found.meta;
    if meta.title.is_none() {
        meta.title = outline
            .first_h1()
            .map(str::to_string)
            .or_else(|| found.document_title.as_deref().map(site_name_removed));
    }
    if meta.url.is_none() {
        meta.url = Some(url_of_path(path));
    }
    if is_redirect(root) && outline.is_empty() {
        meta.draft = true;
    }
    let mut parsed = assemble(path, meta, outline, options, warnings);
    parsed.article.inferred = inferred(choice);
    parsed
}

/// What `index --check` says about how the article region was found.
fn inferred(choice: region::Choice) -> Vec<String> {
    match choice {
        region::Choice::Marked | region::Choice::Semantic => Vec::new(),
        region::Choice::Density => vec![
            "the article region from text density (the page has no <main>, <article> or data-healthdex-body)".to_string(),
        ],
        region::Choice::Body => vec![
            "the whole <body> as the article (the page has no <main>, <article>, data-healthdex-body or paragraphs)".to_string(),
        ],
    }
}

/// The site-relative URL of a page from its path in the output folder.
fn url_of_path(path: &str) -> String {
    let (folder, file) = path.rsplit_once('/').unwrap_or(("", path));
    let stem = file.rsplit_once('.').map_or(file, |(stem, _)| stem);
    let mut url = String::from("/");
    if !folder.is_empty() {
        url.push_str(folder);
        url.push('/');
    }
    if stem != "index" {
        url.push_str(file);
    }
    url
}

/// "Fibre | Example Health" → "Fibre": the part before the last separator a theme
/// adds (` | `, ` – `, ` — `, ` - `, ` :: `), when something is left.
fn site_name_removed(title: &str) -> String {
    for separator in [" | ", " – ", " — ", " :: ", " - "] {
        if let Some((head, _site)) = title.rsplit_once(separator)
            && !head.trim().is_empty()
        {
            return head.trim().to_string();
        }
    }
    title.trim().to_string()
}

fn is_redirect(root: ego_tree::NodeRef<'_, scraper::Node>) -> bool {
    root.descendants().any(|n| {
        dom::tag(n) == Some("meta")
            && dom::attr(n, "http-equiv").is_some_and(|v| v.eq_ignore_ascii_case("refresh"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::parse_article;

    fn parse(path: &str, html: &str) -> Parsed {
        parse_article(path, html, &ParseOptions::default())
    }

    #[test]
    fn urls_come_from_the_output_path() {
        assert_eq!(url_of_path("gut/leaky-gut/index.html"), "/gut/leaky-gut/");
        assert_eq!(url_of_path("index.html"), "/");
        assert_eq!(url_of_path("about.html"), "/about.html");
        assert_eq!(url_of_path("a/b.htm"), "/a/b.htm");
    }

    #[test]
    fn site_names_are_taken_off_document_titles() {
        assert_eq!(site_name_removed("Fibre | Example Health"), "Fibre");
        assert_eq!(site_name_removed("IBS - Diet - Site"), "IBS - Diet");
        assert_eq!(site_name_removed("Plain"), "Plain");
    }

    #[test]
    fn a_heading_without_an_id_links_to_the_nearest_id_above_with_a_warning() {
        let parsed = parse(
            "a.html",
            "<main><h2 id=\"one\">One</h2><p>a</p><h2>Two</h2><p>b</p><section id=\"s\"><h2>Three</h2><p>c</p></section></main>",
        );
        let anchors: Vec<_> = parsed
            .article
            .sections
            .iter()
            .map(|s| s.anchor.as_str())
            .collect();
        assert_eq!(anchors, ["one", "one", "s"]);
        let ids: Vec<_> = parsed
            .warnings
            .iter()
            .filter(|w| w.message.contains("no id"))
            .collect();
        assert_eq!(ids.len(), 1, "{:?}", parsed.warnings);
        assert!(ids[0].message.contains("`#one`"));
        let none = parse("b.html", "<main><p>intro</p><h2>Alone</h2><p>x</p></main>");
        assert_eq!(none.article.sections[1].anchor, "");
        assert_eq!(none.article.sections[1].url, "/b.html");
    }

    #[test]
    fn malformed_and_empty_pages_do_not_fail() {
        for html in [
            "",
            "<",
            "<p>unclosed <b>bold <i>both</p>",
            "<html><body></body></html>",
            "<table><td>x",
        ] {
            let parsed = parse("x.html", html);
            assert!(parsed.article.sections.len() <= 1, "{html}");
        }
        let deep = format!("{}text", "<div>".repeat(900));
        let parsed = parse("deep.html", &deep);
        assert!(parsed.article.sections[0].text.contains("text"));
        let deeper = format!("<main>{}", "<ul><li>item ".repeat(20_000));
        let started = std::time::Instant::now();
        let parsed = parse("deeper.html", &deeper);
        assert!(started.elapsed().as_secs() < 2, "{:?}", started.elapsed());
        assert!(parsed.article.sections.is_empty());
        assert!(
            parsed.warnings[0].message.contains("deep, over the 1000"),
            "{:?}",
            parsed.warnings
        );
        let flat = format!(
            "<main><ul>{}</ul><p>a<p>b<br><img src=x>",
            "<li>item ".repeat(20_000)
        );
        assert!(dom::nesting_depth(&flat) < 5);
        assert_eq!(
            dom::nesting_depth("<div><!-- <div><div> --><script>if (a<b) {}</script></div>"),
            1
        );
    }
}
