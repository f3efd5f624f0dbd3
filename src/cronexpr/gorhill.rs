//! `Expression.Next` of `github.com/gorhill/cronexpr`, the copy Nomad
//! vendored up to 0.11.1 (vendor/github.com/gorhill/cronexpr/
//! cronexpr.go:157-235 and cronexpr_next.go:36-189@v0.9.3, the same files
//! at every tag 0.9.0 to 0.11.1). Its walk differs from hashicorp's:
//!
//! - it starts *at* the given instant and, once every field matches, looks
//!   for the next second, rather than starting one second later;
//! - each step builds the candidate with `time.Date` from the fields it
//!   kept and the first allowed value of the finer ones, and returns it
//!   without checking it again: a local time a DST change skips takes the
//!   offset Go's rule gives (clock.rs), so the result may be an hour early
//!   or late, even before "now", and a repeated hour is not revisited;
//! - the first value of a field list is indexed without a check: an empty
//!   list (a descending range such as `30-10`) panics in Go, which
//!   `structs.CronParseNext` turns into an error of the Plan RPC.
//!
//! The year and month steps call each other while a month has no day the
//! expression allows; here that is a loop with a bound, because a month
//! whose first day's first allowed time falls in a DST gap can send Go's
//! recursion back to the month before, forever.

use super::clock::Clock;
use super::cron::{empty_list, CronExpr, Next};

/// More than the year × month steps the years 1970..=2099 allow.
const STEPS: usize = 4096;

/// The first element at least `v`.
fn at_least(list: &[i64], v: i64) -> Option<i64> {
    list.get(list.partition_point(|x| *x < v)).copied()
}

/// Go's `list[0]` on an empty list: the panic Nomad recovers into an error.
fn first(list: &[i64], field: &str) -> Result<i64, Next> {
    list.first()
        .copied()
        .ok_or_else(|| Next::Fails(empty_list(field)))
}

impl CronExpr {
    /// gorhill's `Next(from)`: every field of `from` is checked in turn;
    /// the first that does not match moves on from there.
    pub(super) fn gorhill_next(&self, from: &Clock) -> Next {
        self.gorhill_walk(from).unwrap_or_else(|stop| stop)
    }

    fn gorhill_walk(&self, from: &Clock) -> Result<Next, Next> {
        let f = from.fields();
        match at_least(&self.years, f.year) {
            None => return Ok(Next::Never),
            Some(y) if y != f.year => return self.next_year(from),
            Some(_) => {}
        }
        match at_least(&self.months, f.month) {
            None => return self.next_year(from),
            Some(m) if m != f.month => return self.next_month(from),
            Some(_) => {}
        }
        let days = self.days(f.year, f.month);
        match at_least(&days, f.day) {
            None => return self.next_month(from),
            Some(d) if d != f.day => return self.next_day(from, &days),
            Some(_) => {}
        }
        match at_least(&self.hours, f.hour) {
            None => return self.next_day(from, &days),
            Some(h) if h != f.hour => return self.next_hour(from, &days),
            Some(_) => {}
        }
        match at_least(&self.minutes, f.minute) {
            None => return self.next_hour(from, &days),
            Some(m) if m != f.minute => return self.next_minute(from, &days),
            Some(_) => {}
        }
        if at_least(&self.seconds, f.second).is_none() {
            return self.next_minute(from, &days);
        }
        self.next_second(from, &days)
    }

    /// The first hour, minute and second allowed: the time of day every
    /// coarser step lands on.
    fn day_start(&self) -> Result<(i64, i64, i64), Next> {
        Ok((
            first(&self.hours, "hour")?,
            first(&self.minutes, "minute")?,
            first(&self.seconds, "second")?,
        ))
    }

    fn next_second(&self, t: &Clock, days: &[i64]) -> Result<Next, Next> {
        let f = t.fields();
        match at_least(&self.seconds, f.second + 1) {
            None => self.next_minute(t, days),
            Some(s) => Ok(Next::At(
                t.date(f.year, f.month, f.day, f.hour, f.minute, s),
            )),
        }
    }

    fn next_minute(&self, t: &Clock, days: &[i64]) -> Result<Next, Next> {
        let f = t.fields();
        match at_least(&self.minutes, f.minute + 1) {
            None => self.next_hour(t, days),
            Some(m) => {
                let s0 = first(&self.seconds, "second")?;
                Ok(Next::At(t.date(f.year, f.month, f.day, f.hour, m, s0)))
            }
        }
    }

    fn next_hour(&self, t: &Clock, days: &[i64]) -> Result<Next, Next> {
        let f = t.fields();
        match at_least(&self.hours, f.hour + 1) {
            None => self.next_day(t, days),
            Some(h) => {
                let m0 = first(&self.minutes, "minute")?;
                let s0 = first(&self.seconds, "second")?;
                Ok(Next::At(t.date(f.year, f.month, f.day, h, m0, s0)))
            }
        }
    }

    /// `days` is the month's list as the walk last computed it (Go keeps
    /// it on the expression).
    fn next_day(&self, t: &Clock, days: &[i64]) -> Result<Next, Next> {
        let f = t.fields();
        match at_least(days, f.day + 1) {
            None => self.next_month(t),
            Some(d) => {
                let (h0, m0, s0) = self.day_start()?;
                Ok(Next::At(t.date(f.year, f.month, d, h0, m0, s0)))
            }
        }
    }

    fn next_month(&self, t: &Clock) -> Result<Next, Next> {
        self.month_or_year(t.clone(), false)
    }

    fn next_year(&self, t: &Clock) -> Result<Next, Next> {
        self.month_or_year(t.clone(), true)
    }

    /// `nextMonth` / `nextYear`: the next allowed month (or the first of
    /// the next allowed year) with a day; a month without one moves on
    /// from its first day at the first allowed time, as read back by
    /// `time.Date`.
    fn month_or_year(&self, mut t: Clock, mut year: bool) -> Result<Next, Next> {
        for _ in 0..STEPS {
            let f = t.fields();
            let (y, m) = if year {
                let Some(y) = at_least(&self.years, f.year + 1) else {
                    return Ok(Next::Never);
                };
                (y, first(&self.months, "month")?)
            } else {
                match at_least(&self.months, f.month + 1) {
                    Some(m) => (f.year, m),
                    None => {
                        year = true;
                        continue;
                    }
                }
            };
            let (h0, m0, s0) = self.day_start()?;
            match self.days(y, m).first() {
                Some(&d) => return Ok(Next::At(t.date(y, m, d, h0, m0, s0))),
                None => {
                    t = t.date(y, m, 1, h0, m0, s0);
                    year = false;
                }
            }
        }
        Err(Next::Endless)
    }
}
