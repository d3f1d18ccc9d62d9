//! One fixture per edge case under `tests/fixtures/`, parsed as the indexer would.

use healthdex::Severity;

use crate::util::parse_fixture;

fn headings(relative: &str) -> Vec<String> {
    let (article, _) = parse_fixture(relative).unwrap();
    article.sections.into_iter().map(|s| s.heading).collect()
}

#[test]
fn yaml_front_matter_fills_metadata_and_keeps_unknown_keys() {
    let (article, warnings) = parse_fixture("articles/yaml-front-matter.md").unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(article.title, "Probiotics and eczema");
    assert_eq!(article.meta.authors, ["Ann Lee", "Bo Kim"]);
    assert_eq!(article.meta.tags, ["skin", "probiotics"]);
    assert_eq!(article.meta.date.unwrap().to_string(), "2023-05-01");
    assert_eq!(article.meta.updated.unwrap().to_string(), "2024-01-15");
    assert_eq!(article.meta.lang.as_deref(), Some("en"));
    assert_eq!(
        article.meta.reviewers,
        ["Dr. Q"],
        "reviewed_by is read, not kept as extra"
    );
    assert_eq!(article.url, "/articles/probiotics-eczema/");
    assert_eq!(
        article.sections[0].heading, "",
        "the title H1 folds into the intro"
    );
    assert_eq!(
        article.sections[0].text,
        "Intro paragraph about probiotics."
    );
    assert_eq!(
        article.sections[1].breadcrumbs,
        ["Probiotics and eczema", "What the trials show"]
    );
}

#[test]
fn toml_front_matter_is_read() {
    let (article, warnings) = parse_fixture("articles/toml-front-matter.md").unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(article.title, "Dietary fibre");
    assert_eq!(article.meta.date.unwrap().to_string(), "2022-01-31");
    assert!(!article.meta.draft);
    assert_eq!(article.sections.len(), 2);
}

#[test]
fn title_falls_back_to_h1_then_file_name() {
    let (article, warnings) = parse_fixture("articles/title-from-h1.md").unwrap();
    assert_eq!(article.title, "Title From The Heading");
    assert!(warnings.is_empty());
    let (article, warnings) = parse_fixture("articles/no-title.md").unwrap();
    assert_eq!(article.title, "No title");
    assert!(warnings[0].message.contains("no title"));
}

#[test]
fn drafts_are_marked() {
    let (article, _) = parse_fixture("articles/draft.md").unwrap();
    assert!(article.meta.draft);
}

#[test]
fn numbered_headings_keep_their_words_and_numbered_references_are_found() {
    let (article, _) = parse_fixture("articles/numbered-headings.md").unwrap();
    assert_eq!(
        article.sections[0].heading,
        "1. Skin Regeneration and Our Gut"
    );
    assert_eq!(
        article.sections[0].anchor,
        "1-skin-regeneration-and-our-gut"
    );
    let refs: Vec<_> = article.references().collect();
    assert_eq!(refs.len(), 1);
    assert_eq!(refs[0].doi.as_deref(), Some("10.1186/1757-4749-3-1"));
    assert_eq!(article.sections[2].text, "", "references are not body text");
}

#[test]
fn only_h3_and_no_headings_still_make_sections() {
    assert_eq!(
        headings("articles/only-h3.md"),
        ["", "Why sleep matters", "Practical tips"]
    );
    let (article, _) = parse_fixture("articles/no-headings.md").unwrap();
    assert_eq!(article.sections.len(), 1);
    assert!(article.sections[0].text.contains("drink when thirsty"));
}

#[test]
fn duplicate_headings_and_explicit_ids_get_unique_anchors() {
    let (article, _) = parse_fixture("articles/duplicate-headings.md").unwrap();
    let anchors: Vec<_> = article.sections.iter().map(|s| s.anchor.as_str()).collect();
    assert_eq!(
        anchors,
        [
            "crohns-disease",
            "symptoms",
            "ulcerative-colitis",
            "symptoms-1"
        ]
    );
    assert_eq!(
        article.sections[3].breadcrumbs,
        [
            "Inflammatory bowel disease",
            "Ulcerative colitis",
            "Symptoms"
        ]
    );

    let (article, _) = parse_fixture("articles/explicit-id.md").unwrap();
    assert_eq!(article.sections[0].heading, "When to call 999 or 911");
    assert_eq!(article.sections[0].anchor, "emergency");
    assert_eq!(article.sections[1].anchor, "emergency-1");
}

#[test]
fn headings_below_h3_stay_in_their_section() {
    let (article, _) = parse_fixture("articles/deep-headings.md").unwrap();
    assert_eq!(article.sections.len(), 1);
    assert!(
        article.sections[0]
            .text
            .contains("Fourth level\nDeep text stays in Top.")
    );
}

