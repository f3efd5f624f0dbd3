//! Service and batch preemption before 0.12: Enterprise's alone.
//!
//! Before 0.12.0 the community build's generic scheduler never evicts: its
//! `selectNextOption` is one `s.stack.Select(tg, selectOptions)` and
//! `handlePreemptions` is empty (scheduler/generic_sched_oss.go:8-14@
//! v0.11.8, `+build !ent`), and its stack's bin-packer is built with
//! eviction off (`NewBinPackIterator(ctx, rankSource, false, 0, ...)`,
//! scheduler/stack_oss.go:66@v0.11.8, :53@v0.9.3). The servers still
//! accept and store `PreemptionConfig.{Service,Batch}SchedulerEnabled`
//! (nomad/structs/operator.go@v0.11.8), and ignore it. From 0.12.0 the
//! open generic scheduler reads them and retries with eviction
//! (scheduler/generic_sched.go:650-670@v0.12.0). System jobs preempt in
//! both builds (the open `NewSystemStack`).
//!
//! Enterprise's scheduler first selects without eviction and retries with
//! it, as 0.12's open one does: a plan that preempted nothing is the same
//! under both builds, and one that preempted is "cannot tell" when the
//! world does not state the edition.

use crate::jobspec::{Job, JobType};
use crate::version::NomadVersion;
use crate::world::World;

/// Does the community build of release `v` never preempt for job type `t`?
pub fn community_lacks_preemption(v: NomadVersion, t: JobType) -> bool {
    matches!(t, JobType::Service | JobType::Batch) && !v.at_least(0, 12, 0)
}

/// A plan that preempted for a service or batch job before 0.12 under
/// servers of an unstated edition: Enterprise preempts, the community
/// build does not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreemptionEditionUnknown {
    pub version: NomadVersion,
    pub job_type: JobType,
    /// How many allocations the plan preempted.
    pub preempted: usize,
}

/// The plan's "cannot tell", if its preemptions hang on the edition.
pub fn edition_unknown(
    world: &World,
    job: &Job,
    preempted: usize,
) -> Option<PreemptionEditionUnknown> {
    let v = world.nomad_version;
    (preempted > 0
        && community_lacks_preemption(v, job.job_type)
        && world.edition().is_none()
        && super::preemption_on(world, job.job_type))
    .then_some(PreemptionEditionUnknown {
        version: v,
        job_type: job.job_type,
        preempted,
    })
}

impl PreemptionEditionUnknown {
    /// The one line every command prints for it (without a prefix).
    pub fn line(&self, job: &Job) -> String {
        format!(
            "cannot tell whether Nomad {}'s servers place job {}: the plan preempts {} allocation(s), and before 0.12.0 only Nomad Enterprise preempts for {} jobs (the community edition ignores the scheduler configuration's preemption setting); the world does not say which edition the servers run",
            self.version,
            crate::gotext::go_quote(&job.id),
            self.preempted,
            self.job_type
        )
    }

    /// `Preflight.PreemptionEdition` in `--format json`.
    pub fn json(&self) -> serde_json::Value {
        serde_json::json!({
            "Known": false,
            "Version": self.version.to_string(),
            "JobType": self.job_type.to_string(),
            "Preempted": self.preempted,
        })
    }

    pub const HINT: &'static str = "state the servers' edition in the world: `edition = \"community\"` or `\"enterprise\"` in rules/cluster.hcl";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn community_gains_service_and_batch_preemption_at_0_12() {
        let v = |m, p| NomadVersion::new(0, m, p);
        assert!(community_lacks_preemption(v(11, 8), JobType::Service));
        assert!(community_lacks_preemption(v(9, 3), JobType::Batch));
        assert!(!community_lacks_preemption(v(12, 0), JobType::Service));
        assert!(!community_lacks_preemption(v(9, 3), JobType::System));
    }
}
