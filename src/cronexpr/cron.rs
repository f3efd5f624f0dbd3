//! Cron expressions as Nomad reads them: `github.com/hashicorp/cronexpr`
//! (0.11.2+; before, `gorhill/cronexpr`, whose `Next` is gorhill.rs). No Rust
//! crate reads them the same way: six fields are minute..day-of-week plus a
//! *year* (not seconds first), seven add seconds in front; `L`, `W`, `LW`,
//! `5L` and `5#3`; day-of-month and day-of-week both restricted means
//! either matches; unknown numeric tokens read as 0; and hashicorp's
//! `Next` walks a DST-change day hour by hour on the instant. So the rules
//! are written here, from cronexpr's README and source.

use super::clock::{days_in_month, weekday, Clock};
use crate::version::NomadVersion;

/// A parsed expression: sorted lists of the values each field allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CronExpr {
    flavor: Flavor,
    pub(super) seconds: Vec<i64>,
    pub(super) minutes: Vec<i64>,
    pub(super) hours: Vec<i64>,
    days_of_month: Vec<i64>,
    workdays_of_month: Vec<i64>,
    last_day_of_month: bool,
    last_workday_of_month: bool,
    dom_restricted: bool,
    pub(super) months: Vec<i64>,
    days_of_week: Vec<i64>,
    /// `D#N` as (N-1)*7 + D.
    nth_days_of_week: Vec<i64>,
    /// `DL`: the last D of the month.
    last_days_of_week: Vec<i64>,
    dow_restricted: bool,
    pub(super) years: Vec<i64>,
}

/// Which cronexpr Nomad links: its quirks differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    /// `gorhill/cronexpr` as vendored by Nomad up to 0.11.1: a day-of-week
    /// range ending in 7 (`1-7`) selects nothing, and `Next` steps field
    /// by field with `time.Date` (gorhill.rs).
    Gorhill,
    /// `hashicorp/cronexpr` v1.1.0 (0.11.2 to 0.12.3): such a range ends on
    /// Saturday, and `Next` walks a day whose offset changes on the instant;
    /// like gorhill's, its month table has no `01`..`09`, so those read as
    /// month 0, and its `Next` then never returns (run against the vendored
    /// source with go1.19: `0 0 1 01 *`, `0 0 1 01,05 *` from any month).
    Hashicorp110,
    /// `hashicorp/cronexpr` v1.1.1..v1.1.3 (0.12.4 on, go.mod): v1.1.0's
    /// `Next`, with `01`..`09` in the month table (its commit 8cee125).
    Hashicorp,
}

impl Flavor {
    /// 0.11.2 replaced the vendored gorhill/cronexpr by hashicorp's
    /// (`git ls-tree v0.11.1 vendor/github.com/gorhill/cronexpr`,
    /// vendor/vendor.json@v0.11.2: `github.com/hashicorp/cronexpr` v1.1.0);
    /// go.mod@v0.12.4 moved to v1.1.1.
    pub fn of(version: NomadVersion) -> Flavor {
        if version.at_least(0, 12, 4) {
            Flavor::Hashicorp
        } else if version.at_least(0, 11, 2) {
            Flavor::Hashicorp110
        } else {
            Flavor::Gorhill
        }
    }

    /// hashicorp's `Next` and day-of-week ranges.
    fn hashicorp(self) -> bool {
        self != Flavor::Gorhill
    }

    /// Are `01`..`09` months in the library's token table?
    fn padded_months(self) -> bool {
        self == Flavor::Hashicorp
    }
}

/// What `Expression.Next` gives.
#[derive(Debug, Clone)]
pub enum Next {
    At(Clock),
    /// Go's zero time: no launch (no year left, or a zero "from").
    Never,
    /// Go panics (an empty field list indexed), and Nomad's Plan RPC
    /// fails with `structs.CronParseNext`'s error: why, in our words.
    Fails(String),
    /// The walk does not end: gorhill's year/month recursion (a month
    /// without a day whose first time falls back into the month before:
    /// Nomad's server overflows its stack) or hashicorp's loop (Nomad's
    /// Plan RPC never answers).
    Endless,
}

