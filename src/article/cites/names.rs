//! Names as keys: the surnames and organisation names that an author–year marker
//! and a reference's author list are compared by. Both sides go through
//! [`key`], so "O’Neill", "O'Neill" and "O'NEILL" are one name, and so are
//! "Østergaard" and "Ostergaard".

use std::sync::LazyLock;

use regex::Regex;

use super::compile;

/// A name made comparable: lower case, common Latin diacritics removed, curly
/// apostrophes straightened, full stops dropped, whitespace collapsed, and a
/// leading "the" removed.
pub(crate) fn key(name: &str) -> String {
    let folded: String = name
        .chars()
        .filter(|c| *c != '.')
        .flat_map(char::to_lowercase)
        .map(fold)
        .collect();
    let words: Vec<&str> = folded.split_whitespace().collect();
    let words = match words.split_first() {
        Some((&"the", rest)) if !rest.is_empty() => rest,
        _ => &words[..],
    };
    words.join(" ")
}

/// One character with its accent removed (lower-case input).
fn fold(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => 'a',
        'ç' | 'ć' | 'č' => 'c',
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ę' | 'ě' => 'e',
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'ı' => 'i',
        'ñ' | 'ń' | 'ň' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => 'o',
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' => 'u',
        'ý' | 'ÿ' => 'y',
        'ś' | 'š' | 'ş' => 's',
        'ź' | 'ż' | 'ž' => 'z',
        'ł' => 'l',
        'ř' => 'r',
        'ť' | 'ţ' => 't',
        'ď' => 'd',
        '’' | '‘' | '`' => '\'',
        '‐' | '‑' | '–' => '-',
        c => c,
    }
}

/// Initials as Vancouver writes them ("WP", "MEJ", "J-F") or with stops ("W.", "W.P.").
static INITIALS: LazyLock<Regex> =
    LazyLock::new(|| compile(r"^(?:\p{Lu}{1,4}|(?:\p{Lu}\.[\s-]?){1,4}|\p{Lu}-\p{Lu})$"));

/// Words that mark an organisation rather than a person.
static ORGANISATION: LazyLock<Regex> = LazyLock::new(|| {
    compile(
        r"(?i)\b(?:institutes?|organi[sz]ation|association|society|group|committee|collaboration|collaborative|department|agency|centers?|centres?|panel|consortium|foundation|academy|college|council|service|office|ministry|investigators|board|commission|authority|network|trialists|federation|alliance|university|hospital|national|international|world|american|european|british|health)\b",
    )
});

/// Words left out of an organisation's acronym.
const ACRONYM_SKIPS: &[&str] = &["of", "for", "and", "the", "on", "in", "to", "&"];

/// How a reference's author reads as a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Author {
    /// A person, by surname key ("bowe", "van der waaij").
    Person(String),
    /// An organisation: its full name key and the acronyms it may be cited by.
    Organisation { name: String, acronyms: Vec<String> },
}

impl Author {
    /// The key a marker's first name is compared with.
    pub fn surname(&self) -> &str {
        match self {
            Author::Person(surname) => surname,
            Author::Organisation { name, .. } => name,
        }
    }
}

/// Reads one author as written in a reference list: "Bowe, W. P.", "Bowe WP",
/// "W. P. Bowe", "van der Waaij LA", "World Health Organization (WHO)", "NHS".
pub(crate) fn author(written: &str) -> Author {
    let written = written.trim();
    let tokens: Vec<&str> = written.split_whitespace().collect();
    if looks_like_organisation(written, &tokens) {
        return organisation(written);
    }
    if let Some((surname, _)) = written.split_once(',') {
        return Author::Person(key(surname));
    }
    let surname = match tokens.as_slice() {
        [] => String::new(),
        [only] => (*only).to_string(),
        [rest @ .., last] if INITIALS.is_match(last) => rest.join(" "),
        _ => {
            let first_name = tokens
                .iter()
                .position(|t| !INITIALS.is_match(t))
                .unwrap_or(0);
            if first_name > 0 {
                tokens[first_name..].join(" ")
            } else {
                tokens[tokens.len() - 1].to_string()
            }
        }
    };
    Author::Person(key(&surname))
}

