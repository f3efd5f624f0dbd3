//! A system job's latest deployment that succeeded while holding no state
//! (`null` in deployments.json's `TaskGroups`) for some of its groups
//! (R22-B-1). From 1.11.0 the system scheduler writes `nil` for a group
//! with no candidate node into a successful deployment
//! (scheduler/scheduler_system.go v1.11.2:388-396), and the plan applier
//! stores it where another group placed something. The next evaluation
//! that finds a candidate for that group dereferences it; what the
//! scheduler makes of it is [`crate::scheduler::nil_deployment_state`].
//! Here, only what the import saved.

use std::collections::BTreeMap;

use serde_json::Value;

use super::api_json::Fields as _;
use crate::jobspec::JobType;

/// `(namespace, job ID)`.
type JobKey = (String, String);

/// The job's latest deployment, where it succeeded with `null` states.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NilState {
    pub deployment: String,
    /// The deployment's `JobVersion`.
    pub job_version: u64,
    /// The groups whose state is `null`, sorted.
    pub groups: Vec<String>,
}

/// A system job's terminal allocation the import does not keep (it holds
/// nothing and no reconciler of it places or stops anything), which
/// 1.11.0-1.11.2's `hadRunning` still reads (reconcile_node.go
/// v1.11.2:486-491, the newest of its name on its node).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Finished {
    pub node_id: String,
    pub name: String,
    pub job_version: u64,
    /// The allocation's own `CreateIndex` (which is newest).
    pub create_index: u64,
    /// Of the registered job's registration (its `Job.CreateIndex`, or,
    /// not embedded, created after the job was): only such an allocation
    /// counts as `hadRunning` (`alloc.Job.CreateIndex == job.CreateIndex`).
    pub this_registration: bool,
}

/// Every system job's [`NilState`], by job, and the finished allocations
/// [`crate::scheduler::nil_deployment_state`] reads beside the state's.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NilStates {
    pub by_job: BTreeMap<JobKey, NilState>,
    /// Only at 1.11.0-1.11.2, the releases that read them.
    #[serde(default)]
    pub finished: BTreeMap<JobKey, Vec<Finished>>,
}

impl NilStates {
    pub fn of(&self, namespace: &str, id: &str) -> Option<&NilState> {
        self.by_job.get(&(namespace.to_string(), id.to_string()))
    }

    /// The finished allocations of a job the import kept aside.
    pub fn finished_of(&self, namespace: &str, id: &str) -> &[Finished] {
        self.finished
            .get(&(namespace.to_string(), id.to_string()))
            .map_or(&[], Vec::as_slice)
    }

    /// Keep `alloc`, a system job's terminal allocation the import drops,
    /// where the release reads it (see [`Finished`]). `job_created`: its
    /// embedded `Job.CreateIndex`; `registered`: the registered job's.
    pub(super) fn keep_finished(
        &mut self,
        alloc: &crate::structs::Allocation,
        v: crate::version::NomadVersion,
        job_created: Option<u64>,
        registered: Option<u64>,
    ) {
        if alloc.job_type != JobType::System || !v.at_least(1, 11, 0) || v.at_least(1, 11, 3) {
            return;
        }
        let this_registration = match (job_created, registered) {
            (Some(c), Some(r)) => c == r,
            (None, Some(r)) => alloc.create_index >= r,
            (_, None) => false,
        };
        let key = (alloc.namespace.to_string(), alloc.job_id.to_string());
        self.finished.entry(key).or_default().push(Finished {
            node_id: alloc.node_id.to_string(),
            name: alloc.name.to_string(),
            job_version: alloc.job_version,
            create_index: alloc.create_index,
            this_registration,
        });
    }
}

/// Keep each registered system job's latest deployment (`latest`, by
/// job, deployments.json's entries) that succeeded with `null` group
/// states. Any other status is no matter: only a successful one is kept
/// by the scheduler with its `nil`s (a running one is the reconciler's,
/// `import::deployment`).
pub(super) fn read(world: &mut super::World, latest: &BTreeMap<JobKey, &Value>) {
    for (key, d) in latest {
        let system = world.running.iter().any(|r| {
            r.job.job_type == JobType::System && r.job.namespace == key.0 && r.job.id == key.1
        });
        if !system || d.typed_str("Status") != Some("successful") {
            continue;
        }
        let mut groups: Vec<String> = d
            .typed_object("TaskGroups")
            .into_iter()
            .flatten()
            .filter(|(_, state)| state.is_null())
            .map(|(name, _)| name.clone())
            .collect();
        groups.sort();
        if groups.is_empty() {
            continue;
        }
        let state = NilState {
            deployment: d.typed_str("ID").unwrap_or_default().to_string(),
            job_version: d.typed_u64("JobVersion").unwrap_or(0),
            groups,
        };
        world
            .nil_deployment_states
            .by_job
            .insert(key.clone(), state);
    }
}
