//! What follows a submission or a cluster change: evaluate and apply the
//! plan, record its deployment, reschedule what it preempted, refresh job
//! statuses and re-run blocked evaluations, as Nomad's workers do.

use super::{Simulation, UnblockOutcome};
use crate::cluster::{BlockedEval, ClientStatus, DesiredStatus, JobStatus};
use crate::ids::uuid;
use crate::jobspec::Job;
use crate::scheduler::applier::{drop_rejected, rejections, whole_plan_groups, Retries};
use crate::scheduler::engine::Plan;
use crate::scheduler::generic::{evaluate, Evaluated};
use crate::scheduler::PlanResult;

/// Why a cluster change re-runs blocked evaluations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Unblock {
    /// Node capacity appeared: before 1.6.3 this did not unblock
    /// quota-blocked evaluations (GH-18838).
    Capacity,
    /// Allocations stopped: frees both capacity and quota.
    Freed,
}

/// Nomad's reconciler creates a deployment for a service job when a group
/// with an update strategy places, or updates in place or destructively
/// (`scheduler/reconcile.go`: "updating a job specification" or "first time
/// running a job"). Deployments finish at once here, so there is never an
/// existing one to join.
pub(super) fn creates_deployment(job: &Job, plan: &PlanResult) -> bool {
    job.job_type == crate::jobspec::JobType::Service
        && job.groups.iter().any(|g| {
            let strategy = g.update.as_ref().is_some_and(|u| u.max_parallel > 0);
            let changes = plan
                .desired_tg_updates
                .get(&g.name)
                .is_some_and(|u| u.place + u.in_place_update + u.destructive_update + u.canary > 0);
            strategy && changes && g.count > 0
        })
}

impl Simulation {
    /// A finished deployment: every allocation it placed or updated is healthy.
    pub(super) fn record_deployment(
        &mut self,
        id: &str,
        key: &(String, String),
        version: u64,
        job: &Job,
        index: u64,
    ) {
        let mut groups = std::collections::BTreeMap::new();
        for g in &job.groups {
            let Some(u) = g.update.as_ref().filter(|u| u.max_parallel > 0) else {
                continue;
            };
            let deadline = u.progress_deadline.nanos() / 1_000_000_000;
            groups.insert(
                g.name.clone(),
                crate::cluster::DeploymentGroup {
                    auto_revert: u.auto_revert,
                    desired_canaries: u64::try_from(u.canary).unwrap_or(0),
                    desired_total: u64::try_from(g.count).unwrap_or(0),
                    progress_deadline: deadline,
                    ..Default::default()
                },
            );
        }
        self.state.deployments.push(crate::cluster::Deployment {
            id: id.to_string(),
            namespace: key.0.clone(),
            job_id: key.1.clone(),
            job_version: version,
            status: "running".into(),
            description: "Deployment is running".into(),
            groups,
            create_index: index,
        });
        self.progress_deployment(key, index);
    }

    /// Count what a job's running deployment has placed (allocations of its
    /// version that run), as Nomad's state store does on every placement;
    /// simulated allocations are healthy at once, so the deployment
    /// succeeds when every group has placed its desired total. A group with
    /// nothing placed keeps no progress deadline (Nomad starts it with the
    /// first placement), and a blocked job's deployment stays running.
    pub(super) fn progress_deployment(&mut self, key: &(String, String), index: u64) {
        let Some(pos) = self
            .state
            .deployments
            .iter()
            .rposition(|d| d.namespace == key.0 && d.job_id == key.1)
        else {
            return;
        };
        let version = self.state.deployments[pos].job_version;
        let mut placed_by_group: std::collections::BTreeMap<crate::ids::Id, u64> =
            Default::default();
        for a in self.state.job_allocs(&key.0, &key.1) {
            if a.job_version == version && a.is_live() {
                *placed_by_group.entry(a.task_group.clone()).or_default() += 1;
            }
        }
        let now = self.state.time_at(index);
        let d = &mut self.state.deployments[pos];
        if d.status != "running" {
            return;
        }
        for (name, g) in &mut d.groups {
            let placed = placed_by_group.get(name.as_str()).copied().unwrap_or(0);
            // Placements only add up: an allocation lost later stays counted.
            g.placed = g.placed.max(placed);
            g.healthy = g.placed;
            if g.placed > 0 && g.progress_deadline > 0 && g.require_progress_by.is_none() {
                g.require_progress_by = Some(now.saturating_add(g.progress_deadline));
            }
        }
        if d.groups.values().all(|g| g.healthy >= g.desired_total) {
            d.status = "successful".into();
            d.description = "Deployment completed successfully".into();
        }
    }

