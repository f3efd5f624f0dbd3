//! `deployments.json` of an import (`/v1/deployments?namespace=*`): which
//! jobs have a deployment the reconciler would read. Deployments are not
//! simulated (the simulation's become healthy at once), so such a job's
//! plan is a guess (`import::deployment`, [`super::guess`]).
//!
//! Nomad's rules (`scheduler/generic_sched.go`, the reconciler's
//! `cancelUnneededDeployments`, every release from 0.9 to 2.0): a service
//! job's evaluation reads the job's latest deployment (highest
//! CreateIndex, `LatestDeploymentByJobID`; batch jobs read none). One made
//! for another version of the job (`JobVersion`, `JobCreateIndex`) is
//! cancelled and plays no part, so it only matters to a plan that keeps
//! the registered version (an unchanged spec, job_endpoint.go Plan:
//! `SpecChanged`). One that succeeded is cleared. Otherwise it limits the
//! plan: a paused or failed deployment places no destructive update, a
//! running one as many as `max_parallel` less its unhealthy placements.
//! So a latest deployment of the registered version that is active
//! (`Deployment.Active`: running, paused; blocked, unblocking and pending
//! from 1.2; initializing from 1.6) or failed makes the job a guess.
//!
//! Without the file, a service job whose live allocations were placed by a
//! deployment (`DeploymentID`) may have one in progress: a guess for that
//! job alone; a job no deployment placed has none to read.
//!
//! A system job's deployment (1.11+) is read by `evictAndPlace` from
//! 1.11.2 (scheduler/scheduler_system.go v1.11.2:707-722, v2.0.5:709-724;
//! not in v1.11.0/v1.11.1:690-716): the job's latest deployment
//! (`LatestDeploymentByJobID`, :140, kept even where the node reconciler
//! cancels it) lowers the group's replacement limit by each allocation the
//! diff ignores that it placed and whose health is not yet set. Only a plan
//! that keeps the registered version ignores any allocation while updating
//! others (a changed spec updates them all), so it is that plan again,
//! and only while a rollout is under way: a live allocation of an older
//! version beside a deployment of the registered version in progress or
//! failed (or, without the file, any deployment), when a live allocation
//! a deployment placed has no health yet (`DeploymentStatus.Healthy`
//! null). Which limit is left, and whether the replacement it holds back
//! would have failed or preempted, is not simulated: such a job is a guess
//! as a service job's is. (The annotation's counts are the same either
//! way: `desiredUpdates` runs before evictAndPlace, :293.)

use crate::world::api_json::Fields as _;
use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use super::api_json::s;
use super::import::{read_saved, Saved, Typed};
use super::model::World;
use crate::diag::{Diag, Diags};
use crate::jobspec::JobType;
use crate::vfs::Vfs;

/// The file, and what saves it.
pub const DEPLOYMENTS_FILE: &str = "deployments.json";

/// A job's key: namespace, ID.
type JobKey = (String, String);

/// Statuses the reconciler acts on (see the module's rules).
fn read_by_reconciler(status: &str) -> bool {
    matches!(
        status,
        "running" | "paused" | "blocked" | "unblocking" | "pending" | "initializing" | "failed"
    )
}

