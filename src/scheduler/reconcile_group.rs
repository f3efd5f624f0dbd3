//! Reconciling one task group's allocations with its spec: which to
//! keep, update, stop, and what to place (`computeGroup` with
//! `computeStop` and `computePlacements`: scheduler/reconcile.go
//! v0.9.0–v1.10.5, scheduler/reconciler/reconcile_cluster.go from
//! v1.11.0). Whether a change is destructive is [`super::reconcile`]'s.

use super::reconcile_disconnect::Unknown;
use super::reconcile_names::{indexed_name, CanaryNames, NameIndex, NewNames, Renames};
use crate::cluster::{Allocation, ClientStatus, DesiredStatus};
use crate::ids::SplitMix64;
use crate::jobspec::{Job, TaskGroup};
use crate::version::NomadVersion;

/// Whether `version`'s reconciler stops the failed allocations it
/// reschedules now (`markStop(rescheduleNow, "", allocRescheduled)` in
/// `computeGroup`, with the stop beside a reschedule placed while a
/// deployment is paused or failed): from 0.9.4 (scheduler/reconcile.go,
/// "Stop allocs to be rescheduled"). Up to 0.9.3 the replacement is placed
/// and the failed allocation left as it is: the group's update counts no
/// stop for it.
pub fn stops_rescheduled(version: NomadVersion) -> bool {
    version.at_least(0, 9, 4)
}

/// Where an allocation stands with respect to its node (`filterByTainted`,
/// later `classifyAllocs`): marked by the drainer to move, on a node that
/// is down or gone (lost), or neither.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Taint {
    Untainted,
    /// `DesiredTransition.Migrate`: stopped and placed elsewhere.
    Migrate,
    /// Node down or garbage-collected: stopped, its name placed again.
    Lost,
    /// In no set (up to 1.11.1 a `disconnecting` allocation the planned
    /// group does not keep, `structs::disconnected_node::in_plan`): not
    /// counted, not stopped, its name free for the group's placements.
    Vacant,
}

/// What the reconciler decided for one task group.
#[derive(Debug, Default)]
pub struct GroupPlan<'s> {
    /// Allocations on down or missing nodes, and failed ones of a removed
    /// group: stopped (counted as stops).
    pub lost: Vec<&'s Allocation>,
    /// Failed allocations whose reschedule is due (`rescheduleNow`),
    /// stopped only where the release does ([`stops_rescheduled`]).
    pub rescheduled: Vec<&'s Allocation>,
    /// Allocations the drainer marked: each stopped and replaced (counted as
    /// migrations, placed after everything else, never backed out).
    pub migrate: Vec<&'s Allocation>,
    /// Replacements placed under an existing allocation's name, in
    /// Nomad's order: the rescheduled ones, then lost ones (from 1.1).
    pub replace: Vec<&'s Allocation>,
    /// New allocations' names, placed after `replace`.
    pub place: NewNames,
    /// The placement pass's renaming of a name more than one existing
    /// allocation holds (#18873); None: no index is held twice.
    pub renames: Option<Renames>,
    /// The annotation's `Place` (`replace` and `place`, or the count where
    /// 1.11 capped the placements).
    pub place_count: u64,
    /// How many of `migrate` are placed again (all but where 1.11's cap
    /// cut them).
    pub migrate_placed: usize,
    /// Existing allocations to replace with a new one (name kept).
    pub destructive: Vec<&'s Allocation>,
    /// Existing allocations whose spec changed without needing replacement.
    pub inplace: Vec<&'s Allocation>,
    pub stop: Vec<&'s Allocation>,
    pub ignore: u64,
    pub canary: u64,
    /// The canaries' names (`NextCanaries`), placed before the group's
    /// other placements.
    pub canaries: CanaryNames,
    /// The group is canarying (`isCanarying`): every placement but the
    /// canaries (lost allocations' replacements, due reschedules,
    /// migrations) is marked `downgradeNonCanary`, placed by the scheduler
    /// with the last stable job version ([`super::downgrade`];
    /// reconcile.go v1.0.0:446-539, reconcile_cluster.go v2.0.5:512,
    /// 836-890, 1015-1035). The world's allocations are never canaries of a
    /// deployment in progress (such a job's plan is a guess).
    pub downgrade: bool,
    /// Go's map order chose which allocations were stopped: how many
    /// candidates there were and how many were stopped.
    pub stop_chance: Option<(usize, usize)>,
    /// A lost allocation's stop is delayed (`lostLater`): nothing is
    /// placed for the group this evaluation.
    pub held: bool,
    /// Failed allocations kept in the count whose reschedule waits and
    /// whose follow-up evaluation is not made yet
    /// ([`Allocation::reschedule_later`]): 1.11's `RescheduleLater`
    /// (`createRescheduleLaterEvals`, reconcile_cluster.go v1.11.0:1449,
    /// v2.0.5:1442).
    pub reschedule_later: u64,
}