impl Next {
    /// The launch, if there is one.
    pub fn at(self) -> Option<Clock> {
        match self {
            Next::At(c) => Some(c),
            _ => None,
        }
    }
}

/// Go's zero `time.Time`: `Next` returns it unchanged, whatever the
/// expression.
const GO_ZERO_TIME: i64 = crate::gotime::ZERO_UNIX_SECS;

#[derive(Debug, Clone, Copy)]
struct Field {
    name: &'static str,
    min: i64,
    max: i64,
    /// Are two-digit tokens with a leading zero (`01`) read as their
    /// number? Only the month field has a token table that may lack them.
    padded: bool,
}

const SECOND: Field = Field {
    name: "second",
    min: 0,
    max: 59,
    padded: true,
};
const MINUTE: Field = Field {
    name: "minute",
    min: 0,
    max: 59,
    padded: true,
};
const HOUR: Field = Field {
    name: "hour",
    min: 0,
    max: 23,
    padded: true,
};
const DOM: Field = Field {
    name: "day-of-month",
    min: 1,
    max: 31,
    padded: true,
};
const MONTH: Field = Field {
    name: "month",
    min: 1,
    max: 12,
    padded: true,
};
/// The month field of a library whose token table has no `01`..`09`: the
/// value pattern takes them, and Go's read of the missing key gives 0
/// (gorhill cronexpr_parse.go monthTokens@v0.9.3; hashicorp v1.1.0's the
/// same), so `01` is month 0, which `time.Date` reads as the December
/// before.
const MONTH_UNPADDED: Field = Field {
    name: "month",
    min: 1,
    max: 12,
    padded: false,
};
const DOW: Field = Field {
    name: "day-of-week",
    min: 0,
    max: 6,
    padded: true,
};
const YEAR: Field = Field {
    name: "year",
    min: 1970,
    max: 2099,
    padded: true,
};

const MONTH_NAMES: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];
const DAY_NAMES: [&str; 7] = [
    "sunday",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
];

/// cronexpr's number table: "0".."59" with or without a leading zero for
/// one digit, and the years 1970..2099. Anything else reads as 0.
fn number(s: &str) -> i64 {
    let ok = match s.len() {
        1 => true,
        2 => s.starts_with('0') || s.as_bytes()[0] <= b'5',
        4 => (1970..=2099).contains(&s.parse::<i64>().unwrap_or(0)),
        _ => false,
    };
    if ok && s.bytes().all(|b| b.is_ascii_digit()) {
        s.parse().unwrap_or(0)
    } else {
        0
    }
}

/// Does `s` match the field's value pattern (cronexpr's regular
/// expressions, spelled out)?
fn is_value(f: Field, s: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let two =
        |s: &str, max: i64| digits(s) && s.len() <= 2 && s.parse::<i64>().is_ok_and(|v| v <= max);
    match f.name {
        "second" | "minute" => two(s, 59),
        "hour" => two(s, 23),
        "day-of-month" => two(s, 31) && s.parse::<i64>().is_ok_and(|v| v >= 1),
        "month" => {
            (two(s, 12) && s.parse::<i64>().is_ok_and(|v| v >= 1))
                || MONTH_NAMES.iter().any(|n| *n == s || n.get(..3) == Some(s))
        }
        "day-of-week" => {
            (digits(s)
                && s.len() <= 2
                && (s.len() == 1 || s.starts_with('0'))
                && s.parse::<i64>().is_ok_and(|v| v <= 7))
                || DAY_NAMES.iter().any(|n| *n == s || n.get(..3) == Some(s))
        }
        _ => digits(s) && s.len() == 4 && (1970..=2099).contains(&s.parse::<i64>().unwrap_or(0)),
    }
}

