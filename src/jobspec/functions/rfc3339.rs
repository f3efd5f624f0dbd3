//! cty's `parseTimestamp`: Go's `time.Parse(time.RFC3339, s)` (the
//! general layout walk of time/format.go, which also words the fast
//! path's failures), its `*time.ParseError` reworded by cty
//! (function/stdlib/datetime.go) to name the part at fault.
//!
//! The layout `2006-01-02T15:04:05Z07:00`, element by element: a year of
//! four characters (Go's `atoi`, so a sign counts), literal `-`, a
//! two-digit month (1-12), `-`, a two-digit day, a literal `T` (a `t` is
//! refused), an hour of one or two digits (below 24), `:`, two-digit
//! minutes and seconds (below 60), an optional fraction after `.` (or
//! `,` from Go 1.17), then `Z` or `±hh:mm`; then nothing else, and a day
//! that exists in its month.

use crate::gorelease::GoRelease;

/// The parsed instant: seconds since the epoch (UTC), nanoseconds, and
/// the written UTC offset in seconds.
pub(super) type Instant = (i64, u32, i32);

/// A `*time.ParseError`: the layout element, the value left at it, and
/// Go's message (`: month out of range`).
struct GoError {
    layout: &'static str,
    value: String,
    message: String,
}

impl GoError {
    fn at(layout: &'static str, value: &[u8]) -> Self {
        GoError {
            layout,
            value: String::from_utf8_lossy(value).into_owned(),
            message: String::new(),
        }
    }

    fn range(layout: &'static str, value: &[u8], what: &str) -> Self {
        GoError {
            message: format!(": {what} out of range"),
            ..GoError::at(layout, value)
        }
    }

    /// cty's rewording (`strict`: go-cty 1.13.0 on, which words the hour
    /// and the minute its own way).
    fn cty_text(&self, strict: bool) -> String {
        let q = |s: &str| crate::gotext::go_quote(s);
        if self.layout.is_empty() && self.value.is_empty() && !self.message.is_empty() {
            return format!("not a valid RFC3339 timestamp{}", self.message);
        }
        let what = match self.layout {
            "2006" => "year",
            "01" => "month",
            "02" => "day of month",
            "15" => "hour",
            "04" => "minute",
            "05" => "second",
            "Z07:00" => "UTC offset",
            "T" => {
                return "not a valid RFC3339 timestamp: missing required time introducer 'T'"
                    .to_string()
            }
            ":" | "-" if self.value.is_empty() => {
                return format!(
                    "not a valid RFC3339 timestamp: end of string where {} is expected",
                    q(self.layout)
                )
            }
            ":" | "-" => {
                return format!(
                    "not a valid RFC3339 timestamp: found {} where {} is expected",
                    q(&self.value),
                    q(self.layout)
                )
            }
            _ => "timestamp segment",
        };
        if self.value.is_empty() {
            format!("not a valid RFC3339 timestamp: end of string before {what}")
        } else if strict && what == "hour" && self.value.contains(':') {
            "not a valid RFC3339 timestamp: hour must be between 0 and 23 inclusive".into()
        } else if strict && what == "hour" && self.value.len() != 2 {
            "not a valid RFC3339 timestamp: hour must have exactly two digits".into()
        } else if strict && what == "minute" && self.value.len() != 2 {
            "not a valid RFC3339 timestamp: minute must have exactly two digits".into()
        } else {
            format!(
                "not a valid RFC3339 timestamp: cannot use {} as {what}",
                q(&self.value)
            )
        }
    }
}

/// Go's `getnum`: one or two digits (exactly two when `fixed`).
fn getnum(v: &[u8], fixed: bool) -> Option<(i64, &[u8])> {
    let d = |i: usize| {
        v.get(i)
            .filter(|b| b.is_ascii_digit())
            .map(|b| i64::from(b - b'0'))
    };
    let first = d(0)?;
    match d(1) {
        Some(second) => Some((first * 10 + second, &v[2..])),
        None if fixed => None,
        None => Some((first, &v[1..])),
    }
}

