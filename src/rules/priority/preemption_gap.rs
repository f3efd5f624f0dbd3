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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;

    /// Two running jobs on every client: `low` (priority 50, 300 MB) and
    /// `mid` (priority 55, 3300 MB), leaving 44 MB free on each. A
    /// 1000 MB job fits nowhere; evicting `low` alone frees too little.
    fn findings(service_preemption: bool, priority: i64, memory: i64) -> Vec<Finding> {
        let world = small_world(service_preemption);
        let sim = simulate_running(&world, &[filler("low", 50, 300), filler("mid", 55, 3300)]);
        let text = filler("big", priority, memory).replace("count = 3", "count = 1");
        let parsed = load("big.nomad", &text);
        let mut out = Vec::new();
        PreemptionGap.check(&RuleContext::new(&parsed, &world, Some(&sim)), &mut out);
        out
    }

    #[test]
    fn every_victim_within_the_gap_is_reported_with_the_priority_that_would_do() {
        // 54: `low` (50) is 4 below, `mid` (55) is above.
        let out = findings(true, 54, 1000);
        assert_eq!(out.len(), 1, "{out:?}");
        assert_eq!(
            out[0].message,
            "job \"big\" (priority 54) cannot be placed and cannot preempt: every lower-priority allocation is less than 10 below it (lowest 50)"
        );
        assert!(out[0]
            .help
            .as_deref()
            .unwrap_or("")
            .contains("raise the priority to 60"));
    }

    #[test]
    fn a_victim_exactly_the_gap_below_is_a_candidate() {
        // 60 - 50 = 10: Nomad considers `low` (it skips only gaps below 10),
        // so the gap is not why the job is blocked (freeing 300 MB is too
        // little), and NP404 says nothing.
        assert!(findings(true, 60, 1000).is_empty());
        assert!(findings(true, 59, 1000).len() == 1);
    }

    #[test]
    fn silent_when_preemption_is_off_or_the_job_places() {
        assert!(findings(false, 54, 1000).is_empty(), "NP405's case");
        assert!(findings(true, 54, 40).is_empty(), "44 MB are free");
    }
}