    /// Evaluate a registered job and apply the result to the state. The
    /// result lists its placements and nondeterminism notes only when
    /// `placements` (the callers that pass false read neither).
    pub(super) fn evaluate_and_apply(
        &mut self,
        key: &(String, String),
        eval_id: &str,
        placements: bool,
    ) -> PlanResult {
        let Some(record) = self.state.jobs.get(key) else {
            return PlanResult::default();
        };
        let job = record.job.clone();
        let (version, jmi) = (record.version, record.job_modify_index);
        // Job.Register creates no evaluation for a periodic or (not
        // dispatched) parameterized job: only its launches and dispatches,
        // other jobs, are ever scheduled (nomad/job_endpoint.go Register,
        // v0.9.3:205-208, v1.7.2:351, v2.0.5:301; `IsPeriodic`,
        // `IsParameterized` in nomad/structs). The parent holds nothing.
        if job.periodic.is_some() || (job.parameterized.is_some() && !job.dispatched) {
            return PlanResult {
                job_modify_index: jmi,
                ..PlanResult::default()
            };
        }
        let mut retries = Retries::new(crate::scheduler::applier::max_attempts(job.job_type));
        // A registration's first plan carries the new Deployment (none of
        // this version exists yet), which the applier commits whatever it
        // rejects: progress (applier/retry.rs).
        let mut deploys = !self
            .state
            .deployments
            .iter()
            .any(|d| d.namespace == key.0 && d.job_id == key.1 && d.job_version == version);
        let mut first: Option<PlanResult> = None;
        // A plan the state store fails leaves the loop before its first
        // rejection is read: nothing rejected, nothing blocked.
        let mut blocked = false;
        let mut quota = None;
        let mut failed = std::collections::BTreeMap::new();
        // What the applier committed over the attempts: the monitor lists
        // the allocations of the evaluation (every attempt's), and a
        // preemption is made only where its node committed.
        let mut committed = Vec::new();
        let mut evicted = std::collections::BTreeSet::new();
        let mut rejected;
        let mut whole;
        let mut retried_preempted = Vec::new();
        loop {
            let Evaluated {
                mut result,
                mut plan,
                by_node,
            } = evaluate(
                &self.world,
                &self.state,
                &self.job_versions,
                &job,
                version,
                eval_id,
                self.shuffle_seed(self.state.index),
                placements,
            );
            result.job_modify_index = jmi;
            // A plan the state store fails (host_volumes::claim_error)
            // commits nothing: the FSM's apply errors, the worker nacks the
            // evaluation and no attempt of this worker goes further.
            // On a retry (rv17 2) the earlier attempt's rejections are
            // not this end's, and the first plan's result stays the one the
            // run reports, carrying the error its evaluation ends in.
            if result.error.is_some() {
                rejected = Default::default();
                whole = Default::default();
                match first.as_mut() {
                    Some(f) => f.error = result.error,
                    None => first = Some(result),
                }
                break;
            }
            let v = self.world.nomad_version;
            rejected = rejections(&self.state, &plan, &by_node, v);
            whole = whole_plan_groups(&plan, &rejected, job.all_at_once);
            drop_rejected(&mut plan, &rejected, job.all_at_once);
            // progressMade (scheduler/util.go v2.0.5:91-97): the committed
            // part placed, updated or stopped anything, or carried the
            // Deployment (emptied with the rest by an all_at_once
            // rejection, which `whole` marks).
            let deployment = deploys && whole.is_empty() && creates_deployment(&job, &result);
            deploys = false;
            let progress = !plan.placed.is_empty() || !plan.stops.is_empty() || deployment;
            if placements {
                committed.extend(plan.placements());
            }
            evicted.extend(plan.preempted.iter().map(|(a, _)| a.id.to_string()));
            // A retry's evictions are the run's too: every committed
            // preemption gets its job an evaluation (nomad/plan_apply.go
            // v2.0.5:323-382 PreemptionEvals), so the result lists them
            // beside the first plan's (R17-62).
            if first.is_some() {
                retried_preempted.extend(
                    plan.preempted
                        .iter()
                        .map(|(a, _)| crate::scheduler::PreemptedAlloc::of(a, &self.state)),
                );
            }
            self.apply_plan(plan);
            let again = if rejected.is_empty() {
                retries.committed();
                false
            } else if !progress && v.at_least(1, 3, 0) {
                // From 1.3.0 the node order is seeded by the evaluation ID
                // and the state's latest index (scheduler/util.go v1.3.0:464;
                // feasible.go v2.0.5:135-161), and a rejected plan that
                // commits nothing is answered without a Raft write
                // (plan_apply.go v2.0.5:207 IsNoOp): the refreshed snapshot
                // has the same index, so every retry draws the same order,
                // is rejected the same way, and the count runs out (R17-61).
                // Before 1.3.0 the shuffle is math/rand's: each retry draws
                // afresh, as the loop does.
                while retries.plan_again(false) {}
                false
            } else {
                retries.plan_again(progress)
            };
            blocked = result.blocked
                || (!rejected.is_empty()
                    && !again
                    && crate::scheduler::applier::blocks(job.job_type));
            quota.clone_from(&result.quota_limit_reached);
            failed.clone_from(&result.failed_tg_allocs);
            if first.is_none() {
                first = Some(result);
            }
            if !again {
                break;
            }
        }
        let mut first = first.unwrap_or_default();
        first.plans_submitted = retries.plans();
        first.placements = committed;
        first.preempted_allocs.retain(|p| evicted.contains(&p.id));
        for p in retried_preempted {
            if !first.preempted_allocs.iter().any(|q| q.id == p.id) {
                first.preempted_allocs.push(p);
            }
        }
        if !rejected.is_empty() {
            // `max` attempts in a row were rejected without progress: the
            // evaluation fails (`maximum attempts reached`), its last
            // plan's rejections are what it says.
            first.attempts_exhausted = Some(retries.max());
            first.rejected = rejected.into_iter().map(|(_, r)| r).collect();
            first.rejected_whole = whole;
        }
        self.state
            .blocked
            .retain(|b| !(b.namespace == key.0 && b.job_id == key.1));
        if blocked {
            self.state.index += 1;
            let id = uuid(
                self.seed,
                &["blocked", &key.0, &key.1, &self.state.index.to_string()],
            );
            self.state.blocked.push(BlockedEval {
                id,
                namespace: key.0.clone(),
                job_id: key.1.clone(),
                quota_limit_reached: quota,
                create_index: self.state.index,
                failed_eval_id: eval_id.to_string(),
                failed_tg_allocs: failed,
            });
        }
        // Placements of a later evaluation (an unblocked one) count toward
        // the job's running deployment.
        self.progress_deployment(key, self.state.index);
        first
    }

