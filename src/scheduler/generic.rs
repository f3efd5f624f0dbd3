//! Scheduling one evaluation of a job: reconcile, then place each missing
//! allocation through the stack (`generic_sched.go`, `scheduler_system.go`).

use std::collections::BTreeMap;

use super::engine::{Ask, Engine, Plan};
use super::reconcile_group::{
    reconcile_group, stops_rescheduled, GroupPlan, Judge, Taint, Update, Versions,
};
use super::{AllocMetric, DesiredUpdates, PlanResult, PreemptedAlloc};
use crate::cluster::{Allocation, State};
use crate::jobspec::{Job, TaskGroup};
use crate::scheduler::preempt::preemption_on;
use crate::structs::disconnected_node::stop_delayed;
use crate::world::World;

/// The outcome of one evaluation before it is applied. The result's
/// placements are left empty: they are in `plan` (see
/// [`Plan::placements`]), for the callers that read them.
pub struct Evaluated {
    pub result: PlanResult,
    pub plan: Plan,
    /// The live allocations of each node position the evaluation saw
    /// (indexes into the state's allocations), for the applier's re-check.
    pub by_node: Vec<Vec<usize>>,
}

/// Every registered version of every job: (namespace, job, version).
pub type JobHistory = BTreeMap<(String, String, u64), std::sync::Arc<Job>>;

/// The job spec an allocation runs: from the version history, else the
/// registered job when the versions agree.
pub(super) fn old_spec<'s>(
    history: &'s JobHistory,
    state: &'s State,
    a: &Allocation,
) -> Option<(&'s std::sync::Arc<Job>, &'s TaskGroup)> {
    let job = history.get(&a.spec_key()).or_else(|| {
        (state.job(&a.namespace, &a.job_id))
            .filter(|r| a.runs_version(r.version))
            .map(|r| &r.job)
    })?;
    Some((job, job.group(&a.task_group)?))
}

/// One evaluation of `job`. `notes_read`: does the caller read the
/// result's nondeterminism notes (when not, they are left empty)?
#[allow(clippy::too_many_arguments)]
pub fn evaluate(
    world: &World,
    state: &State,
    history: &JobHistory,
    job: &Job,
    new_version: u64,
    eval_id: &str,
    rng_seed: u64,
    notes_read: bool,
) -> Evaluated {
    let mut engine = Engine::with_history(world, state, history, job, rng_seed);
    engine.notes_read = notes_read;
    let mut shown = evaluate_in(engine, history, job, new_version, eval_id);
    super::one_port_range::settle(&mut shown.result, job, |order| {
        let mut again = Engine::with_history(world, state, history, job, rng_seed);
        order(&mut again);
        evaluate_in(again, history, job, new_version, eval_id).result
    });
    shown
}

/// [`evaluate`] of a job planned against many replays: the verdicts that
/// depend only on the specs (is a group's change destructive) are taken
/// from `planned` when an earlier replay reached them. Its callers
/// (`plan --samples`, NP403) tally outcomes only: no notes are made.
pub fn evaluate_planned(
    world: &World,
    state: &State,
    history: &JobHistory,
    planned: &crate::scheduler::sim::Planned,
    new_version: u64,
    eval_id: &str,
    rng_seed: u64,
) -> Evaluated {
    let mut engine = Engine::with_history(world, state, history, &planned.job, rng_seed);
    engine.planned = Some(planned);
    engine.notes_read = false;
    evaluate_in(engine, history, &planned.job, new_version, eval_id)
}

#[path = "generic_system.rs"]
mod system_sched;
use system_sched::system;

#[path = "generic_system_turns.rs"]
mod system_turns;

#[path = "generic_placing.rs"]
mod placing;
use placing::Placing;

#[path = "generic_update.rs"]
pub(super) mod update;
use update::{carry_ports, in_place_resources, update_kind, Before};

