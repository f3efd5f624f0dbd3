//! Are a running job's own allocations there in every history? The room
//! bound counts a kept in-place update, and a group the plan leaves as it
//! is, as needing no room only where they are: in a history whose replay
//! left one unplaced, the plan places it anew (Nomad's reconciler places a
//! group's missing allocations in the same evaluation:
//! reconcile_cluster.go v2.0.5:791 `computeUnderProvisionedBy`,
//! reconcile_node.go :108 for a per-node job), and there it may fail.
//!
//! Why the replay order proves it. A written world's running jobs are
//! registered one after another (`Simulation::replay_from`), each placed
//! by its own evaluation; when the job's turn comes, only the jobs
//! registered before it hold room, at most the allocations they hold here
//! (this history placed everything: the caller checks it), wherever the
//! node shuffles put them. Jobs registered after it cannot take its room:
//! its allocations are placed by then, and only preemption moves a placed
//! allocation (no client fails or drains in a replay). So the job is fully
//! placed in every history where the room bound of the module above shows
//! each of its groups fits beside the earlier jobs' allocations and its
//! own other groups, and no other job may evict it: preemption is off for
//! its type, or its priority is not [`PRIORITY_GAP`] above this job's
//! (scheduler/feasible/preemption.go v2.0.5, `jobPriority-10`).
//!
//! [`PRIORITY_GAP`]: crate::scheduler::preempt::PRIORITY_GAP

use super::super::engine::{Ask, Engine};
use super::super::feasibility::{in_job_scope, placement_bound, schedulable};
use super::super::preempt::{outranks, preemption_on};
use super::super::Simulation;
use super::{
    add, capacity, group_short, load, network_order_matters, room_of, static_ports, Holder, Need,
    DIMS,
};
use crate::jobspec::Job;

/// Are the live allocations of `planned`'s job (its namespace and ID) in
/// every history of the world's replay, as many as here in each group (and
/// for a per-node job on every node that can take it)? False where the
/// replay order does not show it (see the module).
pub(super) fn placed_everywhere(sim: &Simulation, planned: &Job) -> bool {
    // An engine of its own: the engine keeps what it last asked per group
    // name (the network a group's `Select` judges with,
    // `NetworkAsk::select`), and this proof asks the running version's
    // groups, which the planned ones of the same names must not inherit
    // (rv20-1: a `network { mode }` edit was judged with the old mode).
    let mut engine =
        Engine::with_history(&sim.world, &sim.state, &sim.job_versions, planned, sim.seed);
    why_not(sim, &mut engine, planned).is_none()
}

