use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

crate::declare_rule! {
    /// ## What it does
    /// Flags jobs whose `namespace` does not exist in the world.
    ///
    /// ## Why is this bad?
    /// Nomad rejects the job at submission (the namespace is not found), so
    /// nothing of the plan happens.
    ///
    /// ## Example
    /// ```hcl
    /// namespace = "monitor"   # never created
    /// ```
    ///
    /// ## Use instead
    /// Create the namespace first (`nomad namespace apply monitor`, and add
    /// it to the world's `namespaces/`), or use an existing one.
    pub struct UnknownNamespace {
        code: "NP302",
        name: "unknown-namespace",
        severity: Error,
        summary: "The job's namespace does not exist",
        needs: World,
    }
}

impl Rule for UnknownNamespace {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let Some(job) = ctx.job() else { return };
        // The front end gives every job its namespace (`default` when unset).
        let ns = job.namespace.as_str();
        if ctx.world.namespaces.contains_key(ns) {
            return;
        }
        let known: Vec<&str> = ctx.world.namespaces.keys().map(String::as_str).collect();
        out.push(
            ctx.finding(
                &Self::META,
                job.spans.best("namespace"),
                "not in the world",
                format!("namespace \"{ns}\" does not exist"),
            )
            .help(format!(
                "create it with `nomad namespace apply {ns}` (and in the world's namespaces), or use one of: {}",
                known.join(", ")
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;

    #[test]
    fn flags_missing_namespace() {
        let text = "job \"web\" {\n  datacenters = [\"dc1\"]\n  namespace = \"monitor\"\n  group \"g\" {\n    count = 1\n    task \"a\" {\n      driver = \"docker\"\n    }\n  }\n}\n";
        let p = load("web.nomad", text);
        let world = world();
        let mut out = Vec::new();
        UnknownNamespace.check(&RuleContext::new(&p, &world, None), &mut out);
        crate::assert_snap!(
            "rule_np302_unknown_namespace",
            crate::diag::render(&out, false)
        );
    }
}
