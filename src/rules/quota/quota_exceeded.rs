use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

crate::declare_rule! {
    /// ## What it does
    /// Plans the job against the simulated cluster and flags groups that
    /// cannot be placed because the namespace's quota, together with what
    /// already runs in namespaces sharing it, would be exceeded.
    ///
    /// ## Why is this bad?
    /// This is the demo's monitoring job: the plan prints
    /// `Quota limit hit "default"` and the evaluation blocks until something
    /// else in the quota stops.
    ///
    /// ## Example
    /// ```hcl
    /// job "monitoring" {
    ///   # default namespace: 1500 MHz used of 3000, this job asks 2000
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Free quota first, raise the quota, or run the job in a namespace with room.
    pub struct QuotaExceeded {
        code: "NP304",
        name: "quota-exceeded",
        severity: Warning,
        summary: "The job plus what already runs exceeds the quota",
        needs: Simulation,
    }
}

impl Rule for QuotaExceeded {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let (Some(job), Some(sim)) = (ctx.job(), ctx.sim) else {
            return;
        };
        let plan = sim.plan(job);
        for (name, metric) in &plan.failed_tg_allocs {
            if metric.quota_exhausted.is_empty() {
                continue;
            }
            let quota = plan
                .quota_limit_reached
                .clone()
                .or_else(|| ctx.world.quota_of(&job.namespace).map(|q| q.name.clone()))
                .unwrap_or_default();
            let span = job
                .group(name)
                .and_then(|g| g.spans.label.or(g.spans.block));
            out.push(
                ctx.finding(
                    &Self::META,
                    span,
                    format!("Quota limit hit \"{quota}\""),
                    format!(
                        "{} allocation(s) of group \"{name}\" would not be placed: quota \"{quota}\" exhausted ({})",
                        metric.coalesced_failures + 1,
                        metric.quota_exhausted.join("; ")
                    ),
                )
                .help("stop something in the quota, raise the quota, or submit to a namespace with room"),
            );
        }
    }
}
