//! The access log: one line per answered request, in the Combined Log Format that
//! log tools read (followed by the request ID and the time taken) or as JSON.
//!
//! Lines are formatted on the request's task and handed to one writer thread over
//! a channel, which writes them in batches and flushes whenever the channel runs
//! dry, so logging never blocks an answer on the disk. A write that fails is
//! reported once on stderr; serving goes on.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::Serialize;

/// Where log lines go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogTarget {
    /// Standard output.
    Stdout,
    /// A file, appended to (created if missing).
    File(PathBuf),
}

/// How each line is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogFormat {
    /// `client - - [time] "request" status bytes "referer" "user-agent" request-id ms`
    #[default]
    Combined,
    /// One JSON object per line.
    Json,
}

/// What is logged about one request.
#[derive(Debug, Serialize)]
pub struct Entry {
    /// When the request arrived, in seconds since 1970 (UTC).
    #[serde(skip)]
    pub arrived: SystemTime,
    /// The client's address: the connection's peer, or the address a trusted proxy
    /// forwarded.
    pub client: IpAddr,
    /// The connection's peer.
    pub peer: IpAddr,
    /// `GET`, `HEAD`, …
    pub method: String,
    /// The request target (path and query).
    pub target: String,
    /// `HTTP/1.1`, …
    pub protocol: String,
    /// The status answered.
    pub status: u16,
    /// Bytes of the answer's body.
    pub bytes: u64,
    /// Time from the request's arrival to its answer's head.
    #[serde(skip)]
    pub took: Duration,
    /// The request's ID (also sent back as `X-Request-Id`).
    pub request_id: String,
    /// The `Referer` header.
    pub referer: Option<String>,
    /// The `User-Agent` header.
    pub user_agent: Option<String>,
}

impl Entry {
    /// The entry as one line (without the line break).
    pub fn line(&self, format: LogFormat) -> String {
        match format {
            LogFormat::Combined => self.combined(),
            LogFormat::Json => self.json(),
        }
    }

    fn combined(&self) -> String {
        let quoted = |value: Option<&str>| match value {
            Some(text) => escape(text),
            None => "-".to_string(),
        };
        format!(
            "{} - - [{}] \"{} {} {}\" {} {} \"{}\" \"{}\" {} {:.1}",
            self.client,
            clf_time(self.arrived),
            escape(&self.method),
            escape(&self.target),
            escape(&self.protocol),
            self.status,
            self.bytes,
            quoted(self.referer.as_deref()),
            quoted(self.user_agent.as_deref()),
            escape(&self.request_id),
            millis(self.took),
        )
    }

    fn json(&self) -> String {
        #[derive(Serialize)]
        struct Line<'a> {
            time: String,
            #[serde(flatten)]
            entry: &'a Entry,
            ms: f64,
        }
        let line = Line {
            time: iso_time(self.arrived),
            entry: self,
            ms: (millis(self.took) * 10.0).round() / 10.0,
        };
        serde_json::to_string(&line).unwrap_or_default()
    }
}

fn millis(took: Duration) -> f64 {
    took.as_secs_f64() * 1000.0
}

/// A value for a Combined Log Format field: `"`, `\` and control characters as
/// `\"`, `\\` and `\xHH`, so a line can never be split or forged by a request.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {
                let mut buffer = [0; 4];
                for byte in c.encode_utf8(&mut buffer).bytes() {
                    out.push_str(&format!("\\x{byte:02x}"));
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// Seconds since 1970 as (year, month, day, hour, minute, second), UTC.
fn civil(time: SystemTime) -> (i64, u32, u32, u64, u64, u64) {
    let seconds = time
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let (days, rest) = (seconds / 86_400, seconds % 86_400);
    let (year, month, day) = date_of_day(i64::try_from(days).unwrap_or(0));
    (year, month, day, rest / 3600, rest % 3600 / 60, rest % 60)
}

/// The proleptic Gregorian date of a day counted from 1970-01-01, by the
/// era-of-400-years method.
fn date_of_day(days: i64) -> (i64, u32, u32) {
    let shifted = days + 719_468;
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = u32::try_from(day_of_year - (153 * month_index + 2) / 5 + 1).unwrap_or(1);
    let month = u32::try_from(if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    })
    .unwrap_or(1);
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// `02/Dec/2026:06:10:00 +0000`
fn clf_time(time: SystemTime) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (year, month, day, hour, minute, second) = civil(time);
    let name = MONTHS[(month as usize).clamp(1, 12) - 1];
    format!("{day:02}/{name}/{year}:{hour:02}:{minute:02}:{second:02} +0000")
}

/// `2026-12-02T06:10:00.123Z`
pub(crate) fn iso_time(time: SystemTime) -> String {
    let (year, month, day, hour, minute, second) = civil(time);
    let millis = time
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_millis())
        .unwrap_or(0);
    format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}.{millis:03}Z")
}

