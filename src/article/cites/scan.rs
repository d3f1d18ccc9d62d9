//! Finding markers in a section's [`Prose`]: numeric (`[1]`, `[1, 3]`, `[2–4]`),
//! superscript (`<sup>1,2</sup>`, `¹²`), footnote (`[^1]`, `[^note]`) and
//! author–year, in parentheses (`(Bowe & Logan, 2011)`, `(O'Neill et al., 2016;
//! Salem et al., 2018)`, `(Bowe and Logan 2011, p. 3)`, `(WHO, 2020)`) or in the
//! sentence (`Salem et al. (2018)`, `Reynolds and colleagues (2019)`, `the World
//! Health Organization (2020)`). Each marker is split into [`Part`]s, one per
//! reference it names; resolving them is [`super::resolve`]'s job.
//!
//! What is *not* a marker: anything in code, links or images (the walk hid them),
//! a bracketed number next to a link's brackets (`[see][1]`, `[1](…)`), lists that
//! hold a 0 or a number over [`MAX_NUMBER`] (`[0, 10]`, `[2018]`), superscripts
//! after a digit or a unit (`10⁹`, `m²`, `10<sup>9</sup>`), a year in parentheses
//! after a word that is not a name ("a trial (2011)"), and years in the running
//! text ("in 2011 the WHO…").

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::compile;
use super::names::key;
use super::prose::{OPAQUE, Prose};

/// Bracketed and superscript numbers above this are not reference numbers.
pub(crate) const MAX_NUMBER: u32 = 999;
/// A range such as `[2–40]` spans at most this many references; a longer one is
/// reported, not expanded.
pub(crate) const MAX_RANGE: u32 = 50;
/// Each kind of marker is looked for at most this many times in one section
/// (real sections hold a few dozen), so a hostile file cannot make the parser
/// hold millions of them; markers past it are not linked.
pub(crate) const MAX_MARKERS: usize = 10_000;

/// One marker as written, with what it names.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Marker {
    /// The marker as written: "[2–4]", "(Bowe & Logan, 2011)", "[^note]".
    pub text: String,
    /// 1-based file line where it starts.
    pub line: usize,
    /// Where it lies in the prose.
    pub range: Range<usize>,
    /// One entry per reference named.
    pub parts: Vec<Part>,
}

/// One reference named by a marker.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Part {
    /// A reference number.
    Number(u32),
    /// A footnote label, as written.
    Footnote(String),
    /// An author–year citation.
    Work(Work),
    /// A range that cannot be read: backwards, or longer than [`MAX_RANGE`].
    BadRange(String),
}

/// An author–year citation: who, when, and how sure the marker is to be one.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Work {
    /// As written: "O'Neill et al., 2016", "Salem et al. (2018)".
    pub text: String,
    /// Surname keys in order ("bowe", "logan"); empty for an organisation.
    pub persons: Vec<String>,
    /// Keys the names may match as one organisation ("world health organization",
    /// "who").
    pub organisations: Vec<String>,
    /// Written with "et al.".
    pub et_al: bool,
    /// The year; `None` for "n.d." and "in press".
    pub year: Option<u16>,
    /// The letter after the year ("2011a").
    pub suffix: Option<char>,
    /// True when the marker cannot be anything but a citation (a comma before the
    /// year, "et al.", or two names joined by "and"/"&"); a weak one that matches
    /// no reference is dropped instead of reported.
    pub strong: bool,
}

/// `\d` lists as they appear in brackets and superscripts: "1", "1, 3", "2–4", "1-3,5".
macro_rules! number_list {
    () => {
        r"\d{1,4}(?:\s*[-–—]\s*\d{1,4})?(?:\s*[,;]\s*\d{1,4}(?:\s*[-–—]\s*\d{1,4})?)*"
    };
}

/// One year of an author–year marker: "2011", "2011a", "n.d.", "in press".
macro_rules! year {
    () => {
        r"(?:(?:1[89]|20)\d{2}[a-z]?|n\.\s?d\.?|in\s+press)"
    };
}

/// Years of one author–year item: "2011", "2011, 2013", "2011a, b".
macro_rules! years {
    () => {
        concat!(year!(), r"(?:\s*,\s*(?:(?:1[89]|20)\d{2}[a-z]?|[a-z]\b))*")
    };
}

