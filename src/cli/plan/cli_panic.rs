//! Where Nomad's own `nomad job plan` command panics after the servers
//! answered (R22-B-3): nothing of the plan the tool computed is what the
//! user sees, so every format says so in one line and exits 255.
//!
//! `-diff=false` from 1.5.0 to 1.5.3: the command asks the servers for no
//! diff when the flag is false (`opts.Diff = true` only `if diff`,
//! command/job_plan.go v1.5.0:236-240), so `Job.Plan` leaves the reply's
//! `Diff` nil (nomad/job_endpoint.go v1.5.0:1837 `if args.Diff`). After it
//! prints the dry run, warnings and preemptions, `getExitCode` reads
//! `resp.Diff.Type` (v1.5.0:393-396, added by #14492 in 1.5.0): a nil
//! pointer dereference nothing recovers, so Go prints the panic and a
//! goroutine trace and the process exits 2. Fixed by always asking for
//! the diff (#16944; backported to 1.5.4 as #16951, 3fe3a559 in 1.6.0);
//! 1.4.x never read the diff there (v1.4.7:393-402), and no Enterprise
//! line carries #14492 without the fix.

use crate::version::NomadVersion;

/// The issue that reports it.
const ISSUE: &str = "hashicorp/nomad#16944";

/// The first releases with the fix: 1.5.4 on the 1.5 line, and every
/// later line.
const FIXED_IN: NomadVersion = NomadVersion::new(1, 5, 4);

/// Does `nomad job plan` of release `v` with `-diff=` `diff` panic once
/// the servers answer with a plan?
pub(super) fn diff_off_panics(v: NomadVersion, diff: bool) -> bool {
    !diff && v.at_least(1, 5, 0) && !v.at_least(FIXED_IN.major, FIXED_IN.minor, FIXED_IN.patch)
}

/// The one line said in place of the plan (without a prefix).
pub(super) fn line(v: NomadVersion, job_id: &str) -> String {
    format!(
        "cannot tell what `nomad job plan -diff=false` prints for job {}: Nomad {v}'s CLI asks the servers for no diff and then reads the diff's type to choose its exit code, a nil pointer dereference ({ISSUE}, fixed in {FIXED_IN}): after the dry run it prints Go's panic and a goroutine trace and exits 2; plan without -diff=false for the plan's answer",
        crate::gotext::go_quote(job_id)
    )
}

/// Where `nomad job plan` panics on `plan`, the servers' answer: said as
/// every plan we cannot tell ([`super::cannot_know`]), with its exit code.
pub(super) fn said(
    args: &super::PlanArgs,
    v: NomadVersion,
    plan: &super::JobPlan,
    before: &crate::world::before::Source,
) -> Option<i32> {
    if !diff_off_panics(v, args.diff) {
        return None;
    }
    let mut fields = serde_json::Map::new();
    fields.insert("CliPanic".into(), json());
    fields.insert("Admission".into(), plan.admission.json());
    Some(super::cannot_know(
        args,
        &line(v, &plan.job.id),
        fields,
        before,
    ))
}

/// `Preflight.CliPanic` in JSON.
pub(super) fn json() -> serde_json::Value {
    serde_json::json!({
        "Flag": "-diff=false",
        "Issue": ISSUE,
        "FixedIn": [FIXED_IN.to_string()],
        "ExitCode": 2,
        "Answers": false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_1_5_0_to_1_5_3_panic_and_only_without_the_diff() {
        let v = NomadVersion::new;
        for at in [v(1, 5, 0), v(1, 5, 1), v(1, 5, 3)] {
            assert!(diff_off_panics(at, false), "{at}");
            assert!(!diff_off_panics(at, true), "{at}");
        }
        for at in [
            v(1, 4, 14),
            v(1, 4, 7),
            v(1, 5, 4),
            v(1, 5, 17),
            v(1, 6, 0),
            v(2, 0, 5),
        ] {
            assert!(!diff_off_panics(at, false), "{at}");
        }
    }
}
