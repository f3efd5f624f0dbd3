use super::eligible_in;
use crate::jobspec::Job;
use crate::planner::admission::Refusal;
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};
use crate::scheduler::feasibility::{datacenter_globs, node_pools};
use crate::version::NomadVersion;

crate::declare_rule! {
    /// ## What it does
    /// Flags jobs whose `datacenters` (and `node_pool`) match no client, as
    /// the world's Nomad release matches them (`*` globs from 1.5, node
    /// pools from 1.6).
    ///
    /// ## Why is this bad?
    /// Nothing is evaluated: the plan fails every group with
    /// "No nodes were eligible for evaluation". A system or sysbatch job
    /// places one allocation per eligible client, so with none a job the
    /// cluster does not run yet plans nothing and reports success: a
    /// warning then, as the job runs nowhere (a running one's plan stops
    /// its allocations: an error).
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
        if ctx.world.clients.is_empty() || !eligible_in(ctx, job).is_empty() {
            return;
        }
        // A pool that does not exist is refused at submission: NP208 says so.
        let missing_pool = |r: &Refusal| matches!(r, Refusal::MissingNodePool { .. });
        if ctx.refusals().iter().any(missing_pool) {
            return;
        }
        // Where the clients are, as the cluster builds them (datacenter and
        // pool defaults applied); pools only where the release has them.
        let pools = node_pools(ctx.world.nomad_version);
        let mut dcs: Vec<String> = ctx
            .pools()
            .iter()
            .map(|p| match pools {
                true => format!("{} (node pool {})", p.node.datacenter, p.node.node_pool),
                false => p.node.datacenter.clone(),
            })
            .collect();
        dcs.sort();
        dcs.dedup();
        let message = if pools {
            format!(
                "no client is in datacenters {:?} and node pool \"{}\"",
                job.datacenters, job.node_pool
            )
        } else {
            format!("no client is in datacenters {:?}", job.datacenters)
        };
        let f = ctx
            .finding(
                &Self::META,
                job.spans
                    .get("datacenters")
                    .or(job.spans.get("node_pool"))
                    .or(job.spans.label),
                "matches no client",
                message,
            )
            .help(hint(ctx.world.nomad_version, job, &dcs));
        let start = out.len();
        out.push(f);
        super::silent_plan(ctx, job, false, &mut out[start..]);
    }
}

/// Where the clients are, and why a pattern that looks like it matches does
/// not under this release.
fn hint(version: NomadVersion, job: &Job, dcs: &[String]) -> String {
    let mut hint = format!("clients are in: {}", dcs.join(", "));
    if !datacenter_globs(version) && job.datacenters.iter().any(|d| d.contains('*')) {
        hint.push_str(&format!(
            "; Nomad {version} matches datacenters exactly (globs need 1.5.0 or later): name them"
        ));
    }
    hint
}
