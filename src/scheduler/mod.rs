//! Scheduler simulation: placement, quota and preemption as Nomad decides
//! them. This file holds the result types every consumer reads (`plan`,
//! `rehearse`, `check`); the algorithm lives in the submodules.

use std::collections::BTreeMap;

pub mod address_ports;
pub mod alloc_ports;
pub mod applier;
mod class_split;
pub mod client_values;
pub mod client_window;
mod connect_update;
pub mod constraint;
pub mod cores;
pub mod count_bound;
pub mod csi;
pub mod device;
pub mod device_order;
pub mod disk_cache;
pub mod downgrade;
pub mod driver_check;
mod dynamic_ports;
pub mod engine;
mod eval_plan;
pub mod feasibility;
mod filtered;
pub mod fit;
pub mod generic;
mod group_order;
pub mod history_bound;
pub mod host_volumes;
pub mod link_speed;
mod map_order;
pub mod net_held;
pub mod network_check;
pub mod nil_attribute;
pub mod nil_deployment_state;
mod nil_filtered_map;
mod node_allocs;
pub mod one_port_range;
mod packed_allocs;
mod packed_nodes;
pub mod placed;
mod placement_update;
pub mod preempt;
mod preferred_node;
mod property_set;
pub mod quota;
pub mod quota_devices;
pub mod quota_memory_max;
pub mod quota_unsimulated;
pub mod rank;
mod rank_device;
pub mod reconcile;
mod reconcile_disconnect;
pub mod reconcile_group;
mod reconcile_names;
#[cfg(test)]
mod reconcile_terminal_tests;
pub mod replay_after;
pub mod replay_cache;
pub mod sample;
mod secret_compare;
pub mod select;
pub mod server_crash;
pub mod sim;
mod spread;
pub mod system_disconnect;
pub mod system_nodes;
mod system_off_node;
pub mod task_offer;
mod unplaced_in_run;
pub mod unstated;
pub mod version_check;

pub use sample::{sample, Tally};
pub use sim::{QuotaUsage, RunError, RunOutcome, Simulation, StateChange, UnblockOutcome};

use crate::cluster::Allocation;

/// Per task group counts, Nomad's `DesiredUpdates`.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DesiredUpdates {
    pub ignore: u64,
    pub place: u64,
    pub migrate: u64,
    pub stop: u64,
    pub in_place_update: u64,
    pub destructive_update: u64,
    pub canary: u64,
    pub preemptions: u64,
    /// 1.11's counts (nomad/structs/structs.go v1.11.0 `DesiredUpdates`,
    /// absent at v1.10.5; the same four at v2.0.5:10766-10769), which the
    /// plan's text never prints (scheduler/annotate.go) and its JSON holds
    /// from 1.11.0 only ([`DesiredUpdates::API_1_11`]). `Disconnect`: a
    /// system job's running allocation on a disconnected node, marked
    /// `unknown` (reconcile_node.go v2.0.5:237-249 `Disconnecting`,
    /// counted by scheduler/util.go v2.0.5:740).
    pub disconnect: u64,
    /// A system job's allocation whose client came back, updated with the
    /// others (reconcile_node.go v2.0.5:209-222 `Reconnecting`, util.go
    /// v2.0.5:741; scheduler_system.go v2.0.5:285-289).
    pub reconnect: u64,
    /// The generic reconciler's `rescheduleNow` and `rescheduleLater`:
    /// `RescheduleNow` only where it computes disconnecting allocations
    /// (reconcile_cluster.go v2.0.5:1647); `RescheduleLater` wherever a
    /// reschedule waits (:1442, :1648): an import's failed allocation
    /// whose reschedule is due after the import was saved and whose
    /// follow-up evaluation is not made (`FollowupEvalID` empty,
    /// filters.go v2.0.5:563-565); from 1.11.2 also a disconnecting
    /// running allocation whose reschedule waits (see
    /// `generic::disconnecting`).
    pub reschedule_now: u64,
    pub reschedule_later: u64,
}

