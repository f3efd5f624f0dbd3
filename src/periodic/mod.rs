//! The next launch of a periodic job, as `nomad job plan` prints it:
//! `Job.Plan` computes `Periodic.Next(now in the job's time zone)` (the
//! earliest of its cron specs, `nomad/structs` `PeriodicConfig.Next`), and
//! the CLI prints it with the wait from now truncated to the second
//! (`command/job_plan.go` `formatDryRun`). "Now" is the clock, or the
//! `--now` a reproducible run gives.

pub use crate::cronexpr::{clock, cron};

pub mod status;

use jiff::tz::TimeZone;

use self::clock::Clock;
use self::cron::{CronExpr, Flavor, Next};
use crate::jobspec::{Duration, Job};
use crate::version::NomadVersion;

/// When the job would launch next, and how long from now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NextLaunch {
    /// `2006-01-02T15:04:05Z07:00` in the job's time zone.
    pub at: String,
    /// From now, as Go's `Time.Sub` gives it: whole seconds, or the
    /// saturated end of `time.Duration`.
    pub wait: Duration,
}

/// `PeriodicConfig.GetLocation` after `Canonicalize`, judged as Nomad's
/// servers load it (jobspec/time_zone.rs): "" is UTC; "Local" is the
/// server's own zone, and a zone the servers' files decide is theirs,
/// neither known here.
fn location(name: &str) -> Result<TimeZone, String> {
    use crate::jobspec::time_zone::{load, Zone};
    match load(name) {
        Zone::Loads(tz) => Ok(tz),
        Zone::Local => Err(
            "time_zone \"Local\" is the Nomad server's own zone, which is not known here".into(),
        ),
        Zone::Refused(e) => Err(format!("Invalid time zone {name:?}: {e}")),
        Zone::Unknown(why) => Err(format!("cannot tell when it launches: {why}")),
    }
}

/// Why a plan prints no next-launch line although the job is periodic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoLaunch {
    /// The line alone is not known (a `Local` time zone, one the servers'
    /// files decide, a spec Nomad's validation refuses first): a note.
    Unknown(String),
    /// `Job.Plan` fails with this error after scheduling: the cronexpr's
    /// `Next` panics and `structs.CronParseNext` recovers it (0.9.0 on,
    /// nomad/structs/structs.go), which Job.Plan returns wrapped
    /// (`Failed to parse cron expression: %v`, nomad/job_endpoint.go).
    PlanFails(String),
    /// `Job.Plan` never answers: [`NeverAnswers`].
    NeverAnswers(NeverAnswers),
}

impl NoLaunch {
    /// In words, for a note or a test.
    pub fn text(&self) -> String {
        match self {
            NoLaunch::Unknown(why) => why.clone(),
            NoLaunch::PlanFails(error) => format!("Nomad's plan fails with {error:?}"),
            NoLaunch::NeverAnswers(u) => u.why(),
        }
    }
}

/// A cron spec whose `Next`, as the release's cronexpr computes it from
/// now, never returns: hashicorp's loop (the Plan RPC hangs, and the CLI,
/// whose HTTP client has no timeout, waits forever) or gorhill's
/// recursion (the server's goroutine overflows its stack, a fatal error
/// no `recover` catches: the server process dies, and what the CLI then
/// prints depends on the agent it talks to). Either way Nomad prints no
/// plan, and nothing we could print is its answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NeverAnswers {
    pub version: NomadVersion,
    pub spec: String,
}

impl NeverAnswers {
    pub const HINT: &'static str =
        "write the months as 1..12 (no leading zero) or check the spec with `nomad job plan` on a test cluster; nomad-preflight prints no plan where Nomad never answers";

    fn why(&self) -> String {
        format!(
            "the cronexpr of Nomad {} does not finish its Next for {} from now in this time zone",
            self.version,
            crate::gotext::go_quote(&self.spec)
        )
    }

    /// The one line every command prints for it (without a prefix).
    pub fn line(&self, job: &Job) -> String {
        format!(
            "cannot tell what `nomad job plan` prints for job {}: Nomad's plan never answers, as {} (its Plan RPC hangs, or its server stops)",
            crate::gotext::go_quote(&job.id),
            self.why()
        )
    }

    /// `Preflight.PeriodicLaunch` in JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::json!({"Spec": self.spec, "Answers": false})
    }
}

