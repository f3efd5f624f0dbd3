use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

crate::declare_rule! {
    /// ## What it does
    /// In `check --base` (CI on a pull request), reports a `# preflight:ignore`
    /// comment that the change under review adds next to a finding that
    /// fails the run: an error (at the severity `rules/policy.hcl` or
    /// `.nomad-preflight.hcl` gives it), a warning under `--deny warnings`,
    /// a "cannot tell". The finding stays reported: a change cannot silence its own
    /// gate. Suppressions already present at the base work as usual in the
    /// blocks they were in (the same job, group and task: moved onto
    /// another group, the same comment is an added one), a file-wide one
    /// while its file defines the same job (namespace and ID: a file
    /// rewritten to define another job trusts none of its base's), and at
    /// commit time (`--staged`, plain `check`) the committer is trusted.
    /// The same holds for an edit of `.nomad-preflight.hcl` (an ignore, a
    /// rule turned `off` or lowered) that would silence one of the change's
    /// errors: the base's configuration decides, and NP002 names the file.
    ///
    /// ## Why is this bad?
    /// Pull requests come from people the gate exists to check. If one
    /// comment line could turn an error green, the gate would stop nothing.
    /// A base branch that wants to accept such comments says so in
    /// `rules/policy.hcl`: `allow_added_suppressions = true`.
    ///
    /// ## Example
    /// ```hcl
    /// # preflight:ignore-file NP403 added in the same pull request
    /// job "batch" { priority = 80 }
    /// ```
    ///
    /// ## Use instead
    /// Fix the finding, or land the suppression (with its reason) through a
    /// reviewed change of its own first:
    /// ```hcl
    /// job "batch" { priority = 40 }
    /// ```
    pub struct AddedSuppression {
        code: "NP002",
        name: "suppression-added-by-change",
        severity: Error,
        summary: "A suppression the change under review adds to silence one of its errors",
        needs: World,
    }
}

impl Rule for AddedSuppression {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    /// Reported by the suppression pass (`rules::suppress::apply`), which
    /// knows which suppressions the base already had.
    fn check(&self, _ctx: &RuleContext<'_>, _out: &mut Vec<Finding>) {}
}
