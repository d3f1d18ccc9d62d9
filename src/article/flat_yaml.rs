//! The flat YAML front matter most sites write — `key: value` lines whose values
//! are one-line quoted strings, plain words and numbers, or one-line lists of
//! them — read without the YAML parser. The parser took about 75,000 instructions
//! a file on MedQuAD (4% of indexing) for eight such lines. [`read`] accepts only
//! a text whose every line has one of these shapes and otherwise says `None`, and
//! the caller falls back to the full parser; its tree is the parser's (the tests
//! compare them), because plain values are typed by the same function.

use serde_json::{Map, Value};

/// The tree of a flat front matter, or `None` when any line is not of a shape this
/// reader knows (the full YAML parser then reads it).
///
/// `typed` types a plain value (and a key) as the full reader does; a key it does
/// not keep as the same text (`True`, `null`, `inf`) is left to the full reader.
pub(crate) fn read(raw: &str, typed: fn(String) -> Value, max_nodes: usize) -> Option<Value> {
    let mut map = Map::new();
    let mut nodes = 0;
    for line in raw.lines() {
        if line.trim().is_empty() {
            continue;
        }
        let (key, value) = key_and_value(line)?;
        let key = match typed(key.to_string()) {
            Value::String(typed_key) if typed_key == key => typed_key,
            _ => return None,
        };
        let value = match value.as_bytes()[0] {
            b'[' => list(value, typed, &mut nodes)?,
            _ => scalar(value, typed)?,
        };
        nodes += 2;
        // The full reader stops at `max_nodes`; a tree anywhere near it is its to read.
        if nodes * 2 > max_nodes {
            return None;
        }
        map.insert(key, value);
    }
    (!map.is_empty()).then_some(Value::Object(map))
}

/// `key: value` at the start of the line, the key a plain word, the value not empty.
fn key_and_value(line: &str) -> Option<(&str, &str)> {
    let (key, rest) = line.split_once(':')?;
    let first = key.bytes().next()?;
    let key_ok = (first.is_ascii_alphabetic() || first == b'_')
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if !key_ok || !rest.starts_with(' ') {
        return None;
    }
    let value = rest.trim_start_matches(' ').trim_end_matches([' ', '\r']);
    (!value.is_empty()).then_some((key, value))
}

/// A one-line quoted string, or a plain value of letters, digits, spaces, `.`, `_`
/// and `-` that starts with a letter or digit (callers trim the spaces around it).
fn scalar(value: &str, typed: fn(String) -> Value) -> Option<Value> {
    if let Some(text) = quoted(value) {
        return Some(Value::String(text.to_string()));
    }
    let first = value.bytes().next()?;
    let plain = first.is_ascii_alphanumeric()
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b' ' | b'.' | b'_' | b'-'));
    plain.then(|| typed(value.to_string()))
}

/// The text of `"…"` or `'…'` holding no quote of its kind, no backslash and no
/// control character (none of which needs escaping or folding).
fn quoted(value: &str) -> Option<&str> {
    let quote = match value.as_bytes() {
        [b'"', .., b'"'] => '"',
        [b'\'', .., b'\''] => '\'',
        _ => return None,
    };
    let inner = &value[1..value.len() - 1];
    let unusual = |c: char| c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}');
    let clean = !inner.contains([quote, '\\']) && !inner.contains(unusual);
    clean.then_some(inner)
}

/// `[a, "b, c", 'd']`: items separated by commas outside quotes, none empty.
fn list(value: &str, typed: fn(String) -> Value, nodes: &mut usize) -> Option<Value> {
    let inner = value.strip_prefix('[')?.strip_suffix(']')?;
    let mut items = Vec::new();
    if inner.trim_matches(' ').is_empty() {
        return Some(Value::Array(items));
    }
    let (mut start, mut quote) = (0, None);
    for (at, c) in inner.char_indices().chain([(inner.len(), ',')]) {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '[' | ']' | '{' | '}' | '#' | ':') => return None,
            (None, ',') => {
                let item = inner[start..at].trim_matches(' ');
                if item.is_empty() {
                    return None;
                }
                items.push(scalar(item, typed)?);
                *nodes += 1;
                start = at + 1;
            }
            _ => {}
        }
    }
    (quote.is_none()).then_some(Value::Array(items))
}
