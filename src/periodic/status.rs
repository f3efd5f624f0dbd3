//! The `Next Periodic Launch` row of `nomad job status`. Unlike a plan's
//! line (the servers' `Job.Plan`, which asks `IsPeriodicActive`), the CLI
//! computes it itself with the api package's `PeriodicConfig.Next`
//! (command/job_status.go v0.9.3:181-196, v1.6.0:194-209,
//! v2.0.5:270-285), which reads neither `Enabled` nor, for the spec list,
//! the spec type: a disabled job still gets its next cron launch, and a
//! non-cron one Go's zero time, which the row prints as an empty date and
//! a saturated wait.

use super::clock::Clock;
use super::cron::{CronExpr, Flavor, Next};
use super::{earliest, go_sub, NextLaunch, NoLaunch};
use crate::jobspec::time_zone::{load, Zone};
use crate::jobspec::{Duration, Job};
use crate::version::NomadVersion;
use jiff::tz::TimeZone;

/// What the row shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatusLaunch {
    /// The next launch.
    At(NextLaunch),
    /// `Next` returned Go's zero time without an error (a non-cron spec
    /// type, or specs that never fire again): `formatTime` prints it empty
    /// and `formatTimeDifference(now, zero)` saturates, `wait` being that.
    Zero { wait: Duration },
    /// `Next` erred (a spec whose walk panics, recovered by the api's
    /// `cronParseNext`): the CLI prints no row.
    NoRow,
}

