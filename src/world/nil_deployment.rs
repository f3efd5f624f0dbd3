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

/// Every system job's [`NilState`], by job.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NilStates(pub BTreeMap<JobKey, NilState>);

impl NilStates {
    pub fn of(&self, namespace: &str, id: &str) -> Option<&NilState> {
        self.0.get(&(namespace.to_string(), id.to_string()))
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
        world.nil_deployment_states.0.insert(key.clone(), state);
    }
}