/// An organisation when it names one ("Institute of Medicine"), is a lone
/// acronym ("NHS"), or has three or more words and no initials.
fn looks_like_organisation(written: &str, tokens: &[&str]) -> bool {
    let has_initials = tokens.iter().skip(1).any(|t| INITIALS.is_match(t))
        || written.split_once(',').is_some_and(|(_, rest)| {
            rest.split_whitespace().all(|t| INITIALS.is_match(t)) && !rest.trim().is_empty()
        });
    if has_initials {
        return false;
    }
    let lone_acronym = tokens.len() == 1
        && tokens[0].chars().filter(|c| c.is_alphabetic()).count() >= 2
        && tokens[0]
            .chars()
            .all(|c| c.is_uppercase() || !c.is_alphabetic());
    lone_acronym || tokens.len() >= 3 || ORGANISATION.is_match(written)
}

/// An organisation's name key and acronyms: any given in brackets, and the
/// initials of its significant words ("World Health Organization" → "who").
fn organisation(written: &str) -> Author {
    let mut acronyms = Vec::new();
    let mut name = String::new();
    let mut rest = written;
    while let Some(open) = rest.find(['(', '[']) {
        name.push_str(&rest[..open]);
        let close = rest[open..]
            .find([')', ']'])
            .map_or(rest.len(), |c| open + c);
        let inside = rest[open + 1..close].trim();
        if !inside.is_empty() {
            acronyms.push(key(inside));
        }
        rest = rest.get(close + 1..).unwrap_or("");
    }
    name.push_str(rest);
    let words: Vec<&str> = name
        .split(|c: char| c.is_whitespace() || c == '-' || c == ',')
        .filter(|w| !w.is_empty())
        .collect();
    let initials = |skips: &[&str]| -> String {
        words
            .iter()
            .filter(|w| !skips.contains(&w.to_lowercase().as_str()))
            .filter_map(|w| w.chars().next())
            .collect()
    };
    // "World Health Organization" → WHO; "Institute of Medicine" → IOM too.
    for acronym in [initials(ACRONYM_SKIPS), initials(&["the", "&"])] {
        if acronym.chars().count() >= 2 {
            acronyms.push(key(&acronym));
        }
    }
    let name = key(&name);
    acronyms.retain(|a| !a.is_empty() && *a != name);
    acronyms.dedup();
    Author::Organisation { name, acronyms }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authors_as_written_give_their_surname_or_organisation() {
        let person = |s: &str| Author::Person(s.to_string());
        let org = |name: &str, acronyms: &[&str]| Author::Organisation {
            name: name.to_string(),
            acronyms: acronyms.iter().map(|a| a.to_string()).collect(),
        };
        let cases = [
            ("Bowe, W. P.", person("bowe")),
            ("Bowe WP", person("bowe")),
            ("W. P. Bowe", person("bowe")),
            ("O’Neill CA", person("o'neill")),
            ("van der Waaij LA", person("van der waaij")),
            ("Te Morenga, L.", person("te morenga")),
            ("Peyrin-Biroulet L", person("peyrin-biroulet")),
            ("Colombel J-F", person("colombel")),
            ("Østergaard, K.", person("ostergaard")),
            ("John Smith", person("smith")),
            ("Logan", person("logan")),
            ("NHS", org("nhs", &[])),
            (
                "World Health Organization",
                org("world health organization", &["who"]),
            ),
            (
                "World Health Organization (WHO)",
                org("world health organization", &["who"]),
            ),
            (
                "Institute of Medicine",
                org("institute of medicine", &["im", "iom"]),
            ),
            (
                "National Institute for Health and Care Excellence [NICE]",
                org(
                    "national institute for health and care excellence",
                    &["nice", "nihce", "nifhace"],
                ),
            ),
            (
                "The American Diabetes Association",
                org("american diabetes association", &["ada"]),
            ),
        ];
        for (written, want) in cases {
            assert_eq!(author(written), want, "{written}");
        }
    }

    #[test]
    fn keys_fold_case_accents_apostrophes_and_a_leading_the() {
        assert_eq!(key("O’NEILL"), "o'neill");
        assert_eq!(key("Müller-Lüdenscheidt"), "muller-ludenscheidt");
        assert_eq!(key("  The  Lancet "), "lancet");
        assert_eq!(key("U.S. Department"), "us department");
        assert_eq!(key("The"), "the");
    }
}
