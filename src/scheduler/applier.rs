//! The plan applier's re-check (`nomad/plan_apply.go` evaluateNodePlan):
//! before committing, every node that receives allocations must still fit
//! them. A node that does not is dropped from the plan as a whole (its
//! placements, in-place updates, stops and preemptions): a partial commit.
//!
//! What the re-check reads, per release (evaluateNodePlan at v0.9.3:567,
//! v1.2.0:638, v1.6.0:714, v1.9.7:722, v2.0.5:776-843): the node's
//! non-terminal allocations, less the plan's stops, its preemptions
//! (`NodePreemptions`, subtracted at every release) and the allocations it
//! updates, plus everything the plan puts on the node, through
//! `AllocsFit`. A node that is not ready fails (from 1.3.0 a disconnected
//! one and from 1.7.2 a down one take allocations marked unknown or lost
//! by their group's rules, [`down_node`]); one that is not eligible
//! fails too (up to 1.0, one that drains as well), except that from
//! 1.1.13, 1.2.7 and 1.3.0 (#12264) a node plan of in-place updates alone
//! (`AllocSubset`) passes without any check.
//!
//! The scheduler's preemptor does not see the plan the same way (it leaves
//! the job's own allocations out of its candidates and never subtracts
//! them, scheduler/feasible/preemption.go v2.0.5), so `nomad job plan` can
//! print "All tasks successfully allocated." for a plan this re-check
//! rejects: [`rejections`] is the one verdict every command reads.

use std::collections::HashSet;

mod down_node;
mod retry;
pub use retry::{Retries, PLAN_BUDGET};

use super::engine::{IdHash, Plan};
use super::fit::{allocs_fit, MAX_ALLOCS_EXCEEDED};
use super::net_held;
use crate::cluster::{Allocation, ClientStatus, Node, NodeStatus, State};
use crate::jobspec::TaskGroup;
use crate::structs::Disconnect;
use crate::version::backports::Fix;
use crate::version::NomadVersion;

/// Why the applier rejects one node's part of a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// The node is gone from the state.
    NoNode,
    /// `node is not ready for placements`.
    NotReady,
    /// `node is disconnected and contains invalid updates` (1.3.0+): a
    /// disconnected node takes only allocations marked `unknown`.
    DisconnectedInvalid,
    /// `node is down and contains invalid updates` (1.7.2+): a down node
    /// takes only allocations marked lost, or unknown where their group
    /// keeps them ([`down_node`]).
    DownInvalid,
    /// `node is not eligible` (`... for draining` before 1.1).
    NotEligible,
    /// `node is draining` (up to 1.0).
    Draining,
    /// `AllocsFit`: a dimension past what the node can give (MHz, MB).
    Exhausted {
        dimension: &'static str,
        used: i64,
        usable: i64,
    },
    /// `AllocsFit`: more allocations than `node_max_allocs`.
    MaxAllocs { count: usize, max: i64 },
    /// The network index: bandwidth past the node's first device (before
    /// 0.12), Mbit/s.
    Bandwidth { used: i64, available: i64 },
    /// The network index: a port two allocations (or the node) hold.
    PortCollision { port: u16 },
}

/// One node whose part of a plan the applier rejects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// The node's name (its ID when the state has no such node).
    pub node: String,
    pub node_id: String,
    pub reason: Reason,
    /// The groups of the plan's allocations on it (placements and
    /// in-place updates), sorted, each once.
    pub groups: Vec<String>,
}

impl Rejection {
    /// What the node lacks, in words (control characters escaped by the
    /// callers that print it).
    pub fn why(&self) -> String {
        match &self.reason {
            Reason::NoNode => "the node is gone".into(),
            Reason::NotReady => "the node is not ready for placements".into(),
            Reason::DisconnectedInvalid => {
                "the node is disconnected and the plan puts on it more than allocations marked unknown".into()
            }
            Reason::DownInvalid => "the node is down and the plan puts on it more than allocations marked lost, or unknown where their group does not replace them".into(),
            Reason::NotEligible => "the node is not eligible".into(),
            Reason::Draining => "the node is draining".into(),
            Reason::Exhausted {
                dimension,
                used,
                usable,
            } => {
                let unit = if *dimension == "cpu" { "MHz" } else { "MB" };
                format!("{dimension} exhausted: the plan needs {used} {unit} there, the node gives {usable} {unit}")
            }
            Reason::MaxAllocs { count, max } => {
                format!("{MAX_ALLOCS_EXCEEDED}: {count} allocations of node_max_allocs {max}")
            }
            Reason::Bandwidth { used, available } => {
                format!("bandwidth exceeded: {used} of {available} Mbit/s")
            }
            Reason::PortCollision { port } => format!("port {port} is taken twice"),
        }
    }