    /// Commit a (verified) plan to the state at a new index.
    pub(super) fn apply_plan(&mut self, plan: Plan) {
        self.state.index += 1;
        let index = self.state.index;
        // Where each allocation the plan names is stored, found before any
        // is changed: a lookup-only map over borrowed IDs (copying every
        // allocation's ID into a SipHash map was a fiftieth of a replay).
        let (stops, evicts, placed) = {
            let pos: std::collections::HashMap<&str, usize, crate::scheduler::engine::IdHash> =
                self.state
                    .allocs
                    .iter()
                    .enumerate()
                    .map(|(i, a)| (a.id.as_str(), i))
                    .collect();
            let at = |id: &str| pos.get(id).copied();
            let stops: Vec<usize> = plan.stops.iter().filter_map(|a| at(&a.id)).collect();
            let evicts: Vec<(usize, &crate::ids::Id)> = plan
                .preempted
                .iter()
                .filter_map(|(a, by)| Some((at(&a.id)?, by)))
                .collect();
            let placed: Vec<Option<usize>> = plan.placed.iter().map(|a| at(&a.id)).collect();
            (stops, evicts, placed)
        };
        for i in stops {
            if let Some(a) = self.state.allocs.get_mut(i) {
                a.desired_status = DesiredStatus::Stop;
                a.client_status = ClientStatus::Complete;
                a.modify_index = index;
            }
        }
        for (i, by) in evicts {
            if let Some(a) = self.state.allocs.get_mut(i) {
                a.desired_status = DesiredStatus::Evict;
                a.desired_description = format!("Preempted by alloc ID {by}");
                a.client_status = ClientStatus::Complete;
                a.preempted_by = Some(by.to_string());
                a.modify_index = index;
            }
        }
        let mut new = plan.placed.into_node_order();
        for (alloc, at) in new.iter_mut().zip(&placed) {
            alloc.modify_index = index;
            alloc.client_status = ClientStatus::Running;
            alloc.desired_status = DesiredStatus::Run;
            if at.is_none() {
                alloc.create_index = index;
            }
        }
        // A state with no allocation yet (a replay's first job) takes the
        // plan's list as it is: moving 100,000 allocations into a list of
        // its own was a copy into as much fresh memory again, whose page
        // clears were an eighth of the uncached 5,000-client plan.
        if self.state.allocs.is_empty() && placed.iter().all(Option::is_none) {
            self.state.allocs = new;
            return;
        }
        // Room for the new allocations at once: grown a push at a time, the
        // list of a 100,000-allocation replay was copied whole at every
        // doubling into freshly faulted memory (a third of the uncached
        // 5,000-client plan's samples were that copy and its page clears).
        self.state
            .allocs
            .reserve(placed.iter().filter(|at| at.is_none()).count());
        for (alloc, at) in new.into_iter().zip(placed) {
            if let Some(a) = at.and_then(|i| self.state.allocs.get_mut(i)) {
                *a = alloc;
            } else {
                self.state.allocs.push(alloc);
            }
        }
    }