#[test]
fn apa_and_vancouver_reference_lists_are_parsed() {
    let (article, _) = parse_fixture("articles/references-apa.md").unwrap();
    let refs: Vec<_> = article.references().collect();
    assert_eq!(refs.len(), 2);
    assert_eq!(refs[0].year, Some(2011));
    assert_eq!(refs[0].doi.as_deref(), Some("10.1186/1757-4749-3-1"));
    assert_eq!(refs[1].year, None);
    assert_eq!(refs[1].url.as_deref(), Some("https://www.niddk.nih.gov/"));

    let (article, _) = parse_fixture("articles/references-vancouver.md").unwrap();
    let refs: Vec<_> = article.references().collect();
    assert_eq!(refs.len(), 2);
    assert_eq!(refs[0].volume.as_deref(), Some("38"));
    assert_eq!(refs[0].pages.as_deref(), Some("1167-1176"));
    assert_eq!(refs[1].doi.as_deref(), Some("10.3389/fmicb.2018.01459"));
}

#[test]
fn footnote_definitions_are_references_not_text() {
    let (article, _) = parse_fixture("articles/footnotes.md").unwrap();
    assert_eq!(
        article.sections[0].text,
        "Stress can worsen acne. Sleep matters too."
    );
    let refs: Vec<_> = article.references().collect();
    assert_eq!(refs.len(), 2);
    assert_eq!(refs[0].year, Some(2011));
    assert_eq!(refs[1].url.as_deref(), Some("https://www.nhs.uk/"));
}

#[test]
fn html_code_tables_quotes_and_alt_text_are_text() {
    let (article, _) = parse_fixture("articles/html-and-code.md").unwrap();
    let text = &article.sections[0].text;
    for expected in [
        "Talk to your doctor first.",
        "HbA1c",
        "link text",
        "Rash on the elbow",
        "fenced code words",
        "Marker Meaning",
        "Quoted advice.",
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} missing from {text:?}"
        );
    }
    assert!(!text.contains("trackVisitor"), "script content is not text");
    assert!(!text.contains('<'));
}

#[test]
fn a_comment_form_after_references_is_left_out_and_not_read_as_a_reference() {
    let (article, _) = parse_fixture("articles/leave-a-comment.md").unwrap();
    let headings: Vec<_> = article
        .sections
        .iter()
        .map(|s| s.heading.as_str())
        .collect();
    assert_eq!(headings, ["What is SIBO?", "References"]);
    assert_eq!(article.sections[1].references.len(), 1);
    assert!(
        !article
            .sections
            .iter()
            .any(|s| s.text.contains("email address")),
        "the form's notice is boilerplate"
    );
}

#[test]
fn punctuation_only_headings_get_fallback_anchors() {
    let (article, _) = parse_fixture("articles/heading-only-punctuation.md").unwrap();
    let anchors: Vec<_> = article.sections.iter().map(|s| s.anchor.as_str()).collect();
    assert_eq!(anchors, ["section", "section-1"]);
}

#[test]
fn bad_files_are_skipped_or_read_as_far_as_they_are_sound() {
    // (fixture, skipped?, a word from the warning, text that must survive)
    let cases = [
        (
            "bad/broken-yaml.md",
            false,
            "not valid YAML",
            Some("survives broken front matter"),
        ),
        (
            "bad/unclosed-front-matter.md",
            false,
            "never closed",
            Some("Text."),
        ),
        (
            "bad/wrong-shape-list.md",
            false,
            "list",
            Some("list-shaped"),
        ),
        (
            "bad/wrong-shape-values.md",
            false,
            "not a date",
            Some("odd front matter"),
        ),
        ("bad/empty.md", true, "empty", None),
        ("bad/binary.md", true, "binary", None),
        ("bad/invalid-utf8.md", false, "UTF-8", Some("stray bytes")),
    ];
    for (fixture, skipped, word, survives) in cases {
        match parse_fixture(fixture) {
            Err(warning) => {
                assert!(skipped, "{fixture} was skipped: {warning}");
                assert_eq!(warning.severity, Severity::Skipped);
                assert!(warning.message.contains(word), "{fixture}: {warning}");
                assert_eq!(warning.path, fixture);
            }
            Ok((article, warnings)) => {
                assert!(!skipped, "{fixture} should be skipped");
                assert!(
                    warnings.iter().any(|w| w.message.contains(word)),
                    "{fixture}: {warnings:?}"
                );
                let text: String = article.sections.iter().map(|s| s.text.as_str()).collect();
                assert!(text.contains(survives.unwrap()), "{fixture}: {text:?}");
            }
        }
    }
}

#[test]
fn encodings_and_line_ends_are_normalised() {
    for (fixture, title) in [
        ("bad/bom.md", "Has a BOM"),
        ("bad/utf16.md", "UTF-16 article"),
        ("bad/crlf.md", "Windows line ends"),
    ] {
        let (article, warnings) = parse_fixture(fixture).unwrap();
        assert_eq!(article.title, title, "{fixture}");
        assert!(warnings.is_empty(), "{fixture}: {warnings:?}");
    }
    let (article, _) = parse_fixture("bad/crlf.md").unwrap();
    assert_eq!(article.sections[0].heading, "CRLF heading");
    assert_eq!(article.sections[0].line, 5);
}

#[test]
fn ten_thousand_deep_nesting_is_parsed() {
    let (article, _) = parse_fixture("bad/deep-nesting.md").unwrap();
    let text = &article.sections[0].text;
    assert!(
        text.contains("deep quote") && text.contains("deep list"),
        "{text:?}"
    );
}

#[test]
fn front_matter_only_has_no_sections() {
    let (article, _) = parse_fixture("bad/front-matter-only.md").unwrap();
    assert!(article.sections.is_empty());
}
