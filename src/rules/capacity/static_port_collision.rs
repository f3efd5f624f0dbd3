use super::eligible_in;
use crate::jobspec::Port;
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};
use crate::scheduler::address_ports::address_refuses;

crate::declare_rule! {
    /// ## What it does
    /// Flags a static port that every client in the job's datacenters
    /// reserves for itself: client-wide (`reserved { reserved_ports }`),
    /// or, for a group port, on every address of its host network
    /// (`host_network { reserved_ports }`, as the scheduler's `AssignPorts`
    /// looks them up at the world's release). A group port with
    /// `ignore_collision` (1.9+) collides with nothing. A static port used
    /// twice in one task group (group networks and legacy task networks
    /// together) is flagged too where the release's validation lets it
    /// through; where it does not (`Static port 8080 already reserved by
    /// ...`, nomad/structs/structs.go `validateNetworks`), the file is
    /// refused first and `jobspec::duplicate` reports it.
    ///
    /// ## Why is this bad?
    /// All tasks of an allocation share the node's ports: a port the
    /// clients reserve is exhausted on every node ("reserved port
    /// collision"), so the group cannot be placed.
    ///
    /// ## Example
    /// ```hcl
    /// # every client in dc1 reserves port 22 (the world: reserved { ports = "22" })
    /// network {
    ///   port "ssh" { static = 22 }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Pick a port the clients do not reserve, or use dynamic ports with `to`.
    pub struct StaticPortCollision {
        code: "NP204",
        name: "static-port-collision",
        severity: Error,
        summary: "A static port used twice in a group or reserved on every client",
        needs: World,
    }
}

impl Rule for StaticPortCollision {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let Some(job) = ctx.job() else { return };
        let pools = eligible_in(ctx, job);
        let version = ctx.world.nomad_version;
        for g in super::placed_groups(job) {
            // Each static port, and whether it is a group network's (only
            // those are assigned per address, and may ignore collisions).
            let group = g.networks.iter().map(|n| (n, true));
            let tasks = g
                .tasks
                .iter()
                .flat_map(|t| &t.resources.networks)
                .map(|n| (n, false));
            let ports: Vec<(&Port, bool)> = group
                .chain(tasks)
                .flat_map(|(n, in_group)| n.reserved_ports.iter().map(move |p| (p, in_group)))
                .filter(|(p, _)| p.value > 0)
                .collect();
            for (i, &(p, in_group)) in ports.iter().enumerate() {
                if in_group && p.ignore_collision && version.at_least(1, 9, 0) {
                    continue;
                }
                let first = ports[..i]
                    .iter()
                    .map(|(q, _)| q)
                    .find(|q| q.value == p.value && q.host_network == p.host_network);
                if let Some(q) = first {
                    let mut d = ctx.finding(
                        &Self::META,
                        p.spans.block.or(g.spans.label),
                        "second use",
                        format!(
                            "static port {} is used by both \"{}\" and \"{}\" in group \"{}\"",
                            p.value, q.label, p.label, g.name
                        ),
                    );
                    if let Some(s) = q.spans.block {
                        d = d.label(s, "first use");
                    }
                    out.push(
                        d.help("use distinct static ports, or dynamic ports mapped with `to`"),
                    );
                    continue;
                }
                let Ok(port) = u16::try_from(p.value) else {
                    continue;
                };
                let reserved_everywhere = !pools.is_empty()
                    && pools.iter().all(|pool| {
                        pool.node.reserved_ports.contains(&port)
                            || (in_group
                                && address_refuses(&pool.node, &p.host_network, port, version))
                    });
                if reserved_everywhere {
                    out.push(
                        ctx.finding(
                            &Self::META,
                            p.spans.block.or(g.spans.label),
                            "reserved on every client",
                            format!(
                                "static port {} (\"{}\") is reserved on every client in the job's datacenters",
                                p.value, p.label
                            ),
                        )
                        .help("pick a port outside the clients' `reserved { reserved_ports }` and their host networks' `reserved_ports`, or a dynamic port"),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;

    #[test]
    fn flags_duplicates_and_reserved_ports() {
        let text = "job \"web\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    task \"a\" {\n      driver = \"docker\"\n    }\n    network {\n      port \"http\" {\n        static = 8080\n      }\n      port \"admin\" {\n        static = 8080\n      }\n      port \"ssh\" {\n        static = 22\n      }\n      port \"ok\" {\n        static = 9000\n      }\n    }\n  }\n}\n";
        let p = load("web.nomad", text);
        let world = world();
        let mut out = Vec::new();
        StaticPortCollision.check(&RuleContext::new(&p, &world, None), &mut out);
        assert_eq!(out.len(), 2);
        crate::assert_snap!(
            "rule_np204_static_port_collision",
            crate::diag::render(&out, false)
        );
    }

    /// `static = 0` is a dynamic port in Nomad (its parsers reserve a port
    /// only for `static > 0`): two of them collide with nothing.
    #[test]
    fn static_zero_ports_are_dynamic_and_never_collide() {
        let text = "job \"web\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    task \"a\" {\n      driver = \"docker\"\n    }\n    network {\n      port \"a\" {\n        static = 0\n      }\n      port \"b\" {\n        static = 0\n      }\n    }\n  }\n}\n";
        let p = load("web.nomad", text);
        let job = p.job.as_ref().expect("the job loads");
        let net = &job.groups[0].networks[0];
        assert!(net.reserved_ports.is_empty(), "{:?}", net.reserved_ports);
        assert_eq!(net.dynamic_ports.len(), 2);
        let world = world();
        let mut out = Vec::new();
        StaticPortCollision.check(&RuleContext::new(&p, &world, None), &mut out);
        assert!(out.is_empty(), "{out:?}");
    }
}
