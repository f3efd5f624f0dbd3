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

use super::guess::WORLD_ALLOC_STATE;
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
    derive_fields(world, scope);
    if let Scope::Job(ns, id) = scope {
        // A hand-written world's job states are these readers' alone.
        world.alloc_states.remove(&(ns.to_string(), id.to_string()));
    }
    read_states(world, scope, src, diags);
}

/// The readers that turn the derived fields into a plan's "cannot tell"
/// or a lost allocation, in the order whose reasons stay first.
fn read_states(world: &mut World, scope: Scope<'_>, src: &Source, diags: &mut Diags) {
    super::alloc_disconnected::read(src, world, scope, diags);
    super::alloc_version::read(src, world, scope, diags);
    super::alloc_stop_after::read(src, world, scope, diags);
    super::alloc_failed_written::read(src, world, scope, diags);
}

fn derive_fields(world: &mut World, scope: Scope<'_>) {
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
        // The readers decide these afresh.
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
    world.pinned = Some(pinned);
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
/// pinned allocations take from it everything [`derive`] derives, and the
/// world's `world::alloc-state` warnings are read again over every job, so
/// they describe the state the world now holds. Each warning lists the
/// jobs one reader marked across the file ("2 jobs have ...: a, b"), so a
/// change of one job is a change of the list: read on a clean slate in
/// the load's order, they are the warnings a load of these versions gives.
/// Kept from the load, a plan of an edit whose running version reschedules
/// where the edit does not (or the other way round) said on stderr, in its
/// JSON `World` and in `check`'s findings that the job is reported as
/// unknown while its plan was known, and said nothing where it was not.
pub(super) fn follow_running(world: &mut World, i: usize) {
    let Some(entry) = world.running.get(i) else {
        return;
    };
    if !world.pinned.as_ref().is_some_and(|p| p.hand_written()) {
        return;
    }
    let (ns, id) = (entry.job.namespace.clone(), entry.job.id.clone());
    derive_fields(world, Scope::Job(&ns, &id));
    let src = warning_source(world);
    // A hand-written world's job states are these readers' alone.
    world.alloc_states.clear();
    let mut fresh = Diags::default();
    read_states(world, Scope::All, &src, &mut fresh);
    let kept = std::mem::take(&mut world.warnings);
    world.warnings = settled(&kept, &fresh);
}

/// The source the load's `world::alloc-state` warnings name (the world's
/// allocations.hcl as it was read), or, when the load gave none, one named
/// as a read of the world folder's file on disk names it: where a running
/// version is replaced, the world was read from the working tree.
fn warning_source(world: &World) -> Source {
    let loaded = world
        .warnings
        .iter()
        .find(|d| d.code == WORLD_ALLOC_STATE)
        .and_then(|d| d.source.clone());
    loaded.unwrap_or_else(|| {
        let name = match &world.origin {
            super::WorldOrigin::Dir(d) => d.join(super::alloc_file::ALLOCATIONS_FILE),
            _ => std::path::PathBuf::from(super::alloc_file::ALLOCATIONS_FILE),
        };
        crate::source::SourceFile::new(
            crate::source::Origin::Disk(name.clone()),
            name.display().to_string(),
            "",
        )
    })
}

/// `load`'s diagnostics with their `world::alloc-state` warnings replaced
/// by those of `now` (in the place of the first, else at the end): what a
/// command prints of a world load once the running versions are settled.
pub fn settled(load: &Diags, now: &Diags) -> Diags {
    let fresh = || now.iter().filter(|d| d.code == WORLD_ALLOC_STATE).cloned();
    let mut out = Vec::new();
    let mut placed = false;
    for d in load.iter() {
        if d.code != WORLD_ALLOC_STATE {
            out.push(d.clone());
        } else if !placed {
            out.extend(fresh());
            placed = true;
        }
    }
    if !placed {
        out.extend(fresh());
    }
    Diags(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settled_warnings_take_the_place_of_the_loads_first() {
        use crate::diag::Diag;
        let w = |code: &str, m: &str| Diag::warning(code, m);
        let load = Diags(vec![
            w("world::a", "1"),
            w(WORLD_ALLOC_STATE, "old 1"),
            w("world::b", "2"),
            w(WORLD_ALLOC_STATE, "old 2"),
        ]);
        let now = Diags(vec![w("world::a", "1"), w(WORLD_ALLOC_STATE, "new")]);
        let got: Vec<String> = settled(&load, &now)
            .iter()
            .map(|d| d.message.clone())
            .collect();
        assert_eq!(got, ["1", "new", "2"]);
        // None at load: the new ones last; none now: the old ones gone.
        let plain = Diags(vec![w("world::a", "1")]);
        let got: Vec<String> = settled(&plain, &now)
            .iter()
            .map(|d| d.message.clone())
            .collect();
        assert_eq!(got, ["1", "new"]);
        assert_eq!(settled(&load, &plain).len(), 2);
    }

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
