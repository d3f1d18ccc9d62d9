//! The corpus on disk: finding the article files (Markdown, text, built HTML) under a folder and turning their
//! bytes into text. This is the only stage that reads article files. Everything a
//! file can contain is handled here without failing the run: a byte-order mark is
//! removed, UTF-16 is converted, invalid UTF-8 is repaired with a warning, and
//! binary, empty or oversized files are skipped with a warning that says why.

use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use rayon::prelude::*;

use crate::article::{Article, ParseOptions};
use crate::{Error, Result, Warning};

/// Files larger than this are skipped: a health article is rarely over 1 MiB, and a
/// limit keeps memory bounded when something else ends in `.md`.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;
/// How much of a file is checked for NUL bytes to tell binary files apart.
const BINARY_SNIFF_BYTES: usize = 8 * 1024;
/// File names that are not articles (compared case-insensitively): a `README.md`
/// documents its folder, and a built site's `public/` holds files for crawlers and
/// error pages beside its articles.
const NOT_ARTICLES: &[&str] = &[
    "readme.md",
    "readme.markdown",
    "readme.txt",
    "robots.txt",
    "humans.txt",
    "ads.txt",
    "app-ads.txt",
    "security.txt",
    "llms.txt",
    "license.txt",
    "licence.txt",
    "copying.txt",
    "changelog.txt",
    "requirements.txt",
    "404.html",
    "500.html",
    "offline.html",
];
/// File extensions read as articles (compared case-insensitively): Markdown, plain
/// text, and built HTML pages (see [`crate::article::Format`]).
const EXTENSIONS: &[&str] = &["md", "markdown", "txt", "html", "htm"];

/// A Markdown file found under the corpus root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// Relative to the root, with `/` separators: the article's id.
    pub path: String,
    /// Where the file is.
    pub absolute: PathBuf,
    /// Size in bytes, as the file system reports it.
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
/// `README.md` files are not articles. Symbolic links are followed, except one that
/// leads back to a folder being walked (a loop). Folders below the root that cannot
/// be read, loops and broken links become warnings (and are listed as unreadable);
/// a root that cannot be read is an error.
///
/// Every refreshing search runs this, and on these machines a `stat` costs about
/// 1.7 µs (9 ms for MedQuAD's 5,475 files), so the walk reads folders with
/// `read_dir` (whose entries carry their type) and the sizes and times of the
/// Markdown files are then read in parallel.
pub fn discover(root: &Path) -> Result<Discovered> {
    let walk = Walk::of(root)?;
    let mut found = Discovered {
        files: walk
            .files
            .into_par_iter()
            .with_min_len(256)
            .filter_map(Found::into_source_file)
            .collect(),
        warnings: walk.warnings,
        unreadable: walk.unreadable,
    };
    found
        .files
        .sort_unstable_by(|a, b| (&a.path, &a.absolute).cmp(&(&b.path, &b.absolute)));
    found.warnings.extend(same_ids(&mut found.files));
    found.warnings.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(found)
}

/// Keeps one file of each id (the first by its name's bytes, so the choice is
/// the same on every run) and warns about the others: an id can still repeat when a
/// name that is not UTF-8 spells, with its `%XX` escapes, another file's name.
fn same_ids(files: &mut Vec<SourceFile>) -> Vec<Warning> {
    let mut warnings = Vec::new();
    files.dedup_by(|later, kept| {
        let same = later.path == kept.path;
        if same {
            warnings.push(Warning::skipped(
                &later.path,
                None,
                format!(
                    "`{}` has the same id as `{}`, which is indexed; rename one of them",
                    later.absolute.display(),
                    kept.absolute.display()
                ),
            ));
        }
        same
    });
    warnings
}

/// A digest of a set of files (relative path, size, modification time), in any
/// order: equal digests mean no file was added, removed or touched, which lets a
/// search check freshness without reading the manifest or sorting the walk. It is
/// the wrapping sum of a 128-bit hash per file (two keyed SipHash halves from the
/// standard library: far fewer instructions than BLAKE3 on such short input, and
/// there is no adversary to guard against), plus the count.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FilesDigest {
    sum: u128,
    count: u64,
}

