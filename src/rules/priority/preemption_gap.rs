use super::preemption_disabled::{blocked_by_resources, lower_priority_allocs};
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};
use crate::scheduler::preempt::preemption_on;

crate::declare_rule! {
    /// ## What it does
    /// Plans the job; when a group cannot be placed for lack of resources and
    /// preemption is enabled, checks the priority gap to every running
    /// lower-priority allocation. If every gap is below the policy's
    /// `preemption_gap` (Nomad: 10), nothing can be preempted.
    ///
    /// ## Why is this bad?
    /// Nomad only preempts allocations whose job priority is at least 10
    /// below the new job's. A job at 55 next to jobs at 50 looks like it
    /// outranks them but never evicts them: it stays blocked.
    ///
    /// ## Example
    /// ```hcl
    /// priority = 55   # everything else runs at 50
    /// ```
    ///
    /// ## Use instead
    /// ```hcl
    /// priority = 60
    /// ```
    pub struct PreemptionGap {
        code: "NP404",
        name: "preemption-gap-too-small",
        severity: Warning,
        summary: "A job needing preemption is less than 10 above every victim",
        needs: Simulation,
    }
}

impl Rule for PreemptionGap {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let (Some(job), Some(sim)) = (ctx.job(), ctx.sim) else {
            return;
        };
        if !preemption_on(ctx.world, job.job_type) || !ctx.plan().is_some_and(blocked_by_resources)
        {
            return;
        }
        let gap = ctx.world.policy.preemption_gap;
        let lower = lower_priority_allocs(sim, job);
        if lower.is_empty() || lower.iter().any(|p| job.priority - p >= gap) {
            return;
        }
        let best = lower.iter().copied().min().unwrap_or(job.priority);
        out.push(
            ctx.finding(
                &Self::META,
                job.spans.best("priority"),
                format!("needs at least {}", best + gap),
                format!(
                    "job \"{}\" (priority {}) cannot be placed and cannot preempt: every lower-priority allocation is less than {gap} below it (lowest {best})",
                    job.id, job.priority
                ),
            )
            .help(format!(
                "Nomad preempts only allocations at least {gap} lower: raise the priority to {} or add capacity",
                best + gap
            )),
        );
    }
}
