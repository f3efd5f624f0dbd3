//! cronexpr's own test vectors (hashicorp/cronexpr `cronexpr_test.go`:
//! `crontests`, `TestZero`, `TestNextN`, the Los Angeles and Lord Howe DST
//! transition tables and the DST property tests), run against our rules.

use jiff::tz::TimeZone;

use super::clock::Clock;
use super::cron::{CronExpr, Flavor, Next};

fn utc(y: i64, mo: i64, d: i64, h: i64, mi: i64, s: i64) -> Clock {
    Clock::new(0, TimeZone::UTC).date(y, mo, d, h, mi, s)
}

fn parse(e: &str) -> CronExpr {
    CronExpr::parse(e, Flavor::Hashicorp).unwrap_or_else(|err| panic!("{e}: {err}"))
}

fn fmt(c: &Clock) -> String {
    c.rfc3339()
}

/// `(expr, [(from, next)])` with times as `YYYY-MM-DD hh:mm:ss` in UTC.
#[test]
fn crontests_table() {
    let table: &[(&str, &[(&str, &str)])] = &[
        (
            "* * * * * * *",
            &[
                ("2013-01-01 00:00:00", "2013-01-01 00:00:01"),
                ("2013-01-01 00:00:59", "2013-01-01 00:01:00"),
                ("2013-01-01 00:59:59", "2013-01-01 01:00:00"),
                ("2013-01-01 23:59:59", "2013-01-02 00:00:00"),
                ("2013-02-28 23:59:59", "2013-03-01 00:00:00"),
                ("2016-02-28 23:59:59", "2016-02-29 00:00:00"),
                ("2012-12-31 23:59:59", "2013-01-01 00:00:00"),
            ],
        ),
        (
            "*/5 * * * * * *",
            &[
                ("2013-01-01 00:00:00", "2013-01-01 00:00:05"),
                ("2013-01-01 00:00:59", "2013-01-01 00:01:00"),
                ("2013-01-01 23:59:59", "2013-01-02 00:00:00"),
                ("2016-02-28 23:59:59", "2016-02-29 00:00:00"),
            ],
        ),
        (
            "* * * * *",
            &[
                ("2013-01-01 00:00:00", "2013-01-01 00:01:00"),
                ("2013-01-01 00:00:59", "2013-01-01 00:01:00"),
                ("2013-01-01 23:59:00", "2013-01-02 00:00:00"),
                ("2012-12-31 23:59:00", "2013-01-01 00:00:00"),
            ],
        ),
        (
            "17-43/5 * * * *",
            &[
                ("2013-01-01 00:00:00", "2013-01-01 00:17:00"),
                ("2013-01-01 00:16:59", "2013-01-01 00:17:00"),
                ("2013-01-01 00:30:00", "2013-01-01 00:32:00"),
                ("2013-01-01 00:50:00", "2013-01-01 01:17:00"),
                ("2013-01-01 23:50:00", "2013-01-02 00:17:00"),
                ("2016-02-28 23:50:00", "2016-02-29 00:17:00"),
            ],
        ),
        (
            "15-30/4,55 * * * *",
            &[
                ("2013-01-01 00:00:00", "2013-01-01 00:15:00"),
                ("2013-01-01 00:16:00", "2013-01-01 00:19:00"),
                ("2013-01-01 00:30:00", "2013-01-01 00:55:00"),
                ("2013-01-01 00:55:00", "2013-01-01 01:15:00"),
                ("2012-12-31 23:54:00", "2012-12-31 23:55:00"),
                ("2012-12-31 23:55:00", "2013-01-01 00:15:00"),
            ],
        ),
        (
            "0 0 * * MON",
            &[
                ("2013-01-01 00:00:00", "2013-01-07 00:00:00"),
                ("2013-01-28 00:00:00", "2013-02-04 00:00:00"),
                ("2013-12-30 00:30:00", "2014-01-06 00:00:00"),
            ],
        ),
        (
            "0 0 * * friday",
            &[
                ("2013-01-01 00:00:00", "2013-01-04 00:00:00"),
                ("2013-12-30 00:30:00", "2014-01-03 00:00:00"),
            ],
        ),
        (
            "0 0 * * 6,7",
            &[
                ("2013-01-01 00:00:00", "2013-01-05 00:00:00"),
                ("2013-12-30 00:30:00", "2014-01-04 00:00:00"),
            ],
        ),
        (
            "0 0 * * 5-7",
            &[
                ("2013-01-01 00:00:00", "2013-01-04 00:00:00"),
                ("2013-01-28 00:00:00", "2013-02-01 00:00:00"),
            ],
        ),
        (
            "0 0 * * 6#5",
            &[("2013-09-02 00:00:00", "2013-11-30 00:00:00")],
        ),
        (
            "0 0 14W * *",
            &[
                ("2013-03-31 00:00:00", "2013-04-15 00:00:00"),
                ("2013-08-31 00:00:00", "2013-09-13 00:00:00"),
            ],
        ),
        (
            "0 0 30W * *",
            &[
                ("2013-03-02 00:00:00", "2013-03-29 00:00:00"),
                ("2013-06-02 00:00:00", "2013-06-28 00:00:00"),
                ("2013-09-02 00:00:00", "2013-09-30 00:00:00"),
                ("2013-11-02 00:00:00", "2013-11-29 00:00:00"),
            ],
        ),
        (
            "0 0 L * *",
            &[
                ("2013-09-02 00:00:00", "2013-09-30 00:00:00"),
                ("2014-02-01 00:00:00", "2014-02-28 00:00:00"),
                ("2016-02-15 00:00:00", "2016-02-29 00:00:00"),
            ],
        ),
        (
            "0 0 LW * *",
            &[
                ("2013-09-02 00:00:00", "2013-09-30 00:00:00"),
                ("2013-11-02 00:00:00", "2013-11-29 00:00:00"),
                ("2014-08-15 00:00:00", "2014-08-29 00:00:00"),
            ],
        ),
        (
            "0 0 * 04 * *",
            &[
                ("2013-09-02 00:00:00", "2014-04-01 00:00:00"),
                ("2014-04-03 03:00:00", "2014-04-04 00:00:00"),
                ("2014-08-15 00:00:00", "2015-04-01 00:00:00"),
            ],
        ),
    ];
    let at = |s: &str| {
        let n =
            |r: std::ops::Range<usize>| s.get(r).and_then(|x| x.parse::<i64>().ok()).unwrap_or(-1);
        utc(n(0..4), n(5..7), n(8..10), n(11..13), n(14..16), n(17..19))
    };
    for (expr, times) in table {
        let e = parse(expr);
        for (from, next) in *times {
            let got = e.next(&at(from)).at().map(|c| fmt(&c));
            assert_eq!(got, Some(fmt(&at(next))), "{expr} from {from}");
        }
    }
}