impl FilesDigest {
    /// Adds one file.
    pub fn add(&mut self, path: &str, size: u64, modified_ns: u64) {
        use std::hash::{Hash, Hasher};
        let half = |key: u8| {
            // `SipHasher` (SipHash-2-4) is deprecated in name only; unlike
            // `DefaultHasher`, its output is fixed across Rust releases, which a
            // digest stored in the index needs.
            #[allow(deprecated)]
            let mut hasher = std::hash::SipHasher::new_with_keys(u64::from(key), 0x6864_7864);
            (path, size, modified_ns).hash(&mut hasher);
            hasher.finish()
        };
        let hash = (u128::from(half(1)) << 64) | u128::from(half(2));
        self.sum = self.sum.wrapping_add(hash);
        self.count += 1;
    }

    /// The digest of two disjoint sets together.
    pub fn merge(self, other: FilesDigest) -> FilesDigest {
        FilesDigest {
            sum: self.sum.wrapping_add(other.sum),
            count: self.count + other.count,
        }
    }

    /// The digest as text (as stored in the commit payload).
    pub fn finish(self) -> String {
        format!("{:032x}-{}", self.sum, self.count)
    }
}

/// The [`FilesDigest`] of what [`discover`] would list under `root`, computed without
/// building the list: the cheap half of a freshness check. Folders that cannot be
/// read are left out (so the digest differs and the caller looks closer).
pub fn digest_files(root: &Path) -> Result<FilesDigest> {
    Ok(Walk::of(root)?
        .files
        .par_iter()
        .with_min_len(256)
        .fold(FilesDigest::default, |mut digest, found| {
            if let Some((size, modified_ns)) = found.stat() {
                digest.add(found.path(), size, modified_ns);
            }
            digest
        })
        .reduce(FilesDigest::default, FilesDigest::merge))
}

/// A Markdown file found by the walk, not yet stat'ed.
enum Found {
    /// A regular file: its directory entry stats it relative to the open folder.
    Entry(String, std::fs::DirEntry),
    /// Reached through a symbolic link: stat'ed by path, following the link.
    Link(String, PathBuf),
}

impl Found {
    fn path(&self) -> &str {
        match self {
            Found::Entry(path, _) | Found::Link(path, _) => path,
        }
    }

    /// Size and modification time (0 if unknown), as [`SourceFile`] records them.
    fn stat(&self) -> Option<(u64, u64)> {
        let metadata = match self {
            Found::Entry(_, entry) => entry.metadata(),
            Found::Link(_, absolute) => std::fs::metadata(absolute),
        };
        let metadata = metadata.ok()?;
        Some((metadata.len(), modified_ns(&metadata)))
    }

    fn into_source_file(self) -> Option<SourceFile> {
        let (size, modified_ns) = self.stat().unwrap_or((0, 0));
        let (path, absolute) = match self {
            Found::Entry(path, entry) => (path, entry.path()),
            Found::Link(path, absolute) => (path, absolute),
        };
        Some(SourceFile {
            path,
            absolute,
            size,
            modified_ns,
        })
    }
}

/// Size and modification time of the file at `path` (links followed), as
/// [`SourceFile`] records them; `None` if it cannot be stat'ed.
pub fn stat(path: &Path) -> Option<(u64, u64)> {
    let metadata = std::fs::metadata(path).ok()?;
    Some((metadata.len(), modified_ns(&metadata)))
}

/// Modification time in nanoseconds since the Unix epoch (0 if unknown).
fn modified_ns(metadata: &std::fs::Metadata) -> u64 {
    metadata
        .modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
}

/// The state of one walk of a corpus folder.
#[derive(Default)]
struct Walk {
    files: Vec<Found>,
    warnings: Vec<Warning>,
    unreadable: Vec<String>,
}

