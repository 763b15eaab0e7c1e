//! Calendar dates, and dates whose month or day a source does not give.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A complete, valid calendar date (proleptic Gregorian).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct CalendarDate {
    /// Year, 1..=9999.
    pub year: i32,
    /// Month, 1..=12.
    pub month: u8,
    /// Day of month, 1..=days_in_month.
    pub day: u8,
}

impl CalendarDate {
    /// Returns the date if year, month and day form a real calendar day.
    pub fn new(year: i32, month: u8, day: u8) -> Option<Self> {
        if !(1..=9999).contains(&year) || !(1..=12).contains(&month) {
            return None;
        }
        if day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Self { year, month, day })
    }

    /// Parses `YYYY-MM-DD`.
    pub fn parse(text: &str) -> Option<Self> {
        let date = PartialDate::parse(text)?;
        if date.month == 0 || date.day == 0 {
            return None;
        }
        Self::new(date.year, date.month, date.day)
    }

    /// Returns the date `days` days after this one (days since 1970-01-01 arithmetic).
    pub fn add_days(self, days: i64) -> Self {
        Self::from_days(self.to_days() + days)
    }

    /// Days since 1970-01-01 (negative before).
    pub fn to_days(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = if y >= 0 { y } else { y - 399 } / 400;
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` days after 1970-01-01.
    pub fn from_days(days: i64) -> Self {
        let z = days + 719_468;
        let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Self { year, month, day }
    }

    /// The calendar date of a Unix time (seconds) in a UTC offset (seconds east).
    pub fn from_unix(seconds: i64, utc_offset_seconds: i32) -> Self {
        Self::from_days((seconds + i64::from(utc_offset_seconds)).div_euclid(86_400))
    }
}

impl fmt::Display for CalendarDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// Returns the number of days in a month of a year.
pub fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

/// A date whose month, or day, may be unknown (`google.type.Date` semantics:
/// zero means unknown). `2005` is a year, `2005-03` a month, `2005-03-01` a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PartialDate {
    /// Year, 1..=9999.
    pub year: i32,
    /// Month, 1..=12, or 0 when unknown.
    pub month: u8,
    /// Day, or 0 when unknown (then also unknown when month is 0).
    pub day: u8,
}

impl PartialDate {
    /// A date known to the day.
    pub fn day(year: i32, month: u8, day: u8) -> Self {
        Self { year, month, day }
    }

    /// A date known to the month.
    pub fn month(year: i32, month: u8) -> Self {
        Self {
            year,
            month,
            day: 0,
        }
    }

    /// A date known to the year.
    pub fn year(year: i32) -> Self {
        Self {
            year,
            month: 0,
            day: 0,
        }
    }

    /// Returns whether the parts form a possible date: a real year, a month
    /// 0..=12, a day valid for the month, and no day without a month.
    pub fn is_valid(&self) -> bool {
        if !(1..=9999).contains(&self.year) || self.month > 12 {
            return false;
        }
        match (self.month, self.day) {
            (0, 0) => true,
            (0, _) => false,
            (_, 0) => true,
            (m, d) => d <= days_in_month(self.year, m),
        }
    }

    /// Whether every part is known.
    pub fn is_exact(&self) -> bool {
        self.month != 0 && self.day != 0
    }

    /// The earliest calendar day this date can be.
    pub fn earliest(&self) -> CalendarDate {
        let month = self.month.max(1);
        let day = self.day.max(1);
        CalendarDate {
            year: self.year,
            month,
            day,
        }
    }

    /// The latest calendar day this date can be.
    pub fn latest(&self) -> CalendarDate {
        let month = if self.month == 0 { 12 } else { self.month };
        let day = if self.day == 0 {
            days_in_month(self.year, month)
        } else {
            self.day
        };
        CalendarDate {
            year: self.year,
            month,
            day,
        }
    }

    /// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; returns None for anything
    /// else or an impossible date.
    pub fn parse(text: &str) -> Option<Self> {
        let mut parts = text.trim().split('-');
        let year_text = parts.next()?;
        if year_text.len() != 4 || !year_text.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let year: i32 = year_text.parse().ok()?;
        let mut number = |len: usize| -> Option<Option<u8>> {
            match parts.next() {
                None => Some(None),
                Some(p) if p.len() == len && p.bytes().all(|b| b.is_ascii_digit()) => {
                    Some(Some(p.parse().ok()?))
                }
                Some(_) => None,
            }
        };
        let month = number(2)?;
        let day = if month.is_some() { number(2)? } else { None };
        if parts.next().is_some() {
            return None;
        }
        let date = Self {
            year,
            month: month.unwrap_or(0),
            day: day.unwrap_or(0),
        };
        (date.is_valid()
            && (month.is_none() || date.month != 0)
            && (day.is_none() || date.day != 0))
            .then_some(date)
    }

    /// Describes the precision in words for explanations ("2005, day unknown").
    pub fn describe(&self) -> String {
        match (self.month, self.day) {
            (0, _) => format!("{:04} (month and day unknown)", self.year),
            (m, 0) => format!("{:04}-{:02} (day unknown)", self.year, m),
            _ => self.to_string(),
        }
    }
}

impl From<CalendarDate> for PartialDate {
    fn from(d: CalendarDate) -> Self {
        Self {
            year: d.year,
            month: d.month,
            day: d.day,
        }
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.month, self.day) {
            (0, _) => write!(f, "{:04}", self.year),
            (m, 0) => write!(f, "{:04}-{:02}", self.year, m),
            (m, d) => write!(f, "{:04}-{:02}-{:02}", self.year, m, d),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_each_precision() {
        assert_eq!(PartialDate::parse("2005"), Some(PartialDate::year(2005)));
        assert_eq!(
            PartialDate::parse("2005-03"),
            Some(PartialDate::month(2005, 3))
        );
        assert_eq!(
            PartialDate::parse("2004-02-29"),
            Some(PartialDate::day(2004, 2, 29))
        );
        for bad in [
            "2005-02-29",
            "2005-13",
            "2005-00",
            "05-01-01",
            "2005-1-1",
            "",
            "x",
            "2005-01-01-01",
        ] {
            assert_eq!(PartialDate::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn bounds_of_unknown_parts() {
        let d = PartialDate::month(2005, 2);
        assert_eq!(d.earliest(), CalendarDate::new(2005, 2, 1).unwrap());
        assert_eq!(d.latest(), CalendarDate::new(2005, 2, 28).unwrap());
        let y = PartialDate::year(2000);
        assert_eq!(y.latest(), CalendarDate::new(2000, 12, 31).unwrap());
    }

    proptest! {
        #[test]
        fn days_round_trip(days in -700_000i64..2_900_000) {
            let d = CalendarDate::from_days(days);
            prop_assert!(CalendarDate::new(d.year, d.month, d.day).is_some());
            prop_assert_eq!(d.to_days(), days);
        }

        #[test]
        fn display_parses_back(y in 1i32..9999, m in 0u8..=12, d in 0u8..=31) {
            let date = PartialDate { year: y, month: m, day: if m == 0 { 0 } else { d } };
            if date.is_valid() {
                prop_assert_eq!(PartialDate::parse(&date.to_string()), Some(date));
                prop_assert!(date.earliest() <= date.latest());
            }
        }
    }
}
