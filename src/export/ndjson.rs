//! Records as NDJSON: one [`SectionRecord`] per line, each a complete JSON object,
//! every line ending in `\n`. It is the form most engines and pipelines take in
//! (Logstash, Vespa's feed client, `jq -c`, OpenSearch's `_bulk` once an action line
//! is added), and it streams: a reader never holds more than a line. [`parse`] is
//! the contract's check, so a file can be validated (and tests round-trip) with
//! the same types that wrote it.

use std::io::Write;

use super::SectionRecord;

/// A line of NDJSON that is not a [`SectionRecord`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "line {line}: {message}; each line must be one record as `healthdex export --format ndjson` writes it"
)]
pub struct RecordError {
    /// Line of the text, from 1.
    pub line: usize,
    /// What is wrong with it.
    pub message: String,
}

/// Writes each record as one line of JSON, then flushes.
pub fn write(mut out: impl Write, records: &[SectionRecord]) -> std::io::Result<()> {
    for record in records {
        serde_json::to_writer(&mut out, record)?;
        out.write_all(b"\n")?;
    }
    out.flush()
}

/// Reads NDJSON text back into records. Blank lines are skipped; the first line
/// that is not a record is an error naming it.
pub fn parse(text: &str) -> Result<Vec<SectionRecord>, RecordError> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(index, line)| {
            serde_json::from_str(line).map_err(|err| RecordError {
                line: index + 1,
                message: err.to_string(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::{ParseOptions, parse_article};
    use crate::export::records;

    fn sample() -> Vec<SectionRecord> {
        let text = "---\ntitle: Fibre\nauthors: [Bo Kim]\n---\nIntro.\n\n## Soluble fibre\n\nOats and \"beans\".\nA second line.\n";
        let article = parse_article("fibre.md", text, &ParseOptions::default()).article;
        records(&[article], false)
    }

    #[test]
    fn each_record_is_one_line_and_reads_back_equal() {
        let records = sample();
        let mut out = Vec::new();
        write(&mut out, &records).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text.lines().count(), records.len());
        assert!(text.ends_with('\n'));
        assert_eq!(parse(&text).unwrap(), records);
    }

    #[test]
    fn a_bad_line_is_named_by_its_number() {
        let mut out = Vec::new();
        write(&mut out, &sample()).unwrap();
        let good = String::from_utf8(out).unwrap();
        let cases = [
            (format!("{good}\n{{\"id\": \"x\"}}\n"), 4, "missing field"),
            (format!("{good}not json\n"), 3, "expected"),
            (format!("{{}}\n{good}"), 1, "missing field `id`"),
        ];
        for (text, line, words) in cases {
            let err = parse(&text).unwrap_err();
            assert_eq!(err.line, line, "{err}");
            assert!(err.message.contains(words), "{err}");
            assert!(err.to_string().contains("healthdex export --format ndjson"));
        }
    }
}
