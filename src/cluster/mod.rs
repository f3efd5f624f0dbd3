//! Simulated cluster state: nodes, registered jobs and allocations, with
//! Raft-like indexes kept deterministic so plans can print a stable
//! `Job Modify Index` and `-check-index` can be honoured.

pub mod build;
pub mod job_status;
pub mod metric;
mod nodes;
pub mod reported;
pub mod reported_drivers;
pub mod reported_host;
pub mod reported_meta;
pub mod reserved_cpu;
pub mod usage;

use std::collections::BTreeMap;

use crate::jobspec::Job;

/// Nodes and allocations are [`crate::structs`]' value types (the world
/// reads them too); the state store below holds them.
pub use crate::structs::{
    AllocNetwork, AllocResources, Allocation, ClientStatus, DesiredStatus, Node, NodeNetwork,
    NodeStatus,
};
pub use nodes::Nodes;
pub use reserved_cpu::cpu_withheld;

pub use crate::structs::JobStatus;

/// Unix seconds of simulated time zero: 2019-06-20T10:00:00Z.
pub const SIM_EPOCH_UNIX: i64 = 1_561_024_800;

/// Simulated seconds of a Unix time in nanoseconds (Go's `time.Unix(0,
/// ns)`: whole seconds, rounded down).
pub fn sim_seconds(unix_nanos: i64) -> i64 {
    unix_nanos.div_euclid(1_000_000_000) - SIM_EPOCH_UNIX
}

/// Unix nanoseconds as simulated seconds, rounded to the nearest second
/// as `prettyTimeDiff` rounds both times (`Round(time.Second)`, halves up;
/// command/helpers.go v0.9.0–v2.0.5).
pub fn rounded_sim_seconds(unix_nanos: i128) -> i64 {
    let secs = (unix_nanos + 500_000_000).div_euclid(1_000_000_000);
    i64::try_from(secs)
        .unwrap_or(if secs < 0 { i64::MIN } else { i64::MAX })
        .saturating_sub(SIM_EPOCH_UNIX)
}

/// A job as the state store holds it.
#[derive(Debug, Clone)]
pub struct JobRecord {
    /// Shared with the job history and with every copy of the state
    /// (sampling clones a replayed state many times).
    pub job: std::sync::Arc<Job>,
    pub version: u64,
    pub create_index: u64,
    pub modify_index: u64,
    pub job_modify_index: u64,
    /// Submit time in seconds since [`SIM_EPOCH_UNIX`]: simulated, or an
    /// imported job's own ([`sim_seconds`]).
    pub submit_time: i64,
    pub status: JobStatus,
    /// An import reported an evaluation of this registration unfinished
    /// (see [`crate::world::JobIndexes::unfinished_eval`]); a new
    /// registration's own evaluation replaces it.
    pub unfinished_eval: bool,
}

/// An evaluation waiting for capacity or quota (`blocked` status).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct BlockedEval {
    pub id: String,
    pub namespace: String,
    pub job_id: String,
    /// Quota name when blocked by a quota rather than capacity.
    pub quota_limit_reached: Option<String>,
    pub create_index: u64,
    /// The evaluation whose placements failed (Nomad's latest failed
    /// placement), and its per-group metrics.
    pub failed_eval_id: String,
    pub failed_tg_allocs: BTreeMap<String, metric::AllocMetric>,
}

/// One task group's progress in a deployment (`DeploymentState`).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DeploymentGroup {
    pub auto_revert: bool,
    pub desired_canaries: u64,
    pub desired_total: u64,
    pub placed: u64,
    pub healthy: u64,
    pub unhealthy: u64,
    /// The group's `progress_deadline` in seconds (0: none).
    pub progress_deadline: i64,
    /// Simulated seconds by which progress is required: set by the first
    /// placed allocation (None before, or without a deadline).
    pub require_progress_by: Option<i64>,
}

/// A deployment of one job version. Simulated allocations are healthy at
/// once, so every deployment here has finished successfully.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Deployment {
    pub id: String,
    pub namespace: String,
    pub job_id: String,
    pub job_version: u64,
    pub status: String,
    pub description: String,
    pub groups: BTreeMap<String, DeploymentGroup>,
    pub create_index: u64,
}

/// `(namespace, job id)`
pub type JobKey = (String, String);