/// Fill `world.deployments` from `dir`'s deployments.json, or, without it,
/// for the service jobs whose live allocations name a deployment
/// (`placed_by`: job → one such deployment ID).
pub fn load_deployments(
    vfs: &dyn Vfs,
    dir: &Path,
    world: &mut World,
    placed_by: &BTreeMap<JobKey, String>,
    diags: &mut Diags,
) {
    let service = |world: &World, key: &JobKey| reads_deployment(world, key, placed_by);
    let file = dir.join(DEPLOYMENTS_FILE);
    let v = world.nomad_version;
    let saved = match read_saved(vfs, &file, false, diags) {
        // `namespace=*` is answered with [] before 1.2.4: as not saved.
        Some(Saved::Read(_, l)) if super::import::untrusted_empty(vfs, dir, &l, v, (1, 2, 4)) => {
            Some(Saved::Absent)
        }
        other => other,
    };
    let (src, list) = match saved {
        Some(Saved::Read(src, v)) => match v.as_array() {
            // Mistyped (typed_lists.rs said so, located): not read.
            Some(list) if !super::import::typed_items(&src, Typed::Deployments, list, diags) => {
                return
            }
            Some(list) => (src.clone(), list.clone()),
            None => {
                diags.push(
                    Diag::error(
                        "import::shape",
                        "deployments.json must hold a list of deployments",
                    )
                    .in_source(&src)
                    .help("save it with `nomad operator api '/v1/deployments?namespace=*'`"),
                );
                return;
            }
        },
        Some(Saved::Absent) => {
            let unknown: Vec<(JobKey, String)> = placed_by
                .iter()
                .filter(|(k, _)| service(world, k))
                .map(|(k, d)| (k.clone(), d.clone()))
                .collect();
            for (key, id) in &unknown {
                world.deployments.insert(
                    key.clone(),
                    format!("deployments.json is not saved, and deployment {id} placed its allocations: whether it is still in progress is unknown"),
                );
            }
            warn(diags, &unknown, true);
            return;
        }
        None => return,
    };
    let mut latest: BTreeMap<JobKey, &Value> = BTreeMap::new();
    for d in &list {
        let ns = match s(d, "Namespace") {
            n if n.is_empty() => "default".to_string(),
            n => n,
        };
        // A deployment in progress of a namespace the list says is gone:
        // the files were saved apart (api_alloc_namespace.rs).
        if let Some(e) = super::api_alloc_namespace::deployment(&src, world, d, &ns) {
            diags.push(e);
            continue;
        }
        let key = (ns, s(d, "JobID"));
        let newer = latest
            .get(&key)
            .is_none_or(|l| create_index(l) < create_index(d));
        if newer {
            latest.insert(key, d);
        }
    }
    // A system job's successful one may hold `null` group states.
    super::nil_deployment::read(world, &latest);
    // What `nomad job status` prints of each job's latest deployment.
    if let Some(facts) = world.status_facts.as_mut() {
        let shown = latest
            .iter()
            .map(|(k, d)| (k.clone(), super::status_facts::deployment_facts(d)));
        facts.deployments = Some(shown.collect());
    }
    let versions = world
        .pinned
        .as_ref()
        .map(|p| p.versions.clone())
        .unwrap_or_default();
    let mut read = Vec::new();
    for (key, d) in latest {
        let status = s(d, "Status");
        let Some(ix) = versions.get(&key) else {
            continue;
        };
        let u = |k: &str| d.typed_u64(k).unwrap_or(0);
        let current = u("JobVersion") == ix.version && u("JobCreateIndex") == ix.create_index;
        if current && read_by_reconciler(&status) && service(world, &key) {
            let what = format!(
                "deployment {} of version {} is {status}",
                s(d, "ID"),
                ix.version
            );
            world.deployments.insert(key.clone(), what.clone());
            read.push((key, what));
        }
    }
    warn(diags, &read, false);
}

/// Does a plan of the job keeping its version read its deployment (see
/// the module's rules)? A service job's always; a system job's from 1.11.2
/// while its rollout is under way (a live allocation of an older version)
/// and a deployment placed one whose health is not set (`placed_by` holds
/// only those of a system job).
fn reads_deployment(world: &World, key: &JobKey, placed_by: &BTreeMap<JobKey, String>) -> bool {
    let Some(job) = world
        .running
        .iter()
        .map(|r| &r.job)
        .find(|j| j.namespace == key.0 && j.id == key.1)
    else {
        return false;
    };
    match job.job_type {
        JobType::Service => true,
        JobType::System
            if world.nomad_version.at_least(1, 11, 2) && placed_by.contains_key(key) =>
        {
            let registered = world
                .pinned
                .as_ref()
                .and_then(|p| p.versions.get(key))
                .map(|ix| ix.version);
            world.pinned.as_ref().is_some_and(|p| {
                p.allocs.iter().any(|a| {
                    a.namespace.as_str() == key.0
                        && a.job_id.as_str() == key.1
                        && a.is_live()
                        && Some(a.job_version) != registered
                })
            })
        }
        _ => false,
    }
}

fn create_index(d: &Value) -> u64 {
    d.typed_u64("CreateIndex").unwrap_or(0)
}

/// One warning naming the jobs (at most five) whose deployment is read, or
/// (`not_saved`) may be.
fn warn(diags: &mut Diags, jobs: &[(JobKey, String)], not_saved: bool) {
    if jobs.is_empty() {
        return;
    }
    let mut names: Vec<String> = jobs
        .iter()
        .map(|((ns, id), _)| format!("{ns}/{id}"))
        .collect();
    let n = names.len();
    names.truncate(5);
    let names = names.join(", ");
    let message = if not_saved {
        format!("deployments.json is not saved (absent or empty), and {n} service or rolling system jobs have allocations a deployment placed, so whether it is still in progress is unknown: {names}")
    } else {
        format!("{n} service or rolling system jobs have a deployment of their registered version in progress or failed, which nomad-preflight does not simulate: {names}")
    };
    diags.push(
        Diag::warning(super::guess::DEPLOYMENT, message)
            .help("a plan that changes such a job is simulated (Nomad cancels the old deployment); a plan that keeps its version is unknown: plan it on the cluster (`nomad job plan`)"),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reconciler_reads_active_and_failed_deployments_only() {
        for st in ["running", "paused", "blocked", "pending", "failed"] {
            assert!(read_by_reconciler(st), "{st}");
        }
        for st in ["successful", "cancelled", ""] {
            assert!(!read_by_reconciler(st), "{st}");
        }
    }
}