/// The sending side of the log; dropping every clone ends the writer thread.
#[derive(Clone)]
pub struct AccessLog {
    format: LogFormat,
    lines: mpsc::Sender<String>,
}

impl AccessLog {
    /// Opens `target` (a file is appended to) and starts the writer thread.
    pub fn start(target: &LogTarget, format: LogFormat) -> io::Result<(AccessLog, JoinHandle<()>)> {
        let out: Box<dyn Write + Send> = match target {
            LogTarget::Stdout => Box::new(io::stdout()),
            LogTarget::File(path) => Box::new(
                File::options()
                    .create(true)
                    .append(true)
                    .open(path)
                    .map_err(|e| {
                        io::Error::new(
                            e.kind(),
                            format!("cannot open the access log `{}`: {e}", path.display()),
                        )
                    })?,
            ),
        };
        let (lines, received) = mpsc::channel();
        let writer = std::thread::Builder::new()
            .name("access-log".into())
            .spawn(move || write_lines(received, BufWriter::new(out)))?;
        Ok((AccessLog { format, lines }, writer))
    }

    /// Queues the line for `entry`.
    pub fn record(&self, entry: &Entry) {
        let _ = self.lines.send(entry.line(self.format));
    }
}

fn write_lines(received: mpsc::Receiver<String>, mut out: impl Write) {
    let mut failed = false;
    let mut report = |result: io::Result<()>| {
        if let Err(e) = result
            && !failed
        {
            eprintln!("healthdex: cannot write the access log ({e}); requests are still answered");
            failed = true;
        }
    };
    while let Ok(line) = received.recv() {
        report(writeln!(out, "{line}"));
        while let Ok(line) = received.try_recv() {
            report(writeln!(out, "{line}"));
        }
        report(out.flush());
    }
    report(out.flush());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> Entry {
        Entry {
            // 2026-12-02 06:10:00 UTC
            arrived: UNIX_EPOCH + Duration::from_secs(1_796_191_800),
            client: "203.0.113.7".parse().unwrap(),
            peer: "127.0.0.1".parse().unwrap(),
            method: "GET".into(),
            target: "/api/search?q=\"leaky\"%20gut".into(),
            protocol: "HTTP/1.1".into(),
            status: 200,
            bytes: 1234,
            took: Duration::from_micros(3_240),
            request_id: "abc123".into(),
            referer: None,
            user_agent: Some("curl/8.5\n\"x\"".into()),
        }
    }

    #[test]
    fn combined_lines_have_the_standard_fields_and_cannot_be_forged() {
        let line = entry().line(LogFormat::Combined);
        assert_eq!(
            line,
            r#"203.0.113.7 - - [02/Dec/2026:06:10:00 +0000] "GET /api/search?q=\"leaky\"%20gut HTTP/1.1" 200 1234 "-" "curl/8.5\x0a\"x\"" abc123 3.2"#
        );
        assert!(!line.contains('\n'));
    }

    #[test]
    fn json_lines_parse_and_carry_every_field() {
        let line = entry().line(LogFormat::Json);
        let value: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(value["time"], "2026-12-02T06:10:00.000Z");
        assert_eq!(value["client"], "203.0.113.7");
        assert_eq!(value["peer"], "127.0.0.1");
        assert_eq!(value["status"], 200);
        assert_eq!(value["bytes"], 1234);
        assert_eq!(value["request_id"], "abc123");
        assert_eq!(value["referer"], serde_json::Value::Null);
        assert_eq!(value["ms"], 3.2);
    }

    #[test]
    fn dates_are_right_across_leap_years_and_centuries() {
        let day = |y: i64, m: u32, d: u32| (y, m, d);
        assert_eq!(date_of_day(0), day(1970, 1, 1));
        assert_eq!(date_of_day(11_016), day(2000, 2, 29));
        assert_eq!(date_of_day(11_017), day(2000, 3, 1));
        assert_eq!(date_of_day(20_788), day(2026, 12, 1));
        assert_eq!(date_of_day(47_541), day(2100, 3, 1));
    }

    #[test]
    fn the_writer_writes_every_line_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("access.log");
        let (log, writer) =
            AccessLog::start(&LogTarget::File(path.clone()), LogFormat::Combined).unwrap();
        for status in [200, 304, 404] {
            log.record(&Entry { status, ..entry() });
        }
        drop(log);
        writer.join().unwrap();
        let text = std::fs::read_to_string(path).unwrap();
        let statuses: Vec<&str> = text
            .lines()
            .map(|line| line.split(' ').nth(8).unwrap())
            .collect();
        assert_eq!(statuses, ["200", "304", "404"]);
    }
}
