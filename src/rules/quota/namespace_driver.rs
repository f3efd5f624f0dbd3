use crate::planner::admission::Refusal;
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

crate::declare_rule! {
    /// ## What it does
    /// Flags tasks whose `driver` the job's namespace does not allow: the
    /// namespace's `capabilities` list `enabled_task_drivers` without it,
    /// or list it in `disabled_task_drivers`. Judged as the world's Nomad
    /// release judges it (the namespace validator of Nomad 1.3 and later;
    /// older releases have no namespace capabilities). From Nomad 1.8.4 the
    /// same validator judges each group `network`'s `mode` (`host` when
    /// omitted) by `enabled_network_modes` and `disabled_network_modes`,
    /// once every driver passes (`used group network mode "host" is not
    /// allowed in namespace "monitor"`).
    ///
    /// ## Why is this bad?
    /// Nomad refuses the job at submission: `nomad job plan` fails with
    /// `Error during plan: ... used task driver "exec" is not allowed in
    /// namespace "monitor"` and `nomad job run` with the same error, so
    /// nothing of the plan happens.
    ///
    /// ## Example
    /// ```hcl
    /// # rules/namespaces/monitor.hcl
    /// capabilities {
    ///   enabled_task_drivers = ["docker"]
    /// }
    /// # the job, in namespace "monitor"
    /// task "fluentd" {
    ///   driver = "exec"
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Use a driver the namespace allows (`driver = "docker"`), or allow the
    /// driver in the namespace's capabilities (`nomad namespace apply`, and
    /// the world's `namespaces/`).
    pub struct NamespaceDriverNotAllowed {
        code: "NP306",
        name: "namespace-driver-not-allowed",
        severity: Error,
        summary: "A task driver the job's namespace does not allow",
        needs: Simulation,
    }
}

impl Rule for NamespaceDriverNotAllowed {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let Some(job) = ctx.job() else { return };
        for refusal in ctx.refusals() {
            if let Refusal::NetworkModesNotAllowed { namespace, modes } = &refusal {
                out.push(network_modes_finding(ctx, job, refusal, namespace, modes));
                continue;
            }
            let Refusal::DriversNotAllowed { namespace, drivers } = &refusal else {
                continue;
            };
            // One finding for the one cause (the namespace's capabilities),
            // labelled at every task Nomad names.
            let tasks: Vec<_> = job
                .groups
                .iter()
                .flat_map(|g| &g.tasks)
                .filter(|t| drivers.contains(&t.driver))
                .collect();
            let first = tasks
                .first()
                .and_then(|t| t.spans.best("driver"))
                .or(job.spans.best("namespace"));
            let mut f = ctx.finding(
                &Self::META,
                first,
                format!("not allowed in namespace \"{namespace}\""),
                refusal.message(job),
            );
            for t in tasks.iter().skip(1) {
                if let Some(s) = t.spans.get("driver") {
                    f = f.label(s, format!("task \"{}\": not allowed either", t.name));
                }
            }
            out.push(f.help(allowed_hint(ctx, namespace)));
        }
    }
}