/// The evaluation a group is reconciled in: the planned job version and
/// the release simulated.
#[derive(Debug, Clone, Copy)]
pub struct Versions {
    pub job: u64,
    pub nomad: NomadVersion,
}

/// What the reconciler's update function (`genericAllocUpdateFn`,
/// scheduler/util.go) makes of an allocation of an older job version,
/// its in-place fit on its node included: an allocation that fails it is
/// destructive like any other, so the update strategy (max_parallel,
/// canaries) holds it back too (`computeUpdates` runs the function before
/// `computeLimit`/`computeCanaries`: scheduler/reconcile.go v0.9.3:371-408,
/// scheduler/reconciler/reconcile_cluster.go v2.0.5:496-539).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Update {
    /// Replaced by a new allocation (counted, and limited, by `rolling`).
    Destructive,
    /// Left as it is (a terminal allocation).
    Ignore,
    /// Updated in place: the new spec fits on its node.
    InPlace,
}

/// The scheduler's side of reconciling a group: the update function
/// (which tries the in-place fit, so it changes the evaluation's
/// scratch state) and each allocation's taint.
pub trait Judge {
    /// What moving `a` from the job version it runs to `tg` takes.
    fn update(&mut self, a: &Allocation, tg: &TaskGroup) -> Update;
    /// Where `a` stands with respect to its node.
    fn taint(&self, a: &Allocation) -> Taint;
    /// Is the stop of `a`, lost, delayed by its group (`delayByStopAfter`,
    /// [`stop_delayed`](crate::structs::disconnected_node::stop_delayed))?
    fn delayed(&self, a: &Allocation) -> bool;
}