fn evaluate_in(
    mut engine: Engine<'_>,
    history: &JobHistory,
    job: &Job,
    new_version: u64,
    eval_id: &str,
) -> Evaluated {
    let mut result = PlanResult::default();
    let mut all_filtered = Vec::new();
    if super::count_bound::too_many_groups(job) {
        // Said not to be known (`count_bound::count_unknown`): scheduling
        // it would run for minutes, and nothing of it is shown.
    } else if job.job_type.is_per_node() {
        all_filtered = system(&mut engine, history, job, new_version, eval_id, &mut result);
        // 1.11.0-1.11.2 panic after the placements on a `nil` group state
        // of the deployment (recovered: the evaluation's error).
        if result.error.is_none() {
            let updates = &result.desired_tg_updates;
            result.error = super::nil_deployment_state::error(&engine, job, new_version, updates);
        }
    } else {
        generic(&mut engine, history, job, new_version, eval_id, &mut result);
    }
    let nodes_available = nodes_available(&engine, job);
    // A system group failed because every node was filtered reports only
    // the filter metrics merged (`mergeNodeFiltered`): Nomad sets the
    // available nodes and pool size on a metric only when it ranks.
    let ranked = result
        .failed_tg_allocs
        .iter_mut()
        .filter(|(name, _)| !all_filtered.contains(name));
    for (_, m) in ranked {
        m.nodes_available = nodes_available.clone();
        m.nodes_in_pool = engine.candidate_count() as u64;
    }
    // Submitting the plan to the state store may fail it (Job.Plan's
    // PlanBuilder, the run's FSM): the scheduler's error is then the RPC's.
    if result.error.is_none() {
        result.error = super::host_volumes::claim_error(&engine, job);
    }
    finish(&mut engine, &mut result);
    recover(&mut result, eval_id);
    Evaluated {
        result,
        plan: engine.plan,
        by_node: engine.by_node,
    }
}

/// Ready nodes per datacenter of the job: `readyNodesInDCs`'s map, which
/// up to 1.4 starts with every datacenter the job names at 0 (so the
/// metric says "No nodes are available in datacenter ..."; scheduler/util.go
/// v0.9.3:228, v1.4.0:355 `dcMap[dc] = 0`) and from 1.5 (globs) holds
/// only the datacenters that have a ready node (v1.5.0:47, v2.0.5:25).
fn nodes_available(engine: &Engine<'_>, job: &Job) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    if !super::feasibility::datacenter_globs(engine.world.nomad_version) {
        for dc in &job.datacenters {
            out.insert(dc.clone(), 0);
        }
    }
    for pos in engine.ready_nodes(job) {
        if let Some(n) = engine.node(pos) {
            *out.entry(n.datacenter.clone()).or_insert(0) += 1;
        }
    }
    out
}

fn finish(engine: &mut Engine<'_>, result: &mut PlanResult) {
    result.preempted_allocs = engine
        .plan
        .preempted
        .iter()
        .map(|(a, _)| PreemptedAlloc::of(a, engine.state))
        .collect();
    result.stops = engine.plan.stops.iter().map(|a| a.id.to_string()).collect();
    result.blocked = !result.failed_tg_allocs.is_empty();
    result.quota_limit_reached = if result
        .failed_tg_allocs
        .values()
        .any(|m| !m.quota_exhausted.is_empty())
    {
        engine
            .world
            .quota_of(&result_namespace(engine))
            .map(|q| q.name.clone())
    } else {
        None
    };
    let mut notes = std::mem::take(&mut engine.nondeterminism);
    notes.sort();
    notes.dedup();
    result.nondeterminism = notes;
    let mut drawn = std::mem::take(&mut engine.drawn);
    drawn.sort();
    drawn.dedup();
    result.drawn = drawn;
    result.crashed = engine.crash.take();
    result.priority_unknown = engine.priority_unknown.take();
    result.only_group_order_drawn = engine.only_group_order_noted();
    result.node_only_filters = engine.notes_read && !engine.filtered_by_placed;
}