/// A value token's number (names for months and days; `7` is Sunday; a
/// two-digit day-of-week such as `01` is not in cronexpr's table: 0).
fn value(f: Field, s: &str) -> i64 {
    match f.name {
        "month" => MONTH_NAMES
            .iter()
            .position(|n| *n == s || n.get(..3) == Some(s))
            .map_or_else(
                || {
                    let unpadded = !f.padded && s.len() == 2 && s.starts_with('0');
                    if s.len() <= 2 && !unpadded {
                        number(s)
                    } else {
                        0
                    }
                },
                |k| k as i64 + 1,
            ),
        "day-of-week" => match DAY_NAMES
            .iter()
            .position(|n| *n == s || n.get(..3) == Some(s))
        {
            Some(k) => k as i64,
            None if s.len() == 1 => number(s) % 7,
            None => 0,
        },
        _ => number(s),
    }
}

#[derive(Debug, Clone, Copy)]
enum Directive {
    All,
    One(i64),
    Span(i64, i64, i64),
}

/// One comma-separated entry: `*`/`?`, `v`, `a-b`, `*/n`, `v/n`, `a-b/n`,
/// or `None` for anything else (the day fields try their own forms).
fn directive(f: Field, s: &str) -> Result<Option<Directive>, String> {
    if s == "*" || s == "?" {
        return Ok(Some(Directive::All));
    }
    if is_value(f, s) {
        return Ok(Some(Directive::One(value(f, s))));
    }
    let step = |n: &str| -> Result<i64, String> {
        let v = if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) {
            number(n)
        } else {
            -1
        };
        if v < 1 || v > f.max {
            return Err(format!("invalid interval {s}"));
        }
        Ok(v)
    };
    let range = |r: &str| -> Option<(i64, i64)> {
        let (a, b) = r.split_once('-')?;
        (is_value(f, a) && is_value(f, b)).then(|| (value(f, a), value(f, b)))
    };
    if let Some((a, b)) = range(s) {
        return Ok(Some(Directive::Span(a, b, 1)));
    }
    if let Some((head, n)) = s.split_once('/') {
        let n_digits = !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit());
        if head == "*" && n_digits {
            return Ok(Some(Directive::Span(f.min, f.max, step(n)?)));
        }
        if is_value(f, head) && n_digits {
            return Ok(Some(Directive::Span(value(f, head), f.max, step(n)?)));
        }
        if let (Some((a, b)), true) = (range(head), n_digits) {
            return Ok(Some(Directive::Span(a, b, step(n)?)));
        }
    }
    Ok(None)
}

fn sorted(mut v: Vec<i64>) -> Vec<i64> {
    v.sort_unstable();
    v.dedup();
    v
}

fn span(first: i64, last: i64, step: i64) -> impl Iterator<Item = i64> {
    (first..=last).step_by(usize::try_from(step.max(1)).unwrap_or(1))
}

fn entries(f: Field, s: &str) -> Result<Vec<&str>, String> {
    let e: Vec<&str> = s.split(',').filter(|e| !e.is_empty()).collect();
    if e.is_empty() {
        return Err(format!("{} field: missing directive", f.name));
    }
    Ok(e)
}

fn generic(f: Field, s: &str) -> Result<Vec<i64>, String> {
    let lower = s.to_ascii_lowercase();
    let mut values = Vec::new();
    for e in entries(f, &lower)? {
        match directive(f, e)? {
            None => return Err(format!("syntax error in {} field: '{e}'", f.name)),
            Some(Directive::All) => return Ok(span(f.min, f.max, 1).collect()),
            Some(Directive::One(v)) => values.push(v),
            Some(Directive::Span(a, b, n)) => values.extend(span(a, b, n)),
        }
    }
    Ok(sorted(values))
}

