use super::{job_and_pools, PoolNode};
use crate::diag::Severity;
use crate::jobspec::TaskGroup;
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};
use crate::scheduler::driver_check;
use crate::scheduler::feasibility::has_drivers;

crate::declare_rule! {
    /// ## What it does
    /// Flags tasks whose `driver` no client in the job's datacenters has,
    /// and groups whose drivers exist only on different clients.
    ///
    /// ## Why is this bad?
    /// All tasks of a group run on one client, and Nomad filters every node
    /// that lacks any of them with "missing drivers"; the group is never
    /// placed and `nomad job plan` reports a placement failure. A new
    /// system job's plan before 1.2.0 drops the clients it filters
    /// without a word and reports success: a warning then.
    ///
    /// From 0.8.0 through 0.9.5 Nomad's driver check answers at the first
    /// of the group's drivers Go's map order yields (fixed in 0.9.6): a
    /// client with some of the drivers passes by chance, with odds the
    /// finding gives, and the allocation placed there has a task that
    /// cannot start. Where no client has them all, that is an error; where
    /// one has, the group may still land on the others: a warning.
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
            .flat_map(|p| {
                p.node
                    .drivers
                    .iter()
                    .chain(&p.node.drivers_by_attribute)
                    .map(String::as_str)
            })
            .collect();
        known.sort_unstable();
        known.dedup();
        let version = ctx.world.nomad_version;
        let start = out.len();
        for g in super::placed_groups(job) {
            let whole = pools.iter().any(|p| has_drivers(g, &p.node));
            let chance: Vec<&PoolNode<'_>> = pools
                .iter()
                .copied()
                .filter(|p| driver_check::drawn(g, &p.node, version))
                .collect();
            if !chance.is_empty() {
                out.push(by_chance(ctx, g, &chance, whole));
                continue;
            }
            if whole {
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
        super::silent_plan(ctx, job, true, &mut out[start..]);
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

/// Before 0.9.6 the driver check passes `chance`'s clients, which have
/// some of the group's drivers, by Go's map order ([`driver_check`]):
/// the group is placed where a task cannot start, or (`!whole`: no client
/// has every driver) not at all. Said with each pool's odds, never as
/// the certain "missing drivers" of later releases.
fn by_chance(
    ctx: &RuleContext<'_>,
    g: &TaskGroup,
    chance: &[&PoolNode<'_>],
    whole: bool,
) -> Finding {
    let version = ctx.world.nomad_version;
    let drivers = driver_check::group_drivers(g);
    let odds: Vec<String> = chance
        .iter()
        .map(|p| {
            let passes = driver_check::pass_odds(g, &p.node, version).map_or_else(
                || "by odds not established (more than 8 drivers)".to_string(),
                |o| format!("in {} of checks", crate::gomap::percent(o)),
            );
            let lacks = driver_check::lacking_text(&driver_check::lacking(g, &p.node));
            format!(
                "pool {:?} {passes} ({lacks} cannot start there)",
                p.pool.name
            )
        })
        .collect();
    let why = format!(
        "Nomad {version}'s driver check answers at the first of the group's drivers Go's map order yields (fixed in 0.9.6), so it passes clients without one by chance: {}",
        odds.join("; ")
    );
    let message = if whole {
        format!(
            "group \"{}\" may be placed on a client without one of its drivers: {why}",
            g.name
        )
    } else {
        format!(
            "no client has every driver group \"{}\" needs ({}); {why}: the group is placed where a task cannot start, or not at all",
            g.name,
            drivers.join(", ")
        )
    };
    let lacking = chance
        .first()
        .and_then(|p| driver_check::lacking(g, &p.node).first().copied());
    let span = lacking
        .and_then(|(task, _)| g.tasks.iter().find(|t| t.name == task))
        .and_then(|t| t.spans.get("driver"))
        .or(g.spans.label)
        .or(g.spans.block);
    let missing = lacking.map_or("", |(_, d)| d);
    let f = ctx
        .finding(
            &MissingDriver::META,
            span,
            "placed by chance on clients without this driver",
            message,
        )
        .help(format!(
            "upgrade the servers to Nomad 0.9.6 or later, or keep the group off clients without the driver (a constraint on `${{attr.driver.{missing}}}`), or split the group"
        ));
    if whole {
        f.with_severity(Severity::Warning)
    } else {
        f
    }
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