/// The next launch after `now` (Unix seconds), or `None` when the job is
/// not an enabled cron periodic job or no spec matches again (Nomad's zero
/// time: no line). An error says why no line is printed.
pub fn next_launch(
    job: &Job,
    now: i64,
    version: NomadVersion,
) -> Result<Option<NextLaunch>, NoLaunch> {
    let Some(p) = job.periodic.as_ref().filter(|p| p.enabled) else {
        return Ok(None);
    };
    if p.spec_type != "cron" {
        return Ok(None);
    }
    let tz = location(&p.time_zone).map_err(NoLaunch::Unknown)?;
    let flavor = Flavor::of(version);
    let from = Clock::new(now, tz);
    // `crons` (1.6.2 on) folds as PeriodicConfig.Next does (structs.go
    // at every tag 1.6.2 to 2.0.5): `if nextTime.IsZero() ||
    // t.Before(nextTime) { nextTime = t }`, None standing for the zero
    // time a spec that never fires gives. The zero time is before every
    // launch, so such a spec after one that fires makes the whole zero,
    // and the CLI prints no line; before it, the next spec replaces it.
    let mut best: Option<Clock> = None;
    for spec in &p.specs {
        let expr = CronExpr::parse(spec, flavor)
            .map_err(|e| NoLaunch::Unknown(format!("Invalid cron spec {spec:?}: {e}")))?;
        let t = match expr.next(&from) {
            Next::At(t) => Some(t),
            Next::Never => None,
            // Before 0.9.0 no CronParseNext recovers the panic: the
            // server's RPC goroutine dies with it, and its process.
            Next::Fails(_) if !version.at_least(0, 9, 0) => {
                return Err(NoLaunch::NeverAnswers(NeverAnswers {
                    version,
                    spec: spec.clone(),
                }))
            }
            Next::Fails(_) => return Err(NoLaunch::PlanFails(plan_error(p, spec, version))),
            Next::Endless => {
                return Err(NoLaunch::NeverAnswers(NeverAnswers {
                    version,
                    spec: spec.clone(),
                }))
            }
        };
        best = earliest(best, t);
    }
    Ok(best.map(|t| NextLaunch {
        at: t.rfc3339(),
        wait: go_sub(t.unix, now),
    }))
}

/// One step of the fold over a spec list that both `Next`s make (the
/// servers' structs.go and the CLI's api/jobs.go, 1.6.2 to 2.0.5):
/// `if nextTime.IsZero() || t.Before(nextTime) { nextTime = t }`, `None`
/// standing for Go's zero time. The zero time is before every launch, so
/// once a launch is held a spec that never fires again makes it zero.
fn earliest(best: Option<Clock>, t: Option<Clock>) -> Option<Clock> {
    match (best, t) {
        (None, t) => t,
        (Some(_), None) => None,
        (Some(b), Some(t)) => Some(if t.unix < b.unix { t } else { b }),
    }
}

/// Job.Plan's error when `spec`'s `Next` panics: CronParseNext's
/// `failed parsing cron expression: %q`, which `PeriodicConfig.Next`
/// wraps again for a spec of `crons` (its `Specs`, 1.6.2 on:
/// `failed parsing cron expression %s: %v`) but not for `cron` (its
/// `Spec`), and Job.Plan in `Failed to parse cron expression: %v` (the
/// same at every tag from 0.9.0 to 2.0.5).
fn plan_error(p: &crate::jobspec::Periodic, spec: &str, version: NomadVersion) -> String {
    let recovered = format!(
        "failed parsing cron expression: {}",
        crate::gotext::go_quote(spec)
    );
    let of_crons = version.at_least(1, 6, 2) && !p.spans.written("cron");
    let err = if of_crons {
        format!("failed parsing cron expression {spec}: {recovered}")
    } else {
        recovered
    };
    format!("Failed to parse cron expression: {err}")
}

