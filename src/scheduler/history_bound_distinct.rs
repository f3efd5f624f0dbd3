//! `distinct_hosts` in the room bound: where no allocation anywhere holds
//! the job's ID, the constraint reads only this plan's placements, which
//! every history makes, so it keeps each group (each job, at job level)
//! to one allocation a node and is no draw of the history.
//!
//! Nomad's DistinctHostsIterator filters a node whose proposed
//! allocations hold one of the job (of the group, at group level):
//! `jobCollision := alloc.JobID == iter.job.ID` (scheduler/feasible.go
//! v0.9.3:250), its namespace compared too from #19004
//! (feasible.go:629@v1.7.0). With the ID held by no allocation in any
//! namespace, the only collisions are the plan's own placements, whatever
//! the history; the bound then counts one slot a node for the group
//! (fewer than Nomad may allow where the constraint is not enforced, so
//! never more room than there is) and, at job level, lets each placement
//! of the job's other groups take the node it lands on. `distinct_property`
//! (a count per attribute value) and volumes are not modelled.

use crate::jobspec::{Constraint, Job, TaskGroup};
use crate::scheduler::feasibility::placement_bound;
use crate::scheduler::Simulation;

/// A job's `distinct_hosts`, as the bound may take it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Apart {
    /// Does no allocation, live or not, in any namespace, hold its ID?
    pub ids_free: bool,
    /// Are its job-level constraints that read what is placed all
    /// `distinct_hosts` (at least one), with `ids_free`?
    pub job: bool,
}

/// [`Apart`] of `job` in `sim`'s state.
pub(super) fn apart(sim: &Simulation, job: &Job) -> Apart {
    let ids_free = !sim.state.allocs.iter().any(|a| *a.job_id == *job.id);
    Apart {
        ids_free,
        job: ids_free && only_hosts(&job.constraints) == Some(true),
    }
}

/// Among `cs`' constraints that read what is placed: `None` where one is
/// not `distinct_hosts`, else whether there is one.
fn only_hosts(cs: &[Constraint]) -> Option<bool> {
    let mut any = false;
    for c in cs.iter().filter(|c| placement_bound(c)) {
        if c.operand != "distinct_hosts" {
            return None;
        }
        any = true;
    }
    Some(any)
}

/// How one group's placements spread over nodes under `distinct_hosts`.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Spread {
    /// One allocation of the group a node at most.
    pub apart: bool,
    /// Nodes the job's other groups' placements may each keep it off.
    pub others: usize,
}

impl Spread {
    /// The spread of group `tg` of a job whose `distinct_hosts` is
    /// `apart`, beside `others` placements of its other groups.
    pub(super) fn of(apart: Apart, tg: &TaskGroup, others: usize) -> Spread {
        let own = apart.ids_free && group_hosts(tg) == Some(true);
        Spread {
            apart: apart.job || own,
            others: if apart.job { others } else { 0 },
        }
    }
}

/// Does `tg` read what is placed beyond what [`Spread`] models: volumes,
/// `distinct_property`, or `distinct_hosts` where the job's ID is held
/// somewhere (`ids_free` false)?
pub(super) fn reads_beyond(tg: &TaskGroup, ids_free: bool) -> bool {
    !tg.volumes.is_empty()
        || match group_hosts(tg) {
            None => true,
            Some(hosts) => hosts && !ids_free,
        }
}

/// [`only_hosts`] over the group's and its tasks' constraints.
fn group_hosts(tg: &TaskGroup) -> Option<bool> {
    let mut any = only_hosts(&tg.constraints)?;
    for t in &tg.tasks {
        any |= only_hosts(&t.constraints)?;
    }
    Some(any)
}