/// A surname in the running text: "Bowe", "O'Neill", "van der Waaij", "WHO".
macro_rules! name {
    () => {
        r"(?:\b(?:van|von|de|der|den|da|del|della|di|du|le|la|ten|ter|dos|das)\s+){0,3}\b\p{Lu}[\p{L}'’\-]*\p{L}"
    };
}

static BRACKETS: LazyLock<Regex> =
    LazyLock::new(|| compile(concat!(r"\[\s*(", number_list!(), r")\s*\]")));
static FOOTNOTE: LazyLock<Regex> = LazyLock::new(|| compile(r"\[\^([^\]\[\s]{1,64})\]"));
static SUP_TAG: LazyLock<Regex> = LazyLock::new(|| {
    compile(concat!(
        r"<sup>\s*\[?\s*(",
        number_list!(),
        r")\s*\]?\s*</sup>"
    ))
});
static SUP_CHARS: LazyLock<Regex> =
    LazyLock::new(|| compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹]+(?:\s?[,⁻–-]\s?[⁰¹²³⁴⁵⁶⁷⁸⁹]+)*"));
/// A year (or "n.d.", "in press") somewhere in parentheses: every author–year
/// marker has one.
static YEAR_IN_PARENS: LazyLock<Regex> =
    LazyLock::new(|| compile(r"\([^()\n]*(?:(?:1[89]|20)\d{2}|n\.\s?d|in\s+press)"));
static PARENS: LazyLock<Regex> = LazyLock::new(|| compile(r"\(([^()\n]{4,400})\)"));
static ITEM: LazyLock<Regex> = LazyLock::new(|| {
    compile(concat!(
        r"^(?P<names>\S.*?)(?P<comma>,)?\s+(?P<years>",
        years!(),
        r")(?:\s*[,:]\s*(?:(?:p|pp|para|paras|ch|chap|chapter|fig|figs|table|s)\.?\s*)?[\dxivlc][\w–\-, ]*)?(?:,?\s+for\s+.*)?\s*$"
    ))
});
static NARRATIVE: LazyLock<Regex> = LazyLock::new(|| {
    compile(concat!(
        r"(?P<names>",
        name!(),
        r"(?:(?:,\s+(?:and\s+|&\s+)?|\s+(?:and|&)\s+)",
        name!(),
        r"){0,4})(?P<etal>,?\s+et\.?\s+al\.?|\s+and\s+(?:colleagues|co-?workers|others))?(?:['’]s)?\s+\((?P<years>",
        years!(),
        r")(?:\s*,\s*(?:p|pp)\.?\s*\d[\d–\-]*)?\)"
    ))
});
static NARRATIVE_ORGANISATION: LazyLock<Regex> = LazyLock::new(|| {
    compile(concat!(
        r"(?P<names>\p{Lu}[\p{L}'’\-.]*(?: (?:of|for|and|on|the|in|&|\p{Lu}[\p{L}'’\-.]*)){1,11})\s+\((?P<years>",
        years!(),
        r")\)"
    ))
});
static PREFIX: LazyLock<Regex> = LazyLock::new(|| {
    compile(
        r"(?i)^(?:e\.\s?g\.,?|i\.\s?e\.,?|see(?:\s+also)?|cf\.|for\s+example,?|for\s+a\s+review,?\s+see|(?:as\s+)?reviewed\s+(?:in|by)|(?:as\s+)?cited\s+in|quoted\s+in|but\s+see|compare)\s+",
    )
});
static ET_AL: LazyLock<Regex> =
    LazyLock::new(|| compile(r",?\s+et\.?\s+al\.?$|\s+and\s+(?:colleagues|co-?workers|others)$"));
static POSSESSIVE: LazyLock<Regex> = LazyLock::new(|| compile(r"['’]s?$"));
static NAME_SEPARATOR: LazyLock<Regex> =
    LazyLock::new(|| compile(r"\s*,\s*(?:&|and)\s+|\s*,\s*|\s+&\s+|\s+and\s+"));
static BRACKETED_ACRONYM: LazyLock<Regex> =
    LazyLock::new(|| compile(r"\s*[\[(]([\p{Lu}&]{2,12})[\])]"));