impl DesiredUpdates {
    /// The JSON fields 1.11.0 added (`Disconnect`, `Reconnect`,
    /// `RescheduleNow`, `RescheduleLater`: no json tags and no omitempty,
    /// so the API prints them, 0 included, from 1.11.0 and never before).
    pub const API_1_11: [&'static str; 4] = [
        "Disconnect",
        "Reconnect",
        "RescheduleNow",
        "RescheduleLater",
    ];

    /// As Nomad's API at `version` prints it (`DesiredTGUpdates` of a
    /// plan's `Annotations`): the 1.11 fields only from 1.11.0.
    pub fn api_json(&self, version: crate::version::NomadVersion) -> serde_json::Value {
        let mut v = serde_json::to_value(self).unwrap_or(serde_json::Value::Null);
        if let (false, Some(o)) = (version.at_least(1, 11, 0), v.as_object_mut()) {
            for k in Self::API_1_11 {
                o.remove(k);
            }
        }
        v
    }

    /// `nomad job plan` exits 1 when any of these is non-zero: their sum as
    /// `uint64`, which wraps (command/job_plan.go getExitCode; a system
    /// group's wrapped `Place` plus one destructive update sums to 0).
    pub fn changes_allocations(&self) -> bool {
        [
            self.stop,
            self.migrate,
            self.destructive_update,
            self.canary,
        ]
        .into_iter()
        .fold(self.place, u64::wrapping_add)
            > 0
    }
}

pub use crate::cluster::metric::AllocMetric;

/// A preempted allocation as the plan lists it: what the world holds of
/// the `AllocListStub` Nomad's plan annotates (`stop.Stub(nil)` of the
/// state's allocation, scheduler/generic_sched.go v2.0.5:950; the fields
/// the world does not hold are said by render/plan_json_api.rs).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct PreemptedAlloc {
    pub id: String,
    /// `job.group[index]`.
    pub name: String,
    pub namespace: String,
    pub job_id: String,
    pub job_type: String,
    /// The job version it runs (`alloc.Job.Version`).
    pub job_version: u64,
    pub task_group: String,
    pub node_id: String,
    /// Its node's name (`Allocation.NodeName`); empty when the world no
    /// longer holds the node.
    pub node_name: String,
    pub desired_status: String,
    pub desired_description: String,
    pub client_status: String,
    /// The world's indexes: an import's as saved, a written world's own
    /// numbering.
    pub create_index: u64,
    pub modify_index: u64,
    /// It replaced a rescheduled allocation: its `RescheduleTracker` holds
    /// events the world does not keep.
    pub rescheduled: bool,
    /// The priority of the version it runs; `None` when the import does
    /// not hold it ([`Allocation::known_priority`]).
    pub job_priority: Option<i64>,
}

impl PreemptedAlloc {
    /// The entry of allocation `a` of `state`, which a plan preempts.
    pub fn of(a: &crate::cluster::Allocation, state: &crate::cluster::State) -> PreemptedAlloc {
        PreemptedAlloc {
            id: a.id.to_string(),
            name: a.name.to_string(),
            namespace: a.namespace.to_string(),
            job_id: a.job_id.to_string(),
            job_type: a.job_type.as_str().to_string(),
            job_version: a.job_version,
            task_group: a.task_group.to_string(),
            node_id: a.node_id.to_string(),
            node_name: state
                .node(&a.node_id)
                .map(|n| n.name.clone())
                .unwrap_or_default(),
            desired_status: a.desired_status.as_str().to_string(),
            desired_description: a.desired_description.clone(),
            client_status: a.client_status.as_str().to_string(),
            create_index: a.create_index,
            modify_index: a.modify_index,
            rescheduled: !a.reschedule_nodes.is_empty(),
            job_priority: a.known_priority(),
        }
    }
}

/// One placement the plan would make (our own detail; Nomad's plan response
/// does not list them, `nomad job run` does).
#[derive(Debug, Clone, PartialEq)]
pub struct Placement {
    pub alloc: Allocation,
    /// Allocations this placement evicts.
    pub preempts: Vec<crate::ids::Id>,
    /// Updates an existing allocation in place (same ID).
    pub in_place: bool,
}