#[test]
fn years_out_of_range_give_no_time_and_next_n_walks_on() {
    let from = utc(2013, 8, 31, 0, 0, 0);
    assert!(parse("* * * * * 1980").next(&from).at().is_none());
    assert!(parse("* * * * * 2050").next(&from).at().is_some());
    // TestNextN: the fifth Saturday, five times from 2013-09-02 08:44:30.
    let e = parse("0 0 * * 6#5");
    let mut t = utc(2013, 9, 2, 8, 44, 30);
    let mut got = Vec::new();
    for _ in 0..5 {
        t = e.next(&t).at().expect("a next time");
        got.push(fmt(&t));
    }
    assert_eq!(
        got,
        [
            "2013-11-30T00:00:00Z",
            "2014-03-29T00:00:00Z",
            "2014-05-31T00:00:00Z",
            "2014-08-30T00:00:00Z",
            "2014-11-29T00:00:00Z"
        ]
    );
}

/// A local wall time `Date(...)` in `tz`, plus `add` minutes on the instant.
type Wall = (i64, i64, i64, i64, i64, i64);

fn chain(tz: &str, expr: &str, init: Wall, expected: &[Wall]) {
    let tz = TimeZone::get(tz).expect("tzdb");
    let wall = |(y, mo, d, h, mi, add): Wall| {
        Clock::new(0, tz.clone())
            .date(y, mo, d, h, mi, 0)
            .add(add * 60)
    };
    let e = parse(expr);
    let mut t = wall(init);
    for want in expected {
        let n = e.next(&t).at().expect("a next time");
        assert_eq!(
            n.unix,
            wall(*want).unix,
            "{expr}: next({}) = {} not {}",
            fmt(&t),
            fmt(&n),
            fmt(&wall(*want))
        );
        t = n;
    }
}

