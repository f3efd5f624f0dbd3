use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

crate::declare_rule! {
    /// ## What it does
    /// Plans the job against the simulated cluster (the world's running
    /// jobs included) and flags task groups that cannot be placed for lack
    /// of resources or feasible nodes (quota failures are NP304).
    ///
    /// ## Why is this bad?
    /// `nomad job run` would create a blocked evaluation: the new version
    /// does not run until capacity frees up.
    ///
    /// ## Example
    /// ```hcl
    /// group "carts" {
    ///   count = 3   # only two clients have 1.2 GB free
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Lower the count or the resources, add clients, or give the job a
    /// priority that lets it preempt lower-priority work.
    pub struct UnplaceableGroup {
        code: "NP207",
        name: "unplaceable-group",
        severity: Error,
        summary: "A group that cannot be placed on the current cluster",
        needs: Simulation,
    }
}

impl Rule for UnplaceableGroup {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let (Some(job), Some(plan)) = (ctx.job(), ctx.plan()) else {
            return;
        };
        for (name, metric) in &plan.failed_tg_allocs {
            if !metric.quota_exhausted.is_empty() {
                continue;
            }
            let group = job.group(name);
            let span = group.and_then(|g| g.spans.label.or(g.spans.block));
            let mut why: Vec<String> = metric
                .dimension_exhausted
                .iter()
                .map(|(d, n)| format!("{d} exhausted on {n} nodes"))
                .chain(
                    metric
                        .constraint_filtered
                        .iter()
                        .map(|(c, n)| format!("{c} filtered {n} nodes")),
                )
                .collect();
            if metric.nodes_evaluated == 0 {
                why.push("no nodes were eligible for evaluation".into());
            }
            out.push(
                ctx.finding(
                    &Self::META,
                    span,
                    "cannot be placed",
                    format!(
                        "{} allocation(s) of group \"{name}\" cannot be placed: {}",
                        metric.coalesced_failures + 1,
                        why.join("; ")
                    ),
                )
                .help("`nomad-preflight plan` shows the full placement failure; lower the count or resources, or add clients"),
            );
        }
    }
}