/// Reconcile one group. `existing` are the group's live allocations,
/// `judge.update(alloc, tg)` tells what moving an allocation from the job
/// version it runs to `tg` takes (destructive when the spec change needs
/// a new allocation, see [`super::reconcile::destructive_change`], or the
/// version is unknown, or its node no longer suits the job, or the new
/// spec does not fit there); `judge.delayed(alloc)`: a lost allocation's
/// stop is delayed by its group; `rng` stands for Go's map order where it
/// decides.
pub fn reconcile_group<'s>(
    job: &Job,
    tg: Option<&TaskGroup>,
    existing: Vec<&'s Allocation>,
    at: Versions,
    judge: &mut dyn Judge,
    rng: &mut SplitMix64,
) -> GroupPlan<'s> {
    let mut existing = existing;
    existing.sort_by_key(|a| (a.name_index().unwrap_or(u32::MAX), a.create_index));
    // From 1.11 a group scaled to zero is stopped whole, as a removed one
    // (`tg == nil || tg.Count == 0`, 333dd94362, #26292).
    let zero = |tg: &TaskGroup| tg.count <= 0 && at.nomad.at_least(1, 11, 0);
    let tg = match tg {
        Some(tg) if !job.stop && !zero(tg) => tg,
        _ => return stop_all(job, tg.is_some(), existing, &|a| judge.taint(a)),
    };
    // A count past the simulation's bound is said not to be known
    // (`count_bound::count_unknown`): planning a part of it would take as
    // long as the whole did (a select per allocation) and its figures
    // would not be Nomad's, so the group is left as it is.
    if tg.count > super::count_bound::MAX_SIMULATED {
        return GroupPlan::default();
    }
    let count = u32::try_from(tg.count.max(0)).unwrap_or(u32::MAX);
    let mut plan = GroupPlan::default();
    let mut untainted: Vec<&Allocation> = Vec::new();
    for a in existing {
        if let Some(kind) = a.batch_terminal {
            use crate::structs::BatchTerminal;
            // filterOldTerminalAllocs: another version's (or another
            // registration's) terminal allocation is ignored, its name free.
            if a.job_version != at.job || kind == BatchTerminal::Superseded {
                plan.ignore += 1;
                continue;
            }
            if kind == BatchTerminal::Dropped {
                continue;
            }
        }
        // Not live on a disconnected node, up to 1.11.1: lost
        // (`filterByTainted` sorts the node before its terminal check); a
        // batch job's of an older version is ignored before that
        // (`filterOldTerminalAllocs`). See `disconnected_node::lost_when_not_live`.
        if a.disconnect == Some(crate::structs::Disconnect::Lost) {
            if a.job_type == crate::jobspec::JobType::Batch && a.job_version < at.job {
                plan.ignore += 1;
            } else {
                plan.lost.push(a);
            }
            continue;
        }
        // A failed allocation not yet replaced is never tainted (Nomad
        // sorts terminal allocations as untainted whatever their node):
        // due to reschedule it is `rescheduleNow`, otherwise it stays in
        // the count. A batch job's finished allocation is untainted too.
        // An import's `unknown` one (its client disconnected) is read as
        // the import marked it (`reconcile_disconnect`), after a drain's
        // mark to migrate.
        let unknown = super::reconcile_disconnect::read(a).filter(|_| !a.migrate);
        match (a.client_status, a.batch_terminal, unknown) {
            (ClientStatus::Failed, _, _) if a.reschedule_now => plan.rescheduled.push(a),
            // `filterByRescheduleable` keeps a later one untainted too.
            (ClientStatus::Failed, _, _) if a.reschedule_later => {
                plan.reschedule_later += 1;
                untainted.push(a);
            }
            (ClientStatus::Failed, _, _) | (_, Some(_), _) => untainted.push(a),
            (_, _, Some(Unknown::Untainted)) => untainted.push(a),
            (_, _, Some(Unknown::Lost)) => plan.lost.push(a),
            _ => match judge.taint(a) {
                Taint::Lost => plan.lost.push(a),
                Taint::Migrate => plan.migrate.push(a),
                Taint::Untainted => untainted.push(a),
                Taint::Vacant => {}
            },
        }
    }
    // The name index holds the untainted, migrating and rescheduled
    // allocations' names, and from 1.1 the lost ones'.
    let lost_named = at.nomad.at_least(1, 1, 0);
    let held = untainted
        .iter()
        .chain(&plan.migrate)
        .chain(&plan.rescheduled)
        .chain(lost_named.then_some(&plan.lost).into_iter().flatten());
    let dups = at.nomad.has(crate::version::Fix::DuplicateAllocNames);
    let mut names = NameIndex::tracking(held.map(|a| index(a)), dups);
    let prefix = [job.id.as_str(), ".", tg.name.as_str()].concat();
    compute_stop(
        &mut plan,
        &mut untainted,
        &mut names,
        count,
        at,
        &prefix,
        rng,
    );
    for a in &untainted {
        // `JobModifyIndex` equality: not an earlier registration's.
        if a.runs_version(at.job) {
            plan.ignore += 1;
            continue;
        }
        match judge.update(a, tg) {
            Update::Destructive => plan.destructive.push(a),
            Update::Ignore => plan.ignore += 1,
            Update::InPlace => plan.inplace.push(a),
        }
    }
    // computeCanaries, before the placements are named: a destructive
    // update under a strategy with canaries places them instead, named
    // after the destructive allocations first.
    let canary = tg.update.as_ref().map_or(0, |u| u.canary);
    if canary > 0 && !plan.destructive.is_empty() {
        let n = usize::try_from(canary).unwrap_or(usize::MAX);
        let taken: Vec<u32> = plan.destructive.iter().map(|a| index(a)).collect();
        plan.canaries = names.next_canaries(&prefix, count, n, &taken);
    }
    // computePlacements: every due reschedule under its own name, counted
    // as existing; lost ones (1.1+) up to the count; new names for the rest.
    // None at all while a lost allocation's stop is delayed (`if
    // len(lostLater) == 0`, reconcile.go v0.11.2:428, v1.5.10:543;
    // reconcile_cluster.go v1.11.1:529, v2.0.5:522): the due reschedules
    // are still stopped (computeReplacements' markStop), the rest waits
    // for the follow-up evaluation, never printed (command/job_plan.go
    // `formatDryRun` prints only a `rolling-update` one).
    let count_us = usize::try_from(count).unwrap_or(usize::MAX);
    plan.held = plan.lost.iter().any(|a| judge.delayed(a));
    let mut have = untainted.len() + plan.migrate.len() + plan.rescheduled.len();
    if !plan.held {
        plan.replace = plan.rescheduled.clone();
    }
    if lost_named && !plan.held {
        let room = count_us.saturating_sub(have).min(plan.lost.len());
        plan.replace.extend(plan.lost.iter().take(room).copied());
        have += room;
    }
    let wanted = if plan.held {
        0
    } else {
        count_us.saturating_sub(have)
    };
    plan.renames = names.renames(count, wanted);
    plan.place = names.next(prefix, count, wanted);
    plan.migrate_placed = plan.migrate.len();
    rolling(&mut plan, tg, count_us);
    if at.nomad.at_least(1, 11, 0) {
        cap_at_count(&mut plan, count_us);
    }
    plan
}