impl Walk {
    /// Walks the corpus folder `root` (an error if it is not a readable folder).
    fn of(root: &Path) -> Result<Walk> {
        if !root.is_dir() {
            return Err(Error::NotADirectory(root.to_path_buf()));
        }
        let mut walk = Walk::default();
        let entries = std::fs::read_dir(root).map_err(|e| Error::io(root, e))?;
        walk.folder(root, String::new(), entries);
        Ok(walk)
    }

    /// Walks the entries of `dir`, whose path relative to the root is `relative`.
    fn folder(&mut self, dir: &Path, relative: String, entries: std::fs::ReadDir) {
        for entry in entries {
            let entry = match entry {
                Ok(entry) => entry,
                Err(err) => {
                    self.problem(&relative, unreadable_message(&err));
                    continue;
                }
            };
            let name = entry.file_name();
            if is_hidden(&name) {
                continue;
            }
            match entry.file_type() {
                Ok(kind) if kind.is_file() => {
                    if is_markdown(&name) {
                        let path = join(&relative, &name_text(&name));
                        self.files.push(Found::Entry(path, entry));
                    }
                }
                Ok(kind) if kind.is_dir() => {
                    let path = join(&relative, &name_text(&name));
                    self.subfolder(&entry.path(), path)
                }
                Ok(kind) if kind.is_symlink() => {
                    let path = join(&relative, &name_text(&name));
                    self.link(dir, &entry.path(), path)
                }
                Ok(_) => {}
                Err(err) => {
                    let path = join(&relative, &name_text(&name));
                    self.problem(&path, unreadable_message(&err))
                }
            }
        }
    }

    fn subfolder(&mut self, dir: &Path, relative: String) {
        match std::fs::read_dir(dir) {
            Ok(entries) => self.folder(dir, relative, entries),
            Err(err) => self.problem(&relative, unreadable_message(&err)),
        }
    }

    /// A symbolic link in `parent`: followed to a file or folder, unless it is broken
    /// or leads back to a folder being walked.
    fn link(&mut self, parent: &Path, link: &Path, relative: String) {
        let metadata = match std::fs::metadata(link) {
            Ok(metadata) => metadata,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                return self.problem(
                    &relative,
                    "is a broken symbolic link (or vanished while indexing); fix the link or remove it"
                        .into(),
                );
            }
            Err(err) => return self.problem(&relative, unreadable_message(&err)),
        };
        if metadata.is_file() {
            if is_markdown(link.file_name().unwrap_or_default()) {
                self.files.push(Found::Link(relative, link.to_path_buf()));
            }
        } else if metadata.is_dir() {
            let target = std::fs::canonicalize(link).ok();
            let here = std::fs::canonicalize(parent).ok();
            let is_loop = match (target, here) {
                (Some(target), Some(here)) => here.starts_with(target),
                _ => true,
            };
            if is_loop {
                return self.problem(
                    &relative,
                    "symbolic link loop; the link was not followed, remove it or point it elsewhere"
                        .into(),
                );
            }
            self.subfolder(link, relative);
        }
    }

    /// Something under `relative` could not be read: a warning, and what was indexed
    /// from under it is kept.
    fn problem(&mut self, relative: &str, message: String) {
        self.unreadable.push(relative.to_string());
        self.warnings
            .push(Warning::skipped(relative, None, message));
    }
}

/// A file name as text. A name that is not UTF-8 keeps its invalid bytes as `%XX`,
/// so two names that differ only there stay two articles (lossy decoding made both
/// `caf\u{FFFD}.md`, and the index flipped between them on every run).
fn name_text(name: &std::ffi::OsStr) -> std::borrow::Cow<'_, str> {
    if let Some(text) = name.to_str() {
        return text.into();
    }
    let mut text = String::new();
    for chunk in name.as_encoded_bytes().utf8_chunks() {
        text.push_str(chunk.valid());
        for byte in chunk.invalid() {
            text.push_str(&format!("%{byte:02X}"));
        }
    }
    text.into()
}

fn join(relative: &str, name: &str) -> String {
    let mut path = String::with_capacity(relative.len() + 1 + name.len());
    if !relative.is_empty() {
        path.push_str(relative);
        path.push('/');
    }
    path.push_str(name);
    path
}