#[test]
fn dst_transitions_los_angeles() {
    let la = "America/Los_Angeles";
    chain(
        la,
        "0 2 * * * 2019",
        (2019, 2, 7, 1, 0, 0),
        &[
            (2019, 2, 7, 2, 0, 0),
            (2019, 2, 8, 2, 0, 0),
            (2019, 2, 9, 2, 0, 0),
        ],
    );
    chain(
        la,
        "0 4 * * * 2019",
        (2019, 3, 9, 1, 0, 0),
        &[
            (2019, 3, 9, 4, 0, 0),
            (2019, 3, 10, 4, 0, 0),
            (2019, 3, 11, 4, 0, 0),
        ],
    );
    for e in ["2 2 * * * 2019", "1 2 * * * 2019", "0 2 * * * 2019"] {
        let m = if e.starts_with('2') {
            2
        } else if e.starts_with('1') {
            1
        } else {
            0
        };
        chain(
            la,
            e,
            (2019, 3, 9, 1, 0, 0),
            &[
                (2019, 3, 9, 2, m, 0),
                (2019, 3, 11, 2, m, 0),
                (2019, 3, 12, 2, m, 0),
            ],
        );
    }
    chain(
        la,
        "0 1 * * * 2019",
        (2019, 3, 9, 0, 0, 0),
        &[
            (2019, 3, 9, 1, 0, 0),
            (2019, 3, 10, 0, 0, 60),
            (2019, 3, 11, 1, 0, 0),
            (2019, 3, 12, 1, 0, 0),
        ],
    );
    chain(
        la,
        "30 0 * * * 2019",
        (2019, 11, 3, 0, 0, 0),
        &[
            (2019, 11, 3, 0, 30, 0),
            (2019, 11, 4, 0, 30, 0),
            (2019, 11, 5, 0, 30, 0),
        ],
    );
    let three_thirty = [
        (2019, 11, 3, 3, 30, 0),
        (2019, 11, 4, 3, 30, 0),
        (2019, 11, 5, 3, 30, 0),
        (2019, 11, 6, 3, 30, 0),
    ];
    chain(la, "30 3 * * * 2019", (2019, 11, 3, 0, 0, 0), &three_thirty);
    chain(
        la,
        "30 3 * * * 2019",
        (2019, 11, 3, 0, 10, 60),
        &three_thirty,
    );
    chain(
        la,
        "30 3 * * * 2019",
        (2019, 11, 3, 0, 10, 120),
        &three_thirty,
    );
    chain(
        la,
        "30 1 * * * 2019",
        (2019, 11, 3, 0, 0, 0),
        &[
            (2019, 11, 3, 0, 30, 60),
            (2019, 11, 3, 0, 30, 120),
            (2019, 11, 4, 1, 30, 0),
            (2019, 11, 5, 1, 30, 0),
        ],
    );
    chain(
        la,
        "0 1 * * * 2019",
        (2019, 11, 3, 0, 0, 0),
        &[
            (2019, 11, 3, 0, 0, 60),
            (2019, 11, 3, 0, 0, 120),
            (2019, 11, 4, 1, 0, 0),
            (2019, 11, 5, 1, 0, 0),
        ],
    );
    chain(
        la,
        "0 2 * * * 2019",
        (2019, 11, 3, 0, 0, 0),
        &[
            (2019, 11, 3, 0, 0, 180),
            (2019, 11, 4, 2, 0, 0),
            (2019, 11, 5, 2, 0, 0),
        ],
    );
    chain(
        la,
        "30 1 * * * 2019",
        (2019, 11, 3, 0, 40, 60),
        &[
            (2019, 11, 3, 0, 30, 120),
            (2019, 11, 4, 1, 30, 0),
            (2019, 11, 5, 1, 30, 0),
        ],
    );
    chain(
        la,
        "30 1 * * * 2019",
        (2019, 11, 3, 0, 40, 120),
        &[(2019, 11, 4, 1, 30, 0), (2019, 11, 5, 1, 30, 0)],
    );
    chain(
        la,
        "30 * * * * 2019",
        (2019, 11, 3, 0, 0, 0),
        &[
            (2019, 11, 3, 0, 30, 0),
            (2019, 11, 3, 0, 30, 60),
            (2019, 11, 3, 0, 30, 120),
            (2019, 11, 3, 2, 30, 0),
        ],
    );
}

