use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

crate::declare_rule! {
    /// ## What it does
    /// When the policy sets `require_quota = true`, flags jobs in a namespace
    /// that has no quota attached.
    ///
    /// ## Why is this bad?
    /// An unbounded namespace is the escape hatch around every other
    /// team's quota: moving a job there (as the demo does with `monitor`)
    /// makes it fit by taking capacity nobody budgeted.
    ///
    /// ## Example
    /// ```hcl
    /// namespace = "monitor"   # namespace without quota
    /// ```
    ///
    /// ## Use instead
    /// Attach a quota to the namespace (`quota = "..."` in its spec).
    pub struct NamespaceWithoutQuota {
        code: "NP303",
        name: "namespace-without-quota",
        severity: Warning,
        summary: "The job's namespace has no quota while policy requires one",
        needs: World,
    }
}

impl Rule for NamespaceWithoutQuota {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let Some(job) = ctx.job() else { return };
        if !ctx.world.policy.require_quota {
            return;
        }
        // The front end gives every job its namespace (`default` when unset).
        let ns = job.namespace.as_str();
        let Some(namespace) = ctx.world.namespaces.get(ns) else {
            return; // NP302
        };
        if namespace.quota.is_some() {
            return;
        }
        out.push(
            ctx.finding(
                &Self::META,
                job.spans.best("namespace"),
                "no quota attached",
                format!("namespace \"{ns}\" has no quota, and the policy requires one"),
            )
            .help(format!(
                "attach a quota: `nomad namespace apply -quota <name> {ns}`"
            )),
        );
    }
}