fn unreadable_message(err: &std::io::Error) -> String {
    format!(
        "cannot be read ({err}); check its permissions (articles indexed from it earlier are kept)"
    )
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.as_encoded_bytes().first() == Some(&b'.')
}

/// Whether a file name has an article's extension and is not a known non-article
/// (`README.md`, `robots.txt`). Compared as bytes: every name listed is ASCII, and
/// a freshness check asks this of every file of the corpus before each search.
fn is_markdown(name: &std::ffi::OsStr) -> bool {
    let name = name.as_encoded_bytes();
    // As `Path::extension`: a leading dot starts no extension (".md" has none).
    let extension = match name.iter().rposition(|&b| b == b'.') {
        Some(dot) if dot > 0 => &name[dot + 1..],
        _ => return false,
    };
    EXTENSIONS
        .iter()
        .any(|x| extension.eq_ignore_ascii_case(x.as_bytes()))
        && !NOT_ARTICLES
            .iter()
            .any(|n| name.eq_ignore_ascii_case(n.as_bytes()))
}

/// The text of one article file and a hash of its bytes.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The decoded text.
    pub text: String,
    /// BLAKE3 of the raw bytes, hex, shortened to 128 bits.
    pub hash: String,
    /// Problems found while decoding (invalid UTF-8 …).
    pub warnings: Vec<Warning>,
}

/// Reads and decodes one file. `Err` means the file is skipped, with the reason.
pub fn load(file: &SourceFile) -> std::result::Result<Loaded, Warning> {
    if file.size > MAX_FILE_BYTES {
        return Err(too_large(&file.path, file.size));
    }
    let bytes = read_capped(&file.absolute).map_err(|err| {
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

/// Reads at most [`MAX_FILE_BYTES`] + 1 bytes: the cap holds for what is actually
/// read, even when a file's reported size lies (`/proc` files report 0 bytes).
fn read_capped(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let file = std::fs::File::open(path)?;
    let hint = file.metadata().map_or(0, |m| m.len()).min(MAX_FILE_BYTES);
    let mut bytes = Vec::with_capacity(usize::try_from(hint).unwrap_or(0) + 1);
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes)?;
    Ok(bytes)
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
    /// The articles, in path order (drafts included).
    pub articles: Vec<Article>,
    /// Every problem found, decoding and parsing.
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
    let prepared: Vec<_> = files
        .par_iter()
        .map(|file| crate::pipeline::prepare(file, options))
        .collect();
    let mut articles = Vec::with_capacity(prepared.len());
    for result in prepared {
        match result {
            Ok(prepared) => {
                warnings.extend(prepared.warnings);
                articles.push(prepared.article);
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
    fn articles_are_told_by_extension_and_known_non_articles_are_not() {
        for (name, article) in [
            ("acne.md", true),
            ("Acne.MD", true),
            ("notes.markdown", true),
            ("page.HTM", true),
            ("a.b.txt", true),
            ("README.md", false),
            ("readme.MARKDOWN", false),
            ("Robots.txt", false),
            (".md", false),
            ("md", false),
            ("acne.", false),
            ("acne.mdx", false),
            ("photo.png", false),
        ] {
            assert_eq!(is_markdown(std::ffi::OsStr::new(name)), article, "{name}");
        }
        assert!(is_hidden(std::ffi::OsStr::new(".git")));
        assert!(!is_hidden(std::ffi::OsStr::new("git.md")));
    }

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

    #[cfg(unix)]
    #[test]
    fn the_size_cap_holds_for_files_whose_size_lies() {
        // /dev/zero reports 0 bytes and reads without end, like the files of /proc.
        let file = SourceFile {
            path: "x.md".into(),
            absolute: PathBuf::from("/dev/zero"),
            size: 0,
            modified_ns: 0,
        };
        let warning = load(&file).unwrap_err();
        assert!(
            warning.message.contains("over the 16 MiB limit"),
            "{warning}"
        );
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
