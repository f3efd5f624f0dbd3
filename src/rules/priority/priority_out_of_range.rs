use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

/// Nomad's bounds (`structs.JobMinPriority`, default `job_max_priority`).
const MIN: i64 = 1;
const MAX: i64 = 100;

crate::declare_rule! {
    /// ## What it does
    /// Flags a job `priority` outside Nomad's range 1..=100.
    ///
    /// ## Why is this bad?
    /// Nomad rejects the job ("job priority must be between [1, 100]").
    ///
    /// ## Example
    /// ```hcl
    /// priority = 500
    /// ```
    ///
    /// ## Use instead
    /// ```hcl
    /// priority = 90
    /// ```
    pub struct PriorityOutOfRange {
        code: "NP401",
        name: "priority-out-of-range",
        severity: Error,
        summary: "Job priority outside 1..=100",
        needs: World,
    }
}

impl Rule for PriorityOutOfRange {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let Some(job) = ctx.job() else { return };
        if (MIN..=MAX).contains(&job.priority) {
            return;
        }
        let span = job.spans.best("priority");
        // The front end's validation may already say so at the same place.
        if ctx
            .parsed
            .diags
            .iter()
            .any(|d| d.is_error() && d.primary_span() == span && span.is_some())
        {
            return;
        }
        out.push(
            ctx.finding(
                &Self::META,
                span,
                "out of range",
                format!("job priority {} is outside [{MIN}, {MAX}]", job.priority),
            )
            .help(format!("use a priority between {MIN} and {MAX}")),
        );
    }
}