/// `api.PeriodicConfig.Next(now in the job's zone)` as the release's CLI
/// computes it, `now` in Unix seconds, `local` the zone of the machine
/// running `nomad`. An error: the row cannot be told.
pub fn status_launch(
    job: &Job,
    now: i64,
    version: NomadVersion,
    local: &TimeZone,
) -> Result<StatusLaunch, NoLaunch> {
    let Some(p) = job.periodic.as_ref() else {
        return Ok(StatusLaunch::NoRow);
    };
    // GetLocation runs in the CLI here: `Local` is its own machine's zone
    // (time.LoadLocation), not the servers' a plan's line would need.
    // A zone Go refuses: GetLocation errs, and the CLI prints no row
    // (command/job_status.go v2.0.5:273-275; a disabled job skips the
    // validation that would refuse it, structs.go v1.6.0:5607-5610).
    let tz = match p.time_zone.as_str() {
        "Local" => local.clone(),
        name => match load(name) {
            Zone::Loads(tz) => tz,
            Zone::Local => local.clone(),
            Zone::Refused(_) => return Ok(StatusLaunch::NoRow),
            Zone::Unknown(why) => {
                return Err(NoLaunch::Unknown(format!(
                    "cannot tell when it launches: {why}"
                )))
            }
        },
    };
    let from = Clock::new(now, tz);
    let flavor = Flavor::of(version);
    // `Spec` is the `cron` field (a job's JSON `Spec`), `Specs` `crons`.
    let spec = p
        .specs
        .first()
        .filter(|s| p.spans.written("cron") && !s.is_empty());
    let cron = p.spec_type == "cron";
    let zero = StatusLaunch::Zero {
        wait: go_sub(crate::gotime::ZERO_UNIX_SECS, now),
    };
    // Before 1.6.2 only a cron `Spec` is read (api/jobs.go v1.6.0:853-863,
    // v0.9.3:597-605); from 1.6.2 a cron `Spec`, else every one of `Specs`
    // whatever the type (v1.6.2:857-877, v2.0.5:930-950).
    // Before 1.6.2 a cron type parses `Spec` even when it is empty (a
    // disabled job skips the validation that requires it): "" does not
    // parse, which the arm below decides (api/jobs.go v0.11.2:650-656,
    // v1.6.0:853-860).
    let empty = String::new();
    let specs: Vec<&String> = match spec {
        Some(s) if cron => vec![s],
        _ if !version.at_least(1, 6, 2) && cron => vec![&empty],
        _ if !version.at_least(1, 6, 2) => return Ok(zero),
        _ if p.spans.written("cron") => p.specs.iter().skip(1).collect(),
        _ => p.specs.iter().collect(),
    };
    // None is Go's zero time, which every spec list starts from.
    let mut best: Option<Clock> = None;
    for s in specs {
        // A spec the release's cronexpr refuses (a `test` job's are never
        // parsed by the servers): before 0.11.2 `Next` falls through to
        // the zero time (api/jobs.go v0.11.1: `if err == nil`), from then
        // it returns the error (v0.11.2, v1.6.0:855-858, v2.0.5's
        // cronParseNext), and the CLI prints no row.
        let Ok(expr) = CronExpr::parse(s, flavor) else {
            return Ok(if version.at_least(0, 11, 2) {
                StatusLaunch::NoRow
            } else {
                zero
            });
        };
        let t = match expr.next(&from) {
            Next::At(t) => Some(t),
            Next::Never => None,
            Next::Fails(_) => return Ok(StatusLaunch::NoRow),
            // The CLI's own walk never ends (a loop, or a stack overflow
            // that kills the command): no text of Nomad to print.
            Next::Endless => {
                return Err(NoLaunch::Unknown(format!(
                    "the cronexpr of Nomad {version} does not finish its Next for {} from now in this time zone, so `nomad job status` prints nothing",
                    crate::gotext::go_quote(s)
                )))
            }
        };
        best = earliest(best, t);
    }
    Ok(match best {
        Some(t) => StatusLaunch::At(NextLaunch {
            at: t.rfc3339(),
            wait: go_sub(t.unix, now),
        }),
        None => zero,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jobspec::Periodic;

    /// 2026-11-30T19:27:00Z.
    const NOW: i64 = 1_796_066_820;

    fn job(spec_type: &str, cron: bool, specs: &[&str], enabled: bool) -> Job {
        let mut p = Periodic {
            specs: specs.iter().map(|s| s.to_string()).collect(),
            spec_type: spec_type.into(),
            enabled,
            ..Periodic::default()
        };
        if cron {
            p.spans.set("cron", crate::source::Span::default());
        }
        Job {
            periodic: Some(p),
            ..Job::default()
        }
    }

    fn at(l: StatusLaunch) -> String {
        match l {
            StatusLaunch::At(n) => format!("{} {}", n.at, n.wait),
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn a_disabled_job_still_shows_its_next_cron_launch() {
        let l = status_launch(
            &job("cron", true, &["0 3 * * *"], false),
            NOW,
            NomadVersion::DEMO,
            &TimeZone::UTC,
        );
        assert_eq!(l.map(at), Ok("2026-12-01T03:00:00Z 7h33m0s".into()));
    }

    #[test]
    fn a_non_cron_spec_is_the_zero_time_except_a_spec_list_from_1_6_2() {
        let zero = Ok(StatusLaunch::Zero {
            wait: Duration(i64::MIN),
        });
        let test_spec = job("test", true, &["0 3 * * *"], true);
        assert_eq!(
            status_launch(&test_spec, NOW, NomadVersion::DEMO, &TimeZone::UTC),
            zero
        );
        assert_eq!(
            status_launch(&test_spec, NOW, NomadVersion::CURRENT, &TimeZone::UTC),
            zero
        );
        let test_specs = job("test", false, &["0 3 * * *"], true);
        assert_eq!(
            status_launch(&test_specs, NOW, NomadVersion::DEMO, &TimeZone::UTC),
            zero
        );
        let l = status_launch(&test_specs, NOW, NomadVersion::CURRENT, &TimeZone::UTC);
        assert_eq!(l.map(at), Ok("2026-12-01T03:00:00Z 7h33m0s".into()));
        // A spec that never fires again: the zero time, not no row.
        let past = job("cron", true, &["0 0 1 1 * 1999"], true);
        assert_eq!(
            status_launch(&past, NOW, NomadVersion::CURRENT, &TimeZone::UTC),
            zero
        );
    }

    #[test]
    fn local_is_the_zone_of_the_machine_running_the_cli() {
        let mut j = job("cron", true, &["0 3 * * *"], true);
        if let Some(p) = j.periodic.as_mut() {
            p.time_zone = "Local".into();
        }
        let tokyo = TimeZone::get("Asia/Tokyo").expect("tzdb");
        let l = status_launch(&j, NOW, NomadVersion::CURRENT, &tokyo);
        // 19:27Z is 04:27 the next day in Tokyo: 03:00 there is 22h33m on.
        assert_eq!(l.map(at), Ok("2026-12-02T03:00:00+09:00 22h33m0s".into()));
    }

    #[test]
    fn a_spec_that_does_not_parse_is_the_zero_time_before_0_11_2_then_no_row() {
        let j = job("cron", true, &["not a spec"], true);
        let at = |v| status_launch(&j, NOW, v, &TimeZone::UTC);
        let zero = StatusLaunch::Zero {
            wait: Duration(i64::MIN),
        };
        assert_eq!(at(NomadVersion::new(0, 11, 1)), Ok(zero));
        assert_eq!(at(NomadVersion::new(0, 11, 2)), Ok(StatusLaunch::NoRow));
    }

    #[test]
    fn before_1_6_2_an_empty_cron_parses_and_fails_to_no_row() {
        let j = job("cron", true, &[""], false);
        let at = |v| status_launch(&j, NOW, v, &TimeZone::UTC);
        assert_eq!(at(NomadVersion::new(1, 6, 0)), Ok(StatusLaunch::NoRow));
        // Before 0.11.2 the parse error falls through to the zero time.
        let zero = StatusLaunch::Zero {
            wait: Duration(i64::MIN),
        };
        assert_eq!(at(NomadVersion::new(0, 11, 1)), Ok(zero));
    }

    #[test]
    fn a_zone_go_refuses_prints_no_row() {
        let mut j = job("cron", true, &["0 3 * * *"], false);
        if let Some(p) = j.periodic.as_mut() {
            p.time_zone = "../etc/passwd".into();
        }
        assert_eq!(
            status_launch(&j, NOW, NomadVersion::CURRENT, &TimeZone::UTC),
            Ok(StatusLaunch::NoRow)
        );
    }

    #[test]
    fn a_walk_that_panics_prints_no_row() {
        let j = job("cron", true, &["30-10 5 * * *"], true);
        assert_eq!(
            status_launch(&j, NOW, NomadVersion::CURRENT, &TimeZone::UTC),
            Ok(StatusLaunch::NoRow)
        );
    }
}
