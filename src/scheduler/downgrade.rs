//! The job version a non-canary placement takes while its group starts a
//! canary rollout (R22-B-6).
//!
//! From 0.12.4 (#8691, "Respect alloc job version for lost/failed allocs")
//! the reconciler marks every placement of a canarying group that is not a
//! canary `downgradeNonCanary` (the replacement of a lost allocation, a
//! due reschedule, a migration: [`super::reconcile_group::GroupPlan`]),
//! and the scheduler places it with the last stable version of the job
//! (`downgradedJobForPlacement`, scheduler/generic_sched.go v1.0.0:433-466,
//! v2.0.5:447-484): the job's deployments, the first whose state for the
//! group is promoted or has no desired canaries gives the version; none
//! found, the version the allocation ran when that job has no update
//! strategy (`Job.Update.IsEmpty`). The placement then takes that
//! version's group (its resources and constraints) and job, unless the
//! version found is older than the allocation's own or lacks the group:
//! then the planned version ("Defensive check", v1.0.0:497-512,
//! v2.0.5:522-536).
//!
//! Releases differ in two places: up to 1.0.1 the deployments are walked
//! in the state store's order, by deployment ID (the sort's
//! `deployments[i] > deployments[i]` is always false; fixed in 1.0.2,
//! be6e5e9e6d, #9547), so where two versions' deployments qualify the pick
//! is random; from 1.6.0 the downgraded job's datacenters and node pool
//! choose the nodes when they differ from the planned job's
//! (`needsToSetNodes`, v2.0.5:796, f4c7182873), which is not simulated.
//!
//! What the world knows of the deployments: a simulated registration's
//! (finished at once: a canary one is promoted once it succeeds); for a
//! job pinned where it runs (rules/allocations.hcl, an import), the
//! deployment of its registered version, which Nomad made when it
//! registered a group with an update strategy and keeps while that
//! version's allocations run (nomad/core_sched.go v2.0.5:582-633
//! `deploymentGC`). Older deployments of a pinned job are not known: where
//! they could decide, the plan cannot tell.

use super::generic::JobHistory;
use crate::cluster::State;
use crate::jobspec::Job;
use crate::version::NomadVersion;
use crate::world::World;

/// Does `version` downgrade non-canary placements (0.12.4 on)?
pub fn downgrades(version: NomadVersion) -> bool {
    version.at_least(0, 12, 4)
}

/// The job a downgraded placement takes.
#[derive(Debug, Clone, Copy)]
pub enum Stable<'h> {
    /// An older version's job, which holds the group.
    Older { version: u64, job: &'h Job },
    /// The planned version (nothing stable found, or the defensive check).
    Planned,
}

/// Why the stable version cannot be told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    /// The job version Nomad would read is not in the world.
    VersionNotHeld(u64),
    /// Deployments of versions before the registered one may survive,
    /// and one of them could be read first.
    OlderDeployments,
    /// Up to 1.0.1 deployments of several versions qualify, read in the
    /// order of their random IDs.
    DeploymentOrder,
    /// From 1.6.0 the stable version's datacenters or node pool differ
    /// from the planned job's: its own nodes are searched.
    OtherNodes(u64),
}

/// A placement whose job version the plan cannot tell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DowngradeUnknown {
    pub namespace: String,
    pub job_id: String,
    pub group: String,
    pub why: Why,
}

impl DowngradeUnknown {
    /// The one line every command prints for it (without a prefix).
    pub fn line(&self, job: &Job) -> String {
        let why = match self.why {
            Why::VersionNotHeld(v) => format!("the world does not hold version {v} of the job"),
            Why::OlderDeployments => "the world does not say which deployments of its earlier versions Nomad still keeps".to_string(),
            Why::DeploymentOrder => "deployments of more than one version qualify and this release reads them in the order of their random IDs".to_string(),
            Why::OtherNodes(v) => format!("version {v}'s datacenters or node pool differ from the planned job's, and its nodes are not simulated"),
        };
        format!(
            "cannot tell whether job {} is placed as planned: during its canary rollout Nomad places group {}'s replacements of lost, migrating or rescheduled allocations with the last stable job version (the newest deployment promoted or without canaries), and {why}",
            crate::gotext::go_quote(&job.id),
            crate::gotext::go_quote(&self.group),
        )
    }

    /// `Preflight.Downgrade` in `--format json`.
    pub fn json(&self) -> serde_json::Value {
        let (reason, version) = match self.why {
            Why::VersionNotHeld(v) => ("VersionNotHeld", Some(v)),
            Why::OlderDeployments => ("OlderDeployments", None),
            Why::DeploymentOrder => ("DeploymentOrder", None),
            Why::OtherNodes(v) => ("OtherNodes", Some(v)),
        };
        serde_json::json!({
            "Known": false,
            "Namespace": self.namespace,
            "JobID": self.job_id,
            "TaskGroup": self.group,
            "Reason": reason,
            "JobVersion": version,
        })
    }

    pub const HINT: &'static str = "state the job's registered version and keep its spec in the world (`job \"ID\" { version }` in rules/allocations.hcl, or `import --print-commands` saving `/v1/job/:id/versions`), or judge the rollout on the cluster";
}

