use crate::rules::{Finding, Lifecycle, Rule, RuleContext, RuleMeta};

crate::declare_rule! {
    /// ## What it does
    /// Removed: it flagged a job `priority` outside Nomad's range 1..=100,
    /// which the job front end already rejects with Nomad's own text
    /// (`Job priority must be between [1, 100]`, diagnostic
    /// `jobspec::range`) before any rule runs, so it could never fire.
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
        lifecycle: Lifecycle::Removed {
            since: "0.1.0",
            reason: "the job front end rejects an out-of-range priority first (jobspec::range, Nomad's text), so this rule could never fire",
        },
    }
}

impl Rule for PriorityOutOfRange {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    /// A removed rule never runs (see [`Lifecycle::Removed`]).
    fn check(&self, _ctx: &RuleContext<'_>, _out: &mut Vec<Finding>) {}
}
