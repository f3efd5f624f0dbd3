//! The generic scheduler's placement pass (`computePlacements`,
//! scheduler/generic_sched.go): a child of [`super`], each missing
//! allocation of a reconciled group placed through the stack in turn.

use std::collections::BTreeMap;

use super::super::downgrade::{stable_for, DowngradeUnknown, Stable};
use super::super::engine::{Ask, Engine};
use super::super::reconcile_names::{indexed_name, Renames};
use super::super::{AllocMetric, DesiredUpdates};
use super::JobHistory;
use crate::cluster::Allocation;

/// The placement pass (`computePlacements`): each group's first failure
/// is its metric, and every later placement of that group is coalesced
/// into it uncomputed (`failedTGAllocs[tg.Name]`).
pub(super) struct Placing<'a, 'w, 'f> {
    pub(super) engine: &'a mut Engine<'w>,
    pub(super) history: &'a JobHistory,
    pub(super) evict_allowed: bool,
    pub(super) eval_id: &'a str,
    pub(super) new_version: u64,
    /// The placements are tried with an older version's group
    /// ([`Placing::downgraded`]): their failures are counted with its asks.
    pub(super) downgraded: bool,
    pub(super) failed: &'a mut BTreeMap<&'f str, AllocMetric>,
}

impl<'f> Placing<'_, '_, 'f> {
    /// Place `n` allocations of group `name`, each (name, the allocation
    /// it stops, the one it replaces). Lazy: placements are named only
    /// until the group's first failure. A placement that finds a node
    /// under a name existing allocations hold twice is renamed by
    /// `renames` (#18873).
    pub(super) fn segment<'s>(
        &mut self,
        name: &'f str,
        ask: &mut Ask<'_>,
        du: &mut DesiredUpdates,
        n: usize,
        mut renames: Option<&mut Renames>,
        work: impl Iterator<Item = (String, Option<&'s Allocation>, Option<&'s Allocation>)>,
    ) {
        let version = self.engine.world.nomad_version;
        for (done, (alloc_name, prev, replaced)) in work.enumerate() {
            if let Some(m) = self.failed.get_mut(name) {
                // Every remaining placement fails the same way.
                m.coalesced_failures += (n - done) as u64;
                if self.downgraded {
                    m.add_downgraded((n - done) as u64, task_asks(ask));
                }
                return;
            }
            // `setJob(downgradedJob)`, after the failed-group check.
            if self.downgraded {
                self.engine.spread_swap_job(true);
            }
            if let Some(p) = prev {
                self.engine.stop(p);
            }
            let mut metric = AllocMetric::default();
            ask.alloc_name.clear();
            ask.alloc_name.push_str(&alloc_name);
            ask.penalty = penalty_nodes(replaced, version);
            // A sticky (or migrating) disk's replacement tries its old
            // node first, with and then without preemption.
            let prefer = self
                .engine
                .preferred_node(self.history, ask.job, ask.tg, replaced);
            let mut choice = self
                .engine
                .select_preferring(ask, false, prefer, &mut metric);
            if choice.is_none() && self.evict_allowed {
                metric = AllocMetric::default();
                choice = self
                    .engine
                    .select_preferring(ask, true, prefer, &mut metric);
            }
            match choice {
                Some(r) => {
                    if let Some(n) = self.engine.node(r.node).map(|n| n.name.clone()) {
                        self.engine.note_short_devices(ask, &n, &r.devices);
                    }
                    // The select read the name as it was (`SelectOptions`);
                    // the allocation takes the new one.
                    let renamed = renames
                        .as_deref_mut()
                        .and_then(|rn| rn.take(index_in(&alloc_name, ask)))
                        .map(|i| {
                            indexed_name(
                                &[ask.job.id.as_str(), ".", ask.tg.name.as_str()].concat(),
                                i,
                            )
                        });
                    let alloc = self.engine.materialize(
                        ask,
                        &r,
                        renamed.as_deref().unwrap_or(alloc_name.as_str()),
                        self.eval_id,
                        self.new_version,
                    );
                    du.preemptions += r.victims.len() as u64;
                    self.engine.record(Some(r.node), alloc, r.victims, false);
                }
                None => {
                    if let Some(p) = prev {
                        self.engine.unstop(p);
                    }
                    if self.downgraded {
                        metric.add_downgraded(1, task_asks(ask));
                    }
                    self.failed.insert(name, metric);
                }
            }
            // `setJob(s.job)`: the planned version back.
            if self.downgraded {
                self.engine.spread_swap_job(false);
            }
        }
    }
}

