use super::eligible_pools;
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

crate::declare_rule! {
    /// ## What it does
    /// Flags tasks whose `driver` no client in the job's datacenters has.
    ///
    /// ## Why is this bad?
    /// Nomad filters every node with "missing drivers"; the group is never
    /// placed and `nomad job plan` reports a placement failure.
    ///
    /// ## Example
    /// ```hcl
    /// task "queue-master" {
    ///   driver = "java"   # no client runs a JVM
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Use a driver the clients have (e.g. `docker` with a JRE image), or
    /// enable the driver on a client pool.
    pub struct MissingDriver {
        code: "NP202",
        name: "missing-driver",
        severity: Error,
        summary: "A task driver that no client has",
        needs: World,
    }
}

impl Rule for MissingDriver {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let Some(job) = ctx.job() else { return };
        let pools = eligible_pools(ctx.world, job);
        if pools.is_empty() {
            return; // NP206
        }
        let mut known: Vec<&str> = pools.iter().flat_map(|p| super::pool_drivers(p)).collect();
        known.sort_unstable();
        known.dedup();
        for (_, task) in crate::rules::hygiene::tasks(job) {
            if task.driver.is_empty() || known.contains(&task.driver.as_str()) {
                continue;
            }
            out.push(
                ctx.finding(
                    &Self::META,
                    task.spans.best("driver"),
                    "no client has this driver",
                    format!(
                        "no client in datacenters {:?} has the \"{}\" driver needed by task \"{}\"",
                        job.datacenters, task.driver, task.name
                    ),
                )
                .help(format!(
                    "clients offer: {}; change the driver or enable it on a client pool",
                    known.join(", ")
                )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;

    #[test]
    fn flags_unknown_driver() {
        let text = "job \"web\" {\n  group \"g\" {\n    task \"a\" {\n      driver = \"qemu\"\n    }\n    task \"b\" {\n      driver = \"docker\"\n    }\n  }\n}\n";
        let mut a = task(text, 0, "qemu", 100, 300);
        a.spans.set("driver", span_of(text, "driver = \"qemu\"", 0));
        let j = job(text, 1, vec![a, task(text, 1, "docker", 100, 300)]);
        let p = parsed("web.nomad", text, Some(j));
        let world = world();
        let mut out = Vec::new();
        MissingDriver.check(&RuleContext::new(&p, &world, None), &mut out);
        crate::assert_snap!(
            "rule_np202_missing_driver",
            crate::diag::render(&out, false)
        );
    }
}