/// One deployment as the lookup reads it: its job version, and whether
/// its state for the group is promoted or wants no canaries (`None`: it
/// has no state for the group).
struct Seen {
    version: u64,
    stable: Option<bool>,
}

/// What a pinned job's world says: the version it was registered at.
fn pinned_version(world: &World, ns: &str, id: &str) -> Option<u64> {
    let p = world.pinned.as_ref()?;
    let key = (ns.to_string(), id.to_string());
    let held = p.versions.contains_key(&key)
        || p.allocs
            .iter()
            .any(|a| a.namespace.as_str() == ns && a.job_id.as_str() == id);
    held.then(|| p.versions.get(&key).map_or(0, |ix| ix.version))
}

/// The job at `version`, as `JobByIDAndVersion` reads it.
fn job_at<'h>(
    history: &'h JobHistory,
    state: &'h State,
    job: &Job,
    version: u64,
) -> Option<&'h Job> {
    history
        .get(&(job.namespace.clone(), job.id.clone(), version))
        .map(|j| &**j)
        .or_else(|| {
            state
                .job(&job.namespace, &job.id)
                .filter(|r| r.version == version)
                .map(|r| &*r.job)
        })
}

/// The stable job for a non-canary placement of `group` of `job` (the
/// planned spec) that replaces an allocation of `min_version` (0 for a new
/// name), or why it cannot be told.
pub fn stable_for<'h>(
    world: &World,
    state: &'h State,
    history: &'h JobHistory,
    job: &Job,
    group: &str,
    min_version: u64,
) -> Result<Stable<'h>, DowngradeUnknown> {
    let unknown = |why| DowngradeUnknown {
        namespace: job.namespace.clone(),
        job_id: job.id.clone(),
        group: group.to_string(),
        why,
    };
    let v = world.nomad_version;
    let pinned = pinned_version(world, &job.namespace, &job.id);
    let mut seen: Vec<Seen> = state
        .deployments
        .iter()
        .filter(|d| d.namespace == job.namespace && d.job_id == job.id)
        .map(|d| Seen {
            version: d.job_version,
            stable: d
                .groups
                .get(group)
                .map(|g| g.desired_canaries == 0 || d.status == "successful"),
        })
        .collect();
    if let Some(r) = pinned.filter(|r| !seen.iter().any(|s| s.version == *r)) {
        let has_strategy = job_at(history, state, job, r)
            .and_then(|j| j.group(group))
            .map(|g| g.update.as_ref().is_some_and(|u| u.max_parallel > 0));
        match has_strategy {
            Some(s) => seen.push(Seen {
                version: r,
                stable: s.then_some(true),
            }),
            None => return Err(unknown(Why::VersionNotHeld(r))),
        }
    }
    // Deployments of a pinned job's earlier versions may still be kept.
    let older_unknown = pinned.is_some_and(|r| r > 0);
    let qualifying: Vec<u64> = seen
        .iter()
        .filter(|s| s.stable == Some(true))
        .map(|s| s.version)
        .collect();
    let found = if v.at_least(1, 0, 2) {
        let newest = qualifying.iter().copied().max();
        match (newest, pinned) {
            // Known deployments start at the registered version: an
            // earlier one is read only where none of them qualifies.
            (Some(n), _) => Some(n),
            (None, _) if older_unknown => return Err(unknown(Why::OlderDeployments)),
            (None, _) => None,
        }
    } else {
        let mut versions = qualifying.clone();
        versions.sort_unstable();
        versions.dedup();
        if older_unknown || versions.len() > 1 {
            let why = if versions.len() > 1 {
                Why::DeploymentOrder
            } else {
                Why::OlderDeployments
            };
            return Err(unknown(why));
        }
        versions.first().copied()
    };
    let chosen = match found {
        Some(n) => match job_at(history, state, job, n) {
            Some(j) => Some((n, j)),
            None if pinned.is_some() => return Err(unknown(Why::VersionNotHeld(n))),
            None => None,
        },
        // No deployment: the allocation's own version when that job has
        // no update strategy.
        None => match job_at(history, state, job, min_version) {
            Some(j) if crate::structs::spec_changed::stored_update(j, v).1 == 0 => {
                Some((min_version, j))
            }
            Some(_) => None,
            None if pinned.is_some() => return Err(unknown(Why::VersionNotHeld(min_version))),
            None => None,
        },
    };
    let Some((version, older)) =
        chosen.filter(|(n, j)| *n >= min_version && j.group(group).is_some())
    else {
        return Ok(Stable::Planned);
    };
    if v.at_least(1, 6, 0) && needs_other_nodes(older, job) {
        return Err(unknown(Why::OtherNodes(version)));
    }
    Ok(Stable::Older {
        version,
        job: older,
    })
}

/// `needsToSetNodes`: the datacenters as sets, or the node pool, differ.
fn needs_other_nodes(a: &Job, b: &Job) -> bool {
    fn set(j: &Job) -> std::collections::BTreeSet<&str> {
        j.datacenters.iter().map(String::as_str).collect()
    }
    set(a) != set(b) || a.node_pool != b.node_pool
}
