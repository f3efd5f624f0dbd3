use super::job_and_pools;
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};
use crate::scheduler::fit::{allocs_fit, Comparable, MAX_ALLOCS_EXCEEDED};
use crate::structs::resources::task_group_resources;

crate::declare_rule! {
    /// ## What it does
    /// Flags task groups whose single allocation (its tasks' cpu and memory,
    /// combined across lifecycle phases as the world's Nomad release does,
    /// plus the group's ephemeral disk) is larger than what any one client
    /// in the job's datacenters offers after its reservations.
    ///
    /// ## Why is this bad?
    /// An allocation never spans clients: such a group can never be placed,
    /// whatever else runs, and its evaluation stays blocked forever.
    ///
    /// ## Example
    /// ```hcl
    /// group "db" {
    ///   task "db" {
    ///     driver = "docker"
    ///     resources { memory = 16384 }  # clients have 4 GB
    ///   }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Ask for what fits on one client, or add a larger client pool.
    pub struct GroupTooLarge {
        code: "NP201",
        name: "group-larger-than-any-client",
        severity: Error,
        summary: "A task group needs more than any single client offers",
        needs: World,
    }
}

impl Rule for GroupTooLarge {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let Some((job, pools)) = job_and_pools(ctx) else {
            return; // NP206 reports a job no pool can take
        };
        for g in super::placed_groups(job) {
            // The allocation exactly as the scheduler sizes it, and the
            // scheduler's own fit test on an empty client of each pool.
            let res = task_group_resources(g, ctx.world.nomad_version);
            // A client's `node_max_allocs` caps how many, not how large.
            let fits = pools.iter().any(|p| {
                matches!(
                    allocs_fit(&p.node, std::iter::empty(), Some(&res)),
                    Ok(_) | Err((MAX_ALLOCS_EXCEEDED, _))
                )
            });
            if fits {
                continue;
            }
            let ask = Comparable::of(&res);
            let free: Vec<Comparable> = pools
                .iter()
                .map(|p| Comparable::node_usable(&p.node))
                .collect();
            let max = |f: fn(&Comparable) -> i64| free.iter().map(f).max().unwrap_or(0);
            let (mc, mm, md) = (max(|a| a.cpu), max(|a| a.memory), max(|a| a.disk));
            let mut over = Vec::new();
            if ask.cpu > mc {
                over.push(format!("cpu {} MHz > {mc} MHz", ask.cpu));
            }
            if ask.memory > mm {
                over.push(format!("memory {} MB > {mm} MB", ask.memory));
            }
            if ask.disk > md {
                over.push(format!("disk {} MB > {md} MB", ask.disk));
            }
            if over.is_empty() {
                over.push(format!(
                    "no single client has {} MHz, {} MB memory and {} MB disk together",
                    ask.cpu, ask.memory, ask.disk
                ));
            }
            out.push(
                ctx.finding(
                    &Self::META,
                    g.spans.label.or(g.spans.block),
                    "one allocation of this group",
                    format!(
                        "group \"{}\" cannot fit on any client: {}",
                        g.name,
                        over.join(", ")
                    ),
                )
                .help(format!(
                    "the largest client offers {mc} MHz, {mm} MB memory, {md} MB disk after reservations; lower the tasks' resources or add a larger client pool{}",
                    secrets_note(g, ctx.world.nomad_version)
                )),
            );
        }
    }
}

/// From 1.8.3 the memory asked includes each task's secrets tmpfs
/// (scheduler/rank.go:373-380@v1.8.3): say so where it counts, or the
/// figure reads as more than the `memory` lines add up to.
fn secrets_note(g: &crate::jobspec::TaskGroup, v: crate::version::NomadVersion) -> &'static str {
    let any = g.tasks.iter().any(|t| t.resources.secrets_mb > 0);
    if any && v.at_least(1, 8, 3) {
        " (the memory counts each task's `secrets` too)"
    } else {
        ""
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;

    #[test]
    fn flags_only_groups_no_client_can_hold() {
        let text = "job \"web\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    count = 1\n    task \"a\" {\n      driver = \"docker\"\n      resources {\n        cpu = 2000\n        memory = 16000\n      }\n    }\n  }\n}\n";
        let world = world();
        let p = load("web.nomad", text);
        let mut out = Vec::new();
        GroupTooLarge.check(&RuleContext::new(&p, &world, None), &mut out);
        crate::assert_snap!(
            "rule_np201_group_too_large",
            crate::diag::render(&out, false)
        );

        let p = load(
            "web.nomad",
            &text.replace("memory = 16000", "memory = 14000"),
        );
        let mut out = Vec::new();
        GroupTooLarge.check(&RuleContext::new(&p, &world, None), &mut out);
        assert!(out.is_empty());
    }
}