/// A stopped job stops its live allocations only (`handleStop` filters
/// terminal ones out first); a removed group (and from 1.11 one scaled to
/// zero) stops all it has, terminal ones too (`filterAndStopAll`).
fn stop_all<'s>(
    job: &Job,
    in_spec: bool,
    existing: Vec<&'s Allocation>,
    taint: &dyn Fn(&Allocation) -> Taint,
) -> GroupPlan<'s> {
    let mut plan = GroupPlan::default();
    for a in existing {
        if job.stop && in_spec && !a.is_live() {
            continue;
        }
        let lost = match a.client_status {
            ClientStatus::Failed => a.reschedule_now,
            _ => a.batch_terminal.is_none() && taint(a) == Taint::Lost,
        };
        if lost {
            plan.lost.push(a);
        } else {
            plan.stop.push(a);
        }
    }
    plan
}

/// Nomad's `Allocation.Index`: the number in the name's brackets, 0 when
/// there is none.
fn index(a: &Allocation) -> u32 {
    a.name_index().unwrap_or(0)
}

/// `computeStop`: lost allocations are stopped; of the rest, only
/// `len(untainted) + len(migrate) - count` (rescheduled ones are not
/// counted, nor `unknown` ones): migrating ones with the highest names first, then untainted
/// ones holding the highest names of the index, then any others in Go's
/// map order. Before 2.0.4 an allocation terminal on its client is never
/// stopped here; from 2.0.4 a failed one may be (ded7e3318e, #27971).
fn compute_stop<'s>(
    plan: &mut GroupPlan<'s>,
    untainted: &mut Vec<&'s Allocation>,
    names: &mut NameIndex,
    count: u32,
    at: Versions,
    prefix: &str,
    rng: &mut SplitMix64,
) {
    let known = untainted
        .iter()
        .filter(|a| !super::reconcile_disconnect::is_unknown(a))
        .count();
    let mut remove = (known + plan.migrate.len()).saturating_sub(count as usize);
    if remove == 0 {
        return;
    }
    let mut migrating = NameIndex::new(plan.migrate.iter().map(|a| index(a)));
    let gone = migrating.highest(remove);
    let mut kept = Vec::new();
    for a in std::mem::take(&mut plan.migrate) {
        let named = gone.contains(&index(a)) && a.name.as_str() == indexed_name(prefix, index(a));
        if remove > 0 && named {
            plan.stop.push(a);
            names.unset(index(a));
            remove -= 1;
        } else {
            kept.push(a);
        }
    }
    plan.migrate = kept;
    if remove == 0 {
        return;
    }
    let stoppable = |a: &Allocation| {
        if at.nomad.at_least(2, 0, 4) {
            a.desired_status == DesiredStatus::Run
        } else {
            a.is_live()
        }
    };
    let highest = names.highest(remove);
    let by_name = |a: &&Allocation| {
        highest.contains(&index(a)) && a.name.as_str() == indexed_name(prefix, index(a))
    };
    let (first, rest): (Vec<&Allocation>, Vec<&Allocation>) = untainted
        .iter()
        .copied()
        .filter(|a| stoppable(a))
        .partition(by_name);
    for candidates in [first, rest] {
        if remove == 0 {
            break;
        }
        let stopped = pick(candidates, remove, rng, &mut plan.stop_chance);
        remove -= stopped.len();
        untainted.retain(|a| !stopped.iter().any(|s| std::ptr::eq(*s, *a)));
        plan.stop.extend(stopped);
    }
}

