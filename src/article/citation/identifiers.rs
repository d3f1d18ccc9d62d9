//! Step 2: identifiers — DOI, PMID, PMCID and URL — taken out of the text first.

use regex::{Captures, Regex};

use super::*;

/// Moves the DOI, URL, PMID and PMCID out of `text` into `r`, returning what is left.
pub(super) fn extract_identifiers(text: &str, r: &mut Reference) -> String {
    let text = take_dois(text, r);
    let mut urls = Vec::new();
    let text = remove_matches(&text, &URL, |caps| {
        let (url, tail) = trim_link_end(caps.get(0).map_or("", |m| m.as_str()));
        if !has_host(url) {
            // "Www.:" or "http://." is text, not a link (found by fuzzing).
            return None;
        }
        if !DOI_HOST.is_match(url) {
            urls.push(url.to_owned());
        }
        Some(tail.to_owned())
    });
    r.url = urls.first().cloned();
    let text = remove_matches(&text, &PMID, |caps| {
        r.pmid.get_or_insert_with(|| caps[1].to_owned());
        Some(String::new())
    });
    let text = remove_matches(&text, &PMCID, |caps| {
        r.pmcid.get_or_insert_with(|| format!("PMC{}", &caps[1]));
        Some(String::new())
    });
    identifiers_from_urls(&urls, r);
    text
}

/// Whether a link has something after its `http(s)://` or `www.`.
fn has_host(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    ["https://", "http://", "www."]
        .iter()
        .find_map(|prefix| lower.strip_prefix(prefix))
        .is_some_and(|rest| !rest.is_empty())
}

/// Removes DOIs that stand on their own (bare, labelled or as doi.org links). A DOI
/// embedded in another site's link is left for the URL step.
pub(super) fn take_dois(text: &str, r: &mut Reference) -> String {
    remove_matches(text, &DOI, |caps| {
        let whole = caps.get(0)?;
        let before = text[..whole.start()].chars().next_back();
        let standalone = before.is_none_or(|c| c.is_whitespace() || "([<\"'“‘:;,".contains(c));
        if !standalone {
            return None;
        }
        let (doi, tail) = trim_link_end(&caps[1]);
        let doi = clean_doi(doi)?;
        r.doi.get_or_insert(doi);
        Some(tail.to_owned())
    })
}

/// Decodes an escaped slash and checks the "10.prefix/suffix" shape.
pub(super) fn clean_doi(doi: &str) -> Option<String> {
    let doi = doi.replace("%2F", "/").replace("%2f", "/");
    let (prefix, suffix) = doi.split_once('/')?;
    (prefix.starts_with("10.") && !suffix.is_empty()).then_some(doi)
}

/// Splits trailing punctuation off a link or DOI: stops, commas, quotes, and closing
/// brackets that have no opening partner inside it. Returns (link, trimmed tail).
pub(super) fn trim_link_end(link: &str) -> (&str, &str) {
    let opens = link.matches(['(', '[']).count();
    let mut closes = link.matches([')', ']']).count();
    let mut end = link.len();
    while let Some(c) = link[..end].chars().next_back() {
        let unbalanced_close = matches!(c, ')' | ']') && closes > opens;
        if !(unbalanced_close || ".,;:!?'\"”’>".contains(c)) {
            break;
        }
        if matches!(c, ')' | ']') {
            closes -= 1;
        }
        end -= c.len_utf8();
    }
    (&link[..end], &link[end..])
}

/// Fills PMID, PMCID and DOI from PubMed, PMC and publisher links when the text had none.
pub(super) fn identifiers_from_urls(urls: &[String], r: &mut Reference) {
    for url in urls {
        if r.pmid.is_none() {
            r.pmid = PUBMED_URL.captures(url).map(|c| c[1].to_owned());
        }
        if r.pmcid.is_none() {
            r.pmcid = PMC_URL.captures(url).map(|c| c[1].to_uppercase());
        }
        if r.doi.is_none() {
            r.doi = DOI_IN_URL.captures(url).and_then(|c| doi_from_path(&c[1]));
        }
    }
}

/// A DOI taken from a publisher link, without page-view suffixes such as "/abstract".
pub(super) fn doi_from_path(path: &str) -> Option<String> {
    let mut doi = trim_link_end(path).0;
    for suffix in ["/abstract", "/full", "/pdf", "/epdf", "/fulltext", "/"] {
        doi = doi.strip_suffix(suffix).unwrap_or(doi);
    }
    clean_doi(doi)
}

/// Rebuilds `text` without the matches for which `replace` returns a replacement
/// (a space is put in their place, then the replacement). Linear in `text`.
pub(super) fn remove_matches(
    text: &str,
    re: &Regex,
    mut replace: impl FnMut(&Captures) -> Option<String>,
) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for caps in re.captures_iter(text) {
        let Some(whole) = caps.get(0) else { continue };
        let Some(replacement) = replace(&caps) else {
            continue;
        };
        out.push_str(&text[last..whole.start()]);
        out.push(' ');
        out.push_str(&replacement);
        last = whole.end();
    }
    out.push_str(&text[last..]);
    out
}
