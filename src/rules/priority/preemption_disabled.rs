use crate::jobspec::Job;
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};
use crate::scheduler::preempt::{community_lacks_preemption, preemption_on, preemption_released};
use crate::scheduler::{PlanResult, Simulation};

crate::declare_rule! {
    /// ## What it does
    /// Plans the job; when a group cannot be placed for lack of resources,
    /// preemption is disabled for the job's type in the scheduler
    /// configuration, and running allocations at least `preemption_gap`
    /// below the job's priority exist, reports that preemption would have
    /// made room.
    ///
    /// ## Why is this bad?
    /// A high priority suggests the job is expected to evict lower-priority
    /// work, but Nomad's default configuration only preempts for system
    /// jobs: the job stays blocked instead.
    ///
    /// ## Example
    /// ```hcl
    /// type     = "service"
    /// priority = 80   # preemption_config.service_scheduler_enabled = false
    /// ```
    ///
    /// ## Use instead
    /// Enable preemption for the scheduler type
    /// (`nomad operator scheduler set-config -preempt-service-scheduler=true`)
    /// or add capacity.
    pub struct PreemptionDisabled {
        code: "NP405",
        name: "preemption-disabled",
        severity: Warning,
        summary: "A blocked job would preempt, but preemption is disabled for its type",
        needs: Simulation,
    }
}

/// Some group failed for resources or feasibility, not quota.
pub fn blocked_by_resources(plan: &PlanResult) -> bool {
    plan.failed_tg_allocs
        .values()
        .any(|m| m.quota_exhausted.is_empty() && m.nodes_exhausted > 0)
}

/// Priorities of live allocations of other jobs below this job's priority.
pub fn lower_priority_allocs(sim: &Simulation, job: &Job) -> Vec<i64> {
    sim.state
        .allocs
        .iter()
        .filter(|a| a.is_live())
        .filter(|a| !(a.namespace == job.namespace && a.job_id == job.id))
        .map(|a| a.job_priority)
        .filter(|p| *p < job.priority)
        .collect()
}