/// What the scheduler decided for one job submission (plan or run).
#[derive(Debug, Clone, Default)]
pub struct PlanResult {
    /// The existing job's modify index, or 0 for a new job.
    pub job_modify_index: u64,
    pub desired_tg_updates: BTreeMap<String, DesiredUpdates>,
    pub failed_tg_allocs: BTreeMap<String, AllocMetric>,
    /// In the order Nomad's plan annotations would hold them.
    pub preempted_allocs: Vec<PreemptedAlloc>,
    pub placements: Vec<Placement>,
    /// Allocation IDs the plan stops (count decrease, destructive update, job stop).
    pub stops: Vec<String>,
    /// A blocked evaluation would be created (placement failed).
    pub blocked: bool,
    /// Quota whose limit stopped a placement.
    pub quota_limit_reached: Option<String>,
    /// A rolling-update follow-up evaluation, with its wait (system jobs).
    pub rolling_update_wait: Option<crate::jobspec::Duration>,
    /// Server-side job warnings (Nomad's `Warnings` string, already joined).
    pub warnings: Vec<String>,
    /// Why this outcome depends on Nomad's node shuffle, if it does.
    pub nondeterminism: Vec<String>,
    /// Those of `nondeterminism` where this plan drew the outcome: by Go's
    /// map order, or by which client of a computed class whose clients
    /// differ the node shuffle put first ([`class_split`]). The plan's
    /// text says each (`note:` on stderr), and `check` samples the plan.
    pub drawn: Vec<String>,
    /// The one note of this plan is the order its groups are placed in,
    /// drawn by Go's map order: no other draw, shuffle tie or class split
    /// was noted. False where notes were not read (replays).
    pub only_group_order_drawn: bool,
    /// Every node filtered was filtered by a check of the node alone,
    /// never by one that reads what is placed or claimed
    /// (`Filtered::reads_placed`). False where notes were not read.
    pub node_only_filters: bool,
    /// The scheduler's own error, which `Job.Plan` returns instead of a
    /// plan (a 0.9.0-0.10.3 system job updating an allocation on a node
    /// that is no candidate: `could not find node "ID"`).
    pub error: Option<String>,
    /// The panic of Nomad's server this plan reaches, if any: `Job.Plan`
    /// then returns nothing ([`server_crash`]).
    pub crashed: Option<server_crash::ServerCrash>,
    /// The panic the scheduler recovered into [`PlanResult::error`] (from
    /// 1.3.0: [`one_port_range`]).
    pub recovered: Option<server_crash::ServerCrash>,
    /// A preemption this plan evaluated on a node holding an allocation
    /// whose priority is unknown and decides it: the plan cannot tell.
    pub priority_unknown: Option<preempt::PriorityUnknown>,
    /// A canarying group's non-canary placement whose stable job version
    /// the world cannot tell ([`downgrade`]): the plan cannot tell.
    pub downgrade_unknown: Option<downgrade::DowngradeUnknown>,
    /// The nodes whose part of this plan Nomad's plan applier rejects
    /// ([`applier::rejections`]): `Job.Plan` prints the plan as it is, but
    /// `nomad job run` of it commits nothing on them. Empty when the whole
    /// plan commits.
    pub rejected: Vec<applier::Rejection>,
    /// For a job with `all_at_once`, whose plan one rejected node rejects
    /// whole ([`applier::drop_rejected`]): every group the plan places or
    /// updates, sorted, each once. Empty otherwise.
    pub rejected_whole: Vec<String>,
    /// A run's evaluation whose plan the applier rejected at every
    /// attempt: it fails (`maximum attempts reached (N)`, N here) and
    /// leaves a blocked evaluation (scheduler/util.go `retryMax`,
    /// generic_sched.go v2.0.5). `None` for a dry run and a run that
    /// committed.
    pub attempts_exhausted: Option<u32>,
    /// Plans a run's evaluation submitted (`retryMax`'s loop,
    /// [`applier::Retries`]); 0 for a dry run.
    pub plans_submitted: u32,
    /// For a dry run the applier rejects in part: how `nomad job run` of
    /// it ends after the worker's retries against the partly committed
    /// state ([`applier::Retries`]). `None` when nothing is rejected.
    pub retried: Option<Retried>,
    /// The scheduler settings the world does not state whose other value
    /// changes this plan ([`unstated`]): its verdict (the plan cannot
    /// tell) or only its text (a note).
    pub unstated: Vec<unstated::Unstated>,
}