#[test]
fn dst_transitions_lord_howe() {
    let lh = "Australia/Lord_Howe";
    chain(
        lh,
        "0 2 * * * 2019",
        (2019, 2, 7, 1, 0, 0),
        &[(2019, 2, 7, 2, 0, 0), (2019, 2, 8, 2, 0, 0)],
    );
    chain(
        lh,
        "3 1 * * * 2019",
        (2019, 4, 6, 0, 0, 0),
        &[
            (2019, 4, 6, 1, 3, 0),
            (2019, 4, 7, 1, 3, 0),
            (2019, 4, 8, 1, 3, 0),
        ],
    );
    chain(
        lh,
        "31 1 * * * 2019",
        (2019, 4, 6, 0, 0, 0),
        &[
            (2019, 4, 6, 1, 31, 0),
            (2019, 4, 7, 0, 31, 60),
            (2019, 4, 7, 0, 31, 90),
            (2019, 4, 8, 1, 31, 0),
        ],
    );
    chain(
        lh,
        "3 2 * * * 2019",
        (2019, 10, 5, 0, 0, 0),
        &[
            (2019, 10, 5, 2, 3, 0),
            (2019, 10, 7, 2, 3, 0),
            (2019, 10, 8, 2, 3, 0),
        ],
    );
    chain(
        lh,
        "31 2 * * * 2019",
        (2019, 10, 5, 0, 0, 0),
        &[
            (2019, 10, 5, 2, 31, 0),
            (2019, 10, 7, 2, 31, 0),
            (2019, 10, 8, 2, 31, 0),
        ],
    );
}

/// TestNext_DaylightSaving_Property (both zones): minute by minute over
/// four hours around each change, the next time is after the start, never
/// earlier than the one before, and `* * ...` is always the next minute.
#[test]
fn dst_property_next_moves_forward() {
    let cases = [
        (
            "America/Los_Angeles",
            &["* * * * *", "0 2 * * *", "* 1 * * *"][..],
            [(2019, 3, 10), (2019, 3, 11), (2019, 11, 4), (2019, 11, 5)],
        ),
        (
            "Australia/Lord_Howe",
            &[
                "* * * * *",
                "0 2 * * *",
                "* 1 * * *",
                "35 1 * * *",
                "5 2 * * *",
            ][..],
            [(2019, 4, 6), (2019, 4, 7), (2019, 10, 5), (2019, 10, 6)],
        ),
    ];
    for (zone, exprs, days) in cases {
        let tz = TimeZone::get(zone).expect("tzdb");
        for expr in exprs {
            let e = parse(expr);
            for (y, m, d) in days {
                let init = Clock::new(0, tz.clone()).date(y, m, d, 0, 0, 0);
                let mut prev = init.unix;
                for k in 0..240 {
                    let start = init.add(60 * k);
                    let next = e.next(&start).at().expect("a next time");
                    assert!(
                        next.unix > start.unix,
                        "{zone} {expr}: next({}) = {}",
                        fmt(&start),
                        fmt(&next)
                    );
                    assert!(
                        next.unix >= prev,
                        "{zone} {expr}: went back from {}",
                        fmt(&next)
                    );
                    if expr.starts_with("* * ") {
                        assert_eq!(
                            next.unix - start.unix,
                            60,
                            "{zone} {expr} at {}",
                            fmt(&start)
                        );
                    }
                    prev = next.unix;
                }
            }
        }
    }
}

#[test]
fn parse_errors_and_quirks() {
    let err = |e: &str| CronExpr::parse(e, Flavor::Hashicorp).unwrap_err();
    assert_eq!(err("* * * *"), "missing field(s)");
    assert_eq!(err("*/0 * * * *"), "invalid interval */0");
    assert_eq!(err("*/60 * * * *"), "invalid interval */60");
    assert_eq!(err("x * * * *"), "syntax error in minute field: 'x'");
    assert_eq!(
        err("* * 32 * *"),
        "syntax error in day-of-month field: '32'"
    );
    assert_eq!(err("* * * * 8"), "syntax error in day-of-week field: '8'");
    // Six fields: the sixth is a year, not seconds.
    let from = utc(2026, 11, 30, 19, 27, 0);
    let six = parse("30 4 * * * 2027").next(&from).at().expect("2027");
    assert_eq!(fmt(&six), "2027-01-01T04:30:00Z");
    // `1-7` ends on Saturday in hashicorp's cronexpr, selects nothing in
    // the copy Nomad vendored up to 0.11.1.
    let sunday = utc(2026, 11, 29, 12, 0, 0);
    let new = parse("0 0 * * 1-7").next(&sunday).at().expect("a Monday");
    assert_eq!(fmt(&new), "2026-11-30T00:00:00Z");
    let old = CronExpr::parse("0 0 * * 1-7", Flavor::Gorhill).expect("parses");
    // Day-of-week restricted to nothing, day-of-month `*`: no day at all.
    assert!(old.next(&sunday).at().is_none());
    // Both day fields restricted: either matches (the 13th or a Friday).
    let either = parse("0 0 13 * 5")
        .next(&utc(2026, 11, 30, 0, 0, 0))
        .at()
        .expect("a day");
    assert_eq!(fmt(&either), "2026-12-04T00:00:00Z");
}

