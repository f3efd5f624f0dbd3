//! What the gate says about a protected job without refusing it: a
//! protected job's own plan that stops some of its allocations and places
//! nothing in their stead (a system job's new constraint evicting it from
//! the nodes it now excludes, a smaller `count`, a destructive update whose
//! replacement does not fit) does what the change to that job's file asks,
//! as deleting the file does, so it is not refused; but a reviewer must see
//! it, in one line, in every format (docs/ci.md "Protected jobs").

use std::collections::BTreeMap;

use crate::cluster::State;
use crate::scheduler::Simulation;

use super::super::JobPlan;

/// How many of the planned job's own live allocations `plan` stops with no
/// placement of the same group in their stead (allocations updated in
/// place are no replacement: they keep their ID). `state` is the one the
/// plan was made against, which holds every allocation it can stop.
fn unreplaced_stops(state: &State, plan: &JobPlan) -> u64 {
    let job = &plan.job;
    let mut by_group: BTreeMap<&str, i64> = BTreeMap::new();
    let own: Vec<&crate::cluster::Allocation> = state.job_allocs(&job.namespace, &job.id).collect();
    for id in &plan.result.stops {
        if let Some(a) = own.iter().find(|a| a.id == *id) {
            *by_group.entry(a.task_group.as_str()).or_insert(0) += 1;
        }
    }
    for p in &plan.result.placements {
        let a = &p.alloc;
        if !p.in_place && a.namespace == job.namespace && a.job_id == job.id {
            if let Some(n) = by_group.get_mut(a.task_group.as_str()) {
                *n -= 1;
            }
        }
    }
    by_group
        .values()
        .map(|&n| u64::try_from(n).unwrap_or(0))
        .sum()
}

/// One thing the gate says without refusing the change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// A protected job's own plan stops `count` of its allocations and
    /// places none in their stead.
    StopsUnreplaced {
        namespace: String,
        job_id: String,
        count: u64,
    },
    /// The file defines a job the policy does not protect that another
    /// file defines (the world's running file, or another of the change):
    /// `check` says it as an error.
    DefinedTwice(Box<crate::changeset::Twice>),
    /// Whether another file defines the job (not protected) could not be
    /// looked up: its one line ([`crate::changeset::Unlisted`]). `check`
    /// says it as a "cannot tell".
    TwiceUntold(crate::changeset::Untold),
}

impl std::fmt::Display for Notice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Notice::StopsUnreplaced {
                namespace,
                job_id,
                count,
            } => write!(
                f,
                "stops {count} allocation(s) of protected job {namespace}/{job_id} with no replacement (not refused: it is the job's own plan)"
            ),
            Notice::DefinedTwice(t) => f.write_str(&t.words(false)),
            Notice::TwiceUntold(u) => f.write_str(&u.line),
        }
    }
}

impl Notice {
    /// `Plans[].Notices[]` of `plan --changed --format json`.
    pub fn json(&self) -> serde_json::Value {
        match self {
            Notice::StopsUnreplaced {
                namespace,
                job_id,
                count,
            } => serde_json::json!({
                "Notice": "stops-unreplaced",
                "Namespace": namespace,
                "Job": job_id,
                "Count": count,
                "Text": self.to_string(),
            }),
            Notice::DefinedTwice(t) => serde_json::json!({
                "Notice": "defined-twice",
                "Namespace": t.namespace,
                "Job": t.id,
                "Other": t.first,
                "Runs": t.runs,
                "Text": self.to_string(),
            }),
            Notice::TwiceUntold(u) => serde_json::json!({
                "Notice": "defined-twice-cannot-tell",
                "File": u.file,
                "Text": self.to_string(),
            }),
        }
    }
}

/// What the gate notes about one plan made in `sim`. A stopped job (its
/// file deleted or no longer defining it) is said by the entry's header
/// and judged by [`super::judge`]; nothing more here.
pub fn notices(sim: &Simulation, plan: &JobPlan) -> Vec<Notice> {
    let job = &plan.job;
    if job.stop || !sim.world.policy.protected.covers(&job.namespace, &job.id) {
        return Vec::new();
    }
    let count = unreplaced_stops(&sim.state, plan);
    if count == 0 {
        return Vec::new();
    }
    vec![Notice::StopsUnreplaced {
        namespace: job.namespace.clone(),
        job_id: job.id.clone(),
        count,
    }]
}
