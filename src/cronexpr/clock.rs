//! Wall-clock arithmetic as Go's `time` package does it, which cron's
//! `Next` leans on: `time.Date` normalises out-of-range fields (month 13,
//! day 32, hour 24) and picks an offset for a local time inside a DST gap
//! or overlap by its own rule; `Add` and `Truncate` work on the instant,
//! `Hour()` and friends on the local fields. Offsets come from the IANA
//! database (jiff reads the system's, as Go's `LoadLocation` does).

use jiff::tz::TimeZone;
use jiff::Timestamp;

/// An instant (whole seconds since the Unix epoch) seen in a time zone.
#[derive(Debug, Clone)]
pub struct Clock {
    pub unix: i64,
    pub tz: TimeZone,
}

/// Days since 1970-01-01 of a proleptic Gregorian date (months and days may
/// be out of range: they carry as in `time.Date`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    // Normalise the month into 1..=12, carrying into the year.
    let m0 = month - 1;
    let year = year + m0.div_euclid(12);
    let month = m0.rem_euclid(12) + 1;
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468 + (day - 1)
}

/// (year, month, day) of a day count since 1970-01-01.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Local wall-clock fields of an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fields {
    pub year: i64,
    pub month: i64,
    pub day: i64,
    pub hour: i64,
    pub minute: i64,
    pub second: i64,
    /// Seconds east of UTC.
    pub offset: i64,
}

impl Clock {
    pub fn new(unix: i64, tz: TimeZone) -> Clock {
        Clock { unix, tz }
    }

    fn offset_at(&self, unix: i64) -> i64 {
        match Timestamp::from_second(unix) {
            Ok(ts) => i64::from(self.tz.to_offset(ts).seconds()),
            Err(_) => 0,
        }
    }

    pub fn fields(&self) -> Fields {
        let offset = self.offset_at(self.unix);
        let local = self.unix + offset;
        let (year, month, day) = civil_from_days(local.div_euclid(86_400));
        let secs = local.rem_euclid(86_400);
        Fields {
            year,
            month,
            day,
            hour: secs / 3600,
            minute: secs % 3600 / 60,
            second: secs % 60,
            offset,
        }
    }

    /// `time.Date(year, month, day, hour, min, sec, 0, loc)`: fields out of
    /// range carry; a local time the zone skips or repeats gets the offset
    /// Go's rule gives (the offset in force at the local time read as UTC,
    /// unless the instant that makes falls outside that offset's span).
    pub fn date(&self, year: i64, month: i64, day: i64, hour: i64, min: i64, sec: i64) -> Clock {
        let local = days_from_civil(year, month, day) * 86_400 + hour * 3600 + min * 60 + sec;
        let mut offset = self.offset_at(local);
        if offset != 0 {
            let utc = local - offset;
            // Same span as the guess iff the offset there is the guess's.
            let there = self.offset_at(utc);
            if there != offset {
                offset = there;
            }
        }
        Clock::new(local - offset, self.tz.clone())
    }

    pub fn add(&self, secs: i64) -> Clock {
        Clock::new(self.unix + secs, self.tz.clone())
    }

    /// `Truncate(d)` for whole-second `d` dividing a day: the instant rounded
    /// down (Go's zero time is a whole number of days before the epoch).
    pub fn truncate(&self, secs: i64) -> Clock {
        Clock::new(self.unix - self.unix.rem_euclid(secs), self.tz.clone())
    }

    /// `AddDate(0, 0, days)`.
    pub fn add_days(&self, days: i64) -> Clock {
        let f = self.fields();
        self.date(f.year, f.month, f.day + days, f.hour, f.minute, f.second)
    }

    pub fn is_utc(&self) -> bool {
        self.tz == TimeZone::UTC
    }

    /// `Format("2006-01-02T15:04:05Z07:00")`: local time and offset, `Z`
    /// for UTC.
    pub fn rfc3339(&self) -> String {
        let f = self.fields();
        let zone = if f.offset == 0 {
            "Z".to_string()
        } else {
            let sign = if f.offset < 0 { '-' } else { '+' };
            let a = f.offset.abs();
            format!("{sign}{:02}:{:02}", a / 3600, a % 3600 / 60)
        };
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{zone}",
            f.year, f.month, f.day, f.hour, f.minute, f.second
        )
    }
}

/// Weekday of a date, 0 = Sunday (as Go's `time.Weekday`).
pub fn weekday(year: i64, month: i64, day: i64) -> i64 {
    // 1970-01-01 was a Thursday.
    (days_from_civil(year, month, day) + 4).rem_euclid(7)
}

/// Days in a month (`Date(y, m+1, 0)`'s day).
pub fn days_in_month(year: i64, month: i64) -> i64 {
    days_from_civil(year, month + 1, 1) - days_from_civil(year, month, 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ny() -> TimeZone {
        TimeZone::get("America/New_York").expect("tzdb has America/New_York")
    }

    #[test]
    fn civil_days_round_trip_and_carry() {
        for d in [-800_000, -1, 0, 59, 11_016, 20_000, 2_000_000] {
            let (y, m, day) = civil_from_days(d);
            assert_eq!(days_from_civil(y, m, day), d);
        }
        // Month 13 is January of the next year, day 0 the last of the month before.
        assert_eq!(days_from_civil(2023, 13, 1), days_from_civil(2024, 1, 1));
        assert_eq!(days_from_civil(2024, 3, 0), days_from_civil(2024, 2, 29));
        assert_eq!(weekday(2026, 11, 30), 1, "a Monday");
        assert_eq!(days_in_month(2024, 2), 29);
        assert_eq!(days_in_month(2100, 2), 28);
    }

    /// `time.Date` in a DST gap and overlap (New York, 2021-03-14 02:30 does
    /// not exist; 2021-11-07 01:30 happens twice): Go gives 01:30 EST for the
    /// gap (the instant 06:30 UTC) and the EDT reading for the overlap.
    #[test]
    fn date_picks_gos_offset_in_gaps_and_overlaps() {
        let c = Clock::new(0, ny());
        let gap = c.date(2021, 3, 14, 2, 30, 0);
        assert_eq!(gap.rfc3339(), "2021-03-14T01:30:00-05:00");
        let overlap = c.date(2021, 11, 7, 1, 30, 0);
        assert_eq!(overlap.rfc3339(), "2021-11-07T01:30:00-04:00");
        let plain = c.date(2021, 7, 1, 12, 0, 0);
        assert_eq!(plain.rfc3339(), "2021-07-01T12:00:00-04:00");
        assert_eq!(
            Clock::new(0, TimeZone::UTC).rfc3339(),
            "1970-01-01T00:00:00Z"
        );
    }
}
