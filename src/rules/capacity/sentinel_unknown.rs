use crate::planner::assumed::SentinelUnknown;
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

crate::declare_rule! {
    /// ## What it does
    /// Flags every job planned in a Nomad Enterprise world that states its
    /// servers hold submit-job Sentinel policies (`sentinel = "policies"`
    /// in rules/cluster.hcl).
    ///
    /// ## Why is this bad?
    /// Nomad Enterprise checks the job against those policies after
    /// admission and before planning (nomad/job_endpoint.go
    /// `enforceSubmitJob`): a hard-mandatory failure is the plan's error,
    /// a soft-mandatory one a warning. nomad-preflight cannot evaluate
    /// Sentinel, so a clean check would be a guess: `plan` says it cannot
    /// tell (exit 255, `Preflight.Sentinel`), and this rule is the same
    /// verdict from the same check.
    ///
    /// ## Example
    /// ```hcl
    /// # rules/cluster.hcl
    /// nomad_version = "2.0.5+ent"
    /// sentinel      = "policies"
    /// ```
    ///
    /// ## Use instead
    /// Judge the job on the cluster (`nomad job plan`); state `sentinel =
    /// "none"` when `nomad sentinel list` shows no submit-job policy.
    pub struct SentinelUnknownRule {
        code: "NP220",
        name: "sentinel-unknown",
        severity: Error,
        summary: "Nomad Enterprise's Sentinel policies decide the plan, which cannot be evaluated here",
        needs: Simulation,
        answer: crate::rules::Answer::CannotTell,
    }
}

impl Rule for SentinelUnknownRule {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let Some(job) = ctx.job() else { return };
        // Enforced after admission: a job the servers refuse is that refusal.
        if !ctx.refusals().is_empty() {
            return;
        }
        let Some(unknown) = SentinelUnknown::of(ctx.world, job) else {
            return;
        };
        out.push(
            ctx.finding(&Self::META, job.spans.label, "planned here", unknown.line())
                .help(SentinelUnknown::HINT),
        );
    }
}