    /// What to do about it, by reason: only a node over its resources
    /// is the preemptor's blind spot (it leaves the job's own allocations
    /// out of what a node must free, scheduler/feasible/preemption.go
    /// v2.0.5); the others are the node's state or the plan's ports.
    pub fn help(&self) -> &'static str {
        match &self.reason {
            Reason::NoNode => "the node left the cluster since the plan was made; plan again",
            Reason::NotReady => "the node is not ready: wait for it, or constrain the job to other clients",
            Reason::DisconnectedInvalid => "the node is disconnected: wait for its client to reconnect, or constrain the job to other clients",
            Reason::DownInvalid => "the node is down: constrain the job to other clients, or wait for its client to come back",
            Reason::NotEligible => "the node is ineligible for placements: make it eligible (`nomad node eligibility -enable`), constrain the job to other clients, or, for an in-place update alone, upgrade to 1.1.13, 1.2.7 or 1.3.0+ (#12264), whose applier passes it",
            Reason::Draining => "the node is draining: wait for the drain to finish, or constrain the job to other clients (from 1.1.0 the applier no longer refuses a draining node)",
            Reason::Exhausted { .. } | Reason::Bandwidth { .. } => "Nomad's preemption leaves the job's own allocations out of what a node must free; lower the count or the resources, or add clients",
            Reason::MaxAllocs { .. } => "the node holds node_max_allocs allocations: lower the count, raise the client's node_max_allocs, or add clients",
            Reason::PortCollision { .. } => "two allocations (or the node's reserved ports) hold the same port there: use another static port or a dynamic one",
        }
    }

    pub fn json(&self) -> serde_json::Value {
        let mut v = serde_json::json!({
            "Node": self.node,
            "NodeID": self.node_id,
            "Groups": self.groups,
            "Reason": self.why(),
        });
        if let (
            Reason::Exhausted {
                dimension,
                used,
                usable,
            },
            Some(o),
        ) = (&self.reason, v.as_object_mut())
        {
            o.insert("Dimension".into(), (*dimension).into());
            o.insert("Used".into(), (*used).into());
            o.insert("Usable".into(), (*usable).into());
        }
        v
    }
}

/// The nodes whose part of `plan` the applier rejects, with their
/// positions, in node order; empty when it commits the whole plan.
/// `by_node`: the allocations each node position holds, as indexes into
/// `state.allocs` in their order (the evaluation's engine holds them:
/// grouping every allocation of the state again for each plan was a
/// twentieth of `plan --samples 1000`).
pub fn rejections(
    state: &State,
    plan: &Plan,
    by_node: &[Vec<usize>],
    version: NomadVersion,
) -> Vec<(usize, Rejection)> {
    // Lookup-only maps over allocation and node IDs: foldhash, as the
    // engine's (SipHash here was a tenth of this check).
    let gone: HashSet<&str, IdHash> = plan
        .stops
        .iter()
        .map(|a| a.id.as_str())
        .chain(plan.preempted.iter().map(|(a, _)| a.id.as_str()))
        .collect();
    let mut out = Vec::new();
    for (pos, placed) in plan.placed.by_node() {
        let mut groups: Vec<String> = placed.clone().map(|a| a.task_group.to_string()).collect();
        groups.sort();
        groups.dedup();
        let Some(node) = state.nodes.get(pos) else {
            let node_id = placed.clone().next().map(|a| a.node_id.to_string());
            let node_id = node_id.unwrap_or_default();
            let reason = Reason::NoNode;
            out.push((
                pos,
                Rejection {
                    node: node_id.clone(),
                    node_id,
                    reason,
                    groups,
                },
            ));
            continue;
        };
        // The applier reads the node's allocations by the state index of
        // `TerminalStatus` (`AllocsByNodeTerminal(false)`, 0.9-2.0.5): one
        // told to stop is not re-checked, though the scheduler of 1.4.0+
        // counts it until its client stops it.
        let live: Vec<&Allocation> = by_node
            .get(pos)
            .into_iter()
            .flatten()
            .filter_map(|&i| state.allocs.get(i))
            .filter(|a| a.is_live())
            .collect();
        let placed: Vec<&Allocation> = placed.collect();
        // The group of the job version an allocation runs (`alloc.Job`):
        // the registered one when it is that version, else unknown.
        let own_group = |a: &Allocation| {
            let record = state.job(&a.namespace, &a.job_id)?;
            a.runs_version(record.version)
                .then(|| record.job.group(&a.task_group))
                .flatten()
        };
        if let Some(reason) = node_reason(node, &live, &placed, &gone, version, own_group) {
            let (node_name, node_id) = (node.name.clone(), node.id.clone());
            out.push((
                pos,
                Rejection {
                    node: node_name,
                    node_id,
                    reason,
                    groups,
                },
            ));
        }
    }
    out
}

