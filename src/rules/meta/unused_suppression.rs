use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

crate::declare_rule! {
    /// ## What it does
    /// Reports `# preflight:ignore CODE` comments that suppress nothing: the
    /// named rule found nothing on that line, or the code names no rule.
    ///
    /// ## Why is this bad?
    /// A stale suppression hides the next real finding on that line, and a
    /// misspelt code silently suppresses nothing at all.
    ///
    /// ## Example
    /// ```hcl
    /// image = "redis:7.2.4" # preflight:ignore NP101 pinned later
    /// ```
    ///
    /// ## Use instead
    /// Remove the comment once the finding is fixed, or correct its code:
    /// ```hcl
    /// image = "redis:7.2.4"
    /// ```
    pub struct UnusedSuppression {
        code: "NP001",
        name: "unused-suppression",
        severity: Warning,
        summary: "A suppression comment that suppresses nothing",
        needs: World,
    }
}

impl Rule for UnusedSuppression {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    /// Reported by the suppression pass (`rules::suppress::apply`), which is
    /// the only place that knows which suppressions were used.
    fn check(&self, _ctx: &RuleContext<'_>, _out: &mut Vec<Finding>) {}
}
