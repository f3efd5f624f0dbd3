use crate::planner::admission::Refusal;
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

crate::declare_rule! {
    /// ## What it does
    /// Flags jobs whose `namespace` does not exist in the world (`default`
    /// always exists), judged by the same admission check as `plan`.
    ///
    /// ## Why is this bad?
    /// Nomad rejects the job at submission (the namespace is not found), so
    /// nothing of the plan happens. From 0.12.2 `nomad job plan` fails with
    /// `job "ID" is in nonexistent namespace "NS"`; up to 0.12.1 the plan
    /// places nothing without saying why, and `nomad job run` fails.
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
        needs: Simulation,
    }
}

impl Rule for UnknownNamespace {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let Some(job) = ctx.job() else { return };
        if !ctx.refusals().contains(&Refusal::MissingNamespace) {
            return;
        }
        let ns = job.namespace.as_str();
        // The namespaces the cluster has, as the simulation holds them.
        let known = ctx.sim.map_or(Vec::new(), |s| s.state.namespaces.clone());
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
        let sim = simulate(&world);
        let mut out = Vec::new();
        UnknownNamespace.check(&RuleContext::new(&p, &world, Some(&sim)), &mut out);
        crate::assert_snap!(
            "rule_np302_unknown_namespace",
            crate::diag::render(&out, false)
        );
    }
}