/// Why [`placed_everywhere`] cannot show it (`None`: it does).
fn why_not(sim: &Simulation, engine: &mut Engine<'_>, planned: &Job) -> Option<&'static str> {
    let world = &*sim.world;
    let state = &sim.state;
    let key = (&*planned.namespace, &*planned.id);
    let same = |ns: &str, id: &str| (ns, id) == key;
    // An import's allocations are read, not placed: not this proof's.
    if world.pinned.is_some() {
        return Some("an import's allocations");
    }
    // Registered once, by the world's replay (a change set's earlier step
    // registering it again would be a later evaluation of it).
    let mut at = world
        .running
        .iter()
        .enumerate()
        .filter(|(_, r)| same(&r.job.namespace, &r.job.id))
        .map(|(i, _)| i);
    let (Some(turn), None) = (at.next(), at.next()) else {
        return Some("not registered once by the world's replay");
    };
    let versions = sim
        .job_versions
        .keys()
        .filter(|(ns, id, _)| same(ns, id))
        .count();
    let Some(record) = state.job(key.0, key.1) else {
        return Some("not registered");
    };
    if versions != 1 {
        return Some("registered again");
    }
    let running = &*record.job;
    // Nothing else may evict it, whenever it is evaluated: no version any
    // other job was registered at (a change set's earlier step may have
    // raised a priority and lowered it again), nor any job's record.
    let evicts =
        |j: &Job| preemption_on(world, j.job_type) && outranks(j.priority, running.priority);
    if sim
        .job_versions
        .iter()
        .any(|((ns, id, _), j)| !same(ns, id) && evicts(j))
        || state
            .jobs
            .iter()
            .any(|((ns, id), r)| !same(ns, id) && evicts(&r.job))
    {
        return Some("another job may evict it");
    }
    let before: std::collections::HashSet<(&str, &str)> = world.running[..turn]
        .iter()
        .map(|r| (&*r.job.namespace, &*r.job.id))
        .collect();
    // The earlier jobs as they were at its turn: `load` reads them from
    // this state, so none may have been registered again or stopped since
    // (a change set's earlier step shrinking or stopping one would
    // undercount what it held then: rv20-2). Each such step is a version.
    let mut seen: std::collections::HashMap<(&str, &str), usize> = Default::default();
    for (ns, id, _) in sim.job_versions.keys() {
        *seen.entry((ns.as_str(), id.as_str())).or_default() += 1;
    }
    if before.iter().any(|k| seen.get(k).copied() != Some(1)) {
        return Some("an earlier job changed since its turn");
    }
    // Nor may its own registration preempt an earlier job: the
    // BinPackIterator may then take a node by preemption where another
    // fits (scheduler/feasible/rank.go v2.0.5:317-339), and the plan
    // applier may reject that.
    if preemption_on(world, running.job_type)
        && sim.job_versions.iter().any(|((ns, id, _), j)| {
            before.contains(&(ns.as_str(), id.as_str())) && outranks(running.priority, j.priority)
        })
    {
        return Some("its registration may preempt");
    }
    let own: Vec<&crate::cluster::Allocation> = engine
        .by_node
        .iter()
        .flatten()
        .filter_map(|&i| state.allocs.get(i))
        .filter(|a| same(&a.namespace, &a.job_id))
        .collect();
    if own.iter().any(|a| !a.runs_version(record.version)) {
        return Some("an allocation of another version");
    }
    if running.constraints.iter().any(placement_bound) {
        return Some("distinct constraints");
    }
    // Its registration judged a group without a network of its own with
    // the network of whichever group Go's map order placed before it
    // (rt21b R21-B-1): where that may change a verdict, where its groups
    // went is a draw this proof does not model.
    if network_order_matters(sim, running) {
        return Some("a group judged with another group's network");
    }
    if running.job_type.is_per_node() {
        return (!on_every_node(sim, engine, running, &before))
            .then_some("a per-node job not shown on every node");
    }
    // Its turn: the earlier jobs' allocations and its own.
    let Some(load) = load(sim, &engine.by_node, |a| {
        same(&a.namespace, &a.job_id) || before.contains(&(&*a.namespace, &*a.job_id))
    }) else {
        return Some("an allocation reserving cores");
    };
    running.groups.iter().find_map(|tg| {
        let mine: Vec<_> = own.iter().filter(|a| *a.task_group == *tg.name).collect();
        if i64::try_from(mine.len()) != Ok(tg.count) {
            return Some("a group not fully placed");
        }
        let Some(ask) = room_of(&crate::scheduler::quota::placed_resources(tg, world), true) else {
            return Some("devices or cores");
        };
        let mut need = Need {
            name: &tg.name,
            k: 0,
            most: ask,
            sum: [0; DIMS],
            items: Some(Vec::new()),
        };
        let mut ports = Vec::new();
        for a in &mine {
            let Some(r) = room_of(&a.resources, false) else {
                return Some("cores");
            };
            need.k += 1;
            for (m, x) in need.most.iter_mut().zip(r) {
                *m = (*m).max(x);
            }
            add(&mut need.sum, &r, 1);
            let item = load.items.iter().position(|(id, _)| *id == &*a.id);
            match (&mut need.items, item) {
                (Some(items), Some(i)) => items.push(i),
                (items, _) => *items = None,
            }
            ports.extend(static_ports(&a.resources));
        }
        if mine.is_empty() {
            return None;
        }
        // No group's network verdict rests on the order (checked above).
        // Nor a group with distinct constraints (declined above).
        let spread = Some((super::distinct::Spread::default(), false));
        group_short(sim, engine, running, &need, &ports, &load, false, spread)
    })
}

/// A per-node job (`running`, its turn after the jobs `before`): does
/// every node that can take each of its groups have room for it beside
/// every earlier allocation and one of each of its other groups, all
/// taken as sitting on that node? Then every history holds it on every
/// such node (the system scheduler places on each feasible node:
/// scheduler_system.go v2.0.5 `computeJobAllocs`).
fn on_every_node(
    sim: &Simulation,
    engine: &mut Engine<'_>,
    running: &Job,
    before: &std::collections::HashSet<(&str, &str)>,
) -> bool {
    let world = &*sim.world;
    let version = world.nomad_version;
    let Some(earlier) = load(sim, &engine.by_node, |a| {
        before.contains(&(&*a.namespace, &*a.job_id))
    }) else {
        return false;
    };
    let mut asks = Vec::new();
    for tg in &running.groups {
        let res = crate::scheduler::quota::placed_resources(tg, world);
        let Some(r) = room_of(&res, true) else {
            return false;
        };
        if super::reads_placed(tg) {
            return false;
        }
        asks.push((tg, res, r));
    }
    // Every group on one node, beside everything earlier.
    let mut worst = earlier.usage;
    for (.., r) in &asks {
        add(&mut worst, r, 1);
    }
    // A static port any earlier holder or another of its groups holds
    // may block any node, and so may a dynamic one where the static port
    // is inside a node's dynamic range (rt21b R21-B-3).
    let ports: Vec<Holder> = asks.iter().map(|(_, res, _)| Holder::of(res)).collect();
    for (i, mine) in ports.iter().enumerate() {
        let in_range = sim.state.nodes.iter().any(|n| {
            let (lo, hi) = super::super::dynamic_ports::range(n, version);
            mine.statics.iter().any(|p| (lo..=hi).contains(p))
        });
        let clash = |h: &Holder| h.blocks(&mine.statics, in_range);
        if earlier.holders.iter().any(clash)
            || ports.iter().enumerate().any(|(j, h)| j != i && clash(h))
        {
            return false;
        }
    }
    for (tg, res, _) in &asks {
        let ask = Ask {
            job: running,
            tg,
            res: res.clone(),
            alloc_name: String::new(),
            penalty: Vec::new(),
        };
        for (pos, n) in sim.state.nodes.iter().enumerate() {
            if !schedulable(n) || !in_job_scope(version, running, n) {
                continue;
            }
            // By class, as Nomad judges it: a class split is noted as
            // drawn (rt21b R21-B-2) and answers no below.
            match engine.infeasible(&ask, pos, n, true) {
                None => {}
                Some(f) if f.reads_placed => return false,
                Some(_) => continue,
            }
            let Some(c) = capacity(n, version) else {
                return false;
            };
            if c.iter().zip(&worst).any(|(c, w)| c < w) {
                return false;
            }
        }
    }
    engine.drawn.is_empty()
}
