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
            // A count past what the simulation holds was planned clamped:
            // its failures are not Nomad's number (NP225 says the plan
            // cannot be told, as `plan` does).
            if group.is_some_and(|g| g.count > crate::scheduler::count_bound::MAX_SIMULATED) {
                continue;
            }
            let span = group.and_then(|g| g.spans.get("count").or(g.spans.label).or(g.spans.block));
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
            } else if why.is_empty() {
                // The BinPackIterator drops a node whose preemption cannot
                // free a network or device ask without a metric (before
                // 1.7.5, 1.6.8 and 1.5.15): Nomad's plan lists no reason.
                // A system job's metric is its first failing node's, the
                // others counted as coalesced failures, one node each.
                let evaluated = if job.job_type.is_per_node() {
                    metric.nodes_evaluated + metric.coalesced_failures
                } else {
                    metric.nodes_evaluated
                };
                why.push(format!(
                    "{evaluated} node(s) evaluated, each dropped without a metric (preemption could not free its network or device ask)"
                ));
            }
            let failed = metric.coalesced_failures + 1;
            let mut f = ctx.finding(
                &Self::META,
                span,
                format!("{failed} allocation(s) not placed"),
                format!(
                    "{failed} allocation(s) of group \"{name}\" cannot be placed: {}",
                    why.join("; ")
                ),
            );
            // Point at the asks that ran out, so the fix is one glance away.
            for t in group.map(|g| g.tasks.as_slice()).unwrap_or_default() {
                for dim in metric.dimension_exhausted.keys() {
                    if let Some(s) = t.resources.spans.get(dim) {
                        f = f.label(s, format!("{dim} asked by task \"{}\"", t.name));
                    }
                }
            }
            out.push(
                f.help("`nomad-preflight plan` shows the full placement failure; lower the count or resources, or add clients"),
            );
        }
    }
}
