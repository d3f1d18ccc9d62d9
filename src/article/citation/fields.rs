//! Step 5: authors, title, container and locators (volume, issue, pages).

use regex::Captures;

use super::*;

/// Copies volume, issue and pages from capture groups `first`, `first + 1`, `first + 2`.
pub(super) fn set_locators(r: &mut Reference, caps: &Captures, first: usize) {
    let group = |i: usize| caps.get(i).map(|m| m.as_str().trim().to_owned());
    r.volume = group(first).filter(|v| !v.is_empty());
    r.issue = group(first + 1).filter(|v| !v.is_empty());
    r.pages = group(first + 2).map(|p| clean_pages(&p));
}

/// "1167 – 1176" → "1167-1176".
pub(super) fn clean_pages(pages: &str) -> String {
    pages
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| if matches!(c, '–' | '—') { '-' } else { c })
        .collect()
}

/// Reads ", 3(1), 1." (or " 3(1):1") off the end of an author–date entry into `r`,
/// returning the text before it.
pub(super) fn take_tail_locators<'a>(text: &'a str, r: &mut Reference) -> &'a str {
    let Some(caps) = TAIL_COMMA
        .captures(text)
        .or_else(|| TAIL_SPACE.captures(text))
    else {
        return text;
    };
    let Some(whole) = caps.get(0) else {
        return text;
    };
    set_locators(r, &caps, 1);
    &text[..whole.start()]
}

/// Splits the text before a locator into authors, title and container. With
/// `container_last`, the last sentence is always the container (journal, publisher).
pub(super) fn assign_segments(text: &str, container_last: bool) -> Reference {
    let text = text.trim_matches(|c: char| c.is_whitespace() || ".,;:".contains(c));
    let segs = segments(text);
    let mut r = Reference::default();
    let Some(first) = segs.first() else {
        return r;
    };
    let first_text = &text[first.clone()];
    let has_authors = match segs.len() {
        _ if first_text.starts_with(QUOTES) => false,
        1 => false,
        2 if container_last => PERSON_MARKERS.is_match(first_text),
        2 => PERSON_MARKERS.is_match(first_text) || first_text.split_whitespace().count() <= 6,
        _ => true,
    };
    let body = if has_authors {
        r.authors = split_authors(first_text);
        &text[segs[1].start..]
    } else {
        text
    };
    let (title, container) = split_title_container(body, container_last);
    r.title = title;
    r.container = container;
    r
}

/// Splits "Title. Container" at the last sentence end, keeping abbreviated journal
/// names ("J. Am. Acad. Dermatol.") together. A single sentence is the title, or the
/// container when `container_only_if_single` is set.
pub(super) fn split_title_container(
    text: &str,
    container_only_if_single: bool,
) -> (Option<String>, Option<String>) {
    let text = text.trim();
    if let Some((title, rest)) = split_quoted_title(text) {
        return (clean_title(title), clean_container(rest));
    }
    let segs = segments(text);
    if segs.len() <= 1 {
        return if container_only_if_single {
            (None, clean_container(text))
        } else {
            (clean_title(text), None)
        };
    }
    let mut start = segs.len() - 1;
    while start > 1 && is_abbreviation_run(&text[segs[start - 1].clone()]) {
        start -= 1;
    }
    let cut = segs[start].start;
    (clean_title(&text[..cut]), clean_container(&text[cut..]))
}

/// Opening quotation marks that may wrap a title.
pub(super) const QUOTES: [char; 4] = ['"', '“', '‘', '\''];

/// For a text opening with a quoted title (`"Title," Journal` or `'Title', Journal`),
/// returns the title and the text after it. The closing mark must sit next to
/// punctuation, so apostrophes and inner quotes ('old friends') do not end the title.
pub(super) fn split_quoted_title(text: &str) -> Option<(&str, &str)> {
    let open = text.chars().next().filter(|c| QUOTES.contains(c))?;
    let close = match open {
        '“' => '”',
        '‘' => '’',
        other => other,
    };
    let inner_start = open.len_utf8();
    for (i, c) in text[inner_start..].char_indices() {
        let at = inner_start + i;
        if c != close || i == 0 {
            continue;
        }
        let prev = text[..at].chars().next_back();
        let next = text[at + c.len_utf8()..].chars().next();
        let closes =
            prev.is_some_and(|p| ",.?!".contains(p)) || next.is_none_or(|n| ",.;:".contains(n));
        if closes {
            let rest = text[at + c.len_utf8()..].trim_start_matches(|c: char| ",.;: ".contains(c));
            return Some((&text[inner_start..at], rest));
        }
    }
    None
}

