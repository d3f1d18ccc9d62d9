//! Patterns: the regular expressions the steps share, compiled once on first use.

use std::sync::LazyLock;

use regex::Regex;

/// Compiles one of this module's fixed patterns; they are covered by the tests.
pub(super) fn compile(pattern: &str) -> Regex {
    Regex::new(pattern).expect("fixed citation pattern must compile")
}

macro_rules! pattern {
    ($name:ident, $($part:expr),+ $(,)?) => {
        pub(super) static $name: LazyLock<Regex> = LazyLock::new(|| compile(concat!($($part),+)));
    };
}

/// A four-digit number that might be a year (range checked separately).
macro_rules! year {
    () => {
        r"((?:18|19|20|21)\d{2})"
    };
}

/// A page, page range or article number: "1", "1167-76", "e13-e115", "S1-5".
macro_rules! pages {
    () => {
        r"([A-Za-z]{0,2}\d+[A-Za-z]?(?:\s*[-–—]\s*[A-Za-z]{0,2}\d+[A-Za-z]?)?)"
    };
}

/// An English month name or its abbreviation ("Mar", "March", "Sept.").
macro_rules! month {
    () => {
        r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]{0,6}\.?"
    };
}

/// A written date such as "March 3, 2020", "3 March 2020", "2021 Jan 5" or "2021-01-05".
macro_rules! date {
    () => {
        concat!(
            r"(?:",
            month!(),
            r"\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}|\d{1,2}(?:st|nd|rd|th)?\s+",
            month!(),
            r",?\s+\d{4}|\d{4}\s+",
            month!(),
            r"(?:\s+\d{1,2})?|\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.]\d{1,2}[/.]\d{2,4}|",
            month!(),
            r"\s+\d{4}|\d{4})"
        )
    };
}

pattern!(
    LIST_MARKER,
    r"^(?:[-+•‣◦]\s+|\[\d{1,4}\]:?\s*|\[\^[0-9A-Za-z_-]{1,20}\]:?\s*|\^\d{1,3}\s+|\(\d{1,3}\)\s+|\d{1,3}[.)]\s+)"
);
pattern!(ELLIPSIS, r"\.(?:\s?\.){2,}");
pattern!(
    DOI,
    r"(?i)(?:\bdoi\s*:?\s*)?(?:(?:https?://)?(?:dx\.|www\.)?doi\.org/)?(10\.\d{4,9}/[^\s<>]+)"
);
pattern!(
    DOI_HOST,
    r"(?i)^(?:https?://)?(?:dx\.|www\.)?doi\.org(?:[/?#]|$)"
);
pattern!(DOI_IN_URL, r"(10\.\d{4,9}/[^\s?#<>]+)");
pattern!(URL, r#"(?i)(?:https?://|\bwww\.)[^\s<>"]+"#);
pattern!(PMID, r"(?i)(?:\bPubMed\s+)?\bPMID\s*:?\s*(\d{1,10})\b");
pattern!(
    PMCID,
    r"(?i)(?:\bPubMed\s+Central\s+)?(?:\bPMCID\s*:?\s*)?\bPMC\s?(\d{3,10})\b"
);
pattern!(
    PUBMED_URL,
    r"(?i)(?:pubmed\.ncbi\.nlm\.nih\.gov/|nih\.gov/pubmed/)(\d{1,10})\b"
);
pattern!(PMC_URL, r"(?i)/(PMC\d{3,10})\b");

/// Clutter that is neither title nor container: access dates, "Available from",
/// "[Internet]", link labels of database exports, ISBNs and orphaned identifier labels.
pub(super) static NOISE: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    [
        r"(?i)\[\s*(?:internet|online|serial\s+online|online\s+resource|electronic\s+resource|e-?book|(?:database|homepage)\s+on\s+the\s+internet)\s*\]",
        r"(?i)[\[(]\s*(?:cited|accessed|last\s+accessed|viewed|retrieved|updated|last\s+updated|modified)\b[^\[\]()]*[\])]",
        concat!(r"(?i)\b(?:last\s+)?(?:accessed|viewed)(?:\s+on)?\s*:?\s*", date!(), "?"),
        concat!(r"(?i)\bretrieved(?:\s+on)?\s*:?\s*", date!(), r"?\s*,?\s*(?:from\b\s*:?)?"),
        r"(?i)\bavailable\s+(?:online\s+)?(?:at|from|on)\b\s*:?|\bavailable\s+online\b\s*:?",
        r"(?i)\b(?:url|link)\s*:",
        concat!(r"(?i)\[?\bepub\b(?:\s+ahead\s+of\s+print)?\s*", date!(), r"?\]?"),
        r"(?i)\[\s*(?:pubmed|pmc\s+free\s+article|google\s+scholar|cross\s*ref|web\s+of\s+science|scopus|europe\s+pmc|(?:free\s+)?full\s+text|abstract)\s*\]",
        r"(?i)\bISBN(?:-1[03])?\s*:?\s*[0-9X][0-9X -]{8,16}[0-9X]",
        r"(?i)\bNIHMSID\s*:?\s*(?:NIHMS)?\d+",
        r"(?i)\b(?:doi|pmid|pmcid|pmc)\s*(?::|$)",
    ]
    .iter()
    .map(|p| compile(p))
    .collect()
});

