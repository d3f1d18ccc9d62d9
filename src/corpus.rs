//! The corpus on disk: finding the Markdown files under a folder and turning their
//! bytes into text. This is the only stage that reads article files. Everything a
//! file can contain is handled here without failing the run: a byte-order mark is
//! removed, UTF-16 is converted, invalid UTF-8 is repaired with a warning, and
//! binary, empty or oversized files are skipped with a warning that says why.

use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use rayon::prelude::*;

use crate::article::{Article, ParseOptions, parse_article};
use crate::{Error, Result, Warning};

/// Files larger than this are skipped: a health article is rarely over 1 MiB, and a
/// limit keeps memory bounded when something else ends in `.md`.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;
/// How much of a file is checked for NUL bytes to tell binary files apart.
const BINARY_SNIFF_BYTES: usize = 8 * 1024;
/// File names that document a folder rather than being articles (compared
/// case-insensitively): a `README.md` in a content folder is not a health article.
const NOT_ARTICLES: &[&str] = &["readme.md", "readme.markdown"];
/// File extensions read as Markdown articles (compared case-insensitively).
const EXTENSIONS: &[&str] = &["md", "markdown"];

/// A Markdown file found under the corpus root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// Relative to the root, with `/` separators: the article's id.
    pub path: String,
    pub absolute: PathBuf,
    pub size: u64,
    /// Modification time in nanoseconds since the Unix epoch (0 if unknown).
    pub modified_ns: u64,
}

/// What [`discover`] found under a corpus root.
#[derive(Debug, Clone, Default)]
pub struct Discovered {
    /// The Markdown files, sorted by path.
    pub files: Vec<SourceFile>,
    /// Folders that could not be read, symlink loops, broken links.
    pub warnings: Vec<Warning>,
    /// Relative paths (with `/`) of the entries that could not be read: what was
    /// indexed from under them before is kept, not taken as deleted.
    pub unreadable: Vec<String>,
}

impl Discovered {
    /// Whether `path` (relative, with `/`) lies in a part of the tree that could not
    /// be read this time.
    pub fn is_unreadable(&self, path: &str) -> bool {
        self.unreadable.iter().any(|prefix| {
            path == prefix
                || (path.len() > prefix.len()
                    && path.starts_with(prefix.as_str())
                    && path.as_bytes()[prefix.len()] == b'/')
        })
    }
}

/// Lists the Markdown files under `root`, sorted by path. Hidden files and folders
/// (such as `.git` or the default `.healthdex` index) are not entered, and
/// `README.md` files are not articles. Folders below the root that cannot be read
/// and symlink loops become warnings (and are listed as unreadable); a root that
/// cannot be read is an error.
pub fn discover(root: &Path) -> Result<Discovered> {
    if !root.is_dir() {
        return Err(Error::NotADirectory(root.to_path_buf()));
    }
    let mut found = Discovered::default();
    let walker = walkdir::WalkDir::new(root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| entry.depth() == 0 || !is_hidden(entry.file_name()));
    for entry in walker {
        match entry {
            Ok(entry) if entry.file_type().is_file() && is_markdown(entry.path()) => {
                if let Some(file) = source_file(root, &entry) {
                    found.files.push(file);
                }
            }
            Ok(_) => {}
            Err(err) if err.depth() == 0 => {
                let cause = err
                    .into_io_error()
                    .unwrap_or_else(|| std::io::Error::other("cannot be walked"));
                return Err(Error::io(root, cause));
            }
            Err(err) => {
                found
                    .unreadable
                    .push(relative(root, err.path().unwrap_or(root)));
                found.warnings.push(walk_warning(root, &err));
            }
        }
    }
    found.files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(found)
}

/// `path` relative to `root`, with `/` separators.
fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_string_lossy().starts_with('.')
}

fn is_markdown(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if NOT_ARTICLES.contains(&name.as_str()) {
        return false;
    }
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.iter().any(|x| e.eq_ignore_ascii_case(x)))
}

fn source_file(root: &Path, entry: &walkdir::DirEntry) -> Option<SourceFile> {
    entry.path().strip_prefix(root).ok()?;
    let path = relative(root, entry.path());
    let metadata = entry.metadata().ok();
    let modified_ns = metadata
        .as_ref()
        .and_then(|m| m.modified().ok())
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX));
    Some(SourceFile {
        path,
        absolute: entry.path().to_path_buf(),
        size: metadata.map_or(0, |m| m.len()),
        modified_ns,
    })
}

fn walk_warning(root: &Path, err: &walkdir::Error) -> Warning {
    let path = err
        .path()
        .and_then(|p| p.strip_prefix(root).ok())
        .map_or_else(|| root.display().to_string(), |p| p.display().to_string());
    let message = if err.loop_ancestor().is_some() {
        "symbolic link loop; the link was not followed, remove it or point it elsewhere".to_string()
    } else if err
        .io_error()
        .is_some_and(|e| e.kind() == std::io::ErrorKind::NotFound)
    {
        "is a broken symbolic link (or vanished while indexing); fix the link or remove it"
            .to_string()
    } else {
        let reason = err
            .io_error()
            .map_or_else(|| err.to_string(), |e| e.to_string());
        format!(
            "cannot be read ({reason}); check its permissions (articles indexed from it earlier are kept)"
        )
    };
    Warning::skipped(&path, None, message)
}