/// Capitalised words that start parentheses with a year but are not names.
const NOT_NAMES: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "spring",
    "summer",
    "autumn",
    "fall",
    "winter",
    "see",
    "table",
    "tables",
    "figure",
    "figures",
    "fig",
    "figs",
    "appendix",
    "chapter",
    "section",
    "since",
    "in",
    "from",
    "until",
    "before",
    "after",
    "by",
    "between",
    "during",
    "circa",
    "ca",
    "updated",
    "accessed",
    "published",
    "retrieved",
    "version",
    "est",
    "established",
    "founded",
    "year",
    "years",
    "age",
    "aged",
    "total",
    "mean",
    "median",
    "range",
    "overall",
    "phase",
    "stage",
    "grade",
    "type",
    "and",
    "or",
    "also",
    "about",
    "around",
    "approx",
    "approximately",
    "early",
    "late",
    "mid",
    "end",
    "as",
    "at",
    "on",
    "to",
    "of",
    "for",
    "with",
    "per",
    "vs",
    "versus",
    "this",
    "that",
    "these",
    "those",
    "it",
    "its",
    "we",
    "our",
    "they",
    "their",
    "he",
    "she",
    "his",
    "her",
    "a",
    "an",
    "if",
    "when",
    "where",
    "which",
    "who's",
    "what",
    "how",
    "why",
];

/// Lower-case particles of surnames ("van der Waaij", "de Vos").
const PARTICLES: &[&str] = &[
    "van", "von", "de", "der", "den", "da", "del", "della", "di", "du", "le", "la", "ten", "ter",
    "dos", "das",
];

/// Lower-case words allowed inside names besides particles: the small words of
/// organisations ("Institute of Medicine") and the joins of a list of names.
const SMALL_WORDS: &[&str] = &["of", "for", "the", "on", "in", "and", "to", "&"];

/// Small words that make a name an organisation's rather than a list of surnames.
const ORGANISATION_WORDS: &[&str] = &["of", "for", "the", "on", "in", "to"];

/// Every reading of a marker in `prose`, ordered by where it starts (the longer
/// first). Readings may overlap ("World Health Organization (2020)" is also read
/// as "Organization (2020)"); the caller keeps the first that resolves.
pub(crate) fn markers(prose: &Prose) -> Vec<Marker> {
    let text = prose.text();
    let mut found: Vec<(Range<usize>, Vec<Part>)> = Vec::new();
    // Most prose holds no markers of a kind; a cheap look first skips its finders.
    if text.contains('[') {
        found.extend(brackets(text));
        found.extend(footnotes(text));
    }
    if text.contains("<sup>") {
        found.extend(sup_tags(text));
    }
    // ASCII prose (most of it) cannot hold them, and says so in one fast pass.
    if !text.is_ascii() && text.contains(['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'])
    {
        found.extend(sup_chars(text));
    }
    if YEAR_IN_PARENS.is_match(text) {
        found.extend(parentheses(text));
        found.extend(narrative(text));
        found.extend(narrative_organisations(text));
    }
    found.sort_by_key(|(range, _)| (range.start, std::cmp::Reverse(range.end)));
    found.truncate(MAX_MARKERS);
    found
        .into_iter()
        .filter(|(_, parts)| !parts.is_empty())
        .map(|(range, parts)| Marker {
            // "(Ford et al., 2017; see [our IBS page](ibs.md))" keeps a mark
            // where the hidden link was.
            text: text[range.clone()].replace(OPAQUE, "…"),
            line: prose.line_at(range.start),
            range,
            parts,
        })
        .collect()
}

/// `[1]`, `[1, 3]`, `[2–4]`: not next to a link's brackets or parentheses.
fn brackets(text: &str) -> Vec<(Range<usize>, Vec<Part>)> {
    BRACKETS
        .captures_iter(text)
        .take(MAX_MARKERS)
        .filter_map(|caps| {
            let whole = caps.get(0)?;
            let before = text[..whole.start()].chars().next_back();
            let after = text[whole.end()..].chars().next();
            let glued_before = before == Some(']') && !ends_with_numbers(&text[..whole.start()]);
            let glued_after = after == Some('(')
                || (after == Some('[') && !starts_with_numbers(&text[whole.end()..]));
            if glued_before || glued_after || before == Some('!') {
                return None;
            }
            Some((whole.range(), number_parts(&caps[1])?))
        })
        .collect()
}