/// `n` of `candidates` as Go's map order over them picks: all of them when
/// there are no more than `n`, else a draw (and the odds noted).
fn pick<'s>(
    mut candidates: Vec<&'s Allocation>,
    n: usize,
    rng: &mut SplitMix64,
    chance: &mut Option<(usize, usize)>,
) -> Vec<&'s Allocation> {
    if candidates.len() > n {
        rng.shuffle(&mut candidates);
        chance.get_or_insert((candidates.len(), n));
        candidates.truncate(n);
    }
    candidates
}

/// The update strategy's hold on the group (`computeGroup` after
/// `computePlacements`). A destructive change with `canary` set places
/// canaries and nothing else the group is short of: only lost
/// allocations' replacements (as many as there are lost ones, taken from
/// the front of the placements, where the rescheduled ones are) and every
/// due reschedule (again, when the front held it): the deployment is not
/// "place ready". Otherwise the placements come first out of the limit
/// (`computeLimit`, 1.11 `computeUnderProvisionedBy`: `max_parallel` when
/// the strategy has one and anything is replaced or migrating, else the
/// count) and destructive updates take what is left; the rest are
/// ignored. The same from v0.9.0 to v2.0.5 (the limit's deployment terms,
/// unhealthy or paused, are not modelled: no deployment is read).
fn rolling(plan: &mut GroupPlan<'_>, tg: &TaskGroup, count: usize) {
    let update = tg.update.as_ref();
    if let Some(u) = update.filter(|u| u.canary > 0 && !plan.destructive.is_empty()) {
        plan.canary = u64::try_from(u.canary).unwrap_or(0);
        plan.downgrade = true;
        plan.ignore += plan.destructive.len() as u64;
        plan.destructive.clear();
        let allowed = plan.lost.len().min(plan.replace.len() + plan.place.len());
        plan.place
            .truncate(allowed.saturating_sub(plan.replace.len()));
        plan.replace.truncate(allowed);
        if !plan.held {
            plan.replace.extend(plan.rescheduled.iter().copied());
        }
        plan.place_count = (plan.replace.len() + plan.place.len()) as u64;
        return;
    }
    let placed = plan.replace.len() + plan.place.len();
    plan.place_count = placed as u64;
    let limit = match update {
        Some(u)
            if u.max_parallel > 0 && !(plan.destructive.is_empty() && plan.migrate.is_empty()) =>
        {
            usize::try_from(u.max_parallel).unwrap_or(usize::MAX)
        }
        _ => count,
    };
    let limit = limit.saturating_sub(placed);
    if plan.destructive.len() > limit {
        plan.ignore += (plan.destructive.len() - limit) as u64;
        plan.destructive.truncate(limit);
    }
}

/// 1.11's "We can never have more placements than the count": the
/// group's placements in Nomad's order (canaries, then replacements and
/// new names, then migrations) cut at the count, the annotation's
/// `Place` then the count (7c6c1ed0d3, #26239).
fn cap_at_count(plan: &mut GroupPlan<'_>, count: usize) {
    let canaries = plan.canaries.len();
    let total = canaries + plan.replace.len() + plan.place.len() + plan.migrate.len();
    if total <= count {
        return;
    }
    plan.canaries.truncate(count);
    let mut room = count.saturating_sub(canaries);
    plan.replace.truncate(room);
    room -= plan.replace.len();
    plan.place.truncate(room);
    room -= plan.place.len();
    plan.migrate_placed = plan.migrate.len().min(room);
    plan.place_count = count as u64;
}