/// A panic the scheduler's `Process` recovers (from 1.3.0,
/// [`super::server_crash::ServerCrash::recovered_error`]) fails the
/// evaluation with its error, which replaces any later one (the panic
/// ends the scheduling that would submit the plan); one it does not takes
/// the server down.
fn recover(result: &mut PlanResult, eval_id: &str) {
    let Some(c) = result.crashed.take() else {
        return;
    };
    match c.recovered_error(eval_id) {
        Some(error) => {
            result.error = Some(error);
            result.recovered = Some(c);
        }
        None => result.crashed = Some(c),
    }
}

fn result_namespace(engine: &Engine<'_>) -> String {
    engine.current_namespace.clone()
}

/// One group as the reconciler left it, for the passes that follow.
struct Reconciled<'s, 'j> {
    name: &'s str,
    gp: GroupPlan<'s>,
    /// The group's ask (none for a group the spec no longer has).
    ask: Option<Ask<'j>>,
    du: DesiredUpdates,
}

/// The reconciler's view of the evaluation: the update function
/// (`genericAllocUpdateFn`) with its in-place fit, and the taint.
struct Judging<'a, 'w, 'j> {
    engine: &'a mut Engine<'w>,
    history: &'a JobHistory,
    job: &'j Job,
    planned: Option<&'j TaskGroup>,
    ask: Option<Ask<'j>>,
}

impl Judge for Judging<'_, '_, '_> {
    /// An allocation left in place must still fit on its node with its
    /// own stop staged (`AppendStoppedAlloc` then `stack.Select`, popped
    /// after: scheduler/util.go v0.9.3:786-797, v2.0.5:868-879), so it
    /// does not count against its own distinct_hosts/distinct_property;
    /// from 2.0.3 a batch group with a `max_run_duration` skips the fit
    /// ([`update::kept_as_is`]).
    /// Nothing else is planned yet: the reconciler runs before any stop
    /// or placement of the evaluation is appended.
    fn update(&mut self, a: &Allocation, tg: &TaskGroup) -> Update {
        let kind = update_kind(self.engine, self.history, self.job, a, tg);
        let (Before::TryInPlace, Some(ask)) = (kind, self.ask.as_mut()) else {
            return match kind {
                Before::Is(u) => u,
                Before::TryInPlace => Update::InPlace,
            };
        };
        ask.alloc_name.clear();
        ask.alloc_name.push_str(&a.name);
        if self.engine.fits_in_place(ask, a, true) {
            Update::InPlace
        } else {
            Update::Destructive
        }
    }

    /// Nomad reads the group of the job version the allocation runs
    /// (`alloc.Job`); the planned one when that is unknown.
    fn taint(&self, a: &Allocation) -> Taint {
        let own = old_spec(self.history, self.engine.state, a)
            .map(|(_, g)| g)
            .or(self.planned);
        taint(self.engine, own, self.planned, a)
    }

    /// ShouldClientStop reads the group the allocation runs (`alloc.Job`);
    /// with no recorded lost transition its stop counts from now, always
    /// later (`WaitClientStop`).
    fn delayed(&self, a: &Allocation) -> bool {
        old_spec(self.history, self.engine.state, a)
            .map(|(_, g)| g)
            .or(self.planned)
            .is_some_and(|g| stop_delayed(g, self.engine.world.nomad_version))
    }
}