/// Go's `atoi` on exactly the year's four characters: an optional sign,
/// then digits only.
fn year(p: &[u8]) -> Option<i64> {
    let (neg, digits) = match p.first() {
        Some(b'-') => (true, &p[1..]),
        Some(b'+') => (false, &p[1..]),
        _ => (false, p),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let n: i64 = std::str::from_utf8(digits).ok()?.parse().ok()?;
    Some(if neg { -n } else { n })
}

/// cty's `parseTimestamp` under go-cty 1.13.0 on (`strict`: its own
/// strict RFC 3339 reader first, Go's words for what fails, and its own
/// for what Go takes but RFC 3339 does not) or before (Go's
/// `time.Parse` alone), built with Go `go`.
pub(super) fn parse(s: &str, go: GoRelease, strict: bool) -> Result<Instant, String> {
    let b = s.as_bytes();
    if strict {
        if let Some(t) = parse_strict(b) {
            return Ok(t);
        }
    }
    let t = parse_go(b, go).map_err(|e| e.cty_text(strict))?;
    if !strict {
        return Ok(t);
    }
    // Go's lenient reader took what the strict one refused (cty's
    // parseStrictRFC3339 cases, in its order).
    let two = |at: usize| -> u32 {
        b.get(at..at + 2).map_or(0, |d| {
            u32::from(d[0].wrapping_sub(b'0')) * 10 + u32::from(d[1].wrapping_sub(b'0'))
        })
    };
    let tail = |n: usize| String::from_utf8_lossy(&b[b.len().saturating_sub(n)..]).into_owned();
    let e = if b.get(12) == Some(&b':') {
        GoError::at("15", &b[11..12])
    } else if b.get(19) == Some(&b',') {
        GoError::at(".", b",")
    } else if b.last() != Some(&b'Z')
        && (two(b.len().saturating_sub(5)) >= 24 || two(b.len().saturating_sub(2)) >= 60)
    {
        // The zone's hour, then its minute: both name the zone.
        GoError::at("Z07:00", tail(6).as_bytes())
    } else {
        GoError::at("2006-01-02T15:04:05Z07:00", b)
    };
    Err(e.cty_text(strict))
}

/// cty's `parseRFC3339` (the strict reader once in Go 1.20's tree): the
/// fixed layout, a four-digit year, every field in range (no leap
/// second), a `.` fraction, `Z` or `±hh:mm` (hours below 24).
fn parse_strict(s: &[u8]) -> Option<Instant> {
    let num = |r: std::ops::Range<usize>, min: i64, max: i64| -> Option<i64> {
        let d = s.get(r)?;
        if !d.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let x = d.iter().fold(0i64, |a, c| a * 10 + i64::from(c - b'0'));
        (min..=max).contains(&x).then_some(x)
    };
    if s.len() < 19 {
        return None;
    }
    let y = num(0..4, 0, 9999)?;
    let mo = num(5..7, 1, 12)?;
    let d = num(8..10, 1, days_in(mo, y))?;
    let h = num(11..13, 0, 23)?;
    let mi = num(14..16, 0, 59)?;
    let sec = num(17..19, 0, 59)?;
    if !(s[4] == b'-' && s[7] == b'-' && s[10] == b'T' && s[13] == b':' && s[16] == b':') {
        return None;
    }
    let mut rest = &s[19..];
    let mut nanos = 0u32;
    if rest.len() >= 2 && rest[0] == b'.' && rest[1].is_ascii_digit() {
        let n = 1 + rest[1..].iter().take_while(|b| b.is_ascii_digit()).count();
        nanos = fraction(&rest[1..n.min(10)]);
        rest = &rest[n..];
    }
    let offset = if rest == b"Z" {
        0
    } else {
        if rest.len() != 6 || rest[3] != b':' || !matches!(rest[0], b'+' | b'-') {
            return None;
        }
        let tz = |r: std::ops::Range<usize>, max: i64| -> Option<i64> {
            let d = rest.get(r)?;
            if !d.iter().all(u8::is_ascii_digit) {
                return None;
            }
            let x = d.iter().fold(0i64, |a, c| a * 10 + i64::from(c - b'0'));
            (x <= max).then_some(x)
        };
        let off = ((tz(1..3, 23)? * 60 + tz(4..6, 59)?) * 60) as i32;
        if rest[0] == b'-' {
            -off
        } else {
            off
        }
    };
    let days = super::datetime::days_from_civil(y, mo, d);
    Some((
        days * 86400 + h * 3600 + mi * 60 + sec - i64::from(offset),
        nanos,
        offset,
    ))
}

/// Nanoseconds from up to nine fraction digits (Go's parseNanoseconds).
fn fraction(digits: &[u8]) -> u32 {
    let mut ns = digits
        .iter()
        .fold(0u32, |a, c| a * 10 + u32::from(c - b'0'));
    for _ in digits.len()..9 {
        ns *= 10;
    }
    ns
}

fn parse_go(all: &[u8], go: GoRelease) -> Result<Instant, GoError> {
    // A literal: the next byte must be it.
    fn skip<'a>(v: &'a [u8], want: &'static str) -> Result<&'a [u8], GoError> {
        match v.first() {
            Some(b) if *b == want.as_bytes()[0] => Ok(&v[1..]),
            _ => Err(GoError::at(want, v)),
        }
    }
    let v = all;
    // 2006
    if v.len() < 4 {
        return Err(GoError::at("2006", v));
    }
    let y = year(&v[..4]).ok_or_else(|| GoError::at("2006", v))?;
    let v = skip(&v[4..], "-")?;
    // 01
    let (mo, rest) = getnum(v, true).ok_or_else(|| GoError::at("01", v))?;
    if !(1..=12).contains(&mo) {
        return Err(GoError::range("01", rest, "month"));
    }
    let v = skip(rest, "-")?;
    // 02
    let (d, rest) = getnum(v, true).ok_or_else(|| GoError::at("02", v))?;
    let v = skip(rest, "T")?;
    // 15
    let (h, rest) = getnum(v, false).ok_or_else(|| GoError::at("15", v))?;
    if h >= 24 {
        return Err(GoError::range("15", rest, "hour"));
    }
    let v = skip(rest, ":")?;
    // 04
    let (mi, rest) = getnum(v, true).ok_or_else(|| GoError::at("04", v))?;
    if mi >= 60 {
        return Err(GoError::range("04", rest, "minute"));
    }
    let v = skip(rest, ":")?;
    // 05, and a fraction the layout does not name
    let (sec, mut v) = getnum(v, true).ok_or_else(|| GoError::at("05", v))?;
    if sec >= 60 {
        return Err(GoError::range("05", v, "second"));
    }
    let mut nanos = 0u32;
    let sep = |b: u8| b == b'.' || (b == b',' && go >= (1, 17, 0));
    if v.len() >= 2 && sep(v[0]) && v[1].is_ascii_digit() {
        let n = 1 + v[1..].iter().take_while(|b| b.is_ascii_digit()).count();
        // parseNanoseconds: at most nine digits count.
        nanos = fraction(&v[1..n.min(10)]);
        v = &v[n..];
    }
    // Z07:00
    let offset: i32 = if v.first() == Some(&b'Z') {
        v = &v[1..];
        0
    } else {
        if v.len() < 6 || v[3] != b':' {
            return Err(GoError::at("Z07:00", v));
        }
        let bad = || GoError::at("Z07:00", v);
        let (hr, _) = getnum(&v[1..3], true).ok_or_else(bad)?;
        let (mm, _) = getnum(&v[4..6], true).ok_or_else(bad)?;
        let range = if hr > 24 {
            Some("time zone offset hour")
        } else if mm > 60 {
            Some("time zone offset minute")
        } else {
            None
        };
        let off = ((hr * 60 + mm) * 60) as i32;
        let off = match v[0] {
            b'+' => off,
            b'-' => -off,
            _ => return Err(bad()),
        };
        if let Some(what) = range {
            return Err(GoError::range("Z07:00", &v[6..], what));
        }
        v = &v[6..];
        off
    };
    if !v.is_empty() {
        let rest = String::from_utf8_lossy(v).into_owned();
        return Err(GoError {
            layout: "",
            message: format!(": extra text: {}", crate::gotext::go_quote(&rest)),
            value: rest,
        });
    }
    if d < 1 || d > days_in(mo, y) {
        return Err(GoError {
            layout: "",
            value: String::new(),
            message: ": day out of range".into(),
        });
    }
    let days = super::datetime::days_from_civil(y, mo, d);
    Ok((
        days * 86400 + h * 3600 + mi * 60 + sec - i64::from(offset),
        nanos,
        offset,
    ))
}

fn days_in(month: i64, year: i64) -> i64 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::parse;

    const GO: (u32, u32, u32) = (1, 22, 0);

    /// Each input's error as cty words Go 1.22's, run through the oracle
    /// (tests/hcl-oracle) or read from cty's datetime_test.go.
    #[test]
    fn errors_name_the_part_as_cty_does() {
        let err = |s: &str| parse(s, GO, false).err().unwrap_or_default();
        assert_eq!(
            err("nope"),
            "not a valid RFC3339 timestamp: cannot use \"nope\" as year"
        );
        assert_eq!(
            err("2020-13-01T00:00:00Z"),
            "not a valid RFC3339 timestamp: cannot use \"-01T00:00:00Z\" as month"
        );
        assert_eq!(
            err("2020-01-01t00:00:00Z"),
            "not a valid RFC3339 timestamp: missing required time introducer 'T'"
        );
        assert_eq!(
            err("2020-01-01"),
            "not a valid RFC3339 timestamp: missing required time introducer 'T'"
        );
        assert_eq!(
            err("2020-01-01T00:00:00z"),
            "not a valid RFC3339 timestamp: cannot use \"z\" as UTC offset"
        );
        assert_eq!(
            err("2020-02-30T00:00:00Z"),
            "not a valid RFC3339 timestamp: day out of range"
        );
        assert_eq!(
            err("2020x01-01T00:00:00Z"),
            "not a valid RFC3339 timestamp: found \"x01-01T00:00:00Z\" where \"-\" is expected"
        );
        assert_eq!(
            err("2020-01-01T00:00:00Zx"),
            "not a valid RFC3339 timestamp: cannot use \"x\" as timestamp segment"
        );
        assert_eq!(
            err("2020-01-01T00:00"),
            "not a valid RFC3339 timestamp: end of string where \":\" is expected"
        );
        // One hour digit is enough for Go's general parser.
        assert_eq!(
            parse("2020-01-01T1:00:00Z", GO, false).map(|t| t.0),
            Ok(1_577_840_400)
        );
        assert_eq!(
            parse("2020-01-01T00:00:00.5+01:00", GO, false),
            Ok((1_577_833_200, 500_000_000, 3600))
        );
    }
}