/// Remove the parts of `plan` the applier rejects (`rejected`, from
/// [`rejections`] of this plan): the partial commit drops each rejected
/// node's placements, in-place updates, stops and preemptions. A job with
/// `all_at_once` (copied into the plan by `Evaluation.MakePlan`,
/// nomad/structs/eval.go v2.0.5:420) loses the whole plan to one rejected
/// node: the applier empties the result's NodeAllocation, NodeUpdate,
/// NodePreemptions and Deployment (nomad/plan_apply.go v2.0.5:626-635,
/// v1.6.0:566, v0.9.3:423), so nothing of it is committed anywhere.
pub fn drop_rejected(plan: &mut Plan, rejected: &[(usize, Rejection)], all_at_once: bool) {
    if all_at_once && !rejected.is_empty() {
        *plan = Plan::default();
        return;
    }
    for (pos, r) in rejected {
        plan.placed.remove_node(*pos);
        plan.stops.retain(|a| a.node_id.as_str() != r.node_id);
        plan.preempted
            .retain(|(a, _)| a.node_id.as_str() != r.node_id);
    }
}

/// The groups a job with `all_at_once` loses with its whole plan when the
/// applier rejects any node of it ([`drop_rejected`]): every group `plan`
/// places or updates in place, sorted, each once; empty when nothing is
/// rejected or the job commits node by node.
pub fn whole_plan_groups(
    plan: &Plan,
    rejected: &[(usize, Rejection)],
    all_at_once: bool,
) -> Vec<String> {
    if !all_at_once || rejected.is_empty() {
        return Vec::new();
    }
    // By node, as `rejections` reads them: an in-place update whose node
    // is gone is rejected with its node (`Reason::NoNode`) anyway.
    let mut groups: Vec<String> = plan
        .placed
        .by_node()
        .flat_map(|(_, on)| on.map(|a| a.task_group.to_string()))
        .collect();
    groups.sort();
    groups.dedup();
    groups
}

/// Does an evaluation that runs out of attempts leave a blocked one? The
/// generic scheduler's does (`createBlockedEval(true)`,
/// scheduler/generic_sched.go v0.9.3, v2.0.5:143-159); the system and
/// sysbatch scheduler only sets the failed status (scheduler_system.go
/// v2.0.5:99-106; system_sched.go v0.9.3).
pub fn blocks(job_type: crate::jobspec::JobType) -> bool {
    !job_type.is_per_node()
}

/// How many times a worker submits an evaluation's plan before it fails
/// the evaluation (`retryMax`, scheduler/util.go): a plan the applier
/// partly rejects is computed again against the refreshed state. 5 for
/// service and system jobs, 2 for batch and sysbatch
/// (`maxServiceScheduleAttempts`, `maxBatchScheduleAttempts`,
/// `maxSystemScheduleAttempts`: scheduler/generic_sched.go and
/// system_sched.go v0.9.3; `maxSysBatchScheduleAttempts`,
/// scheduler_sysbatch.go v2.0.5).
pub fn max_attempts(job_type: crate::jobspec::JobType) -> u32 {
    use crate::jobspec::JobType;
    match job_type {
        JobType::Batch | JobType::Sysbatch => 2,
        _ => 5,
    }
}