/// gorhill's `Next` (Nomad ≤ 0.11.1) against its Go build (vendored
/// v0.9.3 sources, go1.19): starts at "now", steps with `time.Date`.
#[test]
fn gorhill_steps_with_time_date_and_never_rechecks() {
    let ny = TimeZone::get("America/New_York").expect("tzdb");
    let at = |unix: i64| Clock::new(unix, ny.clone());
    let gorhill = |e: &str| CronExpr::parse(e, Flavor::Gorhill).expect("parses");
    // 2027-03-13T12:00:00Z: 02:30 on the 14th is skipped, 01:30 EST.
    let n = gorhill("30 2 * * *")
        .next(&at(utc(2027, 3, 13, 12, 0, 0).unix))
        .at();
    assert_eq!(
        n.map(|c| c.rfc3339()).as_deref(),
        Some("2027-03-14T01:30:00-05:00")
    );
    // A matching "now" moves to the next second's match, not itself.
    let utc = utc(2026, 11, 30, 3, 0, 0);
    let n = CronExpr::parse("0 3 * * *", Flavor::Gorhill)
        .expect("parses")
        .next(&utc)
        .at();
    assert_eq!(
        n.map(|c| c.rfc3339()).as_deref(),
        Some("2026-12-01T03:00:00Z")
    );
}

/// A descending range leaves a field list empty; both libraries index it
/// where they move to a later value, and Go panics (Nomad's Plan RPC then
/// fails, `structs.CronParseNext`).
#[test]
fn an_empty_field_list_fails_where_go_indexes_it() {
    let from = utc(2026, 11, 30, 0, 0, 0);
    for flavor in [Flavor::Gorhill, Flavor::Hashicorp] {
        let e = CronExpr::parse("30-10 5 * * *", flavor).expect("parses");
        assert!(matches!(e.next(&from), Next::Fails(_)), "{flavor:?}");
        let e = CronExpr::parse("0 0 * 12-1 *", flavor).expect("parses");
        assert!(matches!(e.next(&from), Next::Fails(_)), "{flavor:?}");
    }
}

/// A zone whose DST starts at midnight on 1 April, west of Greenwich: Go
/// reads 1 April 00:00 as 23:00 on 31 March, so gorhill's month step for
/// a spec with no April day (the 31st) comes back to March for ever (in
/// Go, a stack overflow). Ours stops and says so.
#[test]
fn gorhills_month_recursion_that_never_ends_is_endless() {
    let tz = TimeZone::posix("<-03>3<-02>,J91/0,J305/0").expect("POSIX TZ");
    let from = Clock::new(0, tz.clone()).date(2027, 3, 15, 12, 0, 0);
    let april_first = from.date(2027, 4, 1, 0, 0, 0);
    assert_eq!(april_first.rfc3339(), "2027-03-31T23:00:00-03:00");
    let e = CronExpr::parse("0 0 31 4 *", Flavor::Gorhill).expect("parses");
    assert!(matches!(e.next(&from), Next::Endless));
    let e = CronExpr::parse("0 0 31 4 *", Flavor::Hashicorp).expect("parses");
    assert!(matches!(e.next(&from), Next::Never));
    // hashicorp's: no hour (`5-2`) and a skipped midnight (Havana, 1975):
    // the day's start reads as the day before, and the Go build of
    // v0.11.2's sources loops for ever.
    let havana = TimeZone::get("America/Havana").expect("tzdb");
    let from = Clock::new(utc(1975, 9, 25, 6, 21, 20).unix, havana);
    let e = CronExpr::parse("1,30 5-2 LW jan-mar *", Flavor::Hashicorp).expect("parses");
    assert!(matches!(e.next(&from), Next::Endless));
}
