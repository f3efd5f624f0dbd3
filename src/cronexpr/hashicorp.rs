//! `Expression.Next` of `github.com/hashicorp/cronexpr` v1.1.0, the one
//! Nomad vendors from 0.11.2 (cronexpr.go:157-281@v0.11.2; the v1.1.1..
//! v1.1.3 later releases link have the same cronexpr.go and
//! cronexpr_next.go): from one second after "now", each
//! field is moved to its next allowed value with `time.Date` and the walk
//! starts again; a day whose offset changes is walked on the instant, by
//! the hour and then by the minute.

use super::clock::Clock;
use super::cron::{empty_list, CronExpr, Next};

impl CronExpr {
    /// hashicorp/cronexpr's `Next` (cronexpr.go@v0.11.2): from one second
    /// after `from`; `Never` past the last year allowed.
    pub(super) fn hashicorp_next(&self, from: &Clock) -> Next {
        let mut t = from.add(1);
        // Every pass moves forward at least an hour or to a later day; a
        // bound keeps a malformed expression from looping. A pass that
        // comes back to an instant already tried loops in Go for ever (an
        // empty hour list on a day whose midnight is skipped: `time.Date`
        // reads it as the day before).
        let mut seen = std::collections::HashSet::new();
        for _ in 0..200_000 {
            match self.step(&t) {
                Step::Done(t) => return Next::At(t),
                Step::Never => return Next::Never,
                Step::Fails(why) => return Next::Fails(why),
                Step::Again(n) if !seen.insert(n.unix) => return Next::Endless,
                Step::Again(n) => t = n,
            }
        }
        Next::Never
    }

    fn step(&self, t: &Clock) -> Step {
        let at = |list: &[i64], v: i64| list.partition_point(|x| *x < v);
        let f = t.fields();
        let i = at(&self.years, f.year);
        let Some(&year) = self.years.get(i) else {
            return Step::Never;
        };
        // A year is left: Go indexes `monthList[0]` on either path.
        let Some(&first_month) = self.months.first() else {
            return Step::Fails(empty_list("month"));
        };
        let mut t = t.clone();
        if year != f.year {
            t = t.date(year, first_month, 1, 0, 0, 0);
        }
        let f = t.fields();
        let i = at(&self.months, f.month);
        match self.months.get(i) {
            None => return Step::Again(t.date(f.year + 1, first_month, 1, 0, 0, 0)),
            Some(&m) if m != f.month => t = t.date(f.year, m, 1, 0, 0, 0),
            Some(_) => {}
        }
        let f = t.fields();
        let days = self.days(f.year, f.month);
        let i = at(&days, f.day);
        match days.get(i) {
            None => return Step::Again(t.date(f.year, f.month + 1, 1, 0, 0, 0)),
            Some(&d) if d != f.day => {
                t = t.date(f.year, f.month, d, 0, 0, 0);
                // Midnight the zone skips: back to the day's start.
                let h = t.fields().hour;
                if h > 12 {
                    t = t.add((24 - h) * 3600);
                } else if h != 0 {
                    t = t.add(-h * 3600);
                }
            }
            Some(_) => {}
        }
        if self.zone_changes_around(&t) {
            return self.slow_clock(t);
        }
        // Go indexes the first minute and second only where it moves to a
        // later hour or minute: an empty list panics there.
        let f = t.fields();
        match self.hours.get(at(&self.hours, f.hour)) {
            None => return Step::Again(t.date(f.year, f.month, f.day + 1, 0, 0, 0)),
            Some(&h) if h != f.hour => {
                let (Some(&m0), Some(&s0)) = (self.minutes.first(), self.seconds.first()) else {
                    return Step::Fails(empty_list("minute or second"));
                };
                t = t.date(f.year, f.month, f.day, h, m0, s0);
            }
            Some(_) => {}
        }
        let f = t.fields();
        match self.minutes.get(at(&self.minutes, f.minute)) {
            None => return Step::Again(t.date(f.year, f.month, f.day, f.hour + 1, 0, 0)),
            Some(&m) if m != f.minute => {
                let Some(&s0) = self.seconds.first() else {
                    return Step::Fails(empty_list("second"));
                };
                t = t.date(f.year, f.month, f.day, f.hour, m, s0);
            }
            Some(_) => {}
        }
        let f = t.fields();
        match self.seconds.get(at(&self.seconds, f.second)) {
            None => Step::Again(t.date(f.year, f.month, f.day, f.hour, f.minute + 1, 0)),
            Some(&s) if s != f.second => {
                Step::Done(t.date(f.year, f.month, f.day, f.hour, f.minute, s))
            }
            Some(_) => Step::Done(t),
        }
    }

    /// `timeZoneInDay`: the offset a day before differs from a day after.
    fn zone_changes_around(&self, t: &Clock) -> bool {
        !t.is_utc() && t.add_days(-1).fields().offset != t.add_days(1).fields().offset
    }

    /// cronexpr's walk through a day whose offset changes: by the hour on
    /// the instant, then by the minute.
    fn slow_clock(&self, mut t: Clock) -> Step {
        let has = |list: &[i64], v: i64| list.binary_search(&v).is_ok();
        while !has(&self.hours, t.fields().hour) {
            let before = t.fields().hour;
            t = t.add(3600);
            if t.fields().hour == before {
                t = t.add(3600);
            }
            t = t.truncate(60);
            let m = t.fields().minute;
            if m != 0 {
                t = t.add(-60 * m);
            }
            let f = t.fields();
            if f.hour == 0 {
                return Step::Again(t.date(f.year, f.month, f.day, 0, 0, 0));
            }
        }
        while !has(&self.minutes, t.fields().minute) {
            let before = t.fields().hour;
            t = t.truncate(60).add(60);
            if t.fields().hour != before {
                return Step::Again(t);
            }
        }
        let s = t.fields().second;
        let t = t.truncate(60);
        match self.seconds.get(self.seconds.partition_point(|x| *x < s)) {
            None => Step::Again(t.add(60)),
            Some(&v) => Step::Done(t.add(v)),
        }
    }
}

enum Step {
    Done(Clock),
    Again(Clock),
    Never,
    Fails(String),
}
