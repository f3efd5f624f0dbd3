//! What a pinned allocation of `rules/allocations.hcl` takes from the job
//! version it runs, derived in this one place: at load from the world's
//! `running` text, and again for one job when a plan's before replaces
//! that text with the version the cluster runs (git `HEAD`, `--running`:
//! [`super::before`]), so nothing of the edited file being planned stays
//! on an allocation that never ran it.
//!
//! Nomad reads each of these off the allocation's own job (`alloc.Job`),
//! never the job being planned:
//! - its priority, which preemption compares (`alloc.Job.Priority`,
//!   scheduler/feasible/preemption.go v2.0.5:339);
//! - its name, made from `job.Name` when a system or sysbatch job placed
//!   it (`materializeSystemTaskGroups`, scheduler/system_util.go v1.9.7:29)
//!   and matched by that name against the planned job's
//!   (`diffSystemAllocsForNode`, system_util.go v1.9.7:62-75; `alloc.Name`,
//!   scheduler/reconciler/reconcile_node.go v2.0.5:139): a renamed job
//!   stops every allocation and places it again;
//! - its job type, and the resources of its group's ask where the file
//!   lists none (`alloc.AllocatedResources`);
//! - its group's disconnect and reschedule rules, which decide how an
//!   allocation on a disconnected or down client, or a failed one, is read
//!   (`Allocation.ReschedulePolicy`, `ShouldClientStop`,
//!   `DisconnectTimeout`, `ReplaceOnDisconnect`, `Expired`, all
//!   `a.Job.LookupTaskGroup(a.TaskGroup)`: nomad/structs/alloc.go
//!   v2.0.5:486, 550, 596, 613, 817). The readers that turn those into a
//!   plan's "cannot tell" or a lost allocation (`alloc_disconnected`,
//!   `alloc_version`, `alloc_stop_after`, `alloc_failed_written`) run
//!   here, after the fields, over the same allocations.
//!
//! An import's allocations carry the job version each runs (its API
//! JSON's embedded `Job`): no file replaces those.

use std::collections::HashMap;

use super::model::World;
use crate::diag::Diags;
use crate::jobspec::Job;
use crate::source::Source;
use crate::structs::{AllocResources, Allocation};

/// Which pinned allocations a derivation covers.
#[derive(Debug, Clone, Copy)]
pub(super) enum Scope<'a> {
    /// Every one: the world's load.
    All,
    /// One job's (namespace, ID): its running text was replaced.
    Job(&'a str, &'a str),
}

impl Scope<'_> {
    pub(super) fn covers(self, a: &Allocation) -> bool {
        match self {
            Scope::All => true,
            Scope::Job(ns, id) => a.namespace.as_str() == ns && a.job_id.as_str() == id,
        }
    }
}

/// Derive the job-dependent fields of the pinned allocations `scope`
/// covers from the world's `running` text, then read them for what a plan
/// cannot simulate. `diags` gets the readers' warnings.
pub(super) fn derive(world: &mut World, scope: Scope<'_>, src: &Source, diags: &mut Diags) {
    let version = world.nomad_version;
    let Some(mut pinned) = world.pinned.take() else {
        return;
    };
    let jobs: HashMap<(&str, &str), &Job> = world
        .running
        .iter()
        .map(|r| ((r.job.namespace.as_str(), r.job.id.as_str()), &r.job))
        .collect();
    // One ask per (job, group): the load derives every allocation.
    let mut asks: HashMap<(&str, &str, &str), Option<AllocResources>> = HashMap::new();
    for a in pinned.allocs.iter_mut().filter(|a| scope.covers(a)) {
        let Some(&job) = jobs.get(&(a.namespace.as_str(), a.job_id.as_str())) else {
            continue;
        };
        a.job_priority = job.priority;
        a.job_type = job.job_type;
        a.name = name(a, job).into();
        // The readers below decide these afresh.
        a.disconnect = None;
        a.reschedule_later = false;
        if !pinned.group_asks.contains(a.id.as_str()) {
            continue;
        }
        let Some(tg) = job.group(&a.task_group) else {
            continue;
        };
        // An ask past the world's bound keeps what the load gave (the
        // load reported it for its own text).
        let held = asks
            .entry((job.namespace.as_str(), job.id.as_str(), tg.name.as_str()))
            .or_insert_with(|| super::alloc_holds::group_held(tg, version).ok());
        if let Some(held) = held {
            let devices = std::mem::take(&mut a.resources.devices);
            a.resources = AllocResources {
                devices,
                ..held.clone()
            };
        }
    }
    drop(asks);
    drop(jobs);
    if let Scope::Job(ns, id) = scope {
        // A hand-written world's job states are these readers' alone.
        world.alloc_states.remove(&(ns.to_string(), id.to_string()));
    }
    world.pinned = Some(pinned);
    super::alloc_disconnected::read(src, world, scope, diags);
    super::alloc_version::read(src, world, scope, diags);
    super::alloc_stop_after::read(src, world, scope, diags);
    super::alloc_failed_written::read(src, world, scope, diags);
}

/// `a`'s name as the job version it runs made it: `job.Name` for a system
/// or sysbatch job, the job's ID for the others (the service reconciler,
/// reconcile.go v1.9.7:550), then its group and index as written.
fn name(a: &Allocation, job: &Job) -> String {
    let prefix = if job.job_type.is_per_node() {
        job.name.as_str()
    } else {
        job.id.as_str()
    };
    let tail = format!(".{}[", a.task_group);
    match a.name.rfind(&tail) {
        Some(at) => format!("{prefix}{}", &a.name[at..]),
        None => a.name.to_string(),
    }
}

/// `world.running[i]` now holds the version the cluster runs (its git
/// `HEAD`, `--running`), not the text the world was loaded with: its
/// pinned allocations take from it everything [`derive`] derives. Their
/// warnings were the load's to say; a job this version makes "cannot
/// tell" says so in its plan (`world.alloc_states`).
pub(super) fn follow_running(world: &mut World, i: usize) {
    let Some(entry) = world.running.get(i) else {
        return;
    };
    if !world.pinned.as_ref().is_some_and(|p| p.hand_written()) {
        return;
    }
    let (ns, id) = (entry.job.namespace.clone(), entry.job.id.clone());
    let src = crate::source::SourceFile::inline(super::alloc_file::ALLOCATIONS_FILE, "");
    derive(world, Scope::Job(&ns, &id), &src, &mut Diags::default());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_system_allocation_is_named_by_its_versions_job_name() {
        let job = |name: &str, kind: crate::jobspec::JobType| Job {
            id: "ui".into(),
            name: name.into(),
            job_type: kind,
            ..Job::default()
        };
        let a = Allocation {
            name: "old.web.g[3]".into(),
            task_group: "web.g".into(),
            ..Allocation::default()
        };
        assert_eq!(
            name(&a, &job("new", crate::jobspec::JobType::System)),
            "new.web.g[3]"
        );
        assert_eq!(
            name(&a, &job("new", crate::jobspec::JobType::Service)),
            "ui.web.g[3]"
        );
        let odd = Allocation {
            name: "x".into(),
            task_group: "g".into(),
            ..Allocation::default()
        };
        assert_eq!(
            name(&odd, &job("new", crate::jobspec::JobType::System)),
            "x"
        );
    }
}