/// `computeJobAllocs` (generic_sched.go): the reconciler over every group
/// (in Go's map order), then every stop, then the in-place updates, then
/// the placements: every group's destructive updates first, then each
/// group's canaries, replacements, new allocations and migrations
/// (`computePlacements`, "Have to handle destructive changes first";
/// v0.9.3:443, v2.0.5:508).
fn generic(
    engine: &mut Engine<'_>,
    history: &JobHistory,
    job: &Job,
    new_version: u64,
    eval_id: &str,
    result: &mut PlanResult,
) {
    let state = engine.state;
    let world = engine.world;
    let evict_allowed = preemption_on(world, job.job_type);
    // The job's allocations, found once: each group used to scan every
    // allocation of the state for them.
    // Failed ones not yet replaced count too (rescheduled now, or held).
    let job_allocs: Vec<&Allocation> = state.reconciled_allocs(&job.namespace, &job.id).collect();
    // Nomad's reconciler walks groups (those removed from the spec too,
    // which still have allocations to stop) in Go's map order.
    let order = super::group_order::GroupOrder::draw(job, state, &job_allocs, &mut engine.rng);
    let groups = order.drawn.clone();
    let mut done: Vec<Reconciled<'_, '_>> = Vec::with_capacity(groups.len());
    for name in groups {
        let tg = job.group(name);
        let existing: Vec<&Allocation> = job_allocs
            .iter()
            .copied()
            .filter(|a| a.task_group == name)
            .collect();
        // Go's map order picks stops where names do not: drawn apart from
        // the engine's stream, which the draw advances only when it is made.
        let mut rng = engine.rng.clone();
        let at = Versions {
            job: new_version,
            nomad: world.nomad_version,
        };
        // One ask per group: each placement and in-place check names it
        // (copying the group's resources per placement was a tenth of an
        // evaluation on a small cluster).
        let ask = tg.map(|tg| Ask::of_group(job, tg, world));
        // Counted before the reconciler takes them (a group it stops
        // whole never sorts them: `tg == nil || tg.Count == 0`).
        let stops_whole = |g: &TaskGroup| job.stop || (g.count <= 0 && at.nomad.at_least(1, 11, 0));
        let (marked, waiting) = match tg.filter(|g| !stops_whole(g)) {
            Some(_) => disconnecting(engine, history, tg, &existing),
            None => (0, 0),
        };
        let mut judge = Judging {
            engine: &mut *engine,
            history,
            job,
            planned: tg,
            ask,
        };
        let gp = reconcile_group(job, tg, existing, at, &mut judge, &mut rng);
        let ask = judge.ask.take();
        engine.rng = rng;
        if let Some((of, n)) = gp.stop_chance {
            engine.note(super::engine::Note::StopOrder, name, || {
                format!("group {name:?}: Go's map order decides which {n} of {of} allocations are stopped")
            });
        }
        // Failed allocations due now: their replacements are among the
        // placements (their names are free); the stop is the release's.
        let rescheduled = if stops_rescheduled(world.nomad_version) {
            gp.rescheduled.len()
        } else {
            0
        };
        let du = DesiredUpdates {
            ignore: gp.ignore,
            stop: (gp.stop.len() + gp.lost.len() + rescheduled) as u64,
            migrate: gp.migrate.len() as u64,
            in_place_update: gp.inplace.len() as u64,
            destructive_update: gp.destructive.len() as u64,
            place: if tg.is_some() { gp.place_count } else { 0 },
            canary: gp.canary,
            ..DesiredUpdates::default()
        };
        // With any disconnecting, `RescheduleNow` is set too: the group's
        // failed allocations rescheduled now (reconcile_cluster.go
        // v2.0.5:1647; a disconnecting one kept by `replace = false` or its
        // window is not among them).
        let du = DesiredUpdates {
            disconnect: marked,
            reschedule_now: if marked > 0 {
                gp.rescheduled.len() as u64
            } else {
                0
            },
            // Set whenever any reschedule waits (reconcile_cluster.go
            // v2.0.5:475-478 -> :1442), disconnecting (1.11.2+) or not.
            reschedule_later: gp.reschedule_later + waiting,
            ..du
        };
        done.push(Reconciled { name, gp, ask, du });
    }
    // The stops, migrations' included: a migration stops its allocation
    // whether or not the replacement finds a node (only a destructive
    // update's stop is backed out).
    for r in &done {
        let rescheduled: &[&Allocation] = if stops_rescheduled(world.nomad_version) {
            &r.gp.rescheduled
        } else {
            &[]
        };
        let stopped = r.gp.stop.iter().chain(&r.gp.lost).chain(rescheduled);
        for a in stopped.chain(&r.gp.migrate) {
            engine.stop(a);
        }
    }
    // In-place updates keep their node (their fit was checked above, or
    // skipped with their old resources kept: `update::kept_as_is`).
    for r in &done {
        let Some(ask) = &r.ask else { continue };
        for a in &r.gp.inplace {
            let mut updated = (*a).clone();
            updated.job_version = new_version;
            updated.job_priority = job.priority;
            updated.resources = in_place_resources(engine, history, &ask.res, a);
            let pos = engine.node_position(&a.node_id);
            engine.record(pos, updated, Vec::new(), true);
        }
    }
    let total = done
        .iter()
        .filter(|r| r.ask.is_some())
        .map(|r| placements(&r.gp))
        .fold(0usize, usize::saturating_add);
    engine.plan.expect(total);
    let placing = done
        .iter()
        .filter(|r| r.ask.is_some() && placements(&r.gp) > 0)
        .count();
    let mut failed: BTreeMap<&str, AllocMetric> = BTreeMap::new();
    let mut place = Placing {
        engine: &mut *engine,
        history,
        evict_allowed,
        eval_id,
        new_version,
        downgraded: false,
        failed: &mut failed,
    };
    for r in done.iter_mut() {
        let Some(ask) = r.ask.as_mut() else { continue };
        let mut renames = r.gp.renames.take();
        let work =
            r.gp.destructive
                .iter()
                .map(|a| (a.name.to_string(), Some(*a), Some(*a)));
        let n = r.gp.destructive.len();
        place.segment(r.name, ask, &mut r.du, n, renames.as_mut(), work);
        r.gp.renames = renames;
    }
    for r in done.iter_mut() {
        let Some(ask) = r.ask.as_mut() else { continue };
        let mut renames = r.gp.renames.take();
        let gp = &r.gp;
        let migrations = &gp.migrate[..gp.migrate_placed];
        let n = gp.canaries.len() + gp.replace.len() + gp.place.len() + migrations.len();
        let canaries = gp.canaries.iter().map(|n| (n, None, None));
        let rest = gp
            .replace
            .iter()
            .map(|a| (a.name.to_string(), None, Some(*a)))
            .chain(gp.place.iter().map(|(n, _)| (n, None, None)))
            .chain(
                migrations
                    .iter()
                    .map(|a| (a.name.to_string(), None, Some(*a))),
            );
        if !(gp.downgrade && super::downgrade::downgrades(world.nomad_version)) {
            let work = canaries.chain(rest);
            place.segment(r.name, ask, &mut r.du, n, renames.as_mut(), work);
            continue;
        }
        let c = gp.canaries.len();
        place.segment(r.name, ask, &mut r.du, c, renames.as_mut(), canaries);
        let rest: Vec<_> = rest.collect();
        let unknown = place.downgraded(r.name, ask, &mut r.du, renames.as_mut(), rest);
        if result.downgrade_unknown.is_none() {
            result.downgrade_unknown = unknown;
        }
    }
    for r in done {
        result.desired_tg_updates.insert(r.name.to_string(), r.du);
    }
    if placing > 1 && !(failed.is_empty() && engine.plan.preempted.is_empty()) {
        engine.note_drawn(super::engine::Note::GroupOrder, "", || order.note());
    }
    for (name, m) in failed {
        result.failed_tg_allocs.insert(name.to_string(), m);
    }
}

