use crate::rules::{Finding, Rule, RuleContext, RuleMeta};
use crate::scheduler::quota_devices::device_quota_unknown;

crate::declare_rule! {
    /// ## What it does
    /// Flags a job that asks for a device (`device "nvidia/gpu"` in a task's
    /// `resources`) in a namespace whose quota limits devices in the
    /// world's region (`device "..." { count = N }` in its `region_limit`).
    ///
    /// ## Why is this bad?
    /// Nomad Enterprise counts device limits in code that is not public:
    /// which asks a limit's name matches, what a count of 0 means, and the
    /// words of the refusal. nomad-preflight cannot tell whether the job
    /// fits, so `plan` says so and exits 255 instead of printing Nomad's
    /// text; this rule is the same verdict, from the same check.
    ///
    /// ## Example
    /// ```hcl
    /// # rules/quotas/gpu.hcl: region_limit { device "nvidia/gpu" { count = 1 } }
    /// job "train" {
    ///   namespace = "ml"   # uses quota "gpu"
    ///   group "g" {
    ///     task "t" {
    ///       resources {
    ///         device "nvidia/gpu" { count = 2 }
    ///       }
    ///     }
    ///   }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Judge the job on the cluster (`nomad job plan`), or leave device
    /// limits out of the world's quota if the cluster does not set them.
    pub struct QuotaDevicesUnknown {
        code: "NP307",
        name: "quota-devices-unknown",
        severity: Error,
        summary: "The job asks for devices a quota limits, which cannot be counted",
        needs: World,
        answer: crate::rules::Answer::CannotTell,
    }
}

impl Rule for QuotaDevicesUnknown {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let Some(job) = ctx.job() else { return };
        let Some(unknown) = device_quota_unknown(ctx.world, job) else {
            return;
        };
        // Point at each device ask; the first is the finding's place.
        let spans: Vec<_> = job
            .groups
            .iter()
            .flat_map(|g| &g.tasks)
            .flat_map(|t| &t.resources.devices)
            .filter_map(|d| d.spans.label.or(d.spans.block))
            .collect();
        let mut finding = ctx
            .finding(
                &Self::META,
                spans.first().copied().or(job.spans.label),
                format!("quota \"{}\" limits devices", unknown.quota),
                unknown.line(job),
            )
            .help("nomad-preflight does not count device quotas: judge this job on the cluster");
        for span in spans.iter().skip(1) {
            finding = finding.label(*span, "also counted by the quota");
        }
        out.push(finding);
    }
}
