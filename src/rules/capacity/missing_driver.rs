use super::{job_and_pools, PoolNode};
use crate::jobspec::TaskGroup;
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};
use crate::scheduler::feasibility::has_drivers;

crate::declare_rule! {
    /// ## What it does
    /// Flags tasks whose `driver` no client in the job's datacenters has,
    /// and groups whose drivers exist only on different clients.
    ///
    /// ## Why is this bad?
    /// All tasks of a group run on one client, and Nomad filters every node
    /// that lacks any of them with "missing drivers"; the group is never
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
        let Some((job, pools)) = job_and_pools(ctx) else {
            return; // NP206 reports a job no pool can take
        };
        let mut known: Vec<&str> = pools
            .iter()
            .flat_map(|p| p.node.drivers.iter().map(String::as_str))
            .collect();
        known.sort_unstable();
        known.dedup();
        for g in &job.groups {
            if pools.iter().any(|p| has_drivers(g, &p.node)) {
                continue;
            }
            // A task without a driver is a validation error, reported there.
            let named = g.tasks.iter().filter(|t| !t.driver.is_empty());
            let mut unknown = false;
            for task in named.filter(|t| !known.contains(&t.driver.as_str())) {
                unknown = true;
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
            if !unknown && g.tasks.iter().all(|t| !t.driver.is_empty()) {
                out.push(split_drivers(ctx, g, &pools));
            }
        }
    }
}

/// Every driver of the group exists somewhere, but no client has them all:
/// the scheduler filters every node with "missing drivers" all the same,
/// because an allocation runs all its tasks on one client.
fn split_drivers(ctx: &RuleContext<'_>, g: &TaskGroup, pools: &[&PoolNode<'_>]) -> Finding {
    let mut drivers: Vec<&str> = g.tasks.iter().map(|t| t.driver.as_str()).collect();
    drivers.sort_unstable();
    drivers.dedup();
    let mut f = ctx.finding(
        &MissingDriver::META,
        g.spans.label.or(g.spans.block),
        "no single client runs all of these tasks",
        format!(
            "no client has every driver group \"{}\" needs ({}): its tasks run on one client together",
            g.name,
            drivers.join(", ")
        ),
    );
    for t in &g.tasks {
        if let Some(s) = t.spans.get("driver") {
            f = f.label(s, format!("task \"{}\" needs \"{}\"", t.name, t.driver));
        }
    }
    let offers: Vec<String> = pools
        .iter()
        .map(|p| format!("{} has {}", p.pool.name, p.node.drivers.join(", ")))
        .collect();
    f.help(format!(
        "{}; enable the missing drivers on one client pool, or split the group",
        offers.join("; ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;

    #[test]
    fn flags_unknown_driver() {
        let text = "job \"web\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    task \"a\" {\n      driver = \"qemu\"\n    }\n    task \"b\" {\n      driver = \"docker\"\n    }\n  }\n}\n";
        let p = load("web.nomad", text);
        let world = world();
        let mut out = Vec::new();
        MissingDriver.check(&RuleContext::new(&p, &world, None), &mut out);
        crate::assert_snap!(
            "rule_np202_missing_driver",
            crate::diag::render(&out, false)
        );
    }
}
