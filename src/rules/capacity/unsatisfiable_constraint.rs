use super::{job_and_pools, PoolNode};
use crate::diag::Diag;
use crate::jobspec::Constraint;
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};
use crate::scheduler::constraint::{class_verdict, resolve};
use crate::version::NomadVersion;

crate::declare_rule! {
    /// ## What it does
    /// Evaluates job, group and task constraints against the attributes,
    /// meta, class and datacenter of the world's client pools (as the
    /// cluster builds their clients, with the scheduler's own operators,
    /// `version` and `semver` included), and flags a
    /// constraint no client satisfies, or a group whose constraints no
    /// single client satisfies together.
    ///
    /// ## Why is this bad?
    /// Nomad filters every node and the group never places; the plan only
    /// says "N nodes excluded by filter". A new system job's plan before
    /// 1.2.0 says nothing of the nodes it filters and reports success: a
    /// warning then.
    ///
    /// ## Example
    /// ```hcl
    /// constraint {
    ///   attribute = "${attr.kernel.name}"
    ///   value     = "windows"   # every client runs linux
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Constrain on attributes the clients have, or add clients that have them.
    pub struct UnsatisfiableConstraint {
        code: "NP203",
        name: "unsatisfiable-constraint",
        severity: Error,
        summary: "Constraints that no client satisfies",
        needs: World,
    }
}

impl Rule for UnsatisfiableConstraint {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let Some((job, pools)) = job_and_pools(ctx) else {
            return; // NP206 reports a job no pool can take
        };
        let version = ctx.world.nomad_version;
        // A value a hand-written client reports but the pool does not
        // state is NP225's "cannot tell": no client can be said to refuse
        // a constraint that reads it (`=` on os.version is not "no client
        // satisfies" when nobody said which release the clients run).
        // Read once with NP225 (the admitted job's: its own constraints
        // and those Nomad implies), where a simulation runs.
        let own;
        let values = match ctx.sim {
            Some(_) => ctx.client_values(),
            None => {
                own = crate::scheduler::client_values::unknown(ctx.world, job);
                own.as_ref()
            }
        };
        let untold: Vec<&str> = values
            .map(|u| {
                u.reads
                    .iter()
                    .filter(|r| r.block == "constraint")
                    .map(|r| r.target.as_str())
                    .collect()
            })
            .unwrap_or_default();
        let told = |c: &Constraint| !untold.iter().any(|t| *t == c.ltarget || *t == c.rtarget);
        let start = out.len();
        let mut reported: Vec<&Constraint> = Vec::new();
        for g in super::placed_groups(job) {
            let all: Vec<&Constraint> = job
                .constraints
                .iter()
                .chain(&g.constraints)
                .chain(g.tasks.iter().flat_map(|t| &t.constraints))
                .collect();
            let mut single = false;
            let refused = |p: &PoolNode<'_>, c: &Constraint| {
                class_verdict(c, &p.node, version) == Some(false)
            };
            for c in all.iter().filter(|c| told(c)) {
                if pools.iter().all(|p| refused(p, c)) {
                    single = true;
                    if !reported.iter().any(|r| std::ptr::eq(*r, *c)) {
                        reported.push(c);
                        out.push(
                            ctx.finding(
                                &Self::META,
                                c.spans.block,
                                "no client satisfies this",
                                format!("no client satisfies constraint \"{}\"", c.metric_key()),
                            )
                            .help(pool_values(&pools, &c.ltarget, version)),
                        );
                    }
                }
            }
            // Over the told constraints: if they alone cannot hold together,
            // no client's unknown value can make them.
            let together = pools
                .iter()
                .any(|p| all.iter().filter(|c| told(c)).all(|c| !refused(p, c)));
            if !single && !together {
                let mut d: Diag = ctx.finding(
                    &Self::META,
                    g.spans.label.or(g.spans.block),
                    "no client satisfies all of its constraints",
                    format!(
                        "each constraint of group \"{}\" holds on some client, but no client satisfies all of them",
                        g.name
                    ),
                );
                for c in &all {
                    if let Some(s) = c.spans.block {
                        d = d.label(s, "constraint");
                    }
                }
                out.push(
                    d.help("relax one of the constraints, or add clients that satisfy them all"),
                );
            }
        }
        super::silent_plan(ctx, job, true, &mut out[start..]);
    }
}

/// What each pool's clients have for `target`, for the help line.
fn pool_values(pools: &[&PoolNode<'_>], target: &str, version: NomadVersion) -> String {
    let vals: Vec<String> = pools
        .iter()
        .map(|p| {
            let v = resolve(target, &p.node, version)
                .map_or("not set".to_string(), |v| format!("\"{v}\""));
            format!("{}: {v}", p.pool.name)
        })
        .collect();
    format!("{target} on the client pools: {}", vals.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;

    #[test]
    fn flags_impossible_and_jointly_impossible() {
        let text = "job \"web\" {\n  datacenters = [\"dc1\"]\n  constraint {\n    attribute = \"${attr.kernel.name}\"\n    value = \"windows\"\n  }\n  group \"g\" {\n    count = 1\n    task \"a\" {\n      driver = \"docker\"\n    }\n  }\n}\n";
        let p = load("web.nomad", text);
        let world = world();
        let mut out = Vec::new();
        UnsatisfiableConstraint.check(&RuleContext::new(&p, &world, None), &mut out);
        crate::assert_snap!(
            "rule_np203_unsatisfiable_constraint",
            crate::diag::render(&out, false)
        );

        // Each holds on one pool, never both on the same one.
        let mut world = world;
        world.clients[0].node_class = "small".into();
        world.clients[1]
            .attributes
            .insert("gpu".into(), "true".into());
        let text = "job \"web\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    constraint {\n      attribute = \"${node.class}\"\n      value = \"small\"\n    }\n    constraint {\n      attribute = \"${attr.gpu}\"\n      value = \"true\"\n    }\n    task \"a\" {\n      driver = \"docker\"\n    }\n  }\n}\n";
        let p = load("web.nomad", text);
        let mut out = Vec::new();
        UnsatisfiableConstraint.check(&RuleContext::new(&p, &world, None), &mut out);
        assert_eq!(out.len(), 1);
        assert!(out[0].message.contains("no client satisfies all of them"));
    }
}
