use crate::planner::admission::{self, Refusal};
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

crate::declare_rule! {
    /// ## What it does
    /// Flags jobs whose `node_pool` does not exist: neither a built-in pool
    /// (`default`, `all`) nor a pool some client registered in. Judged as
    /// the world's Nomad release judges it (node pools arrived in 1.6).
    ///
    /// ## Why is this bad?
    /// From Nomad 1.6 the server refuses the job at submission: `nomad job
    /// plan` fails with `Error during plan: ... job "web" is in nonexistent
    /// node pool "gpu"`, and `nomad job run` with the same error.
    ///
    /// ## Example
    /// ```hcl
    /// job "web" {
    ///   node_pool = "gpu"   # no client is in pool "gpu"
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Name a pool that exists, or create it first (`nomad node pool apply`,
    /// and put clients in it with `node_pool` in the world's clients).
    pub struct UnknownNodePool {
        code: "NP208",
        name: "unknown-node-pool",
        severity: Error,
        summary: "The job's node pool does not exist",
        needs: Simulation,
    }
}

impl Rule for UnknownNodePool {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let (Some(job), Some(sim)) = (ctx.job(), ctx.sim) else {
            return;
        };
        for refusal in ctx.refusals() {
            let Refusal::MissingNodePool { .. } = &refusal else {
                continue;
            };
            let pools = admission::node_pools(&sim.state);
            out.push(
                ctx.finding(
                    &Self::META,
                    job.spans.best("node_pool"),
                    "no such node pool",
                    refusal.message(job),
                )
                .help(format!(
                    "node pools that exist: {}; name one of them, or create the pool and put clients in it",
                    pools.join(", ")
                )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;
    use crate::version::NomadVersion;

    fn findings(version: NomadVersion, pool: &str) -> Vec<Finding> {
        let mut world = world();
        world.nomad_version = version;
        let sim = simulate(&world);
        let text = format!("job \"web\" {{\n  datacenters = [\"dc1\"]\n  node_pool = \"{pool}\"\n  group \"g\" {{\n    task \"a\" {{\n      driver = \"docker\"\n    }}\n  }}\n}}\n");
        let p = load("web.nomad", &text);
        let mut out = Vec::new();
        UnknownNodePool.check(&RuleContext::new(&p, &world, Some(&sim)), &mut out);
        out
    }

    #[test]
    fn flags_a_pool_that_does_not_exist_with_nomads_text() {
        let out = findings(NomadVersion::CURRENT, "gpu");
        assert_eq!(out.len(), 1);
        crate::assert_snap!(
            "rule_np208_unknown_node_pool",
            crate::diag::render(&out, false)
        );
    }

    #[test]
    fn built_in_and_client_pools_exist() {
        for pool in ["default", "all"] {
            assert!(findings(NomadVersion::CURRENT, pool).is_empty(), "{pool}");
        }
        // Before 1.6 no pool is checked at submission.
        assert!(findings(NomadVersion::new(1, 5, 6), "gpu").is_empty());
        assert_eq!(findings(NomadVersion::new(1, 6, 0), "gpu").len(), 1);
    }
}
