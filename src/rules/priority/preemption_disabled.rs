use crate::jobspec::Job;
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};
use crate::scheduler::preempt::{preemption_on, preemption_released};
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
        let mut names: Vec<String> = Vec::new();
        let mut count = 0;
        for a in sim.state.allocs.iter().filter(|a| a.is_live()) {
            if (a.namespace == job.namespace && a.job_id == job.id)
                || job.priority - a.job_priority < gap
            {
                continue;
            }
            count += 1;
            let name = format!(
                "{}/{} (priority {})",
                a.job_id, a.task_group, a.job_priority
            );
            if !names.contains(&name) {
                names.push(name);
            }
        }
        if count == 0 {
            return;
        }
        out.push(
            ctx.finding(
                &Self::META,
                job.spans.best("priority"),
                "expects to preempt",
                format!(
                    "job \"{}\" cannot be placed; {count} running allocation(s) are at least {gap} below its priority {} ({}), but preemption is disabled for {} jobs",
                    job.id,
                    job.priority,
                    names.join(", "),
                    job.job_type
                ),
            )
            .help(if preemption_released(ctx.world.nomad_version, job.job_type) {
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