impl CronExpr {
    /// `cronexpr.Parse`: 5 fields (minute..day-of-week), 6 (plus year), 7
    /// (seconds first); more than 7 are ignored; `@yearly` and friends.
    pub fn parse(line: &str, flavor: Flavor) -> Result<CronExpr, String> {
        let mut line = line.to_string();
        for (name, with) in [
            ("@yearly", "0 0 0 1 1 * *"),
            ("@annually", "0 0 0 1 1 * *"),
            ("@monthly", "0 0 0 1 * * *"),
            ("@weekly", "0 0 0 * * 0 *"),
            ("@daily", "0 0 0 * * * *"),
            ("@hourly", "0 0 * * * * *"),
        ] {
            line = line.replace(name, with);
        }
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.len() < 5 {
            return Err("missing field(s)".into());
        }
        let count = fields.len().min(7);
        let mut it = fields.into_iter();
        let mut next = || it.next().unwrap_or("*");
        let seconds = if count == 7 {
            generic(SECOND, next())?
        } else {
            vec![0]
        };
        let minutes = generic(MINUTE, next())?;
        let hours = generic(HOUR, next())?;
        let mut e = CronExpr {
            flavor,
            seconds,
            minutes,
            hours,
            days_of_month: Vec::new(),
            workdays_of_month: Vec::new(),
            last_day_of_month: false,
            last_workday_of_month: false,
            dom_restricted: true,
            months: Vec::new(),
            days_of_week: Vec::new(),
            nth_days_of_week: Vec::new(),
            last_days_of_week: Vec::new(),
            dow_restricted: true,
            years: span(YEAR.min, YEAR.max, 1).collect(),
        };
        e.dom(next())?;
        let month = if flavor.padded_months() {
            MONTH
        } else {
            MONTH_UNPADDED
        };
        e.months = generic(month, next())?;
        e.dow(next(), flavor)?;
        if count > 5 {
            e.years = generic(YEAR, next())?;
        }
        Ok(e)
    }

    fn dom(&mut self, s: &str) -> Result<(), String> {
        let lower = s.to_ascii_lowercase();
        for e in entries(DOM, &lower)? {
            match directive(DOM, e)? {
                Some(Directive::All) => {
                    self.days_of_month.extend(span(1, 31, 1));
                    self.dom_restricted = false;
                }
                Some(Directive::One(v)) => self.days_of_month.push(v),
                Some(Directive::Span(a, b, n)) => self.days_of_month.extend(span(a, b, n)),
                None if e == "l" => self.last_day_of_month = true,
                None if e == "lw" => self.last_workday_of_month = true,
                None => match e.strip_suffix('w').filter(|v| is_value(DOM, v)) {
                    Some(v) => self.workdays_of_month.push(value(DOM, v)),
                    None => return Err(format!("syntax error in day-of-month field: '{e}'")),
                },
            }
        }
        self.days_of_month = sorted(std::mem::take(&mut self.days_of_month));
        Ok(())
    }

    fn dow(&mut self, s: &str, flavor: Flavor) -> Result<(), String> {
        let lower = s.to_ascii_lowercase();
        for e in entries(DOW, &lower)? {
            match directive(DOW, e)? {
                Some(Directive::All) => {
                    self.days_of_week.extend(span(0, 6, 1));
                    self.dow_restricted = false;
                }
                Some(Directive::One(v)) => self.days_of_week.push(v),
                Some(Directive::Span(a, b, n)) => {
                    // `x-7` reads 7 as 0 (Sunday): nothing in gorhill's,
                    // up to Saturday in hashicorp's.
                    let b = if b == 0 && flavor.hashicorp() { 6 } else { b };
                    self.days_of_week.extend(span(a, b, n));
                }
                None => {
                    if let Some(d) = e.strip_suffix('l').filter(|d| is_value(DOW, d)) {
                        self.last_days_of_week.push(value(DOW, d));
                    } else if let Some((d, n)) = e.split_once('#').filter(|(d, n)| {
                        is_value(DOW, d) && n.len() == 1 && (b'1'..=b'5').contains(&n.as_bytes()[0])
                    }) {
                        self.nth_days_of_week
                            .push((number(n) - 1) * 7 + value(DOW, d) % 7);
                    } else {
                        return Err(format!("syntax error in day-of-week field: '{e}'"));
                    }
                }
            }
        }
        Ok(())
    }