/// How the retries of a plan the applier rejected in part end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RetryEnd {
    /// Every allocation placed: the evaluation completes.
    Placed,
    /// The scheduler could not place these groups on a retry: the
    /// evaluation completes and leaves a blocked one.
    Blocked(Vec<String>),
    /// `max` plans in a row without progress: "maximum attempts reached".
    Exhausted,
}

/// [`PlanResult::retried`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Retried {
    /// Plans submitted, the first included.
    pub plans: u32,
    pub end: RetryEnd,
    /// The first plan's rejections, kept when the retries place every
    /// allocation it rejected (then [`PlanResult::rejected`] is empty).
    pub first: Vec<applier::Rejection>,
    /// What the run's evaluation preempts over its plans: the first
    /// plan's evictions on the nodes the applier committed, and every
    /// retry's (nomad/plan_apply.go v2.0.5:323-382 gives each committed
    /// preemption's job an evaluation). The dry run's own
    /// `preempted_allocs` are the first plan's, rejected nodes' too.
    pub preempted: Vec<PreemptedAlloc>,
}

impl PlanResult {
    /// The groups some of whose allocations are not placed: those the
    /// scheduler failed to place, then those whose allocations the plan
    /// applier rejects ([`PlanResult::rejected`]), each once. The one
    /// answer to "is every allocation placed" (rehearse's `placed`,
    /// `plan --samples`).
    pub fn unplaced_groups(&self) -> Vec<String> {
        let mut out: Vec<String> = self.failed_tg_allocs.keys().cloned().collect();
        for g in self
            .rejected_groups()
            .into_iter()
            .chain(self.failed_evaluation_groups())
        {
            if !out.contains(&g) {
                out.push(g);
            }
        }
        out
    }

    /// The groups an evaluation that fails leaves as they were: the
    /// scheduler returned an error ([`PlanResult::error`]: `nomad job run`
    /// registers the job and its evaluation fails) or Nomad's server
    /// panicked ([`PlanResult::crashed`]), so nothing of the plan is
    /// committed: every group it places or updates (every group, where it
    /// does neither). Empty when the evaluation does not fail. A sampled
    /// shuffle that fails so is a failure of these groups for `--samples`,
    /// the gates and NP207 alike (reviewer rv22-2: they read no error, so
    /// a failing shuffle counted as placed).
    pub fn failed_evaluation_groups(&self) -> Vec<String> {
        if self.error.is_none() && self.crashed.is_none() {
            return Vec::new();
        }
        let acting: Vec<String> = self
            .desired_tg_updates
            .iter()
            .filter(|(_, u)| u.changes_allocations() || u.in_place_update > 0)
            .map(|(g, _)| g.clone())
            .collect();
        if acting.is_empty() {
            self.desired_tg_updates.keys().cloned().collect()
        } else {
            acting
        }
    }

    /// Does the plan applier drop what the plan does on node `node_id` (its
    /// preemptions, its placements)? On a rejected node; with
    /// `all_at_once`, on every node.
    pub fn drops_node(&self, node_id: &str) -> bool {
        // A first plan the retries mend ([`RetryEnd::Placed`]) still
        // loses its part on the nodes rejected at first.
        let first = self.retried.iter().flat_map(|r| &r.first);
        !self.rejected_whole.is_empty()
            || self
                .rejected
                .iter()
                .chain(first)
                .any(|r| r.node_id == node_id)
    }

