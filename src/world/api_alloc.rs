//! `allocations.json` of an import: the allocations a real cluster runs, as
//! Nomad's HTTP API returns them (`GET /v1/allocation/:id`, each embedding
//! its `Job`, or the list form of `GET /v1/allocations?resources=true` with
//! the job specs under `jobs/`). Each live allocation is pinned to its
//! `NodeID` with its `AllocatedResources`; nothing is scheduled, so the
//! state is built in one pass over the allocations.

use crate::world::api_json::Fields as _;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;

use serde_json::Value;

pub use super::api_alloc_failed::AllocContext;
use super::api_alloc_failed::{decide_failed, Failed};
use super::api_alloc_resources::{allocated_resources, legacy_resources};
use super::api_job::job_from_api_json;
use super::api_json::{obj, path_b, s};
use super::model::{JobIndexes, Pinned, RunningJob, World};
use crate::diag::{Diag, Diags};
use crate::jobspec::{Job, JobType};
use crate::source::{Source, Span};
use crate::structs::{Allocation, ClientStatus, DesiredStatus};

/// The file, and what saves it.
pub const ALLOCATIONS_FILE: &str = "allocations.json";

/// The indexes of an `api.Job` JSON object.
pub fn job_indexes(v: &Value) -> JobIndexes {
    let u = |k: &str| v.typed_u64(k).unwrap_or(0);
    JobIndexes {
        version: u("Version"),
        create_index: u("CreateIndex"),
        modify_index: u("ModifyIndex"),
        job_modify_index: u("JobModifyIndex"),
        unfinished_eval: v.typed_str("Status") == Some("pending"),
        submit_time: v.typed_i64("SubmitTime"),
    }
}

fn desired_status(v: &str) -> DesiredStatus {
    match v {
        "stop" => DesiredStatus::Stop,
        "evict" => DesiredStatus::Evict,
        _ => DesiredStatus::Run,
    }
}

/// `unknown` (a disconnected client's allocation, 1.3+) is not terminal: it
/// keeps its resources on the node, so it counts as running here.
fn client_status(v: &str) -> ClientStatus {
    match v {
        "running" | "unknown" => ClientStatus::Running,
        "complete" => ClientStatus::Complete,
        "failed" => ClientStatus::Failed,
        "lost" => ClientStatus::Lost,
        _ => ClientStatus::Pending,
    }
}

/// `RescheduleTracker.Events[].PrevNodeID`, each once, in order.
fn reschedule_nodes(a: &Value) -> Vec<String> {
    let events = super::api_json::path_list(a, &["RescheduleTracker", "Events"]);
    let mut seen = HashSet::new();
    let ids = events.iter().map(|e| s(e, "PrevNodeID"));
    ids.filter(|id| !id.is_empty() && seen.insert(id.clone()))
        .collect()
}

fn job_type(v: &str) -> Option<JobType> {
    match v {
        "service" => Some(JobType::Service),
        "batch" => Some(JobType::Batch),
        "system" => Some(JobType::System),
        "sysbatch" => Some(JobType::Sysbatch),
        _ => None,
    }
}

