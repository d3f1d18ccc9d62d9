//! Articles as they arrive: text pasted from a blog page (`tests/fixtures/text/`),
//! and the HTML that site generators build (`tests/fixtures/html/`: a WordPress page
//! with its theme, a Hugo page bundle, a Jekyll post with kramdown footnotes), each
//! with the sections, references and metadata expected of it.

use healthdex::article::{Article, ParseOptions, lint};
use healthdex::corpus;

use crate::util::{corpus_of, fixtures, healthdex, parse_fixture};

/// The one article of a fixture site folder, read as `index` reads it.
fn site_article(folder: &str) -> (Article, Vec<healthdex::Warning>) {
    let read = corpus::read_articles(&fixtures().join(folder), &ParseOptions::default()).unwrap();
    assert_eq!(
        read.articles.len(),
        1,
        "{:?}",
        read.articles.iter().map(|a| &a.path).collect::<Vec<_>>()
    );
    (read.articles.into_iter().next().unwrap(), read.warnings)
}

fn headings(article: &Article) -> Vec<&str> {
    article
        .sections
        .iter()
        .map(|s| s.heading.as_str())
        .collect()
}

fn all_text(article: &Article) -> String {
    article
        .sections
        .iter()
        .map(|s| format!("{}\n{}", s.heading, s.text))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_pasted_blog_post_gets_its_title_headings_and_references() {
    let (article, warnings) = parse_fixture("text/pasted-blog-post.md").unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(
        article.title,
        "Your Gut and Your Skin: What the Research Says"
    );
    assert_eq!(
        headings(&article),
        [
            "",
            "1. Skin Regeneration and Our Gut",
            "2. Skin Disorders and Our Gut",
            "3. Probiotics and the Skin",
            "The Gut-Skin Axis: Summarized",
            "References",
        ]
    );
    assert_eq!(article.sections[1].line, 7, "lines point into the file");
    let references: Vec<_> = article.references().collect();
    assert_eq!(references.len(), 5);
    assert_eq!(references[0].authors, ["Bowe, W. P.", "Logan, A. C."]);
    assert_eq!(references[4].container.as_deref(), Some("The Lancet"));
    assert!(references.iter().all(|r| !r.raw.contains("Retrieved from")));
    // The in-text citations link to the inferred list.
    let cited: Vec<usize> = article.sections.iter().map(|s| s.cites.len()).collect();
    assert_eq!(cited, [1, 1, 2, 1, 0, 0]);
    let text = all_text(&article);
    for boilerplate in [
        "Leave a comment",
        "moderated",
        "reCAPTCHA",
        "in the comments",
    ] {
        assert!(!text.contains(boilerplate), "{boilerplate:?} in {text}");
    }
    assert_eq!(
        text.matches("What the Research Says").count(),
        0,
        "the title line (twice) is the title, not text"
    );
    let notes = lint(&article);
    let inferred: Vec<_> = notes
        .iter()
        .filter(|w| w.message.contains("inferred"))
        .collect();
    assert_eq!(inferred.len(), 1, "{notes:?}");
    assert!(
        inferred[0].message.contains("4 headings"),
        "{}",
        inferred[0].message
    );
    assert!(
        inferred[0].message.contains("reference list of 5"),
        "{}",
        inferred[0].message
    );
}

#[test]
fn a_text_file_is_read_line_by_line_and_literally() {
    let (article, _) = parse_fixture("text/hydration.txt").unwrap();
    assert_eq!(article.title, "How Much Water Do You Need?");
    assert_eq!(
        headings(&article),
        [
            "",
            "Everyday Guidance",
            "Signs of Dehydration",
            "When to Get Help"
        ]
    );
    let signs = &article.sections[2];
    assert_eq!(signs.line, 6);
    assert!(
        signs.text.contains("1. drink when you feel thirsty."),
        "a numbered sentence is a list item, not a heading: {}",
        signs.text
    );
    assert!(
        article.sections[3].text.contains("*how much*"),
        "text is literal"
    );
    let text = all_text(&article);
    assert!(
        !text.contains("cookies") && !text.contains("Share this"),
        "{text}"
    );
}

#[test]
fn markdown_with_headings_keeps_its_own_structure() {
    let (article, _) = parse_fixture("articles/numbered-headings.md").unwrap();
    assert!(article.inferred.is_empty());
    assert!(
        lint(&article)
            .iter()
            .all(|w| !w.message.contains("inferred"))
    );
}

#[test]
fn a_site_extends_the_boilerplate_patterns_in_its_configuration() {
    let article = "---\ntitle: Fibre\n---\n## Why fibre\n\nFibre feeds gut bacteria.\n\nJoin the Bramblewood club for weekly recipes!\n";
    let dir = corpus_of(&[("fibre.md", article)]);
    std::fs::write(
        dir.path().join("healthdex.toml"),
        "[input]\nboilerplate = [\"^join the bramblewood club\"]\n",
    )
    .unwrap();
    let run = healthdex(dir.path(), &["index", "corpus", "--quiet"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let found = healthdex(dir.path(), &["search", "--format", "json", "bramblewood"]);
    let results: serde_json::Value = serde_json::from_str(&found.stdout).unwrap();
    assert_eq!(results["total"], 0, "{results:#}");
    // A pattern that is not a regular expression is an error naming it.
    std::fs::write(
        dir.path().join("healthdex.toml"),
        "[input]\nboilerplate = [\"(unclosed\"]\n",
    )
    .unwrap();
    let bad = healthdex(dir.path(), &["index", "corpus"]);
    assert_ne!(bad.code, 0);
    assert!(bad.stderr.contains("`(unclosed`"), "{}", bad.stderr);
}

#[test]
fn a_wordpress_page_leaves_its_theme_out() {
    let (article, warnings) = site_article("html/wordpress");
    assert_eq!(
        article.title,
        "Probiotics and Eczema: What the Evidence Shows"
    );
    assert_eq!(
        article.url,
        "https://bramblewood.example/probiotics-and-eczema/"
    );
    assert_eq!(
        headings(&article),
        [
            "",
            "What the trials show",
            "Is it safe to try?",
            "References"
        ]
    );
    let anchors: Vec<_> = article.sections.iter().map(|s| s.anchor.as_str()).collect();
    assert_eq!(
        anchors,
        [
            "",
            "what-the-trials-show",
            "what-the-trials-show",
            "references"
        ],
        "a heading without an id links to the nearest id above it"
    );
    let no_id: Vec<_> = warnings
        .iter()
        .filter(|w| w.message.contains("has no id"))
        .collect();
    assert_eq!(no_id.len(), 1, "{warnings:?}");
    assert_eq!(no_id[0].line, Some(39));
    let meta = &article.meta;
    assert_eq!(meta.authors, ["Priya Natarajan"]);
    assert_eq!(meta.date.unwrap().to_string(), "2024-03-04");
    assert_eq!(meta.updated.unwrap().to_string(), "2024-06-20");
    assert_eq!(meta.tags, ["eczema", "probiotics"]);
    assert_eq!(meta.lang.as_deref(), Some("en-GB"));
    assert!(
        meta.description
            .as_deref()
            .unwrap()
            .starts_with("Do probiotics help eczema?")
    );
    let references: Vec<_> = article.references().collect();
    assert_eq!(references.len(), 2);
    assert_eq!(
        references[0].doi.as_deref(),
        Some("10.1002/14651858.CD006135.pub3")
    );
    assert_eq!(references[0].label.as_deref(), Some("1"));
    assert_eq!(article.sections[1].cites.len(), 1, "[1] links to the list");
    let text = all_text(&article);
    for theme in [
        "Bramblewood",
        "Wholesome",
        "Skip to content",
        "cookies",
        "Share",
        "Reply",
        "email address",
        "reCAPTCHA",
        "Newsletter",
        "Posted",
        "WordPress",
        "bramblewoodTracker",
    ] {
        assert!(!text.contains(theme), "{theme:?} in {text}");
    }
}

#[test]
fn a_hugo_page_bundle_reads_its_ids_footnotes_and_reviewer() {
    let (article, warnings) = site_article("html/hugo/public");
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(article.path, "gut/leaky-gut/index.html");
    assert_eq!(article.url, "/gut/leaky-gut/");
    assert_eq!(article.title, "Leaky gut: what is known");
    let sections: Vec<(u8, &str, &str)> = article
        .sections
        .iter()
        .map(|s| (s.level, s.heading.as_str(), s.url.as_str()))
        .collect();
    assert_eq!(
        sections,
        [
            (0, "", "/gut/leaky-gut/"),
            (
                2,
                "What the gut barrier does",
                "/gut/leaky-gut/#what-the-gut-barrier-does"
            ),
            (
                3,
                "Measuring permeability",
                "/gut/leaky-gut/#measuring-permeability"
            ),
            (
                2,
                "What it means for you",
                "/gut/leaky-gut/#what-it-means-for-you"
            ),
        ],
        "the permalink `#` is not part of the heading"
    );
    let meta = &article.meta;
    assert_eq!(meta.reviewers, ["Dr. Hana Okafor"]);
    assert_eq!(meta.reviewed.unwrap().to_string(), "2024-02-01");
    assert_eq!(meta.authors, ["Tomás Ferreira"]);
    assert_eq!(meta.tags, ["gut", "intestinal permeability", "Microbiome"]);
    assert_eq!(meta.extra["about"][0], "Increased intestinal permeability");
    let references: Vec<_> = article.references().collect();
    assert_eq!(references.len(), 2);
    assert_eq!(references[0].label.as_deref(), Some("^1"));
    assert_eq!(references[0].container.as_deref(), Some("Gut"));
    assert!(!references[0].raw.contains('↩'), "{}", references[0].raw);
    assert_eq!(article.sections[0].cites[0].marker, "[^1]");
    assert_eq!(article.sections[2].cites[0].marker, "[^2]");
    assert!(
        article.sections[0]
            .text
            .contains("Diagram of the gut barrier"),
        "alt text is kept"
    );
    assert!(!all_text(&article).contains("Gut Notes"));
}

#[test]
fn a_jekyll_post_links_its_kramdown_footnotes() {
    let (article, warnings) = site_article("html/jekyll/_site");
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(article.url, "/2024/05/01/fibre-and-the-gut.html");
    assert_eq!(article.title, "Fibre and the gut");
    assert_eq!(
        headings(&article),
        ["", "Why fibre matters", "Eating more fibre"]
    );
    assert_eq!(article.meta.authors, ["Lena Sørensen"]);
    assert_eq!(article.meta.date.unwrap().to_string(), "2024-05-01");
    let references: Vec<_> = article.references().collect();
    let labels: Vec<_> = references
        .iter()
        .map(|r| r.label.as_deref().unwrap())
        .collect();
    assert_eq!(labels, ["^reynolds", "^marco"]);
    assert_eq!(references[0].year, Some(2019));
    assert_eq!(
        references[1].container.as_deref(),
        Some("Current Opinion in Biotechnology")
    );
    let cites: Vec<_> = article
        .sections
        .iter()
        .flat_map(|s| s.cites.iter().map(|c| c.marker.as_str()))
        .collect();
    assert_eq!(cites, ["[^reynolds]", "[^marco]"]);
    let text = all_text(&article);
    assert!(
        !text.contains("May 1, 2024") && !text.contains("RSS") && !text.contains('↩'),
        "{text}"
    );
}

#[test]
fn index_reads_a_built_site_and_check_reports_what_was_inferred() {
    let dir = corpus_of(&[]);
    let site = dir.path().join("corpus");
    crate::util::copy_dir(&fixtures().join("html/hugo/public"), &site);
    std::fs::copy(
        fixtures().join("text/pasted-blog-post.md"),
        site.join("pasted.md"),
    )
    .unwrap();
    std::fs::write(site.join("robots.txt"), "User-agent: *\n").unwrap();
    let run = healthdex(dir.path(), &["index", "corpus"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("indexed 2 articles"),
        "robots.txt is not an article: {}",
        run.stdout
    );
    let found = healthdex(
        dir.path(),
        &["search", "--format", "json", "tight junctions"],
    );
    let results: serde_json::Value = serde_json::from_str(&found.stdout).unwrap();
    assert_eq!(
        results["hits"][0]["url"],
        "/gut/leaky-gut/#what-the-gut-barrier-does"
    );
    let check = healthdex(dir.path(), &["index", "corpus", "--check"]);
    assert!(
        check.stderr.contains(
            "pasted.md:1: warning: structure was inferred from the text: the title from line 1"
        ),
        "{}",
        check.stderr
    );
}

#[path = "../../benches/html/theme.rs"]
mod theme;

/// Renders every Markdown article under `from` into themed pages under `to`.
fn render_folder(from: &std::path::Path, to: &std::path::Path) -> usize {
    let mut pages = 0;
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let path = entry.path();
        let name = path.file_name().unwrap().to_string_lossy();
        if !entry.file_type().is_file() || !name.ends_with(".md") || name == "README.md" {
            continue;
        }
        let relative = path
            .strip_prefix(from)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let page = theme::render(&relative, &std::fs::read_to_string(path).unwrap());
        let target = to.join(&page.path);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(target, page.html).unwrap();
        pages += 1;
    }
    pages
}

/// The articles of a Markdown folder and of its rendered site, paired by page.
fn markdown_and_html(from: &std::path::Path, site: &std::path::Path) -> Vec<(Article, Article)> {
    let options = ParseOptions::default();
    let markdown = corpus::read_articles(from, &options).unwrap().articles;
    let html = corpus::read_articles(site, &options).unwrap().articles;
    let mut by_path: std::collections::HashMap<String, Article> =
        html.into_iter().map(|a| (a.path.clone(), a)).collect();
    markdown
        .into_iter()
        .map(|md| {
            let page = by_path
                .remove(&theme::page_path(&md))
                .unwrap_or_else(|| panic!("no page for {}", md.path));
            (md, page)
        })
        .collect()
}

fn outline(article: &Article) -> Vec<(u8, String, String, usize, Vec<String>)> {
    article
        .sections
        .iter()
        .map(|s| {
            (
                s.level,
                s.heading.clone(),
                s.url.clone(),
                s.references.len(),
                s.cites.iter().map(|c| c.marker.clone()).collect(),
            )
        })
        .collect()
}

#[test]
fn the_bundled_corpus_rendered_with_a_theme_indexes_like_its_markdown() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("public");
    let pages = render_folder(&crate::util::repo_corpus(), &site);
    let pairs = markdown_and_html(&crate::util::repo_corpus(), &site);
    assert_eq!(pairs.len(), pages);
    // An article whose structure healthdex infers from its Markdown (the FAQ's bold
    // question lines) is rendered as the generator would, without headings: there
    // the page has less structure than healthdex reads from the source.
    let (inferred, pairs): (Vec<_>, Vec<_>) = pairs
        .into_iter()
        .partition(|(md, _)| !md.inferred.is_empty());
    let inferred: Vec<&str> = inferred.iter().map(|(md, _)| md.path.as_str()).collect();
    assert_eq!(inferred, ["nutrition/hydration-faq.md"]);
    for (md, html) in &pairs {
        assert_eq!(md.title, html.title, "{}", md.path);
        assert_eq!(md.url, html.url, "{}", md.path);
        assert_eq!(outline(md), outline(html), "{}", md.path);
        let raws = |a: &Article| {
            a.references()
                .map(|r| (r.raw.clone(), r.label.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(raws(md), raws(html), "{}", md.path);
        assert!(html.inferred.is_empty(), "{}: {:?}", md.path, html.inferred);
    }
    let run = healthdex(dir.path(), &["index", "public", "--quiet"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for word in theme::THEME_WORDS {
        let found = healthdex(
            dir.path(),
            &["search", "--format", "json", "--no-refresh", word],
        );
        let results: serde_json::Value = serde_json::from_str(&found.stdout).unwrap();
        assert_eq!(
            results["total"], 0,
            "the theme's {word:?} is searchable: {results:#}"
        );
    }
}

#[test]
fn medquad_rendered_to_html_gives_the_same_sections() {
    let Some(data) = crate::util::medquad() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("public");
    render_folder(&data, &site);
    let pairs = markdown_and_html(&data, &site);
    assert_eq!(pairs.len(), 5475);
    let sections = |pick: fn(&(Article, Article)) -> &Article| -> usize {
        pairs.iter().map(|p| pick(p).sections.len()).sum()
    };
    assert_eq!(sections(|p| &p.0), sections(|p| &p.1));
    let differing: Vec<&str> = pairs
        .iter()
        .filter(|(md, html)| outline(md) != outline(html))
        .map(|(md, _)| md.path.as_str())
        .collect();
    assert!(
        differing.is_empty(),
        "{} differ, first {:?}",
        differing.len(),
        &differing[..differing.len().min(5)]
    );
}
