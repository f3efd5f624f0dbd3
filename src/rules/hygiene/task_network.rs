use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

crate::declare_rule! {
    /// ## What it does
    /// Flags `network` blocks inside a task's `resources`, the Nomad 0.x form,
    /// when the world runs Nomad 0.12 or later (before 0.12 it is the only
    /// way to ask for ports, and the demo's 0.9.3 world is such a world).
    ///
    /// ## Why is this bad?
    /// Task-level networks are deprecated since Nomad 0.12 and `mbits` is
    /// ignored since 1.0; service mesh, group services and port labels shared
    /// between tasks need the group-level `network` block (Nomad 0.10+).
    ///
    /// ## Example
    /// ```hcl
    /// task "web" {
    ///   resources {
    ///     network {
    ///       mbits = 10
    ///       port "http" {}
    ///     }
    ///   }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```hcl
    /// group "web" {
    ///   network {
    ///     port "http" { to = 80 }
    ///   }
    ///   task "web" {
    ///     config { ports = ["http"] }
    ///   }
    /// }
    /// ```
    pub struct TaskNetworkInResources {
        code: "NP103",
        name: "task-network-in-resources",
        severity: Warning,
        summary: "Task-level `network` in `resources` (Nomad 0.x form)",
        needs: World,
    }
}

impl Rule for TaskNetworkInResources {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let Some(job) = ctx.job() else { return };
        if !ctx.world.nomad_version.at_least(0, 12, 0) {
            return;
        }
        for (group, task) in super::tasks(job) {
            for net in &task.resources.networks {
                let ports: Vec<String> = net
                    .ports()
                    .map(|p| match p.value {
                        0 => format!("port \"{}\" {{}}", p.label),
                        v => format!("port \"{}\" {{ static = {v} }}", p.label),
                    })
                    .collect();
                out.push(
                    ctx.finding(
                        &Self::META,
                        net.spans.block.or(task.resources.spans.block),
                        "task-level network",
                        format!(
                            "task \"{}\" declares its network inside `resources`, deprecated since Nomad 0.12",
                            task.name
                        ),
                    )
                    .help(format!(
                        "move it to group \"{}\": `network {{ {} }}` and reference the labels with `ports = [...]` in the task config; drop `mbits`",
                        group.name,
                        ports.join(" ")
                    )),
                );
            }
        }
    }
}