/// The text of one article file and a hash of its bytes.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub text: String,
    /// BLAKE3 of the raw bytes, hex, shortened to 128 bits.
    pub hash: String,
    pub warnings: Vec<Warning>,
}

/// Reads and decodes one file. `Err` means the file is skipped, with the reason.
pub fn load(file: &SourceFile) -> std::result::Result<Loaded, Warning> {
    if file.size > MAX_FILE_BYTES {
        return Err(too_large(&file.path, file.size));
    }
    let bytes = std::fs::read(&file.absolute).map_err(|err| {
        Warning::skipped(
            &file.path,
            None,
            format!("cannot be read ({err}); check that it exists and is readable"),
        )
    })?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large(&file.path, bytes.len() as u64));
    }
    let hash = content_hash(&bytes);
    let (text, warnings) = decode(&file.path, &bytes)?;
    Ok(Loaded {
        text,
        hash,
        warnings,
    })
}

/// Hash used in the manifest to tell whether a file changed.
pub fn content_hash(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex()[..32].to_string()
}

fn too_large(path: &str, size: u64) -> Warning {
    Warning::skipped(
        path,
        None,
        format!(
            "is {:.1} MiB, over the {} MiB limit for one article; split it into smaller articles",
            size as f64 / (1024.0 * 1024.0),
            MAX_FILE_BYTES / (1024 * 1024)
        ),
    )
}

/// Turns file bytes into text: BOMs, UTF-16, binary and invalid UTF-8 are handled.
pub fn decode(path: &str, bytes: &[u8]) -> std::result::Result<(String, Vec<Warning>), Warning> {
    let mut warnings = Vec::new();
    let text = if let Some(utf16) = utf16_units(bytes) {
        String::from_utf16_lossy(&utf16)
    } else {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        if bytes[..bytes.len().min(BINARY_SNIFF_BYTES)].contains(&0) {
            return Err(Warning::skipped(
                path,
                None,
                "looks like a binary file, not Markdown text; rename or remove it",
            ));
        }
        match std::str::from_utf8(bytes) {
            Ok(text) => text.to_string(),
            Err(err) => {
                let line = bytes[..err.valid_up_to()]
                    .iter()
                    .filter(|&&b| b == b'\n')
                    .count()
                    + 1;
                warnings.push(Warning::new(
                    path,
                    Some(line),
                    "contains bytes that are not valid UTF-8; they were replaced with `\u{FFFD}`, save the file as UTF-8 to fix it",
                ));
                String::from_utf8_lossy(bytes).into_owned()
            }
        }
    };
    if text.trim().is_empty() {
        return Err(Warning::skipped(
            path,
            None,
            "is empty; add content or remove the file",
        ));
    }
    Ok((text, warnings))
}

/// UTF-16 code units, if the bytes start with a UTF-16 byte-order mark.
fn utf16_units(bytes: &[u8]) -> Option<Vec<u16>> {
    type Decode = fn([u8; 2]) -> u16;
    let (rest, from): (&[u8], Decode) = match bytes {
        [0xFF, 0xFE, rest @ ..] => (rest, u16::from_le_bytes),
        [0xFE, 0xFF, rest @ ..] => (rest, u16::from_be_bytes),
        _ => return None,
    };
    Some(
        rest.chunks_exact(2)
            .map(|pair| from([pair[0], pair[1]]))
            .collect(),
    )
}

/// Every article of a folder, parsed, with every problem found.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Corpus {
    pub articles: Vec<Article>,
    pub warnings: Vec<Warning>,
}

/// Reads and parses every article under `root` in parallel (drafts included; their
/// `meta.draft` says so). Articles come back in path order.
pub fn read_articles(root: &Path, options: &ParseOptions) -> Result<Corpus> {
    let Discovered {
        files,
        mut warnings,
        ..
    } = discover(root)?;
    let parsed: Vec<_> = files
        .par_iter()
        .map(|file| {
            load(file).map(|loaded| {
                (
                    loaded.warnings,
                    parse_article(&file.path, &loaded.text, options),
                )
            })
        })
        .collect();
    let mut articles = Vec::with_capacity(parsed.len());
    for result in parsed {
        match result {
            Ok((load_warnings, parsed)) => {
                warnings.extend(load_warnings);
                warnings.extend(parsed.warnings);
                articles.push(parsed.article);
            }
            Err(warning) => warnings.push(warning),
        }
    }
    Ok(Corpus { articles, warnings })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_boms_utf16_and_repairs_invalid_utf8() {
        assert_eq!(decode("a.md", b"\xEF\xBB\xBF# Hi").unwrap().0, "# Hi");
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("# Hé".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(decode("a.md", &utf16).unwrap().0, "# Hé");
        let (text, warnings) = decode("a.md", b"line one\nbad \xFF byte\n").unwrap();
        assert!(text.contains("bad \u{FFFD} byte"));
        assert_eq!(warnings[0].line, Some(2));
    }

    #[test]
    fn skips_binary_and_empty_files() {
        let binary = decode("a.md", b"\x89PNG\r\n\x1a\n\0\0\0IHDR").unwrap_err();
        assert!(binary.message.contains("binary"));
        assert!(
            decode("a.md", b" \n\t\n")
                .unwrap_err()
                .message
                .contains("empty")
        );
        assert!(decode("a.md", b"").unwrap_err().message.contains("empty"));
    }
}