    pub(super) fn finish_rollout(&mut self, key: &(String, String)) {
        let Some(count) = self.state.jobs.get(key).map(|r| r.job.groups.len()) else {
            return;
        };
        // Each round replaces at least one allocation or stops; bound it by
        // the number of allocations that could still be on an old version.
        let bound = self.state.job_allocs(&key.0, &key.1).count() + count + 1;
        for round in 0..bound {
            let Some(r) = self.state.jobs.get(key) else {
                return;
            };
            let version = r.version;
            let pending = self
                .state
                .job_allocs(&key.0, &key.1)
                .any(|a| a.job_version != version);
            let canary = r
                .job
                .groups
                .iter()
                .any(|g| g.update.as_ref().is_some_and(|u| u.canary > 0));
            if !pending || canary {
                return;
            }
            let eval_id = self.eval_id(self.state.index, &format!("rollout-{round}"));
            let res = self.evaluate_and_apply(key, &eval_id, false);
            if !res.changes_allocations() {
                return;
            }
        }
    }

    /// Nomad creates an evaluation for every job that lost allocations to
    /// preemption; it places replacements or blocks.
    pub(super) fn reschedule_preempted(&mut self, plan: &PlanResult) {
        let mut jobs: Vec<(String, String)> = plan
            .preempted_allocs
            .iter()
            .map(|p| (p.namespace.clone(), p.job_id.clone()))
            .collect();
        jobs.sort();
        jobs.dedup();
        for key in jobs {
            let eval_id = self.eval_id(self.state.index, &format!("preemption-{}", key.1));
            let res = self.evaluate_and_apply(&key, &eval_id, false);
            self.reschedule_preempted(&res);
        }
    }

    /// The job's status as Nomad's state store derives it
    /// ([`crate::cluster::job_status`]). Every job here was registered, so
    /// an evaluation of it exists (or was garbage-collected, which also
    /// leaves it dead); the unfinished ones are the blocked evaluations,
    /// and whatever an import reported of its own registration.
    pub(super) fn derive_status(&self, key: &(String, String)) -> JobStatus {
        use crate::cluster::job_status::{deployment_active, derive, eval_counts, Evals};
        let Some(r) = self.state.jobs.get(key) else {
            return JobStatus::Pending;
        };
        let v = self.world.nomad_version;
        let blocked = self
            .state
            .blocked
            .iter()
            .any(|b| b.namespace == key.0 && eval_counts(v, &key.1, &b.job_id));
        let evals = Evals {
            any: true,
            unfinished: blocked || r.unfinished_eval,
        };
        let active = self
            .state
            .deployments
            .iter()
            .any(|d| d.namespace == key.0 && d.job_id == key.1 && deployment_active(&d.status));
        let allocs = self
            .state
            .allocs
            .iter()
            .filter(|a| a.namespace == key.0 && a.job_id == key.1);
        derive(v, &r.job, allocs, evals, active)
    }

    pub(super) fn refresh_statuses(&mut self) {
        let keys: Vec<(String, String)> = self.state.jobs.keys().cloned().collect();
        for key in keys {
            let status = self.derive_status(&key);
            if let Some(r) = self.state.jobs.get_mut(&key) {
                r.status = status;
            }
        }
    }

    pub(super) fn unblock(&mut self, why: Unblock) -> UnblockOutcome {
        let mut out = UnblockOutcome::default();
        let mut blocked = self.state.blocked.clone();
        blocked.sort_by_key(|b| b.create_index);
        let quota_waits_for_capacity = self.world.nomad_version.at_least(1, 6, 3);
        for b in blocked {
            if why == Unblock::Capacity
                && b.quota_limit_reached.is_some()
                && !quota_waits_for_capacity
            {
                continue;
            }
            let key = (b.namespace.clone(), b.job_id.clone());
            let res = self.evaluate_and_apply(&key, &b.id, true);
            self.reschedule_preempted(&res);
            out.evaluations.push((b.namespace, b.job_id, res));
        }
        self.refresh_statuses();
        out
    }
}
