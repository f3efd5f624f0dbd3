//! Job.Plan's last step: after the scheduler's dry run, an enabled
//! periodic job's next launch is computed on the server
//! (`args.Job.Periodic.Next(time.Now().In(loc))`, nomad/job_endpoint.go
//! at every tag from 0.9.0 to 2.0.5), and its error is the RPC's. So a
//! cron `Next` that panics turns the plan into Nomad's error, and one that
//! never returns leaves the CLI with no answer at all: neither may be
//! shown as a plan with a note beside it (redteam12; the tool's worst bug
//! is a confident plan where Nomad prints none). It rests on "now", which
//! only the commands know (`--now`, else the clock), so they call
//! [`settle`] on the planner's verdicts.

use super::{Admission, CannotKnow};
use crate::jobspec::Job;
use crate::periodic::NoLaunch;
use crate::version::NomadVersion;

/// Settle a plan's `admission` and `cannot_know` with the next launch of
/// `job` from `now` (Unix seconds): unchanged when the RPC does not get
/// that far (refused, a stop, already unknown) or the launch is known or
/// only its line is not.
pub fn settle(
    job: &Job,
    now: i64,
    version: NomadVersion,
    admission: &mut Admission,
    cannot_know: &mut Option<CannotKnow>,
) {
    if job.stop || matches!(admission, Admission::Refused { .. }) || cannot_know.is_some() {
        return;
    }
    match crate::periodic::next_launch(job, now, version) {
        Err(NoLaunch::PlanFails(error)) => {
            *admission = super::admission::scheduler_failed(error, version);
        }
        Err(NoLaunch::NeverAnswers(u)) => *cannot_know = Some(CannotKnow::Launch(u)),
        Ok(_) | Err(NoLaunch::Unknown(_)) => {}
    }
}

/// `check`'s question (NP225): does the Plan RPC of `job` (admitted,
/// scheduled) never answer, its launch counted from the clock as a plan
/// without `--now` counts it? Only hashicorp v1.1.0's month 0 and a few
/// DST corners depend on the instant.
pub fn never_answers(job: &Job, version: NomadVersion) -> Option<CannotKnow> {
    if job.stop {
        return None;
    }
    let now = jiff::Timestamp::now().as_second();
    match crate::periodic::next_launch(job, now, version) {
        Err(NoLaunch::NeverAnswers(u)) => Some(CannotKnow::Launch(u)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jobspec::Periodic;

    fn job(spec: &str) -> Job {
        Job {
            id: "nightly".into(),
            periodic: Some(Periodic {
                specs: vec![spec.into()],
                spec_type: "cron".into(),
                enabled: true,
                ..Periodic::default()
            }),
            ..Job::default()
        }
    }

    /// 2026-12-05T10:00:00Z.
    const DEC: i64 = 1_796_464_800;

    #[test]
    fn a_panicking_next_is_the_plans_error_and_an_endless_one_unknown() {
        let v = NomadVersion::DEMO;
        let (mut a, mut u) = (Admission::Admitted, None);
        settle(&job("30-10 5 * * *"), DEC, v, &mut a, &mut u);
        assert_eq!(
            a.refused_body(),
            Some("Failed to parse cron expression: failed parsing cron expression: \"30-10 5 * * *\"")
        );
        assert!(u.is_none());

        let v = NomadVersion::new(0, 11, 2);
        let (mut a, mut u) = (Admission::Admitted, None);
        settle(&job("0 0 1 01 *"), DEC, v, &mut a, &mut u);
        assert!(a.is_admitted());
        let line = u.map(|u| u.line(&job("0 0 1 01 *"))).unwrap_or_default();
        assert!(line.contains("Nomad's plan never answers"), "{line}");
    }

    #[test]
    fn a_refusal_a_stop_or_a_known_launch_is_left_as_it_is() {
        let v = NomadVersion::DEMO;
        let (mut a, mut u) = (Admission::Admitted, None);
        settle(&job("0 3 * * *"), DEC, v, &mut a, &mut u);
        assert!(a.is_admitted() && u.is_none());
        let mut stop = job("30-10 5 * * *");
        stop.stop = true;
        settle(&stop, DEC, v, &mut a, &mut u);
        assert!(a.is_admitted() && u.is_none());
    }
}
