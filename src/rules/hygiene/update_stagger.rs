use crate::jobspec::{JobType, UpdateStrategy};
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

crate::declare_rule! {
    /// ## What it does
    /// Flags `stagger` in the `update` block of service and batch jobs.
    ///
    /// ## Why is this bad?
    /// Since Nomad 0.6 rolling updates of service jobs are paced by
    /// deployments (`max_parallel`, `min_healthy_time`, `healthy_deadline`);
    /// `stagger` only applies to system jobs and is silently ignored here,
    /// so the job does not roll out the way it reads.
    ///
    /// ## Example
    /// ```hcl
    /// update {
    ///   stagger      = "10s"
    ///   max_parallel = 1
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```hcl
    /// update {
    ///   max_parallel     = 1
    ///   min_healthy_time = "10s"
    ///   healthy_deadline = "5m"
    /// }
    /// ```
    pub struct UpdateStagger {
        code: "NP105",
        name: "update-stagger",
        severity: Warning,
        summary: "`update { stagger }` has no effect outside system jobs",
        needs: World,
    }
}

impl Rule for UpdateStagger {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let Some(job) = ctx.job() else { return };
        if job.job_type == JobType::System {
            return;
        }
        let updates = job
            .update
            .iter()
            .chain(job.groups.iter().filter_map(|g| g.update.as_ref()));
        // The front end copies the job-level `update` into every group, with
        // its spans: report each written `stagger` once.
        let mut seen = Vec::new();
        for u in updates {
            let Some(span) = u.spans.get("stagger") else {
                continue;
            };
            if !seen.contains(&span) {
                seen.push(span);
                out.push(finding(ctx, job.job_type, u, span));
            }
        }
    }
}

fn finding(
    ctx: &RuleContext<'_>,
    job_type: JobType,
    u: &UpdateStrategy,
    span: crate::source::Span,
) -> Finding {
    ctx.finding(
        &UpdateStagger::META,
        Some(span),
        "ignored",
        format!(
            "`stagger = \"{}\"` has no effect on {job_type} jobs",
            u.stagger
        ),
    )
    .help("pace the rollout with `min_healthy_time` (and `healthy_deadline`) instead, and remove `stagger`")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;

    #[test]
    fn flags_stagger_on_service_jobs_only() {
        let text = "job \"web\" {\n  datacenters = [\"dc1\"]\n  update {\n    stagger = \"10s\"\n    max_parallel = 1\n  }\n  group \"g\" {\n    count = 1\n    task \"a\" {\n      driver = \"docker\"\n    }\n  }\n}\n";
        let world = world();
        let p = load("web.nomad", text);
        let mut out = Vec::new();
        UpdateStagger.check(&RuleContext::new(&p, &world, None), &mut out);
        crate::assert_snap!(
            "rule_np105_update_stagger",
            crate::diag::render(&out, false)
        );

        let system = text.replace("  update {", "  type = \"system\"\n  update {");
        let p = load("web.nomad", &system);
        assert_eq!(p.job.as_ref().map(|j| j.job_type), Some(JobType::System));
        let mut out = Vec::new();
        UpdateStagger.check(&RuleContext::new(&p, &world, None), &mut out);
        assert!(out.is_empty());
    }
}