/// One finding for the namespace's network-mode capabilities, labelled at
/// every group network whose mode Nomad names.
fn network_modes_finding(
    ctx: &RuleContext<'_>,
    job: &crate::jobspec::Job,
    refusal: &Refusal,
    namespace: &str,
    modes: &[String],
) -> Finding {
    let mode_of = |n: &crate::jobspec::Network| {
        if n.mode.is_empty() {
            "host".to_string()
        } else {
            n.mode.clone()
        }
    };
    let nets: Vec<_> = job
        .groups
        .iter()
        .flat_map(|g| g.networks.iter().map(move |n| (g, n)))
        .filter(|(_, n)| modes.contains(&mode_of(n)))
        .collect();
    let at = |g: &crate::jobspec::TaskGroup, n: &crate::jobspec::Network| {
        n.spans.best("mode").or(g.spans.best("network"))
    };
    let first = nets
        .first()
        .and_then(|(g, n)| at(g, n))
        .or(job.spans.best("namespace"));
    let mut f = ctx.finding(
        &NamespaceDriverNotAllowed::META,
        first,
        format!("not allowed in namespace \"{namespace}\""),
        refusal.message(job),
    );
    for (g, n) in nets.iter().skip(1) {
        if let Some(s) = at(g, n) {
            f = f.label(s, format!("group \"{}\": not allowed either", g.name));
        }
    }
    let Some(ns) = ctx.world.namespaces.get(namespace) else {
        return f;
    };
    let mut parts = Vec::new();
    if !ns.enabled_network_modes.is_empty() {
        parts.push(format!(
            "enables only network modes {}",
            ns.enabled_network_modes.join(", ")
        ));
    }
    if !ns.disabled_network_modes.is_empty() {
        parts.push(format!(
            "disables network modes {}",
            ns.disabled_network_modes.join(", ")
        ));
    }
    f.help(format!(
        "namespace \"{namespace}\" {}; use an allowed network mode, or change the namespace's capabilities (`nomad namespace apply`, and the world's namespaces/{namespace}.hcl)",
        parts.join(" and ")
    ))
}

/// What the namespace allows, and where to change it.
fn allowed_hint(ctx: &RuleContext<'_>, namespace: &str) -> String {
    let Some(ns) = ctx.world.namespaces.get(namespace) else {
        return String::new();
    };
    let mut parts = Vec::new();
    if !ns.enabled_task_drivers.is_empty() {
        parts.push(format!(
            "enables only {}",
            ns.enabled_task_drivers.join(", ")
        ));
    }
    if !ns.disabled_task_drivers.is_empty() {
        parts.push(format!("disables {}", ns.disabled_task_drivers.join(", ")));
    }
    format!(
        "namespace \"{namespace}\" {}; use an allowed driver, or change the namespace's capabilities (`nomad namespace apply`, and the world's namespaces/{namespace}.hcl)",
        parts.join(" and ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;
    use crate::version::NomadVersion;

    const JOB: &str = "job \"web\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    task \"a\" {\n      driver = \"exec\"\n    }\n    task \"b\" {\n      driver = \"docker\"\n    }\n    task \"c\" {\n      driver = \"exec\"\n    }\n  }\n}\n";

    fn findings(version: NomadVersion, enabled: &[&str], disabled: &[&str]) -> Vec<Finding> {
        let mut world = world();
        world.nomad_version = version;
        if let Some(ns) = world.namespaces.get_mut("default") {
            ns.enabled_task_drivers = enabled.iter().map(|s| s.to_string()).collect();
            ns.disabled_task_drivers = disabled.iter().map(|s| s.to_string()).collect();
        }
        let sim = simulate(&world);
        let p = load("web.nomad", JOB);
        let mut out = Vec::new();
        NamespaceDriverNotAllowed.check(&RuleContext::new(&p, &world, Some(&sim)), &mut out);
        out
    }

    #[test]
    fn flags_drivers_the_namespace_refuses_with_nomads_text() {
        let out = findings(NomadVersion::CURRENT, &["docker"], &[]);
        assert_eq!(out.len(), 1);
        crate::assert_snap!(
            "rule_np306_namespace_driver_not_allowed",
            crate::diag::render(&out, false)
        );
        let out = findings(NomadVersion::CURRENT, &[], &["docker"]);
        assert_eq!(
            out[0].message,
            "used task driver \"docker\" is not allowed in namespace \"default\""
        );
    }

    #[test]
    fn allowed_drivers_and_releases_before_1_3_pass() {
        assert!(findings(NomadVersion::CURRENT, &["docker", "exec"], &[]).is_empty());
        assert!(findings(NomadVersion::CURRENT, &[], &[]).is_empty());
        // Namespace capabilities arrived in 1.3.0.
        assert!(findings(NomadVersion::new(1, 2, 9), &["docker"], &[]).is_empty());
        assert_eq!(
            findings(NomadVersion::new(1, 3, 0), &["docker"], &[]).len(),
            1
        );
    }
}
