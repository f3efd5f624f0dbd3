use super::eligible_pools;
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

crate::declare_rule! {
    /// ## What it does
    /// Flags jobs whose `datacenters` (and `node_pool`) match no client.
    ///
    /// ## Why is this bad?
    /// Nothing is evaluated: the plan fails every group with
    /// "No nodes were eligible for evaluation".
    ///
    /// ## Example
    /// ```hcl
    /// datacenters = ["us-east-1"]   # clients are in dc1
    /// ```
    ///
    /// ## Use instead
    /// ```hcl
    /// datacenters = ["dc1"]
    /// ```
    pub struct NoClientInDatacenter {
        code: "NP206",
        name: "no-client-in-datacenter",
        severity: Error,
        summary: "No client in the job's datacenters and node pool",
        needs: World,
    }
}

impl Rule for NoClientInDatacenter {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let Some(job) = ctx.job() else { return };
        if ctx.world.clients.is_empty() || !eligible_pools(ctx.world, job).is_empty() {
            return;
        }
        let mut dcs: Vec<String> = ctx
            .world
            .clients
            .iter()
            .map(|p| {
                format!(
                    "{} (node pool {})",
                    p.datacenter,
                    if p.node_pool.is_empty() {
                        "default"
                    } else {
                        &p.node_pool
                    }
                )
            })
            .collect();
        dcs.sort();
        dcs.dedup();
        out.push(
            ctx.finding(
                &Self::META,
                job.spans
                    .get("datacenters")
                    .or(job.spans.get("node_pool"))
                    .or(job.spans.label),
                "matches no client",
                format!(
                    "no client is in datacenters {:?} and node pool \"{}\"",
                    job.datacenters, job.node_pool
                ),
            )
            .help(format!("clients are in: {}", dcs.join(", "))),
        );
    }
}
