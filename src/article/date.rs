//! Calendar dates from front matter (`date`, `updated`). Only the day matters for a
//! health article, so a date is year, month and day; times and zones written after
//! the day (`2023-05-01T10:00:00Z`) are accepted and dropped.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A valid Gregorian calendar day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: u16,
    month: u8,
    day: u8,
}

impl Date {
    /// Builds a date, or `None` if the day does not exist (year 1–9999).
    pub fn new(year: u16, month: u8, day: u8) -> Option<Date> {
        let valid = (1..=9999).contains(&year)
            && (1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(year, month);
        valid.then_some(Date { year, month, day })
    }

    /// The year.
    pub fn year(self) -> u16 {
        self.year
    }

    /// The day containing the given Unix time, if it is within years 1–9999.
    pub fn from_unix_seconds(seconds: i64) -> Option<Date> {
        let (year, month, day) = civil_from_days(seconds.div_euclid(86_400));
        Date::new(u16::try_from(year).ok()?, month, day)
    }

    /// Seconds from 1970-01-01T00:00:00Z to the start of this day.
    pub fn unix_seconds(self) -> i64 {
        days_from_civil(self.year.into(), self.month.into(), self.day.into()) * 86_400
    }
}

/// Accepts `YYYY-MM-DD`, optionally followed by `T` or a space and a time.
impl FromStr for Date {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, ()> {
        let s = s.trim();
        let day_part = s.split(['T', 't', ' ']).next().unwrap_or("");
        let mut parts = day_part.splitn(3, '-');
        let year = parts.next().filter(|p| p.len() == 4).ok_or(())?;
        let month = parts
            .next()
            .filter(|p| (1..=2).contains(&p.len()))
            .ok_or(())?;
        let day = parts
            .next()
            .filter(|p| (1..=2).contains(&p.len()))
            .ok_or(())?;
        let number = |p: &str| p.parse::<u16>().map_err(|_| ());
        let (year, month, day) = (number(year)?, number(month)?, number(day)?);
        Date::new(
            year,
            u8::try_from(month).map_err(|_| ())?,
            u8::try_from(day).map_err(|_| ())?,
        )
        .ok_or(())
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse()
            .map_err(|()| serde::de::Error::custom(format!("`{text}` is not a YYYY-MM-DD date")))
    }
}

fn is_leap(year: u16) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's method).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let shifted_month = (month + 9) % 12;
    let day_of_year = (153 * shifted_month + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The inverse of [`days_from_civil`].
fn civil_from_days(days: i64) -> (i64, u8, u8) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month as u8, day as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_days_and_datetimes() {
        let cases = [
            ("2023-05-01", Some("2023-05-01")),
            ("2023-5-1", Some("2023-05-01")),
            ("2023-05-01T10:00:00Z", Some("2023-05-01")),
            ("2024-02-29 08:00", Some("2024-02-29")),
            ("2023-02-29", None),
            ("2023-13-01", None),
            ("yesterday", None),
            ("", None),
            ("99999-01-01", None),
        ];
        for (text, want) in cases {
            let got = text.parse::<Date>().ok().map(|d| d.to_string());
            assert_eq!(got.as_deref(), want, "{text}");
        }
    }

    #[test]
    fn unix_seconds_match_known_days() {
        assert_eq!(Date::new(1970, 1, 1).unwrap().unix_seconds(), 0);
        assert_eq!(Date::new(2000, 3, 1).unwrap().unix_seconds(), 951_868_800);
        assert_eq!(Date::new(1969, 12, 31).unwrap().unix_seconds(), -86_400);
    }

    #[test]
    fn unix_seconds_round_trip() {
        for (y, m, d) in [
            (1970, 1, 1),
            (2000, 2, 29),
            (2023, 12, 31),
            (1900, 3, 1),
            (2100, 2, 28),
        ] {
            let date = Date::new(y, m, d).unwrap();
            assert_eq!(
                Date::from_unix_seconds(date.unix_seconds() + 3600),
                Some(date)
            );
        }
    }
}