/// How far around a bracket the neighbouring bracket is looked for.
const NEIGHBOUR_BYTES: usize = 48;

/// Whether `text` ends with a bracketed number list (so `[1][2]` is two markers).
fn ends_with_numbers(text: &str) -> bool {
    let tail = tail(text, NEIGHBOUR_BYTES);
    tail.rfind('[').is_some_and(|open| {
        BRACKETS
            .find(&tail[open..])
            .is_some_and(|m| m.start() == 0 && m.end() == tail.len() - open)
    })
}

/// Whether `text` starts with a bracketed number list.
fn starts_with_numbers(text: &str) -> bool {
    let mut end = text.len().min(NEIGHBOUR_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    BRACKETS.find(&text[..end]).is_some_and(|m| m.start() == 0)
}

/// The last `max` bytes of `text` or fewer, cut at a character boundary.
fn tail(text: &str, max: usize) -> &str {
    let mut start = text.len().saturating_sub(max);
    while !text.is_char_boundary(start) {
        start += 1;
    }
    &text[start..]
}

/// `[^1]`, `[^note]`: footnote references, defined or not.
fn footnotes(text: &str) -> Vec<(Range<usize>, Vec<Part>)> {
    FOOTNOTE
        .captures_iter(text)
        .take(MAX_MARKERS)
        .filter_map(|caps| {
            let whole = caps.get(0)?;
            Some((whole.range(), vec![Part::Footnote(caps[1].to_string())]))
        })
        .collect()
}

/// `<sup>1</sup>`, `<sup>1,2</sup>`, `<sup>[3]</sup>`: not after a digit or a unit.
fn sup_tags(text: &str) -> Vec<(Range<usize>, Vec<Part>)> {
    SUP_TAG
        .captures_iter(text)
        .take(MAX_MARKERS)
        .filter_map(|caps| {
            let whole = caps.get(0)?;
            if !superscript_may_cite(&text[..whole.start()]) {
                return None;
            }
            Some((whole.range(), number_parts(&caps[1])?))
        })
        .collect()
}

/// `¹`, `¹²` (twelve), `¹,³`, `¹⁻³`: not after a digit or a unit.
fn sup_chars(text: &str) -> Vec<(Range<usize>, Vec<Part>)> {
    SUP_CHARS
        .find_iter(text)
        .take(MAX_MARKERS)
        .filter_map(|m| {
            if !superscript_may_cite(&text[..m.start()]) {
                return None;
            }
            let plain: String = m.as_str().chars().filter_map(plain_digit).collect();
            Some((m.range(), number_parts(&plain)?))
        })
        .collect()
}

/// A superscript digit or separator as ASCII (`⁻` is a dash); spaces dropped.
fn plain_digit(c: char) -> Option<char> {
    const SUPERSCRIPTS: &str = "⁰¹²³⁴⁵⁶⁷⁸⁹";
    match c {
        '⁻' | '–' | '-' => Some('-'),
        ',' => Some(','),
        c => SUPERSCRIPTS
            .chars()
            .position(|s| s == c)
            .and_then(|d| char::from_digit(d as u32, 10)),
    }
}

/// A superscript after `before` can be a citation unless it follows a digit
/// (`10⁹`), a caret, or a short unit or symbol (`m²`, `cm³`, `kg/m²`, `x²`).
fn superscript_may_cite(before: &str) -> bool {
    let word: &str = tail(before, NEIGHBOUR_BYTES)
        .rsplit(|c: char| c.is_whitespace() || c == OPAQUE)
        .next()
        .unwrap_or("");
    let Some(last) = word.chars().next_back() else {
        return true;
    };
    if last.is_ascii_digit() || last == '^' {
        return false;
    }
    if !last.is_alphabetic() {
        return true;
    }
    let letters = word.chars().rev().take_while(|c| c.is_alphabetic()).count();
    letters > 2 && !word.contains('/')
}

/// Numbers of a list ("1, 3–5" → 1, 3, 4, 5). `None` when it is not a list of
/// reference numbers: a 0, or a number over [`MAX_NUMBER`].
fn number_parts(list: &str) -> Option<Vec<Part>> {
    let mut parts = Vec::new();
    for piece in list.split([',', ';']) {
        let piece = piece.trim();
        let bounds: Vec<&str> = piece.split(['-', '–', '—']).map(str::trim).collect();
        let numbers: Vec<u32> = bounds
            .iter()
            .map(|b| b.parse().ok())
            .collect::<Option<_>>()?;
        if numbers.iter().any(|&n| n == 0 || n > MAX_NUMBER) {
            return None;
        }
        match numbers.as_slice() {
            [n] => parts.push(Part::Number(*n)),
            [from, to] if from < to && to - from < MAX_RANGE => {
                parts.extend((*from..=*to).map(Part::Number));
            }
            [_, _] => parts.push(Part::BadRange(piece.to_string())),
            _ => return None,
        }
    }
    Some(parts)
}

/// `(Bowe & Logan, 2011)`, `(e.g., O'Neill et al., 2016; Salem et al., 2018)`: a
/// parenthesis whose `;`-separated items read as names then years. Items that do
/// not ("n = 40") are passed over; a parenthesis with no such item is no marker.
fn parentheses(text: &str) -> Vec<(Range<usize>, Vec<Part>)> {
    PARENS
        .captures_iter(text)
        .take(MAX_MARKERS)
        .filter_map(|caps| {
            let whole = caps.get(0)?;
            let parts: Vec<Part> = caps[1]
                .split(';')
                .flat_map(parenthetical_item)
                .map(Part::Work)
                .collect();
            (!parts.is_empty()).then(|| (whole.range(), parts))
        })
        .collect()
}

/// One item of a parenthetical citation: one work per year it lists.
fn parenthetical_item(item: &str) -> Vec<Work> {
    let item = item.trim();
    let item = PREFIX.find(item).map_or(item, |m| &item[m.end()..]);
    let Some(caps) = ITEM.captures(item) else {
        return Vec::new();
    };
    let Some(names) = read_names(&caps["names"]) else {
        return Vec::new();
    };
    let strong = caps.name("comma").is_some() || names.et_al || names.persons.len() >= 2;
    works(item, &names, &caps["years"], strong)
}

/// `Salem et al. (2018)`, `Bowe and Logan (2011)`, `the WHO (2020)`: names, then
/// the year in parentheses. A first name followed by a comma may be a sentence
/// word ("However, Camilleri (2019)"), so such a list is read twice: whole but
/// weak, and from the second name on.
fn narrative(text: &str) -> Vec<(Range<usize>, Vec<Part>)> {
    let mut found = Vec::new();
    for caps in NARRATIVE.captures_iter(text).take(MAX_MARKERS) {
        let (Some(whole), Some(names)) = (caps.get(0), caps.name("names")) else {
            continue;
        };
        let comma_first = names
            .as_str()
            .split_once(',')
            .is_some_and(|(first, _)| !first.contains(' ') && !first.contains('&'));
        found.extend(narrative_reading(text, &caps, !comma_first));
        if comma_first {
            let second = names
                .as_str()
                .find(',')
                .map_or(names.end(), |at| names.start() + at + 1);
            let second = second + text[second..].len() - text[second..].trim_start().len();
            if let Some(rest) = NARRATIVE.captures(&text[second..whole.end()])
                && rest.get(0).is_some_and(|m| m.start() == 0)
            {
                found.extend(
                    narrative_reading(&text[second..whole.end()], &rest, true)
                        .map(|(range, parts)| (second + range.start..second + range.end, parts)),
                );
            }
        }
    }
    found
}

/// One narrative reading; `may_be_strong` is false when the first name may be a
/// sentence word.
fn narrative_reading(
    text: &str,
    caps: &regex::Captures<'_>,
    may_be_strong: bool,
) -> Option<(Range<usize>, Vec<Part>)> {
    let whole = caps.get(0)?;
    let names_text = caps.name("names")?.as_str();
    let mut names = read_names(names_text)?;
    names.et_al |= caps.name("etal").is_some();
    let joined = names_text.contains(" and ") || names_text.contains('&');
    let strong = may_be_strong && (names.et_al || (joined && names.persons.len() >= 2));
    let parts = works(&text[whole.range()], &names, &caps["years"], strong)
        .into_iter()
        .map(Part::Work)
        .collect();
    Some((whole.range(), parts))
}

/// `World Health Organization (2020)`, `the American Diabetes Association (2024)`:
/// a run of capitalised words (with "of", "for", "and"…) before a year in
/// parentheses, read once from each capitalised word on, so that "In the World
/// Health Organization (2020)" is tried as "World Health Organization" too. Each
/// reading is weak: it counts only if an organisation of that name is listed.
fn narrative_organisations(text: &str) -> Vec<(Range<usize>, Vec<Part>)> {
    let mut found = Vec::new();
    for caps in NARRATIVE_ORGANISATION.captures_iter(text).take(MAX_MARKERS) {
        let (Some(whole), Some(run)) = (caps.get(0), caps.name("names")) else {
            continue;
        };
        let mut at = run.start();
        for word in run.as_str().split(' ') {
            let start = at;
            at += word.len() + 1;
            if !word.chars().next().is_some_and(char::is_uppercase) {
                continue;
            }
            let name = &text[start..run.end()];
            let names = Names {
                persons: Vec::new(),
                organisations: vec![key(name)],
                et_al: false,
            };
            let parts = works(&text[start..whole.end()], &names, &caps["years"], false)
                .into_iter()
                .map(Part::Work)
                .collect();
            found.push((start..whole.end(), parts));
        }
    }
    found
}

/// The names of an author–year item, read.
#[derive(Debug, Default)]
struct Names {
    persons: Vec<String>,
    organisations: Vec<String>,
    et_al: bool,
}

/// Reads "Bowe & Logan", "O'Neill et al.", "World Health Organization [WHO]",
/// "Bowe, Logan, and Smith". `None` when the words are not names (they hold
/// digits or lower-case words, or start with a month or a word like "see").
fn read_names(written: &str) -> Option<Names> {
    let mut text = POSSESSIVE
        .replace(written.trim().trim_end_matches(',').trim(), "")
        .into_owned();
    let et_al = ET_AL.is_match(&text);
    if et_al {
        text = ET_AL.replace(&text, "").into_owned();
    }
    let mut organisations = Vec::new();
    if let Some(caps) = BRACKETED_ACRONYM.captures(&text) {
        organisations.push(key(&caps[1]));
        text = BRACKETED_ACRONYM.replace(&text, "").into_owned();
    }
    let words: Vec<&str> = text.split_whitespace().collect();
    let first = words.first()?;
    let first_key = first.trim_end_matches([',', '.']).to_lowercase();
    let starts_well = first.chars().next().is_some_and(char::is_uppercase)
        || PARTICLES.contains(&first_key.as_str());
    if !starts_well || words.len() > 14 || NOT_NAMES.contains(&first_key.as_str()) {
        return None;
    }
    if !words.iter().all(|w| is_name_word(w.trim_end_matches(','))) {
        return None;
    }
    organisations.insert(0, key(&text));
    let pieces: Vec<&str> = NAME_SEPARATOR
        .split(&text)
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    let is_person = |piece: &&str| {
        let words: Vec<&str> = piece.split_whitespace().collect();
        words.len() <= 4 && !words.iter().any(|w| ORGANISATION_WORDS.contains(w))
    };
    let persons = if pieces.iter().all(is_person) {
        pieces.iter().map(|p| key(p)).collect()
    } else {
        Vec::new()
    };
    Some(Names {
        persons,
        organisations,
        et_al,
    })
}

/// A word of a name: capitalised ("O'Neill", "McLaughlin", "U.S."), a particle or
/// small word of an organisation, or "&".
fn is_name_word(word: &str) -> bool {
    let capitalised = word.chars().next().is_some_and(char::is_uppercase)
        && word
            .chars()
            .all(|c| c.is_alphabetic() || "'’-.".contains(c));
    capitalised || PARTICLES.contains(&word) || SMALL_WORDS.contains(&word)
}

/// One work per year of `years` ("2011a, b" is 2011a and 2011b).
fn works(text: &str, names: &Names, years: &str, strong: bool) -> Vec<Work> {
    let mut out = Vec::new();
    let mut last_year = None;
    for piece in years.split(',').map(str::trim) {
        let (year, suffix) = read_year(piece, last_year);
        last_year = year;
        out.push(Work {
            text: text.trim().to_string(),
            persons: names.persons.clone(),
            organisations: names.organisations.clone(),
            et_al: names.et_al,
            year,
            suffix,
            strong,
        });
    }
    out
}

/// "2011a" → (2011, a); "b" after 2011a → (2011, b); "n.d." → (None, None).
fn read_year(piece: &str, last_year: Option<u16>) -> (Option<u16>, Option<char>) {
    let digits: String = piece.chars().take_while(char::is_ascii_digit).collect();
    let letter = piece
        .chars()
        .nth(digits.len())
        .filter(|c| c.is_ascii_lowercase() && piece.len() == digits.len() + 1);
    match digits.parse::<u16>() {
        Ok(year) => (Some(year), letter),
        Err(_) if piece.len() == 1 => (last_year, piece.chars().next()),
        Err(_) => (None, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The readings of `text` (one prose line per text line), keeping the first of
    /// overlapping ones as the linker would if each resolved.
    fn scan(text: &str) -> Vec<Marker> {
        let mut prose = Prose::default();
        for (i, line) in text.split('\n').enumerate() {
            if i > 0 {
                prose.block_break();
            }
            prose.push(line, i + 1);
        }
        let mut end = 0;
        let mut kept = Vec::new();
        for marker in markers(&prose) {
            if marker.range.start >= end {
                end = marker.range.end;
                kept.push(marker);
            }
        }
        kept
    }

    /// Each marker as "text => parts", parts written compactly.
    fn show(text: &str) -> Vec<String> {
        scan(text)
            .into_iter()
            .map(|m| {
                let parts: Vec<String> = m
                    .parts
                    .iter()
                    .map(|p| match p {
                        Part::Number(n) => n.to_string(),
                        Part::Footnote(label) => format!("^{label}"),
                        Part::BadRange(range) => format!("bad {range}"),
                        Part::Work(w) => {
                            let who = if w.persons.is_empty() {
                                w.organisations[0].clone()
                            } else {
                                w.persons.join("+")
                            };
                            let year = w.year.map_or("nd".to_string(), |y| y.to_string());
                            let suffix = w.suffix.map(String::from).unwrap_or_default();
                            let etal = if w.et_al { "+al" } else { "" };
                            let weak = if w.strong { "" } else { "?" };
                            format!("{who}{etal} {year}{suffix}{weak}")
                        }
                    })
                    .collect();
                format!("{} => {}", m.text, parts.join(", "))
            })
            .collect()
    }

    #[test]
    fn numeric_and_superscript_markers() {
        let cases: &[(&str, &[&str])] = &[
            ("Claim [1].", &["[1] => 1"]),
            (
                "Claim [1, 3] and [2–4].",
                &["[1, 3] => 1, 3", "[2–4] => 2, 3, 4"],
            ),
            ("Claim [2-4; 7].", &["[2-4; 7] => 2, 3, 4, 7"]),
            ("Claim.[1][2]", &["[1] => 1", "[2] => 2"]),
            ("A [see][1] link and [1](x) and ![1]", &[]),
            ("An interval [0, 10] and the year [2018].", &[]),
            ("Backwards [5–2].", &["[5–2] => bad 5–2"]),
            ("Too long [1–99].", &["[1–99] => bad 1–99"]),
            (
                "Sup<sup>1,2</sup> and<sup>[3]</sup>.",
                &["<sup>1,2</sup> => 1, 2", "<sup>[3]</sup> => 3"],
            ),
            ("10<sup>9</sup>/L and m<sup>2</sup>", &[]),
            (
                "Effect.¹ Another²³ and ¹⁻³ and ¹,⁴",
                &["¹ => 1", "²³ => 23", "¹⁻³ => 1, 2, 3", "¹,⁴ => 1, 4"],
            ),
            ("10⁹ cells, 30 kg/m², 4 m² and x²", &[]),
            (
                "Footnote[^1] and [^long-note].",
                &["[^1] => ^1", "[^long-note] => ^long-note"],
            ),
        ];
        for (text, want) in cases {
            assert_eq!(show(text), *want, "{text}");
        }
    }

    #[test]
    fn author_year_markers() {
        let cases: &[(&str, &[&str])] = &[
            (
                "Skin (Bowe & Logan, 2011).",
                &["(Bowe & Logan, 2011) => bowe+logan 2011"],
            ),
            (
                "(O'Neill et al., 2016; Salem et al., 2018)",
                &["(O'Neill et al., 2016; Salem et al., 2018) => o'neill+al 2016, salem+al 2018"],
            ),
            (
                "(Bowe and Logan 2011, p. 3)",
                &["(Bowe and Logan 2011, p. 3) => bowe+logan 2011"],
            ),
            ("(WHO, 2020)", &["(WHO, 2020) => who 2020"]),
            (
                "(WHO, 2020; see \u{FFFC})",
                &["(WHO, 2020; see …) => who 2020"],
            ),
            (
                "(Smith, 2011a, b)",
                &["(Smith, 2011a, b) => smith 2011a, smith 2011b"],
            ),
            (
                "(Smith, 2011, 2013)",
                &["(Smith, 2011, 2013) => smith 2011, smith 2013"],
            ),
            (
                "(e.g., Smith, 2011; see also Lee, 2012)",
                &["(e.g., Smith, 2011; see also Lee, 2012) => smith 2011, lee 2012"],
            ),
            ("(NIDDK, n.d.)", &["(NIDDK, n.d.) => niddk nd"]),
            (
                "(van der Waaij et al., 2005)",
                &["(van der Waaij et al., 2005) => van der waaij+al 2005"],
            ),
            (
                "(World Health Organization [WHO], 2020)",
                &["(World Health Organization [WHO], 2020) => world health organization 2020"],
            ),
            ("(Smith 2011)", &["(Smith 2011) => smith 2011?"]),
            (
                "Salem et al. (2018) found",
                &["Salem et al. (2018) => salem+al 2018"],
            ),
            (
                "Salem et al.'s (2018) review",
                &["Salem et al.'s (2018) => salem+al 2018"],
            ),
            (
                "Reynolds and colleagues (2019) found",
                &["Reynolds and colleagues (2019) => reynolds+al 2019"],
            ),
            (
                "(Marco and colleagues, 2017)",
                &["(Marco and colleagues, 2017) => marco+al 2017"],
            ),
            (
                "as Bowe and Logan (2011, p. 3) put it",
                &["Bowe and Logan (2011, p. 3) => bowe+logan 2011"],
            ),
            ("the WHO (2020) says", &["WHO (2020) => who 2020?"]),
            (
                "However, Smith and Jones (2011) disagree",
                &["However, Smith and Jones (2011) => however+smith+jones 2011?"],
            ),
            ("In 2011 the WHO changed its advice.", &[]),
            ("a trial (2011) and (n = 40; p < 0.05)", &[]),
            (
                "(March 2011) and (see Table 2, 2019) and (Phase 3, 2019)",
                &[],
            ),
            ("(in 2011) and (since 2011)", &[]),
        ];
        for (text, want) in cases {
            assert_eq!(show(text), *want, "{text}");
        }
    }

    #[test]
    fn markers_know_their_line_and_do_not_cross_blocks() {
        let found = scan("First line.\nSecond (Bowe &\nLogan, 2011) [2].");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].text, "[2]");
        assert_eq!(found[0].line, 3);
        let mut prose = Prose::default();
        prose.push("Claim (Bowe &", 4);
        prose.space();
        prose.push("Logan, 2011).", 5);
        let found = markers(&prose);
        assert_eq!(found[0].line, 4);
        assert_eq!(found[0].text, "(Bowe & Logan, 2011)");
    }

    #[test]
    fn a_section_holds_at_most_max_markers() {
        let mut prose = Prose::default();
        prose.push(&"[1] (Smith, 2011) ".repeat(MAX_MARKERS + 5), 1);
        let found = markers(&prose);
        assert_eq!(found.len(), MAX_MARKERS);
        assert_eq!(found[1].text, "(Smith, 2011)");
    }

    #[test]
    fn organisation_names_before_a_narrative_year_are_read_from_each_capital() {
        let mut prose = Prose::default();
        prose.push("In the World Health Organization (2020) advice", 1);
        let readings: Vec<(String, Vec<String>)> = markers(&prose)
            .into_iter()
            .map(|m| {
                let Part::Work(work) = &m.parts[0] else {
                    panic!("{m:?}");
                };
                (m.text.clone(), work.organisations.clone())
            })
            .collect();
        let texts: Vec<&str> = readings.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(
            texts,
            [
                "In the World Health Organization (2020)",
                "World Health Organization (2020)",
                "Health Organization (2020)",
                "Organization (2020)",
                "Organization (2020)",
            ]
        );
        assert_eq!(readings[1].1, ["world health organization"]);
    }
}
