//! `rules/allocations.hcl` read against the versions the cluster runs.
//!
//! Pinned allocations state what runs: allocation `a1` of group `g` of
//! job `j` on `c-1`. A world read from the working tree loads each
//! `running` job from its file as it is, so an edit of a running job's
//! file (its group `g` renamed `h`, the usual edit a plan is made for)
//! made the pins name a group the job "no longer has", and `plan` and
//! `check` failed the whole world load (`world::alloc-group`) where Nomad
//! plans the edit: the old group's allocations stopped, the new group's
//! placed (`computeGroup`: `a.job.LookupTaskGroup(groupName)` is nil for
//! a group the new job lacks, and `filterAndStopAll` stops every one of
//! its allocations, scheduler/reconciler/reconcile_cluster.go v1.10.x;
//! `markStop` of each tainted set in scheduler/reconcile.go before). The edit is the
//! plan's after, never what runs: a job whose pins do not fit its
//! working-tree text but fit its text at git `HEAD` is run as `HEAD` has
//! it, the version the allocations ran, and said as a stand-in
//! ([`super::stand_in::Why::Pinned`]). Pins that fit neither are the
//! world's own errors, reported as read against what runs.

//!
//! Not cached. This runs only for a working tree's world, which no cache
//! keeps: the world cache (`world_cache`) keys a load by the git object at
//! every path it read through its recording vfs, and a working tree's
//! files have no object ID; a key hashing their texts costs the reads it
//! would save, and the version run here is read from git `HEAD` outside
//! any vfs (`stand_in::from_head`), so an honest key would need `HEAD`'s
//! blob of each swapped file beside them. A world at a revision (the hook's)
//! never reads `HEAD` here and is cached with its pins (load28).

use super::alloc_file::{read_allocations, JobKey};
use super::stand_in::{StandIn, Why};
use super::World;
use crate::diag::Diags;
use crate::source::Source;

/// Read `src` (allocations.hcl) into `world`; with `work_tree`, a job
/// whose pins err against its working-tree text is read again at `HEAD`.
pub(super) fn read(src: &Source, world: &mut World, work_tree: bool, diags: &mut Diags) {
    // What the readers below set, kept to read the file again on a
    // clean slate (a hand-written world sets nothing else of these).
    let states = world.alloc_states.clone();
    let mut first = Diags::new();
    let blamed = read_allocations(src, world, &mut first);
    if !work_tree || !first.has_errors() || blamed.is_empty() {
        diags.extend(first);
        return;
    }
    let swapped = run_head(world, &blamed);
    if swapped.is_empty() {
        diags.extend(first);
        return;
    }
    world.pinned = None;
    world.alloc_states = states;
    let mut again = Diags::new();
    read_allocations(src, world, &mut again);
    diags.extend(again);
    world
        .stand_ins
        .extend(swapped.into_iter().map(|path| StandIn {
            path,
            why: Why::Pinned,
        }));
}

/// Put `HEAD`'s version in place of each `running` entry whose working
/// tree's job differs from it and whose `HEAD` job is one of `blamed`
/// (the same file's job with a group renamed, or its ID renamed away
/// from the one the pins name). A version that would register a job
/// another entry registers is left out (the world's duplicate check has
/// passed already). The entries swapped, as listed.
fn run_head(world: &mut World, blamed: &[JobKey]) -> Vec<std::path::PathBuf> {
    let mut swapped = Vec::new();
    for i in 0..world.running.len() {
        let Some(entry) = world.running.get(i) else {
            continue;
        };
        if world.stand_ins.iter().any(|s| s.path == entry.path) {
            continue;
        }
        let rel = entry.path.to_string_lossy().into_owned();
        let Some(old) = super::stand_in::from_head(world, &rel, &entry.vars) else {
            continue;
        };
        let old = entry.vars.as_registered(old);
        let key = (old.namespace.clone(), old.id.clone());
        let taken = world
            .running
            .iter()
            .enumerate()
            .any(|(k, r)| k != i && r.job.namespace == key.0 && r.job.id == key.1);
        if old == entry.job || taken || !blamed.contains(&key) {
            continue;
        }
        let path = entry.path.clone();
        if let Some(slot) = world.running.get_mut(i) {
            slot.job = old;
            swapped.push(path);
        }
    }
    swapped
}

#[cfg(test)]
#[path = "pinned_run_tests.rs"]
mod tests;