/// `later.Sub(earlier)` for whole seconds: Go's `Time.Sub` saturates at
/// the ends of `time.Duration` (time/time.go), and a `--now` centuries
/// away from the launch (gorhill's years start at 1970) gets there.
fn go_sub(later: i64, earlier: i64) -> Duration {
    let nanos = (i128::from(later) - i128::from(earlier)) * 1_000_000_000;
    Duration(i64::try_from(nanos).unwrap_or(if nanos < 0 { i64::MIN } else { i64::MAX }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jobspec::Periodic;

    fn job(specs: &[&str], tz: &str) -> Job {
        Job {
            periodic: Some(Periodic {
                specs: specs.iter().map(|s| s.to_string()).collect(),
                spec_type: "cron".into(),
                time_zone: tz.into(),
                enabled: true,
                ..Periodic::default()
            }),
            ..Job::default()
        }
    }

    /// 2026-11-30T19:27:00Z, a Monday.
    const NOW: i64 = 1_796_066_820;

    fn next(specs: &[&str], tz: &str) -> (String, String) {
        let n = next_launch(&job(specs, tz), NOW, NomadVersion::CURRENT)
            .expect("computes")
            .expect("a launch");
        (n.at, n.wait.to_string())
    }

    #[test]
    fn the_earliest_spec_in_the_jobs_zone_with_the_wait() {
        assert_eq!(
            next(&["0 3 * * *"], ""),
            ("2026-12-01T03:00:00Z".into(), "7h33m0s".into())
        );
        assert_eq!(
            next(&["0 3 * * *", "*/15 * * * *"], "UTC"),
            ("2026-11-30T19:30:00Z".into(), "3m0s".into())
        );
        // 14:27 in New York (EST): 3 am there is 08:00Z.
        assert_eq!(
            next(&["0 3 * * *"], "America/New_York"),
            ("2026-12-01T03:00:00-05:00".into(), "12h33m0s".into())
        );
        assert_eq!(
            next(&["@weekly"], "Asia/Tokyo"),
            ("2026-12-06T00:00:00+09:00".into(), "115h33m0s".into())
        );
    }

    /// Go's `Time.Sub` and `Duration.String` at the ends of the range
    /// (R12-7: `--now` in 1677 overflowed a nanosecond multiplication).
    #[test]
    fn a_wait_past_go_durations_saturates_as_time_sub_does() {
        assert_eq!(
            go_sub(1 << 40, -(1 << 40)).to_string(),
            "2562047h47m16.854775807s"
        );
        assert_eq!(
            go_sub(-(1 << 40), 1 << 40).to_string(),
            "-2562047h47m16.854775808s"
        );
        assert_eq!(go_sub(0, 2700).to_string(), "-45m0s");
        let far = next_launch(&job(&["@daily"], ""), -10_000_000_000, NomadVersion::DEMO)
            .expect("computes")
            .expect("1970");
        assert_eq!(far.at, "1970-01-01T00:00:00Z");
        assert_eq!(far.wait.to_string(), "2562047h47m16.854775807s");
    }

    /// Both libraries' `Next` panics on an empty field list, which Nomad
    /// turns into the Plan RPC's error: no line, and why.
    #[test]
    fn a_next_that_panics_in_go_is_an_error() {
        // `job` writes no `cron`: from 1.6.2 its specs are `crons`.
        let want = [
            (NomadVersion::DEMO, "Failed to parse cron expression: failed parsing cron expression: \"30-10 5 * * *\""),
            (NomadVersion::CURRENT, "Failed to parse cron expression: failed parsing cron expression 30-10 5 * * *: failed parsing cron expression: \"30-10 5 * * *\""),
        ];
        for (v, text) in want {
            let err = next_launch(&job(&["30-10 5 * * *"], ""), NOW, v).unwrap_err();
            assert_eq!(err, NoLaunch::PlanFails(text.into()), "{v}");
        }
    }

    #[test]
    fn unknowable_or_invalid_zones_and_specs_are_errors_not_lines() {
        let err = |specs: &[&str], tz: &str| {
            next_launch(&job(specs, tz), NOW, NomadVersion::CURRENT)
                .unwrap_err()
                .text()
        };
        assert!(err(&["@daily"], "Local").contains("server's own zone"));
        assert!(err(&["@daily"], "Mars/Olympus").starts_with("Invalid time zone \"Mars/Olympus\""));
        assert_eq!(
            err(&["* * *"], ""),
            "Invalid cron spec \"* * *\": missing field(s)"
        );
        // A spec that never fires (31 February) after one that does: the
        // zero time, no line; before it, the other spec's launch.
        let never = next_launch(
            &job(&["0 3 * * *", "0 0 31 2 *"], ""),
            NOW,
            NomadVersion::CURRENT,
        );
        assert_eq!(never, Ok(None));
        assert_eq!(
            next(&["0 0 31 2 *", "0 3 * * *"], ""),
            ("2026-12-01T03:00:00Z".into(), "7h33m0s".into())
        );
        // A year long past: no launch, no line.
        let none = next_launch(&job(&["0 0 1 1 * 1999"], ""), NOW, NomadVersion::CURRENT);
        assert_eq!(none, Ok(None));
        // hashicorp v1.1.0 (0.11.2 to 0.12.3) reads month `01` as 0, and
        // from December its Next steps into a later year and never ends.
        let dec = 1_796_464_800; // 2026-12-05T10:00:00Z
        let v = NomadVersion::new(0, 11, 2);
        let endless = next_launch(&job(&["0 0 1 01 *"], ""), dec, v);
        assert!(
            matches!(&endless, Err(NoLaunch::NeverAnswers(u)) if u.spec == "0 0 1 01 *"),
            "{endless:?}"
        );
        let mut off = job(&["@daily"], "");
        if let Some(p) = off.periodic.as_mut() {
            p.enabled = false;
        }
        assert_eq!(next_launch(&off, NOW, NomadVersion::CURRENT), Ok(None));
    }
}
