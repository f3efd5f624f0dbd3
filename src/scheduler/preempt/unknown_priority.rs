//! An allocation whose priority the world does not know, met by a
//! preemption (rt16e R16-50).
//!
//! Nomad's preemptor reads each candidate's own job, the version it runs:
//! it skips one whose `alloc.Job.Priority` is less than 10 below the
//! placing job's, and walks the rest lowest priority first
//! (`filterAndGroupPreemptibleAllocs`, scheduler/preemption.go
//! v0.9.3:310, scheduler/feasible/preemption.go v2.0.5:339 and 692-714;
//! the device and network searches group by it too, v2.0.5:549-628).
//! An import in the list form that holds neither that version nor an
//! allocation embedding it leaves the priority unknown
//! ([`crate::structs::VersionPriority::Unknown`]). Where a preemption is
//! evaluated on its node and some priority would make it a candidate, the
//! plan cannot tell; elsewhere its priority is never read.

use crate::cluster::Allocation;
use crate::jobspec::Job;
use crate::structs::VersionPriority;

/// The lowest priority a job may have (`JobMinPriority`,
/// nomad/structs/structs.go v2.0.5:4299): the most any unknown one can
/// be below the placing job's.
const MIN_PRIORITY: i64 = 1;

/// A preemption evaluated on a node holding an allocation of unknown
/// priority, which some priority makes a candidate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriorityUnknown {
    pub alloc_id: String,
    pub namespace: String,
    pub job_id: String,
    /// The job version it runs, which the world does not hold.
    pub version: u64,
    pub node_id: String,
}

impl PriorityUnknown {
    /// The first of `candidates` (the node's allocations a preemption for
    /// `job` considers) whose priority is unknown and may decide it: one
    /// of `job`'s own is never a candidate, and a job within 10 of the
    /// lowest priority preempts nothing whatever it is.
    pub fn among<'a>(
        candidates: impl IntoIterator<Item = &'a Allocation>,
        job: &Job,
    ) -> Option<PriorityUnknown> {
        if !super::outranks(job.priority, MIN_PRIORITY) {
            return None;
        }
        candidates
            .into_iter()
            .find(|a| {
                a.version_priority == VersionPriority::Unknown
                    && !(a.namespace == job.namespace && a.job_id == job.id)
            })
            .map(|a| PriorityUnknown {
                alloc_id: a.id.to_string(),
                namespace: a.namespace.to_string(),
                job_id: a.job_id.to_string(),
                version: a.job_version,
                node_id: a.node_id.to_string(),
            })
    }

    /// The one line every command prints for it (without a prefix).
    pub fn line(&self, job: &Job) -> String {
        format!(
            "cannot tell whether job {} is placed as planned: Nomad evaluates preemption on node {}, which runs allocation {} of job {} at version {}; the world holds neither that version nor an allocation embedding it, so its priority, which decides whether it may be preempted (at least 10 below {}), is unknown",
            crate::gotext::go_quote(&job.id),
            crate::gotext::go_quote(&self.node_id),
            crate::gotext::go_quote(&self.alloc_id),
            crate::gotext::go_quote(&format!("{}/{}", self.namespace, self.job_id)),
            self.version,
            job.priority,
        )
    }

    /// `Preflight.AllocPriority` in `--format json`.
    pub fn json(&self) -> serde_json::Value {
        serde_json::json!({
            "Known": false,
            "AllocID": self.alloc_id,
            "Namespace": self.namespace,
            "JobID": self.job_id,
            "JobVersion": self.version,
            "NodeID": self.node_id,
        })
    }

    pub const HINT: &'static str = "save the job's versions again (`/v1/job/:id/versions`, `import --print-commands`) while Nomad still tracks the version the allocation runs, or save each allocation with `/v1/allocation/<id>`, which embeds its job";
}

impl crate::scheduler::engine::Engine<'_> {
    /// Keep the first [`PriorityUnknown`] among `candidates`, the node's
    /// allocations a preemption for `job` considers.
    pub(in crate::scheduler) fn note_priority_unknown<'a>(
        &self,
        candidates: impl IntoIterator<Item = &'a Allocation>,
        job: &Job,
    ) {
        if let Some(u) = PriorityUnknown::among(candidates, job) {
            self.priority_unknown.borrow_mut().get_or_insert(u);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alloc(job: &str, known: VersionPriority) -> Allocation {
        Allocation {
            id: "a1".into(),
            namespace: "default".into(),
            job_id: job.into(),
            node_id: "n1".into(),
            version_priority: known,
            ..Allocation::default()
        }
    }

    fn job(priority: i64) -> Job {
        Job {
            id: "placing".into(),
            namespace: "default".into(),
            priority,
            ..Job::default()
        }
    }

    #[test]
    fn only_an_unknown_priority_another_job_holds_that_could_be_a_candidate() {
        let unknown = alloc("low", VersionPriority::Unknown);
        let known = alloc("low", VersionPriority::Known);
        let own = alloc("placing", VersionPriority::Unknown);
        let u = PriorityUnknown::among([&known, &unknown], &job(100)).expect("unknown");
        assert_eq!((u.job_id.as_str(), u.version), ("low", 0));
        assert_eq!(PriorityUnknown::among([&known], &job(100)), None);
        assert_eq!(PriorityUnknown::among([&own], &job(100)), None);
        // Priority 10 preempts nothing: no priority of 1 or more is 10 below.
        assert_eq!(PriorityUnknown::among([&unknown], &job(10)), None);
        assert!(PriorityUnknown::among([&unknown], &job(11)).is_some());
    }
}