/// True for a short sentence made only of capitalised abbreviations ("J.", "Am.", "Clin.").
pub(super) fn is_abbreviation_run(segment: &str) -> bool {
    let words: Vec<&str> = segment.split_whitespace().collect();
    words.len() <= 3
        && words.iter().all(|w| {
            let w = w.trim_end_matches('.');
            let letters = w.chars().count();
            (1..=5).contains(&letters) && w.chars().next().is_some_and(char::is_uppercase)
        })
}

/// From "Washington, DC: The National Academies Press" keeps the publisher.
pub(super) fn publisher_of(container: &str) -> Option<String> {
    match container.split_once(": ") {
        Some((place, publisher)) if place.split_whitespace().count() <= 4 => {
            clean_container(publisher)
        }
        _ => clean_container(container),
    }
}

/// Trims a title, keeping a closing "?" or "!", and unwraps quotes.
pub(super) fn clean_title(title: &str) -> Option<String> {
    let title = title
        .trim()
        .trim_end_matches(|c: char| ".,;:".contains(c) || c.is_whitespace())
        .trim_matches(|c: char| "\"“”".contains(c))
        .trim();
    title
        .chars()
        .any(char::is_alphanumeric)
        .then(|| title.to_owned())
}

/// Trims a container name and drops a leading "In:".
pub(super) fn clean_container(container: &str) -> Option<String> {
    let container = container.trim();
    let container = container.strip_prefix("In:").unwrap_or(container);
    let container = container
        .trim_end_matches(|c: char| ".,;:".contains(c) || c.is_whitespace())
        .trim();
    container
        .chars()
        .any(char::is_alphanumeric)
        .then(|| container.to_owned())
}

/// Splits an author block into names. Blocks with no sign of personal names
/// ("Institute of Medicine") stay whole; initials written after a comma
/// ("Bowe, W. P.") are joined back to their surname.
pub(super) fn split_authors(block: &str) -> Vec<String> {
    let block = ET_AL.replace_all(block, " ");
    let block = block.trim_matches(|c: char| c.is_whitespace() || ",;&…".contains(c));
    if !PERSON_MARKERS.is_match(block) {
        return clean_author(block).into_iter().collect();
    }
    let mut authors: Vec<String> = Vec::new();
    let mut awaiting_initials = false;
    for part in AUTHOR_SEPARATOR.split(block).map(str::trim) {
        let joins = NAME_SUFFIX.is_match(part) || awaiting_initials && INITIALS_ONLY.is_match(part);
        match authors.last_mut() {
            Some(last) if joins => {
                last.push_str(", ");
                last.push_str(part);
                awaiting_initials = false;
            }
            _ if part.is_empty() => {}
            _ => {
                awaiting_initials = !HAS_INITIALS.is_match(part);
                authors.push(part.to_owned());
            }
        }
    }
    authors.iter().filter_map(|a| clean_author(a)).collect()
}

/// Trims one name. A final full stop is kept when it closes dotted initials
/// ("Bowe, W. P."), dropped otherwise ("Logan AC." → "Logan AC").
pub(super) fn clean_author(name: &str) -> Option<String> {
    let name = name.trim_matches(|c: char| c.is_whitespace() || ",;:&".contains(c));
    let name = name.strip_prefix("and ").unwrap_or(name).trim();
    let keep_stop = name.ends_with('.') && {
        let last_word = name[..name.len() - 1].rsplit(' ').next().unwrap_or("");
        INITIAL_WORD.is_match(last_word)
            && (name.contains(',') || last_word.contains('.') || DOTTED_INITIALS_END.is_match(name))
    };
    let name = if keep_stop {
        name
    } else {
        name.trim_end_matches('.').trim_end()
    };
    name.chars()
        .any(char::is_alphanumeric)
        .then(|| name.to_owned())
}

// ---------------------------------------------------------------------------