/// evaluateNodePlan for one node: `live`, its non-terminal allocations;
/// `placed`, what the plan puts on it; `gone`, what the plan stops or
/// preempts anywhere. `None` when the node's part commits.
fn node_reason<'s>(
    node: &Node,
    live: &[&Allocation],
    placed: &[&Allocation],
    gone: &HashSet<&str, IdHash>,
    version: NomadVersion,
    own_group: impl Fn(&Allocation) -> Option<&'s TaskGroup>,
) -> Option<Reason> {
    match node.status {
        NodeStatus::Ready => {}
        // From 1.3.0 a disconnected node takes a plan that only marks
        // (or keeps) its allocations unknown: an in-place update of one
        // that is unknown is such a plan (isValidForDisconnectedNode,
        // nomad/plan_apply.go v1.3.0 through v2.0.5:848-856).
        NodeStatus::Disconnected if version.at_least(1, 3, 0) => {
            // Client status `unknown`: an allocation waiting for its
            // client, or one this plan marks so (`disconnecting`).
            let unknown = |a: &&Allocation| {
                matches!(
                    a.disconnect,
                    Some(Disconnect::Waiting | Disconnect::Supported)
                )
            };
            return (!placed.iter().all(unknown)).then_some(Reason::DisconnectedInvalid);
        }
        // A down node (isValidForDownNode, 1.7.2+) takes allocations
        // marked lost, or unknown where their own group keeps them
        // (applier/down_node.rs).
        NodeStatus::Down => {
            let marked = placed.iter().map(|a| (down_node_mark(a), own_group(a)));
            let reason = if version.at_least(1, 7, 2) {
                Reason::DownInvalid
            } else {
                Reason::NotReady
            };
            return (!down_node::valid(version, marked)).then_some(reason);
        }
        _ => return Some(Reason::NotReady),
    }
    // A set, not a scan: a node may hold thousands of allocations and
    // receive as many.
    let in_place_only = || {
        if placed.len() > live.len() {
            return false;
        }
        let live_ids: HashSet<&str, IdHash> = live.iter().map(|a| a.id.as_str()).collect();
        placed.iter().all(|a| live_ids.contains(a.id.as_str()))
    };
    if version.has(Fix::InPlaceSubsetFits) && in_place_only() {
        return None;
    }
    if !node.eligible {
        return Some(Reason::NotEligible);
    }
    if node.drain && !version.at_least(1, 1, 0) {
        return Some(Reason::Draining);
    }
    let placed_ids: HashSet<&str, IdHash> = placed.iter().map(|a| a.id.as_str()).collect();
    let all: Vec<&Allocation> = live
        .iter()
        .copied()
        .filter(|a| !gone.contains(a.id.as_str()) && !placed_ids.contains(a.id.as_str()))
        .chain(placed.iter().copied())
        .collect();
    misfit(node, &all, version)
}

/// How a plan marks `a` on a down node: `lost`, `unknown` (waiting for
/// its client, or marked so by this plan), or neither.
fn down_node_mark(a: &Allocation) -> down_node::Marked {
    match (a.client_status, a.disconnect) {
        (ClientStatus::Lost, _) => down_node::Marked::Lost,
        (_, Some(Disconnect::Waiting | Disconnect::Supported)) => down_node::Marked::Unknown,
        _ => down_node::Marked::Other,
    }
}

/// `AllocsFit` with the network index (`SetNode`, `AddAllocs`, then
/// `Overcommitted`, which checks bandwidth only before 0.12: from 0.12.0
/// its body is commented out, nomad/structs/network.go).
fn misfit(node: &Node, allocs: &[&Allocation], version: NomadVersion) -> Option<Reason> {
    match allocs_fit(node, allocs.iter().map(|a| &a.resources), None) {
        Ok(_) => {}
        Err((MAX_ALLOCS_EXCEEDED, _)) => {
            let (count, max) = (allocs.len(), node.max_allocs);
            return Some(Reason::MaxAllocs { count, max });
        }
        Err((dimension, used)) => {
            let usable = super::fit::Comparable::node_usable(node);
            let pick = |c: &super::fit::Comparable| match dimension {
                "cpu" => c.cpu,
                "memory" => c.memory,
                _ => c.disk,
            };
            let (used, usable) = (pick(&used), pick(&usable));
            return Some(Reason::Exhausted {
                dimension,
                used,
                usable,
            });
        }
    }
    let indexed = || {
        allocs
            .iter()
            .flat_map(move |a| net_held::indexed(&a.resources.networks, version))
    };
    if !net_held::on_host_network(version) {
        let used: i64 = indexed().map(|h| h.mbits).sum();
        if let Some(d) = node.networks.first().filter(|d| used > d.mbits) {
            return Some(Reason::Bandwidth {
                used,
                available: d.mbits,
            });
        }
    }
    let mut ports: HashSet<u16, IdHash> = node.reserved_ports.iter().copied().collect();
    indexed()
        .flat_map(|h| {
            h.net
                .reserved_ports
                .iter()
                .chain(h.net.dynamic_ports.iter())
        })
        .filter(|(_, p)| *p != 0)
        .find(|(_, p)| !ports.insert(*p))
        .map(|(_, p)| Reason::PortCollision { port: *p })
}

#[cfg(test)]
mod tests;
