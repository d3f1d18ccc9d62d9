//! The search page's UI, one codebase for two data sources: `ui.js` (an ES module
//! with no dependencies and no build step, exporting `mount(element, source,
//! options)`), its stylesheet `ui.css`, and `server-source.js`, the source that asks
//! `healthdex serve`'s API. The server's page ([`crate::serve`]) mounts it with the
//! server source; a static bundle mounts it with a source that searches in the
//! browser. This module embeds the files and gives each a name made from its
//! content ([`content_named`]), with references between them rewritten to those
//! names, so every file can be cached for good and a change to one renames it and
//! the files that load it. The files also work as they are, unrenamed, since they
//! refer to each other by relative URLs (`./ui.css`).

/// The widget's stylesheet (`ui.js` links it relative to its own URL).
pub const UI_CSS: (&str, &str) = ("ui.css", include_str!("ui.css"));
/// The widget: `export function mount(element, source, options)`.
pub const UI_JS: (&str, &str) = ("ui.js", include_str!("ui.js"));
/// `export function serverSource(base)`: the source that calls `api/search`,
/// `api/suggest` and `api/tags` by relative URLs.
pub const SERVER_SOURCE_JS: (&str, &str) = ("server-source.js", include_str!("server-source.js"));

/// Hex digits of the content hash in a file's name.
const HASH_DIGITS: usize = 12;

/// A file under its content-based name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asset {
    /// The name the file has in the source tree and in references (`ui.js`).
    pub file: &'static str,
    /// Its name made from its content (`ui.3f2a9c1b0d4e.js`).
    pub name: String,
    /// Its `Content-Type`.
    pub content_type: &'static str,
    /// Its text, with references to the files named before it rewritten.
    pub body: String,
}

/// The widget's files under content-based names, stylesheet first: `ui.js` refers
/// to the stylesheet's content name, so a site that loads `ui.<hash>.js` gets the
/// matching `ui.<hash>.css`.
pub fn widget() -> Vec<Asset> {
    content_named(&[UI_CSS, UI_JS])
}

/// Names each `(file, text)` by its content, in order: first every quoted
/// relative reference (`'./file'` or `"./file"`) to a file earlier in the list is
/// replaced by that file's content name, then the result is hashed. So list a
/// file after the files it refers to.
pub fn content_named(files: &[(&'static str, &str)]) -> Vec<Asset> {
    let mut named: Vec<Asset> = Vec::with_capacity(files.len());
    for &(file, text) in files {
        let body = named.iter().fold(text.to_string(), |body, earlier| {
            rewrite_references(&body, earlier.file, &earlier.name)
        });
        named.push(Asset {
            file,
            name: hashed_name(file, &body),
            content_type: content_type(file),
            body,
        });
    }
    named
}

/// `body` with each quoted `./from` replaced by `./to`.
pub fn rewrite_references(body: &str, from: &str, to: &str) -> String {
    ['\'', '"'].iter().fold(body.to_string(), |body, quote| {
        body.replace(
            &format!("{quote}./{from}{quote}"),
            &format!("{quote}./{to}{quote}"),
        )
    })
}

/// `stem.HASH.ext`, the hash being the first [`HASH_DIGITS`] hex digits of the
/// BLAKE3 hash of `body`.
fn hashed_name(file: &str, body: &str) -> String {
    let hash = blake3::hash(body.as_bytes()).to_hex();
    let digest = &hash[..HASH_DIGITS];
    match file.rsplit_once('.') {
        Some((stem, ext)) => format!("{stem}.{digest}.{ext}"),
        None => format!("{file}.{digest}"),
    }
}

fn content_type(file: &str) -> &'static str {
    match file.rsplit_once('.').map(|(_, ext)| ext) {
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("html") => "text/html; charset=utf-8",
        Some("json") => "application/json",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_widget_refers_to_its_stylesheet_by_content_name() {
        let files = widget();
        let (css, js) = (&files[0], &files[1]);
        assert!(
            css.name.starts_with("ui.") && css.name.ends_with(".css"),
            "{}",
            css.name
        );
        assert_eq!(css.name.len(), "ui..css".len() + HASH_DIGITS);
        assert!(
            js.body.contains(&format!("'./{}'", css.name)),
            "ui.js links the named CSS"
        );
        assert!(!js.body.contains("'./ui.css'"));
        assert_eq!(js.content_type, "text/javascript; charset=utf-8");
    }

    #[test]
    fn a_change_to_a_file_renames_it_and_the_files_that_refer_to_it() {
        let before = content_named(&[("a.css", "x{}"), ("b.js", "load('./a.css')"), ("c.js", "1")]);
        let after = content_named(&[("a.css", "y{}"), ("b.js", "load('./a.css')"), ("c.js", "1")]);
        assert_ne!(before[0].name, after[0].name);
        assert_ne!(before[1].name, after[1].name, "b.js refers to a.css");
        assert_eq!(before[2].name, after[2].name, "c.js does not");
        assert_eq!(
            before,
            content_named(&[("a.css", "x{}"), ("b.js", "load('./a.css')"), ("c.js", "1")])
        );
    }

    #[test]
    fn only_quoted_relative_references_are_rewritten() {
        let body = "import './ui.js'; import \"./ui.js\"; './ui.json'; 'ui.js'";
        assert_eq!(
            rewrite_references(body, "ui.js", "ui.1.js"),
            "import './ui.1.js'; import \"./ui.1.js\"; './ui.json'; 'ui.js'"
        );
    }
}