/// The whole simulated state store.
#[derive(Debug, Clone, Default)]
pub struct State {
    /// Latest Raft index; every write bumps it.
    pub index: u64,
    pub nodes: Nodes,
    pub jobs: BTreeMap<JobKey, JobRecord>,
    pub allocs: Vec<Allocation>,
    pub blocked: Vec<BlockedEval>,
    /// Namespaces that exist in the state store (`nomad namespace apply`).
    pub namespaces: Vec<String>,
    pub deployments: Vec<Deployment>,
    /// An import's state: the index once its saved jobs and allocations
    /// are in, before any step of a rehearsal. A job, allocation or
    /// blocked evaluation written above it is the rehearsal's, so the
    /// import's saved view of that job no longer holds
    /// (render/status/live_job.rs). `None`: a hand-written world's.
    pub imported_at: Option<u64>,
    /// An import's clock: the simulated seconds at [`State::imported_at`]
    /// (when the import was saved, else the newest time it holds). A
    /// rehearsal's writes are dated from it, a second per index, so saved
    /// dates and the rehearsal's share one clock ([`State::time_at`]).
    /// `None`: a hand-written world's, dated from [`SIM_EPOCH_UNIX`].
    pub import_clock: Option<i64>,
}

impl State {
    /// The simulated seconds of a write at `index`: a hand-written world's
    /// clock runs a second per index from [`SIM_EPOCH_UNIX`]; an import's
    /// continues from [`State::import_clock`], so nothing the rehearsal
    /// writes is dated before what the cluster saved.
    pub fn time_at(&self, index: u64) -> i64 {
        let secs = |i: u64| i64::try_from(i).unwrap_or(i64::MAX);
        match (self.imported_at, self.import_clock) {
            (Some(at), Some(origin)) => origin.saturating_add(secs(index.saturating_sub(at))),
            _ => secs(index),
        }
    }

    /// The newest deployment of a job, as `nomad job status` shows it.
    pub fn latest_deployment(&self, namespace: &str, id: &str) -> Option<&Deployment> {
        self.deployments
            .iter()
            .filter(|d| d.namespace == namespace && d.job_id == id)
            .max_by_key(|d| d.create_index)
    }

    pub fn job(&self, namespace: &str, id: &str) -> Option<&JobRecord> {
        self.jobs.get(&(namespace.to_string(), id.to_string()))
    }

    pub fn node(&self, id: &str) -> Option<&Node> {
        self.nodes.iter().find(|n| n.id == id)
    }

    /// Live allocations of one job.
    pub fn job_allocs<'a>(
        &'a self,
        namespace: &'a str,
        id: &'a str,
    ) -> impl Iterator<Item = &'a Allocation> + 'a {
        self.allocs_of(namespace, id, Allocation::is_live)
    }

    /// Every allocation of one job the state holds, terminal ones too, as
    /// the state store's `AllocsByJob` returns them to the scheduler.
    pub fn every_job_alloc<'a>(
        &'a self,
        namespace: &'a str,
        id: &'a str,
    ) -> impl Iterator<Item = &'a Allocation> + 'a {
        self.allocs_of(namespace, id, |_| true)
    }

    /// A job's allocations its (service or batch) reconciler reads: the
    /// live ones and the failed ones not yet replaced
    /// ([`Allocation::is_reconciled`]).
    pub fn reconciled_allocs<'a>(
        &'a self,
        namespace: &'a str,
        id: &'a str,
    ) -> impl Iterator<Item = &'a Allocation> + 'a {
        self.allocs_of(namespace, id, Allocation::is_reconciled)
    }

    fn allocs_of<'a>(
        &'a self,
        namespace: &'a str,
        id: &'a str,
        keep: fn(&Allocation) -> bool,
    ) -> impl Iterator<Item = &'a Allocation> + 'a {
        self.allocs
            .iter()
            .filter(move |a| a.namespace == namespace && a.job_id == id && keep(a))
    }

    /// Live allocations on one node.
    pub fn node_allocs<'a>(
        &'a self,
        node_id: &'a str,
    ) -> impl Iterator<Item = &'a Allocation> + 'a {
        self.allocs
            .iter()
            .filter(move |a| a.node_id == node_id && a.is_live())
    }
}

#[cfg(test)]
mod tests {
    use super::State;

    #[test]
    fn an_import_s_clock_continues_from_its_save_and_a_hand_written_one_from_the_epoch() {
        let mut s = State::default();
        assert_eq!(s.time_at(7), 7);
        s.imported_at = Some(40);
        s.import_clock = Some(1_000);
        assert_eq!(s.time_at(40), 1_000);
        assert_eq!(s.time_at(43), 1_003);
        // Nothing is dated before the save.
        assert_eq!(s.time_at(3), 1_000);
    }
}