    /// The days of a month the day fields select (cronexpr's
    /// `calculateActualDaysOfMonth`).
    pub(super) fn days(&self, year: i64, month: i64) -> Vec<i64> {
        let last = days_in_month(year, month);
        if !self.dom_restricted && !self.dow_restricted {
            return (1..=last).collect();
        }
        let mut out = Vec::new();
        let workday = |dom: i64| {
            // Saturday → Friday (Monday the 3rd for the 1st); Sunday →
            // Monday (Friday for the last day): never across the month.
            match weekday(year, month, dom) {
                6 if dom > 1 => dom - 1,
                6 => dom + 2,
                0 if dom < last => dom + 1,
                0 => dom - 2,
                _ => dom,
            }
        };
        if self.dom_restricted {
            if self.last_day_of_month {
                out.push(last);
            }
            if self.last_workday_of_month {
                out.push(workday(last));
            }
            out.extend(self.days_of_month.iter().filter(|d| **d <= last));
            out.extend(
                self.workdays_of_month
                    .iter()
                    .filter(|d| **d <= last)
                    .map(|d| workday(*d)),
            );
        }
        if self.dow_restricted {
            let offset = 7 - weekday(year, month, 1);
            for d in &self.days_of_week {
                let first = (offset + d) % 7 + 1;
                out.extend((0..5).map(|w| first + 7 * w).filter(|day| *day <= last));
            }
            for v in &self.nth_days_of_week {
                let day = 1 + 7 * (v / 7) + (offset + v) % 7;
                if day <= last {
                    out.push(day);
                }
            }
            let origin = last - 6;
            let offset = 7 - weekday(year, month, origin);
            for d in &self.last_days_of_week {
                let day = origin + (offset + d) % 7;
                if day <= last {
                    out.push(day);
                }
            }
        }
        sorted(out)
    }

    /// `Expression.Next` of the flavour parsed: the next matching instant
    /// after `from`, in `from`'s zone, as that library computes it.
    pub fn next(&self, from: &Clock) -> Next {
        // Both libraries: `if fromTime.IsZero() { return fromTime }`.
        if from.unix == GO_ZERO_TIME {
            return Next::Never;
        }
        match self.flavor {
            Flavor::Gorhill => self.gorhill_next(from),
            Flavor::Hashicorp110 if self.months.contains(&0) => self.month_zero_next(from),
            Flavor::Hashicorp110 | Flavor::Hashicorp => self.hashicorp_next(from),
        }
    }
}

impl CronExpr {
    /// v1.1.0's `Next` with month 0 in the list: within the year of `from`
    /// it looks for a month at least the current one (never 0), so it
    /// answers as without it; the first step into a later year takes the
    /// list's first month, 0, which `time.Date` puts back in December of
    /// the year before, and the walk never ends (the vendored source run
    /// with go1.19: `0 0 1 01,5 *` from March gives May 1, from December
    /// never returns).
    fn month_zero_next(&self, from: &Clock) -> Next {
        let mut rest = self.clone();
        rest.months.retain(|m| *m != 0);
        if rest.months.is_empty() {
            return Next::Endless;
        }
        match rest.hashicorp_next(from) {
            Next::At(c) if c.fields().year == from.fields().year => Next::At(c),
            Next::At(_) | Next::Never | Next::Endless => Next::Endless,
            fails @ Next::Fails(_) => fails,
        }
    }
}

/// Why Go's `Next` panics: a field list a descending range (`30-10`) left
/// empty, indexed at 0.
pub(super) fn empty_list(field: &str) -> String {
    format!("the {field} list is empty (index out of range)")
}