pattern!(SPACE_BEFORE_PUNCT, r"\s+([.,;:?!])");
pattern!(STOP_AFTER_MARK, r"([?!])[.,;]+");
pattern!(RUN_ENDING_IN_STOP, r"[.,;:]+\.");
pattern!(REPEATED_MARK, r"([,;:])[,;:]+");
pattern!(EMPTY_BRACKETS, r"\(\s*\)|\[\s*\]");

pattern!(
    AUTHOR_DATE,
    r"(?i)\(\s*(?:",
    year!(),
    r"[a-z]?(?:\s*[,/–-]\s*[^()]*)?|n\.\s?d\.?|in\s+press|forthcoming|no\s+date|s\.\s?f\.?)\s*\)"
);
pattern!(HARVARD_DATE, r",\s*", year!(), r"[a-z]?\.(?:\s|$)");
pattern!(
    VANCOUVER_LOCATOR,
    r"\b",
    year!(),
    r"[a-z]?(?:\s+(?:[A-Za-z]{3,9}\.?|\d{1,2})(?:\s*[-/]\s*[A-Za-z]{3,9}\.?)?(?:\s+\d{1,2}(?:\s*-\s*\d{1,2})?)?)?",
    r"\s*;\s*(\d[0-9A-Za-z]*(?:\s+(?:Suppl|Pt|Spec\s+No)\.?\s*[0-9A-Za-z]*)?)?",
    r"\s*(?:\(([^()]+)\))?(?:\s*:\s*",
    pages!(),
    r")?"
);
pattern!(
    COMMA_LOCATOR,
    r"(?:^|[\p{L}.)]\s+)",
    year!(),
    r"[a-z]?,\s*(\d+[A-Za-z]?)\s*(?:\(([^()]+)\))?(?:\s*,\s*(?:(?:pp?\.|Article)\s*)?",
    pages!(),
    r")?\s*(?:\.|$)"
);
pattern!(BOOK_LOCATOR, r";\s*(?:c|©)?\s*", year!(), r"[a-z]?\b");
pattern!(
    TAIL_COMMA,
    r",\s*(\d+[A-Za-z]?)\s*(?:\(([^()]+)\))?(?:\s*[,:]\s*(?:(?:pp?\.|Article|Art\.)\s*)?",
    pages!(),
    r")?\s*\.?$"
);
pattern!(
    TAIL_SPACE,
    r"\s+(\d+[A-Za-z]?)\s*(?:\(([^()]+)\))?\s*[,:]\s*",
    pages!(),
    r"\s*\.?$"
);
pattern!(
    TRAILING_YEAR,
    r"(?:^|[.,;]\s*|\s)\(?(?:",
    month!(),
    r"\s+(?:\d{1,2},?\s+)?)?",
    year!(),
    r"[a-z]?(?:\s+",
    month!(),
    r"(?:\s+\d{1,2})?)?\)?\.?$"
);
pattern!(MLA_TITLE_START, r#"^([^"“]+?)\.\s+["“]"#);
pattern!(MLA_VOLUME, r"(?i)\bvol\.\s*([0-9A-Za-z]+)");
pattern!(MLA_ISSUE, r"(?i)\bno\.\s*([0-9A-Za-z]+)");
pattern!(MLA_PAGES, r"\bpp?\.\s*", pages!());
pattern!(
    MLA_YEAR,
    r",\s*(?:\d{1,2}\s+)?(?:",
    month!(),
    r"\s+)?",
    year!(),
    r"\b"
);
pattern!(MLA_AND, r",?\s+(?:and|&)\s+");
pattern!(
    CHAPTER_IN,
    r"[.?!]\s+In:?\s+(?:[^()]*?\((?:Eds?|eds?)\.?\),?\s*)?"
);
pattern!(CHAPTER_PAGES, r"\s*\(pp?\.\s*", pages!(), r"\)");
pattern!(
    ANY_YEAR,
    r"(?:^|[^\d\-–:/.])",
    year!(),
    r"[a-z]?(?:$|[^\d\-–])"
);

pattern!(
    ET_AL,
    r"(?i),?\s*\bet\.?\s*al\b\.?|,?\s*\b(?:and|&)\s+(?:others|colleagues)\b\.?"
);
pattern!(
    PERSON_MARKERS,
    r"\p{L}[\p{L}'’-]*,\s*\p{Lu}\.",
    r"|\p{Ll}\s+\p{Lu}{1,4}(?:\s*[,;&]|\s+and\b|$)",
    r"|(?:^|[,;&]\s*|\band\s+)\p{Lu}\.(?:\s?\p{Lu}\.)*\s+\p{Lu}[\p{Ll}'’-]+\s*(?:[,;&]|\band\b)"
);
pattern!(AUTHOR_SEPARATOR, r"\s*(?:[,;…]|&|\band\b)\s*");
pattern!(INITIALS_ONLY, r"^(?:\p{Lu}\p{Ll}?\.[\s-]*)+$");
pattern!(NAME_SUFFIX, r"^(?:Jr|Sr|II|III|IV)\.?$");
pattern!(HAS_INITIALS, r"\b\p{Lu}\.|\s\p{Lu}{1,4}$");
pattern!(INITIAL_WORD, r"^\p{Lu}(?:\.-?\p{Lu})*$");
pattern!(STARTS_WITH_INITIAL, r"^\p{Lu}\.(?:[\s,-]|\p{Lu}|$)");
pattern!(DOTTED_INITIALS_END, r"\p{Lu}\.\s?-?\p{Lu}\.$");