    /// The groups whose allocations the plan applier drops: those on a
    /// rejected node, and with `all_at_once` every group of the plan
    /// ([`PlanResult::rejected_whole`]); sorted, each once.
    pub fn rejected_groups(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .rejected
            .iter()
            .flat_map(|r| r.groups.iter())
            .chain(&self.rejected_whole)
            .cloned()
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// One line on the applier's rejection, if any: the nodes, what each
    /// lacks, and what `nomad job run` of the plan of a `job_type` job
    /// then does ([`applier::max_attempts`], [`applier::blocks`]). Input
    /// escaped: node and group names are the world's and the job's.
    pub fn rejected_line(&self, job_type: crate::jobspec::JobType) -> Option<String> {
        if self.rejected.is_empty() {
            return None;
        }
        let nodes: Vec<String> = self
            .rejected
            .iter()
            .map(|r| {
                format!(
                    "node {:?} ({}; groups {})",
                    crate::escape::one_line(&r.node),
                    r.why(),
                    r.groups
                        .iter()
                        .map(|g| format!("{:?}", crate::escape::one_line(g)))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })
            .collect();
        let dropped = if self.rejected_whole.is_empty() {
            "none of its placements, in-place updates or preemptions there is committed".to_string()
        } else {
            let groups: Vec<String> = self
                .rejected_whole
                .iter()
                .map(|g| format!("{:?}", crate::escape::one_line(g)))
                .collect();
            format!(
                "the whole plan is rejected (all_at_once): none of its placements, in-place updates, stops or preemptions on any node is committed (groups {})",
                groups.join(", ")
            )
        };
        let end = match self.retried.as_ref().map(|r| (r.plans, &r.end)) {
            Some((plans, RetryEnd::Blocked(groups))) => {
                let groups: Vec<String> = groups
                    .iter()
                    .map(|g| format!("{:?}", crate::escape::one_line(g)))
                    .collect();
                format!("the worker plans again against what was committed, and after {plans} plans the scheduler cannot place groups {}: the evaluation completes with them unplaced and leaves a blocked evaluation", groups.join(", "))
            }
            _ => self.retries_untold(job_type).unwrap_or_default(),
        };
        Some(format!(
            "`nomad job run` of this plan is rejected by Nomad's plan applier on {}: {dropped}; {end}",
            nodes.join("; ")
        ))
    }

    /// Where the model's retries of a plan the applier rejects in part end
    /// without an outcome it can stand by, one line saying what it found
    /// and that how `nomad job run` of it ends cannot be told (rv17 4);
    /// `None` when nothing is rejected, or the retries end placed or with
    /// a blocked evaluation ([`RetryEnd::Blocked`]). The worker fails an
    /// evaluation after [`applier::max_attempts`] plans in a row without
    /// progress (`retryMax`, scheduler/util.go v0.9.3:268-298,
    /// v2.0.5:67-97: 5 for service and system jobs, 2 for batch and
    /// sysbatch ones, generic_sched.go and scheduler_system.go or
    /// scheduler_sysbatch.go at every release read, v0.9.0 to v2.0.5), but
    /// whether this run gets there depends on what the model does not
    /// hold: plans of other evaluations the applier commits between the
    /// retries, deployment updates, and the blocked evaluation's later run.
    /// So do the runs the model cuts at its own budget
    /// ([`applier::PLAN_BUDGET`]) and those it does not replay.
    ///
    /// A run's own result (`Simulation::run`) is read the same way: its
    /// evaluation keeps the last plan's rejections only where its retries
    /// ran out ([`PlanResult::attempts_exhausted`]), after
    /// [`PlanResult::plans_submitted`] plans; its end cannot be told either.
    pub fn retries_untold(&self, job_type: crate::jobspec::JobType) -> Option<String> {
        if !self.run_end_untold() {
            return None;
        }
        let attempts = applier::max_attempts(job_type);
        // A dry run's replayed retries, or a run's own submissions.
        let plans = match &self.retried {
            Some(r) => Some(r.plans),
            None => (self.plans_submitted > 0).then_some(self.plans_submitted),
        };
        let found = match plans {
            Some(plans) if plans >= applier::PLAN_BUDGET => format!(
                "the model's retries kept committing part of it and were cut at its own budget of {} plans, still rejected",
                applier::PLAN_BUDGET
            ),
            Some(plans) => {
                let blocked = if applier::blocks(job_type) {
                    " and leaves a blocked evaluation"
                } else {
                    ""
                };
                format!("in the model the retries end after {plans} plans, the last {attempts} rejected in a row without progress, where Nomad's worker fails the evaluation (\"maximum attempts reached ({attempts})\"){blocked}")
            }
            None => format!("the model does not replay the worker's retries of it (Nomad's worker gives up after {attempts} plans in a row without progress)"),
        };
        Some(format!("cannot tell how `nomad job run` of this plan ends: {found}, but whether Nomad's run ends so depends on what nomad-preflight does not model (plans of other evaluations committed between the retries, the blocked evaluation's later run)"))
    }

    /// Whether how `nomad job run` of this plan ends cannot be told
    /// ([`PlanResult::retries_untold`] says why, in words): the applier
    /// rejects part of it and the retries end neither placed nor with a
    /// blocked evaluation the model stands by. The one test `plan`, NP207,
    /// and rehearse's plan and run steps share (its answer does not depend
    /// on the job's type, only the words do).
    pub fn run_end_untold(&self) -> bool {
        !self.rejected.is_empty()
            && !matches!(
                self.retried,
                Some(Retried {
                    end: RetryEnd::Blocked(_) | RetryEnd::Placed,
                    ..
                })
            )
    }

    /// For a plan whose first submission the applier rejects in part and
    /// whose retries place every rejected allocation ([`Retried::first`]
    /// kept): one line saying so (input escaped). `None` otherwise.
    pub fn retried_line(&self) -> Option<String> {
        let r = self.retried.as_ref().filter(|r| !r.first.is_empty())?;
        let end = match &r.end {
            RetryEnd::Blocked(groups) => {
                let groups: Vec<String> = groups
                    .iter()
                    .map(|g| format!("{:?}", crate::escape::one_line(g)))
                    .collect();
                format!(
                    "every allocation is placed but those of groups {} (which the scheduler cannot place: the evaluation completes and leaves a blocked evaluation)",
                    groups.join(", ")
                )
            }
            _ => "every allocation is placed".to_string(),
        };
        let nodes: Vec<String> = r
            .first
            .iter()
            .map(|n| format!("node {:?} ({})", crate::escape::one_line(&n.node), n.why()))
            .collect();
        Some(format!(
            "`nomad job run` of this plan is rejected in part by Nomad's plan applier on {}; the worker plans again against the refreshed state (retryMax, resetting its count on progress), and in this draw {end} after {} plans. Each retry's node order comes from the run's own evaluation ID, so this is one possible run: `--samples N` counts how often the retries end otherwise",
            nodes.join("; "),
            r.plans
        ))
    }

    /// The allocations `nomad job run` of this plan preempts: none when
    /// the scheduling panics Nomad's server ([`server_crash`]); where the
    /// applier rejects part of it and the worker's retries were replayed,
    /// what that run committed ([`Retried::preempted`]); else the plan's
    /// own, less those on a node whose part the applier drops
    /// ([`PlanResult::drops_node`]). The one answer NP403, the plan gate's
    /// protected-job check and `plan --samples` read.
    pub fn committed_preemptions(&self) -> Vec<&PreemptedAlloc> {
        if self.crashed.is_some() || self.error.is_some() {
            return Vec::new();
        }
        match &self.retried {
            Some(r) => r.preempted.iter().collect(),
            None => self
                .preempted_allocs
                .iter()
                .filter(|a| !self.drops_node(&a.node_id))
                .collect(),
        }
    }

    pub fn changes_allocations(&self) -> bool {
        self.desired_tg_updates
            .values()
            .any(DesiredUpdates::changes_allocations)
    }
}