impl Rule for PreemptionDisabled {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let (Some(job), Some(sim)) = (ctx.job(), ctx.sim) else {
            return;
        };
        if preemption_on(ctx.world, job.job_type) || !ctx.plan().is_some_and(blocked_by_resources) {
            return;
        }
        let gap = ctx.world.policy.preemption_gap;
        // Candidates Nomad would consider: live allocations of other jobs at
        // least `gap` below, named job/group once each.
        // One whose running version's priority is unknown is named with
        // "priority unknown", never with the registered job's number: it
        // may or may not be below (stop 57's prio16, NP225).
        let mut names: Vec<String> = Vec::new();
        let mut count = 0;
        let mut unknown = false;
        for a in sim.state.allocs.iter().filter(|a| a.is_live()) {
            let known = a.known_priority();
            if (a.namespace == job.namespace && a.job_id == job.id)
                || known.is_some_and(|p| job.priority - p < gap)
            {
                continue;
            }
            count += 1;
            unknown |= known.is_none();
            let name = format!(
                "{}/{} (priority {})",
                a.job_id,
                a.task_group,
                crate::structs::priority_text(known)
            );
            if !names.contains(&name) {
                names.push(name);
            }
        }
        if count == 0 {
            return;
        }
        let or_unknown = if unknown {
            " or of a priority not known (their running version is not in the import)"
        } else {
            ""
        };
        out.push(
            ctx.finding(
                &Self::META,
                job.spans.best("priority"),
                "expects to preempt",
                format!(
                    "job \"{}\" cannot be placed; {count} running allocation(s) are at least {gap} below its priority {}{or_unknown} ({}), but preemption is disabled for {} jobs",
                    job.id,
                    job.priority,
                    names.join(", "),
                    job.job_type
                ),
            )
            .help(if community_lacks_preemption(ctx.world.nomad_version, job.job_type)
                && ctx.world.edition() == Some(crate::version::Edition::Community)
            {
                format!(
                    "the community edition of Nomad {} cannot preempt for {} jobs whatever the scheduler configuration says (Nomad Enterprise or 0.12.0+ can); upgrade or add capacity",
                    ctx.world.nomad_version, job.job_type
                )
            } else if preemption_released(ctx.world.nomad_version, job.job_type) {
                format!(
                    "enable it (`nomad operator scheduler set-config -preempt-{}-scheduler=true`) or add capacity",
                    job.job_type
                )
            } else {
                format!(
                    "Nomad {} cannot preempt for {} jobs whatever the scheduler configuration says; upgrade or add capacity",
                    ctx.world.nomad_version, job.job_type
                )
            }),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;

    /// Service preemption off; `low` (priority `low`, 3000 MB) runs on all
    /// three clients, leaving 644 MB each; `job` asks for `memory`.
    fn findings(low: i64, job: &str) -> Vec<Finding> {
        let world = small_world(false);
        let sim = simulate_running(&world, &[filler("low", low, 3000)]);
        let parsed = load("big.nomad", job);
        let mut out = Vec::new();
        PreemptionDisabled.check(&RuleContext::new(&parsed, &world, Some(&sim)), &mut out);
        out
    }

    fn big(priority: i64, memory: i64) -> String {
        filler("big", priority, memory).replace("count = 3", "count = 1")
    }

    #[test]
    fn names_the_candidates_of_the_same_namespace_at_the_gap() {
        // 60 - 50 = 10: each `low` allocation is a candidate Nomad would
        // preempt if it could; they share the job's namespace.
        let out = findings(50, &big(60, 1000));
        assert_eq!(out.len(), 1, "{out:?}");
        assert_eq!(
            out[0].message,
            "job \"big\" cannot be placed; 3 running allocation(s) are at least 10 below its priority 60 (low/g (priority 50)), but preemption is disabled for service jobs"
        );
    }

    #[test]
    fn silent_below_the_gap_when_it_places_or_when_no_node_is_exhausted() {
        assert!(
            findings(51, &big(60, 1000)).is_empty(),
            "9 below: no candidate"
        );
        assert!(findings(50, &big(60, 600)).is_empty(), "600 MB fit");
        // Filtered by a constraint, not exhausted: preemption would not help.
        let filtered = big(60, 600).replace(
            "  group \"g\" {",
            "  constraint {\n    attribute = \"${attr.kernel.name}\"\n    value     = \"windows\"\n  }\n  group \"g\" {",
        );
        assert!(findings(50, &filtered).is_empty());
    }

    #[test]
    fn a_plan_blocked_by_quota_is_not_blocked_by_resources() {
        let world = small_world(false);
        let sim = simulate_running(&world, &[filler("low", 50, 3000)]);
        let plan = sim.plan(&load("big.nomad", &big(60, 1000)).job.expect("loads"));
        assert!(blocked_by_resources(&plan));
        let mut quota_only = plan.clone();
        for m in quota_only.failed_tg_allocs.values_mut() {
            m.quota_exhausted = vec!["memory".into()];
        }
        assert!(!blocked_by_resources(&quota_only));
        let mut filtered = plan;
        for m in filtered.failed_tg_allocs.values_mut() {
            m.nodes_exhausted = 0;
        }
        assert!(!blocked_by_resources(&filtered));
    }

    #[test]
    fn lower_priority_allocs_are_other_jobs_strictly_below() {
        let world = small_world(false);
        let sim = simulate_running(
            &world,
            &[
                filler("low", 40, 300),
                filler("same", 60, 300),
                filler("big", 30, 300),
            ],
        );
        let job = load("big.nomad", &big(60, 1000)).job.expect("loads");
        // `big` itself (an earlier version at 30) and `same` (60) are left out.
        assert_eq!(lower_priority_allocs(&sim, &job), vec![40, 40, 40]);
    }
}
