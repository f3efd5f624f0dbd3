//! Group counts past what the simulation holds.
//!
//! Nomad's `TaskGroup.Count` is a Go `int` (64 bits on amd64) from the
//! api (`Count *int`, api/tasks.go) to the structs
//! (nomad/structs/structs.go) at every release 0.9.0–2.0.5, and
//! `Job.Validate` bounds it only below (`Task group count can't be
//! negative`). From 1.11.0 the servers' `job_max_count` (50000 unless set,
//! 0: no bound) refuses a larger total at admission (jobValidate,
//! nomad/job_endpoint_hooks.go@v1.11.0), which `planner::admission` says
//! first. Otherwise the servers schedule every allocation asked; the
//! reconciler names them from a bitmap of the count's size
//! (`allocNameIndex`, scheduler/reconcile_util.go). nomad-preflight holds a
//! group's allocation indexes as 32 bits, so past 4294967295 it cannot
//! count what Nomad would and says so instead of a clamped number.

use crate::jobspec::Job;
use crate::version::NomadVersion;

/// The largest count the simulation plans.
pub const MAX_SIMULATED: i64 = u32::MAX as i64;

/// A group whose count the simulation cannot hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountUnknown {
    pub version: NomadVersion,
    pub group: String,
    pub count: i64,
}

/// The first group of `job` whose count is past [`MAX_SIMULATED`].
pub fn count_unknown(version: NomadVersion, job: &Job) -> Option<CountUnknown> {
    let g = job.groups.iter().find(|g| g.count > MAX_SIMULATED)?;
    Some(CountUnknown {
        version,
        group: g.name.clone(),
        count: g.count,
    })
}

impl CountUnknown {
    /// The one line every command prints for it (without a prefix).
    pub fn line(&self, job: &Job) -> String {
        format!(
            "cannot tell what Nomad {} plans for job {}: group {} asks count = {}, and nomad-preflight simulates at most {MAX_SIMULATED} allocations per group; Nomad takes any 64-bit count and schedules every allocation",
            self.version,
            crate::gotext::go_quote(&job.id),
            crate::gotext::go_quote(&self.group),
            self.count
        )
    }

    /// `Preflight.Count` in `--format json`.
    pub fn json(&self) -> serde_json::Value {
        serde_json::json!({
            "Known": false,
            "Group": self.group,
            "Count": self.count,
            "MaxSimulated": MAX_SIMULATED,
        })
    }

    pub const HINT: &'static str =
        "a count this large is beyond what nomad-preflight simulates; judge it on the cluster";
}