/// How many placements a reconciled group asks.
fn placements(gp: &GroupPlan<'_>) -> usize {
    gp.destructive.len() + gp.canaries.len() + gp.replace.len() + gp.place.len() + gp.migrate_placed
}

/// Is the allocation lost, marked to migrate, or neither (the reconciler's
/// `filterByTainted` / `classifyAllocs`)? A node that no longer exists
/// loses its allocations. On a down node (from 1.7.2) or a disconnected
/// one (1.3+) the shared rule decides by `own`, the group of the job
/// version it runs ([`on_down`], [`on_disconnected`]): lost,
/// untainted, or `disconnecting`, which the planned group `planned` then
/// keeps untainted or leaves vacant
/// ([`in_plan`](crate::structs::disconnected_node::in_plan)); with no
/// planned group the reconciler stops it with the rest
/// (`filterAndStopAll`), as any that is not lost. Where the world cannot
/// decide it (`told`) the loader made the job's plan "cannot tell"
/// (`world::alloc-state`, `import::alloc-state`).
fn taint(
    engine: &Engine<'_>,
    own: Option<&TaskGroup>,
    planned: Option<&TaskGroup>,
    a: &Allocation,
) -> Taint {
    use crate::structs::disconnected_node::{in_plan, InPlan, OnDisconnected};
    if a.migrate {
        return Taint::Migrate;
    }
    let version = engine.world.nomad_version;
    match node_read(engine, own, a) {
        Some(OnDisconnected::Lost) => Taint::Lost,
        // Marked `unknown` on its node (never printed), and kept or its
        // slot left vacant as the planned group says, on a down node as
        // on a disconnected one: computeGroup reads `disconnecting`
        // whatever the node (reconcile.go v1.7.7:496-516, v1.10.5:507-520;
        // reconcile_cluster.go v2.0.5:1618 `computeDisconnecting`).
        Some(OnDisconnected::Disconnecting) => match planned.map(|g| in_plan(g, version)) {
            Some(InPlan::Vacant) => Taint::Vacant,
            _ => Taint::Untainted,
        },
        _ => Taint::Untainted,
    }
}

