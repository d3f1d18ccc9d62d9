//! Step 4: styles — each citation layout is one entry of [`STYLES`], tried in order.

use regex::Regex;

use super::*;

/// A citation layout: its name and the parser that reads an entry in it (or
/// declines, with `None`).
pub(super) type Style = (&'static str, fn(&str) -> Option<Reference>);

/// The layouts, most distinctive first; the first that accepts an entry reads it.
pub(super) const STYLES: &[Style] = &[
    ("author-date (APA, Harvard)", parse_author_date),
    ("Vancouver/AMA journal", parse_vancouver_journal),
    ("journal, year, volume, pages", parse_comma_journal),
    ("Vancouver/AMA book", parse_vancouver_book),
    ("MLA", parse_mla),
];

/// Tries each layout of [`STYLES`] in turn; free text when none accepts the entry.
pub(super) fn parse_body(text: &str) -> Reference {
    if !text.chars().any(char::is_alphanumeric) {
        return Reference::default();
    }
    STYLES
        .iter()
        .find_map(|(_, parse)| parse(text))
        .unwrap_or_else(|| parse_free_form(text))
}

/// APA and Harvard: "Authors (2011). Title. Journal, 3(1), 1." or "Authors, 2011. Title…".
pub(super) fn parse_author_date(text: &str) -> Option<Reference> {
    let (authors, year, rest) = find_author_date(text)?;
    let mut r = Reference {
        authors: split_authors(authors),
        year,
        ..Reference::default()
    };
    let rest = rest.trim_start_matches(|c: char| c.is_whitespace() || ".,:;".contains(c));
    if take_chapter(rest, &mut r) {
        return Some(r);
    }
    let before_tail = take_tail_locators(rest, &mut r);
    let (title, container) = split_title_container(before_tail, false);
    r.title = title;
    r.container = container;
    Some(r)
}

/// Finds a "(2011)"-like date that directly follows an author block. Returns
/// (authors, year, text after the date).
pub(super) fn find_author_date(text: &str) -> Option<(&str, Option<u16>, &str)> {
    for caps in AUTHOR_DATE.captures_iter(text).take(8) {
        let whole = caps.get(0)?;
        let after = &text[whole.end()..];
        let follows_well = after
            .chars()
            .next()
            .is_none_or(|c| c.is_whitespace() || ".,:;".contains(c));
        let year = caps.get(1).map(|y| plausible_year(y.as_str()));
        if !follows_well || year == Some(None) || !is_author_block(&text[..whole.start()]) {
            continue;
        }
        return Some((&text[..whole.start()], year.flatten(), after));
    }
    let caps = HARVARD_DATE.captures(text)?;
    let (whole, prefix) = (caps.get(0)?, &text[..caps.get(0)?.start()]);
    let year = plausible_year(&caps[1])?;
    (is_author_block(prefix) && PERSON_MARKERS.is_match(prefix)).then_some((
        prefix,
        Some(year),
        &text[whole.end()..],
    ))
}

/// True when `text` reads as a single run of names: no sentence ends inside it.
pub(super) fn is_author_block(text: &str) -> bool {
    let text = text.trim();
    text.len() <= 4096 && segments(text).len() <= 1 && !text.contains(['?', '!'])
}

/// A chapter: "Title. In A. Editor (Ed.), Book (pp. 10-20). Publisher." The book
/// becomes the container; the publisher is dropped. Returns false when not a chapter.
pub(super) fn take_chapter(text: &str, r: &mut Reference) -> bool {
    let Some(marker) = CHAPTER_IN.find(text) else {
        return false;
    };
    r.title = clean_title(&text[..marker.start() + 1]);
    let book = &text[marker.end()..];
    let book = match CHAPTER_PAGES.captures(book) {
        Some(caps) => {
            r.pages = caps.get(1).map(|p| clean_pages(p.as_str()));
            caps.get(0).map_or(book, |m| &book[..m.start()])
        }
        None => segments(book).first().map_or(book, |s| &book[s.clone()]),
    };
    r.container = clean_container(book);
    true
}

/// MLA: `Last, First, and First Last. "Title." Journal, vol. 3, no. 1, 2011, pp. 1-5.`
pub(super) fn parse_mla(text: &str) -> Option<Reference> {
    let caps = MLA_TITLE_START.captures(text)?;
    let authors = caps.get(1)?;
    let quoted = text[authors.end() + 1..].trim_start();
    let (title, rest) = split_quoted_title(quoted)?;
    let first = |re: &Regex| {
        re.captures(rest)
            .and_then(|c| Some(c.get(1)?.as_str().to_owned()))
    };
    let names = ET_AL.replace_all(authors.as_str(), " ");
    Some(Reference {
        authors: MLA_AND.split(&names).filter_map(clean_author).collect(),
        year: first(&MLA_YEAR).and_then(|y| plausible_year(&y)),
        title: clean_title(title),
        container: clean_container(rest.split(',').next().unwrap_or("")),
        volume: first(&MLA_VOLUME),
        issue: first(&MLA_ISSUE),
        pages: first(&MLA_PAGES).map(|p| clean_pages(&p)),
        ..Reference::default()
    })
}

/// Vancouver/AMA journal article: "Authors. Title. Journal. 2011;3(1):1-5."
pub(super) fn parse_vancouver_journal(text: &str) -> Option<Reference> {
    let caps = VANCOUVER_LOCATOR
        .captures_iter(text)
        .find(|c| (c.get(2).is_some() || c.get(3).is_some()) && plausible_year(&c[1]).is_some())?;
    let mut r = assign_segments(&text[..caps.get(0)?.start()], true);
    r.year = plausible_year(&caps[1]);
    set_locators(&mut r, &caps, 2);
    Some(r)
}

/// "Authors. Title. Journal 2011, 3(1), 1." (MDPI, ACS and similar).
pub(super) fn parse_comma_journal(text: &str) -> Option<Reference> {
    let caps = COMMA_LOCATOR
        .captures_iter(text)
        .find(|c| plausible_year(&c[1]).is_some())?;
    let mut r = assign_segments(&text[..caps.get(1)?.start()], true);
    r.year = plausible_year(&caps[1]);
    set_locators(&mut r, &caps, 2);
    Some(r)
}

/// Vancouver book or web page: "Authors. Title. Place: Publisher; 2011."
pub(super) fn parse_vancouver_book(text: &str) -> Option<Reference> {
    let caps = BOOK_LOCATOR
        .captures_iter(text)
        .find(|c| plausible_year(&c[1]).is_some())?;
    let mut r = assign_segments(&text[..caps.get(0)?.start()], true);
    r.year = plausible_year(&caps[1]);
    r.container = r.container.as_deref().and_then(publisher_of);
    Some(r)
}

/// Anything else: a trailing or stray year, then names, title and container by sentence.
pub(super) fn parse_free_form(text: &str) -> Reference {
    let trailing = TRAILING_YEAR
        .captures(text)
        .and_then(|c| Some((c.get(0)?.start(), plausible_year(&c[1])?)));
    let (text, year) = match trailing {
        Some((start, year)) => (&text[..start], Some(year)),
        None => (text, first_year(text)),
    };
    let mut r = assign_segments(text, false);
    r.year = year;
    r
}

/// The first plausible year in `text` that is not part of a number range or identifier.
pub(super) fn first_year(text: &str) -> Option<u16> {
    let mut rest = text;
    while let Some(caps) = ANY_YEAR.captures(rest) {
        if let Some(year) = plausible_year(&caps[1]) {
            return Some(year);
        }
        rest = &rest[caps.get(1)?.end()..];
    }
    None
}

/// Parses a four-digit year, keeping it only within [`YEARS`].
pub(super) fn plausible_year(digits: &str) -> Option<u16> {
    digits.parse().ok().filter(|y| YEARS.contains(y))
}