/// Read `allocations.json` into `world.pinned`. `versions` holds the indexes
/// of the jobs already read from `jobs/`; `ctx` the imported nodes and the
/// import's time. Jobs embedded in allocations and not under `jobs/` are registered
/// at the newest version an allocation runs, when one of their allocations
/// is live and `jobs.json` (when saved) lists them: a job whose allocations
/// are all terminal and that `jobs/` does not hold, or that `jobs.json`
/// does not list, was purged (`nomad job stop -purge`; its allocations
/// wait for garbage collection), and a plan of its file is a new job, as
/// Nomad's (`JobByID` finds none). A purged job's allocations that their
/// clients still run stay pinned with what they hold, under no job
/// (scheduler/sim/replay.rs `hold_orphans`). Returns, for each job whose
/// live allocations a deployment placed, one such deployment's ID.
pub fn load_allocations(
    src: &Source,
    v: &Value,
    world: &mut World,
    mut versions: BTreeMap<(String, String), JobIndexes>,
    ctx: &AllocContext,
    diags: &mut Diags,
) -> BTreeMap<(String, String), String> {
    let nodes = &ctx.nodes;
    let mut failed: Vec<Failed<'_>> = Vec::new();
    let mut batch = Vec::new();
    let mut placed_by = BTreeMap::new();
    let Some(list) = v.as_array() else {
        diags.push(
            Diag::error(
                "import::shape",
                "allocations.json must hold a list of allocations",
            )
            .in_source(src)
            .help("save it with `nomad operator api '/v1/allocations?resources=true'`"),
        );
        return placed_by;
    };
    let known: HashMap<(String, String), usize> = world
        .running
        .iter()
        .enumerate()
        .map(|(k, r)| ((r.job.namespace.clone(), r.job.id.clone()), k))
        .collect();
    let mut pinned = Pinned::default();
    let mut embedded: BTreeMap<(String, String), (u64, Job, JobIndexes)> = BTreeMap::new();
    let mut live_jobs: HashSet<(String, String)> = HashSet::new();
    let mut unknown_nodes = 0usize;
    let mut missing_jobs: Vec<String> = Vec::new();
    for a in list {
        // Past the import's budget (said once): nothing more is read.
        if super::import::budget::spent() {
            break;
        }
        let alloc_id = s(a, "ID");
        let namespace = match s(a, "Namespace") {
            ns if ns.is_empty() => "default".to_string(),
            ns => ns,
        };
        if let Some(d) = super::api_alloc_namespace::unlisted(src, world, a, &namespace) {
            diags.push(d);
            continue;
        }
        let key = (namespace.clone(), s(a, "JobID"));
        // The embedded Job is the version this allocation runs.
        let own_job = match super::api_json::obj(a, "Job") {
            Some(j) => match job_from_api_json(j) {
                Ok(job) => Some((job, job_indexes(j))),
                Err(d) => {
                    diags.push(
                        d.in_source(src)
                            .help(format!("in the Job embedded in allocation {alloc_id}")),
                    );
                    continue;
                }
            },
            None => None,
        };
        let version = a
            .typed_u64("JobVersion")
            .or(own_job.as_ref().map(|(_, ix)| ix.version))
            .unwrap_or(0);
        let earlier = super::api_alloc_version::earlier_registration(
            a,
            own_job.as_ref().map(|(_, ix)| ix.create_index),
            versions.get(&key).map(|ix| ix.create_index),
        );
        if let Some((job, ix)) = &own_job {
            let at = crate::structs::Allocation {
                namespace: key.0.as_str().into(),
                job_id: key.1.as_str().into(),
                job_version: version,
                earlier_registration: earlier,
                ..Default::default()
            };
            pinned.history.insert(at.spec_key(), job.clone());
            let newer = embedded.get(&key).is_none_or(|(v, _, _)| *v < version);
            if newer && earlier.is_none() {
                embedded.insert(key.clone(), (version, job.clone(), *ix));
            }
        }
        // Without an embedded Job (the list form of /v1/allocations),
        // the version it runs is another allocation's, or the registered
        // job when it is that version ([`super::api_alloc_version`]).
        let registered = versions.get(&key).map(|ix| ix.version);
        let other_version = match &own_job {
            None if registered != Some(version) && earlier.is_none() => {
                let at = (key.0.clone(), key.1.clone(), version);
                let saved = ctx.job_versions.get(&at);
                let job = pinned.history.get(&at).or(saved).cloned();
                // The spec the scheduler compares it with, as an embedded one.
                if let (Some(j), None) = (saved, pinned.history.get(&at)) {
                    pinned.history.insert(at, j.clone());
                }
                job
            }
            _ => None,
        };
        let stale = own_job.is_none()
            && other_version.is_none()
            && (registered != Some(version) || earlier.is_some());
        let spec = own_job
            .as_ref()
            .map(|(j, _)| j)
            .or(other_version.as_ref())
            .or_else(|| {
                known
                    .get(&key)
                    .and_then(|k| world.running.get(*k))
                    .map(|r| &r.job)
            });
        let Some(spec) = spec else {
            // Stopped on its client (the list form of a purged job's
            // allocation): it holds nothing, and its priority is never read.
            if !client_status(&s(a, "ClientStatus")).is_terminal() {
                missing_jobs.push(format!("{} ({}/{})", alloc_id, key.0, key.1));
            }
            continue;
        };
        let v0 = world.nomad_version;
        let (ar, r) = (obj(a, "AllocatedResources"), obj(a, "Resources"));
        let resources = match (ar, r) {
            (Some(ar), _) => allocated_resources(ar, world.nomad_version),
            (_, Some(r)) => Ok(legacy_resources(r)),
            // The list form before 1.0 (api_alloc_stub.rs): never zero.
            _ => match super::api_alloc_stub::stub_resources(src, a, spec, stale, v0, diags) {
                Some(r) => Ok(r),
                None => continue,
            },
        };
        let resources = match resources {
            Ok(r) => r,
            Err(dim) => {
                let at = src.text.find(&format!("\"{alloc_id}\"")).unwrap_or(0);
                diags.push(
                    Diag::error(
                        "import::resource-bound",
                        format!(
                            "allocation {alloc_id}: its tasks' {dim} sums past {}, the most one allocation may hold: {}",
                            super::bounds::MAX_RESOURCE,
                            super::bounds::WHY
                        ),
                    )
                    .at(src, Span::new(at, at + alloc_id.len() + 2), "this allocation")
                    .help("a real cluster reports no such allocation; save the file again from the cluster (`import --print-commands`)"),
                );
                continue;
            }
        };
        let node_id = s(a, "NodeID");
        let mut alloc = Allocation {
            id: alloc_id.into(),
            name: s(a, "Name").into(),
            namespace: namespace.into(),
            job_id: key.1.as_str().into(),
            job_version: version,
            job_priority: spec.priority,
            job_type: job_type(&s(a, "JobType")).unwrap_or(spec.job_type),
            task_group: s(a, "TaskGroup").into(),
            resources,
            desired_status: desired_status(&s(a, "DesiredStatus")),
            desired_description: s(a, "DesiredDescription"),
            client_status: client_status(&s(a, "ClientStatus")),
            create_index: a.typed_u64("CreateIndex").unwrap_or(0),
            modify_index: a.typed_u64("ModifyIndex").unwrap_or(0),
            node_id: node_id.into(),
            preempted_by: None,
            migrate: path_b(a, &["DesiredTransition", "Migrate"]).unwrap_or(false),
            reschedule_nodes: reschedule_nodes(a),
            // Preemption reads the running version's priority, which a
            // version the import does not hold leaves unknown (R16-50):
            // never the registered version's.
            version_priority: if stale {
                crate::structs::VersionPriority::Unknown
            } else {
                crate::structs::VersionPriority::Known
            },
            earlier_registration: earlier,
            ..Allocation::default()
        };
        let unread = stale
            .then(|| {
                let v = world.nomad_version;
                super::api_alloc_version::rules_unread(a, &alloc, registered, ctx, v)
            })
            .flatten();
        if let Some(why) = unread {
            world
                .alloc_states
                .entry(key.clone())
                .or_insert_with(|| format!("allocation {} is {why}", alloc.id));
        }
        // Not live on a disconnected node: up to 1.11.1 the plan may read
        // it as lost before any terminal rule below (filterByTainted).
        let v = world.nomad_version;
        let lost_seen = a
            .typed_array("AllocStates")
            .into_iter()
            .flatten()
            .any(|st| {
                super::api_alloc_disconnect::is_client_status(st) && s(st, "Value") == "lost"
            });
        let gone = &ctx.disconnected;
        match super::api_alloc_disconnect::lost_terminal(&alloc, spec, !stale, lost_seen, gone, v) {
            Ok(true) => {
                alloc.disconnect = Some(crate::structs::Disconnect::Lost);
                pinned.allocs.push(alloc);
                continue;
            }
            Ok(false) => {}
            Err(why) => {
                world
                    .alloc_states
                    .entry(key.clone())
                    .or_insert_with(|| format!("allocation {} is {why}", alloc.id));
                continue;
            }
        }
        let disconnects = super::api_alloc_state::keeps_disconnected(spec, &alloc.task_group);
        let ignored = super::api_alloc_state::service_tainted_ignored(
            &alloc,
            disconnects,
            world.nomad_version,
        );
        if let Some(what) = ignored {
            world
                .alloc_states
                .entry(key.clone())
                .or_insert_with(|| format!("allocation {} is {what}", alloc.id));
            // Unknown to its own job's plan, but its client still runs it:
            // other jobs see what it holds (redteam8 I11).
            if alloc.holds_node(v) && nodes.contains(alloc.node_id.as_str()) {
                pinned.allocs.push(alloc);
            }
            continue;
        }
        if super::api_alloc_batch::reads(&alloc, world.nomad_version) {
            let created = own_job.as_ref().map(|(_, ix)| ix.create_index);
            batch.push(super::api_alloc_batch::Done::new(
                a, alloc, &key, spec, created,
            ));
            continue;
        }
        if super::api_alloc_state::reschedule_read(a, alloc.job_type, world.nomad_version) {
            failed.push(Failed {
                json: a,
                alloc,
                key: key.clone(),
            });
            continue;
        }
        let unsimulated = if alloc.is_live() {
            let v = world.nomad_version;
            let node = super::api_alloc_disconnect::node_state(ctx, &alloc.node_id);
            let read =
                super::api_alloc_disconnect::system_disconnect(a, &alloc, spec, v, ctx.saved_at)
                    .and_then(|d| match d {
                        Some(d) => Ok(Some(d)),
                        None => super::api_alloc_disconnect::generic_unknown(
                            a,
                            &alloc,
                            spec,
                            v,
                            ctx.saved_at,
                            node,
                        ),
                    });
            // From 1.11.2 a running one its node disconnects may wait for
            // a later reschedule (counted `RescheduleLater`).
            let later = |d| {
                let now = ctx.saved_at;
                super::api_alloc_disconnect::disconnecting_later(a, &alloc, spec, v, now, node)
                    .map(|later| (d, later))
            };
            match read.and_then(later) {
                Ok((d, later)) => {
                    alloc.disconnect = d;
                    alloc.reschedule_later = later;
                    super::api_alloc_state::live_unsimulated(a, alloc.job_type, v)
                }
                Err(why) => Some(why),
            }
        } else {
            super::api_alloc_state::terminal_read(a, alloc.job_type, world.nomad_version)
        };
        if let Some(what) = unsimulated {
            world
                .alloc_states
                .entry(key.clone())
                .or_insert_with(|| format!("allocation {} is {what}", alloc.id));
        }
        if !alloc.is_live() {
            // Told to stop and still running on its client: no reconciler
            // reads it, but the scheduler of 1.4.0+ counts what it holds
            // until the client stops it (Allocation::holds_node).
            if alloc.holds_node(world.nomad_version) && nodes.contains(alloc.node_id.as_str()) {
                pinned.allocs.push(alloc);
            } else {
                let created = own_job.as_ref().map(|(_, ix)| ix.create_index);
                let registered = versions.get(&key).map(|ix| ix.create_index);
                let v = world.nomad_version;
                world
                    .nil_deployment_states
                    .keep_finished(&alloc, v, created, registered);
            }
            continue;
        }
        if !ctx.lists(&key) {
            // Live, of a job the cluster no longer registers: purged, its
            // deregistration not yet evaluated. It holds its node under no
            // job; a new registration of the ID would read it.
            world.alloc_states.entry(key.clone()).or_insert_with(|| {
                format!("allocation {} is live for a job jobs.json does not list (purged, the evaluation that stops it not yet run)", alloc.id)
            });
            if nodes.contains(alloc.node_id.as_str()) {
                pinned.allocs.push(alloc);
            }
            continue;
        }
        live_jobs.insert(key.clone());
        let deployment = s(a, "DeploymentID");
        // A system job's deployment lowers the replacement limit only by
        // its allocations whose health is not yet set (`evictAndPlace`,
        // scheduler_system.go v2.0.5:709-724): one already judged does not
        // make the job's plan a guess (super::api_deployment).
        let judged = alloc.job_type == crate::jobspec::JobType::System
            && path_b(a, &["DeploymentStatus", "Healthy"]).is_some();
        if !deployment.is_empty() && !judged {
            placed_by.entry(key.clone()).or_insert(deployment);
        }
        // Nomad's reconciler treats an allocation whose node is gone as
        // lost: it is kept so the plan stops and replaces it.
        if !nodes.contains(alloc.node_id.as_str()) {
            unknown_nodes += 1;
        }
        pinned.allocs.push(alloc);
    }
    let read = super::api_alloc_failed::Read {
        versions: &versions,
        known: &known,
        live_jobs: &live_jobs,
        ctx,
    };
    for f in failed {
        decide_failed(f, world, &read, &mut pinned, &mut placed_by);
    }
    for d in batch {
        super::api_alloc_batch::decide_batch(d, world, &read, &mut pinned, &mut placed_by);
    }
    // The state lists every allocation on its node until it is collected,
    // finished or not, and from 1.4.0 `ProposedAllocs` makes its map with
    // room for all of them (scheduler/context.go v1.4.0:176-198): count
    // those not kept, by node.
    let kept: HashSet<&str> = pinned.allocs.iter().map(|a| a.id.as_str()).collect();
    for a in list {
        let (id, node) = (s(a, "ID"), s(a, "NodeID"));
        if !kept.contains(id.as_str()) && nodes.contains(node.as_str()) {
            *pinned.listed_apart.entry(node).or_default() += 1;
        }
    }
    if !missing_jobs.is_empty() {
        let n = missing_jobs.len();
        missing_jobs.truncate(5);
        diags.push(
            Diag::error(
                "import::alloc-job",
                format!(
                    "{n} allocations name a job neither embedded nor under jobs/, so their priority is unknown: {}",
                    missing_jobs.join(", ")
                ),
            )
            .in_source(src)
            .help("save each allocation with `/v1/allocation/<id>` (it embeds its Job), or the jobs under jobs/<namespace>/<id>.json"),
        );
    }
    if !world.alloc_states.is_empty() {
        let (n, jobs) = crate::world::guess::alloc_state_jobs(world);
        diags.push(
            Diag::warning(
                crate::world::guess::ALLOC_STATE,
                format!(
                    "{n} jobs have allocations in a state nomad-preflight does not simulate (an `unknown` allocation of a disconnected client, a running one whose reconnect is not reconciled, a canary of a deployment in progress, a live allocation already replaced before 0.12.5, a failed allocation whose reschedule the import cannot decide, a finished batch or sysbatch allocation Nomad's releases read differently, a live allocation of a purged job): {jobs}"
                ),
            )
            .in_source(src)
            .help("plan those jobs on the cluster (`nomad job plan`), or once their clients reconnect, their deployments finish and Nomad has collected their finished allocations"),
        );
    }
    if unknown_nodes > 0 {
        diags.push(
            Diag::warning(
                "import::alloc-node",
                format!("{unknown_nodes} live allocations sit on nodes missing from nodes.json; Nomad treats them as lost, so plans stop and replace them"),
            )
            .in_source(src)
            .help("if the nodes exist, save nodes.json and allocations.json at the same time"),
        );
    }
    for (key, (_, job, ix)) in embedded {
        if !known.contains_key(&key) && live_jobs.contains(&key) {
            versions.insert(key.clone(), ix);
            world.running.push(RunningJob {
                path: PathBuf::from(ALLOCATIONS_FILE),
                job,
                vars: Default::default(),
            });
        }
    }
    for r in &world.running {
        let key = (r.job.namespace.clone(), r.job.id.clone());
        let ix = versions.get(&key).copied().unwrap_or_default();
        pinned.versions.insert(key, ix);
    }
    let registered: HashSet<(&str, &str)> = (world.running.iter())
        .map(|r| (r.job.namespace.as_str(), r.job.id.as_str()))
        .collect();
    let v = world.nomad_version;
    super::api_alloc_purged::warn_saved_apart(src, v, ctx, &pinned, &registered, diags);
    world.pinned = Some(pinned);
    placed_by
}

#[cfg(test)]
#[path = "api_alloc_tests.rs"]
mod tests;
