use crate::rules::{Finding, Rule, RuleContext, RuleMeta};
use crate::scheduler::quota_unsimulated::{quota_limits_unknown, QuotaLimitsUnknown};
use crate::world::Unsimulated;

crate::declare_rule! {
    /// ## What it does
    /// Flags a job in a namespace whose quota sets, in the world's region,
    /// a limit nomad-preflight does not simulate and which may bind the
    /// job: a per-node-pool limit (`node_pool "NAME" { ... }` in the
    /// `region_limit`, `RegionLimit.NodePools`, Nomad Enterprise 1.11.2+)
    /// for the pool the job places in (or any, for `node_pool = "all"`),
    /// a `secrets` limit (`SecretsMB`), `numa`, `disk`, `iops`, or a key of
    /// the API's quota this release of nomad-preflight does not know.
    /// Variables and host-volume limits (`storage`, `variables_limit`) bind
    /// no placement and are not flagged. Also a `memory_max` limit against
    /// a task `memory_max` over its memory that Nomad ignores with memory
    /// oversubscription off, where the quota's usage and the plan show the
    /// two readings of the ask (its memory, its `memory_max`) may give
    /// different plans; where both fit, or both are refused alike, the
    /// plan is stated.
    ///
    /// ## Why is this bad?
    /// Nomad Enterprise counts these limits in code that is not public.
    /// Counting only cpu and memory would say the job fits when one of
    /// them may refuse it: a false all-clear. So `plan` says it cannot tell
    /// (exit 255) instead of printing Nomad's text; this rule is the same
    /// verdict, from the same check.
    ///
    /// ## Example
    /// ```hcl
    /// # rules/quotas/team.hcl: region_limit { node_pool "gpu" { cpu = 1500 } }
    /// job "train" {
    ///   namespace = "ml"   # uses quota "team"
    ///   node_pool = "gpu"
    ///   group "g" {
    ///     task "t" {
    ///       driver = "docker"
    ///     }
    ///   }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Judge the job on the cluster (`nomad job plan`), or leave the limit
    /// out of the world's quota if the cluster does not set it.
    pub struct QuotaLimitsUnknownRule {
        code: "NP308",
        name: "quota-limit-not-simulated",
        severity: Error,
        summary: "The job's quota sets a limit that may bind it and is not simulated",
        needs: World,
        answer: crate::rules::Answer::CannotTell,
    }
}

impl Rule for QuotaLimitsUnknownRule {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let Some(job) = ctx.job() else { return };
        let Some(mut unknown) = quota_limits_unknown(ctx.world, job) else {
            return;
        };
        // An ignored memory_max is unknown only where the plan shows the
        // two readings of it may differ: the plan's own answer
        // (`planner::CannotKnow::of_plan`). Without a simulation it stays.
        if unknown.waits_for_plan() {
            if let (Some(sim), Some(result)) = (ctx.sim, ctx.plan()) {
                // The job the planner placed (admission's sidecars
                // included), as the plan's own answer reads it.
                match unknown.narrowed(sim, ctx.admitted().unwrap_or(job), result) {
                    Some(u) => unknown = u,
                    None => return,
                }
            }
        }
        // A node pool's limit: at the job's `node_pool`, where written.
        let pool_limit = unknown
            .limits
            .iter()
            .any(|l| matches!(l, Unsimulated::NodePool(_)));
        let span = if pool_limit {
            job.spans.best("node_pool")
        } else {
            job.spans.best("namespace")
        };
        out.push(
            ctx.finding(&Self::META, span, label(&unknown), unknown.line(job))
                .help(QuotaLimitsUnknown::HINT),
        );
    }
}

/// `quota "team" sets node_pool "gpu", secrets`: what the finding points at.
fn label(u: &QuotaLimitsUnknown) -> String {
    format!(
        "quota {} sets {}",
        crate::gotext::go_quote(&u.quota),
        u.names().join(", ")
    )
}