/// How the reconciler sorts `a` by its node (`filterByTainted`,
/// `classifyAllocs`), by `own`, the group of the version it runs: lost on
/// a node that is gone; on a down or disconnected one as the shared rule
/// says ([`on_down`](crate::structs::disconnected_node::on_down),
/// [`on_disconnected`](crate::structs::disconnected_node::on_disconnected));
/// `None` on a ready one.
fn node_read(
    engine: &Engine<'_>,
    own: Option<&TaskGroup>,
    a: &Allocation,
) -> Option<crate::structs::disconnected_node::OnDisconnected> {
    use crate::cluster::NodeStatus;
    use crate::structs::disconnected_node::{on_disconnected, on_down, OnDisconnected};
    let node = engine
        .node_position(&a.node_id)
        .and_then(|p| engine.node(p));
    let version = engine.world.nomad_version;
    match node.map(|n| n.status) {
        None => Some(OnDisconnected::Lost),
        // An import's `unknown` one was read before (`reconcile_disconnect`).
        Some(NodeStatus::Down) => Some(on_down(own, a.client_status, false, version)),
        Some(NodeStatus::Disconnected) => on_disconnected(own, a.client_status, version),
        _ => None,
    }
}

/// 1.11's `Disconnect` count of a group the reconciler reconciles (not
/// one it stops whole): its running allocations sorted `disconnecting`,
/// each marked `unknown` (`computeDisconnecting`, reconcile_cluster.go
/// v1.11.0:1655, v2.0.5:1646), whatever the planned group then does with
/// them; and those of them whose reschedule waits, counted
/// `RescheduleLater` from 1.11.2 (`Allocation::reschedule_later`, which
/// the world decides by its own group: world/api_reschedule.rs
/// `later_on_disconnect`; up to 1.11.1 none, reconcile_cluster.go
/// v1.11.1:1636 and filters.go v1.11.1:447 `RescheduleTimeOnDisconnect`).
fn disconnecting(
    engine: &Engine<'_>,
    history: &JobHistory,
    planned: Option<&TaskGroup>,
    existing: &[&Allocation],
) -> (u64, u64) {
    use crate::structs::disconnected_node::{late, OnDisconnected};
    let marked: Vec<&&Allocation> = existing
        .iter()
        .filter(|a| {
            !a.migrate
                && a.client_status == crate::cluster::ClientStatus::Running
                && super::reconcile_disconnect::read(a).is_none()
        })
        .filter(|a| {
            let own = old_spec(history, engine.state, a)
                .map(|(_, g)| g)
                .or(planned);
            node_read(engine, own, a) == Some(OnDisconnected::Disconnecting)
        })
        .collect();
    let waits = late(engine.world.nomad_version);
    let waiting = marked.iter().filter(|a| waits && a.reschedule_later);
    (marked.len() as u64, waiting.count() as u64)
}