/// One placement of a group: its name, the allocation it stops, the one
/// it replaces.
type Work<'s> = (String, Option<&'s Allocation>, Option<&'s Allocation>);

/// A stable version and its job.
type Older<'h> = (u64, &'h crate::jobspec::Job);

impl<'f> Placing<'_, '_, 'f> {
    /// The non-canary placements of a canarying group
    /// (`downgradeNonCanary`), each with the job version
    /// [`stable_for`](super::super::downgrade::stable_for) gives for the
    /// version of the allocation it replaces: the stack set to that
    /// version's job and group for the select (generic_sched.go
    /// v1.0.0:494-525, v2.0.5:519-556), the allocation recorded at it
    /// (`AppendAlloc(alloc, downgradedJob)`, v2.0.5:687). Returns the first
    /// placement whose version cannot be told (placed with the planned one).
    pub(super) fn downgraded<'s>(
        &mut self,
        name: &'f str,
        ask: &mut Ask<'_>,
        du: &mut DesiredUpdates,
        mut renames: Option<&mut Renames>,
        work: Vec<Work<'s>>,
    ) -> Option<DowngradeUnknown> {
        let (world, state, history) = (self.engine.world, self.engine.state, self.history);
        let mut unknown = None;
        // Consecutive placements of the same version share one ask.
        let mut runs: Vec<(Option<Older<'_>>, Vec<Work<'s>>)> = Vec::new();
        for w in work {
            let min = w.2.map_or(0, |a| a.job_version);
            let older = match stable_for(world, state, history, ask.job, name, min) {
                Ok(Stable::Older { version, job }) => Some((version, job)),
                Ok(Stable::Planned) => None,
                Err(u) => {
                    unknown.get_or_insert(u);
                    None
                }
            };
            match runs.last_mut() {
                Some((k, ws)) if k.map(|(v, _)| v) == older.map(|(v, _)| v) => ws.push(w),
                _ => runs.push((older, vec![w])),
            }
        }
        for (older, ws) in runs {
            let n = ws.len();
            let work = ws.into_iter();
            let Some((tg, (version, job))) = older.and_then(|o| Some((o.1.group(name)?, o))) else {
                self.segment(name, ask, du, n, renames.as_deref_mut(), work);
                continue;
            };
            let mut stable = Ask::of_group(job, tg, world);
            let planned = std::mem::replace(&mut self.new_version, version);
            self.engine.spread.swap = Some((ask.job.spreads.clone(), job.spreads.clone()));
            self.downgraded = true;
            self.segment(name, &mut stable, du, n, renames.as_deref_mut(), work);
            self.downgraded = false;
            self.engine.spread.swap = None;
            self.new_version = planned;
        }
        unknown
    }
}

/// Each task's cpu and memory ask of `ask`'s group.
fn task_asks<'a>(ask: &'a Ask<'_>) -> impl Iterator<Item = (&'a str, i64, i64)> + 'a {
    ask.tg
        .tasks
        .iter()
        .map(|t| (t.name.as_str(), t.resources.cpu, t.resources.memory_mb))
}

/// The nodes a placement replacing `previous` avoids (`getSelectOptions`,
/// generic_sched.go): the nodes its earlier reschedules left and its own
/// node, which up to 0.10.3 is any replaced allocation's (a destructive
/// update's or a migration's too) and from 0.10.4 a failed one's only
/// ("fix job update placement on prev node penalized", 3716a67b30, #6781).
fn penalty_nodes(previous: Option<&Allocation>, v: crate::version::NomadVersion) -> Vec<String> {
    let Some(p) = previous else {
        return Vec::new();
    };
    let mut out = p.reschedule_nodes.clone();
    let failed = p.client_status == crate::cluster::ClientStatus::Failed;
    if (failed || !v.at_least(0, 10, 4)) && !out.iter().any(|n| n.as_str() == p.node_id.as_str()) {
        out.push(p.node_id.to_string());
    }
    out
}

/// `structs.AllocIndexFromName`: the number in a placement's name after
/// `job.group[`, 0 when it does not read as one.
fn index_in(alloc_name: &str, ask: &Ask<'_>) -> u32 {
    alloc_name
        .strip_prefix(ask.job.id.as_str())
        .and_then(|r| r.strip_prefix('.'))
        .and_then(|r| r.strip_prefix(ask.tg.name.as_str()))
        .map(|r| r.strip_prefix('[').unwrap_or(r))
        .map(|r| r.strip_suffix(']').unwrap_or(r))
        .and_then(|r| r.parse().ok())
        .unwrap_or(0)
}
