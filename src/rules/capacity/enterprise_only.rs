use crate::planner::admission::Refusal;
use crate::planner::admission_edition::{self, EnterpriseFeature};
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

crate::declare_rule! {
    /// ## What it does
    /// Flags a task that uses what only Nomad Enterprise schedules, as the
    /// community edition's admission hooks refuse it: a `consul` block or
    /// Consul service naming a `cluster` other than `default` (1.7+:
    /// `non-default Consul cluster requires Nomad Enterprise`), a NUMA affinity
    /// (`resources { numa { affinity = "prefer" } }`, Nomad 1.7+:
    /// `numa scheduling requires Nomad Enterprise`) or a task `schedule`
    /// (1.8+: `task schedules requires Nomad Enterprise`)
    /// (nomad/job_endpoint_hook_consul_ce.go, job_endpoint_hook_numa_ce.go,
    /// job_endpoint_hook_sched_ce.go), and, from 1.7.3, a task whose Consul
    /// `partition` differs from its group's (`task.consul.partition %q must
    /// match group.consul.partition %q if both are set`; whether Enterprise
    /// checks it is not public, so under Enterprise it cannot tell).
    /// Where the world does not say which edition the servers run, it says
    /// it cannot tell, as `plan` and `validate` do (exit 255).
    ///
    /// ## Why is this bad?
    /// The community edition's servers refuse the job at submission:
    /// `nomad job plan`, `validate` and `run` fail with the hook's error.
    ///
    /// ## Example
    /// ```hcl
    /// task "train" {
    ///   resources {
    ///     cores = 8
    ///     numa {
    ///       affinity = "require"
    ///     }
    ///   }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Remove the `numa` (or `schedule`) block on a community cluster; state
    /// the edition in rules/cluster.hcl (`edition = "enterprise"`) when the
    /// servers run Nomad Enterprise.
    pub struct EnterpriseOnly {
        code: "NP217",
        name: "enterprise-only",
        severity: Error,
        summary: "A task uses what only Nomad Enterprise schedules",
        needs: Simulation,
        answer: crate::rules::Answer::CannotTellWhen(
            "when the world does not say which edition the servers run, or under Enterprise a task's Consul partition differs from its group's"
        ),
    }
}

impl Rule for EnterpriseOnly {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let Some(job) = ctx.job() else {
            return;
        };
        let task_span = |group: usize, task: &str, feature: EnterpriseFeature| {
            let g = job.groups.get(group);
            let t = g.and_then(|g| g.tasks.iter().find(|t| t.name == task));
            let block = match feature {
                EnterpriseFeature::Numa => t
                    .and_then(|t| t.resources.numa.as_ref())
                    .and_then(|n| n.spans.block),
                EnterpriseFeature::Schedule => t
                    .and_then(|t| t.schedule.as_ref())
                    .and_then(|s| s.spans.block),
                EnterpriseFeature::ConsulCluster => t
                    .and_then(|t| t.consul.as_ref())
                    .or(g.and_then(|g| g.consul.as_ref()))
                    .and_then(|c| c.spans.block),
                EnterpriseFeature::VaultCluster => t
                    .and_then(|t| t.vault.as_ref())
                    .and_then(|v| v.spans.get("cluster").or(v.spans.block)),
                EnterpriseFeature::VaultNamespace => t
                    .and_then(|t| t.vault.as_ref())
                    .and_then(|v| v.spans.get("namespace").or(v.spans.block)),
            };
            block
                .or(t.and_then(|t| t.spans.label))
                .or(g.and_then(|g| g.spans.label))
                .or(job.spans.label)
        };
        let consul_span = |group: usize, task: &str| {
            let g = job.groups.get(group);
            let t = g.and_then(|g| g.tasks.iter().find(|t| t.name == task));
            t.and_then(|t| t.consul.as_ref())
                .and_then(|c| c.spans.get("partition").or(c.spans.block))
                .or(t.and_then(|t| t.spans.label))
                .or(job.spans.label)
        };
        for r in ctx.refusals() {
            if let Refusal::VaultNamespaces { message } = r {
                // Two namespaces or more: Nomad's order is chance, and
                // NP211 says so rather than this text.
                if crate::mutators::vault::unknown(ctx.world, job).is_some() {
                    continue;
                }
                let span = job
                    .groups
                    .iter()
                    .flat_map(|g| g.tasks.iter())
                    .filter_map(|t| t.vault.as_ref())
                    .find(|v| !v.namespace.is_empty())
                    .and_then(|v| v.spans.get("namespace").or(v.spans.block))
                    .or(job.spans.label);
                out.push(
                    ctx.finding(&Self::META, span, "refused by the community edition", message.clone())
                        .help("remove the Vault `namespace` on a community cluster, or state `edition = \"enterprise\"` in rules/cluster.hcl if the servers run Nomad Enterprise"),
                );
                continue;
            }
            if let Refusal::ConsulPartition {
                group,
                task,
                message,
            } = r
            {
                out.push(
                    ctx.finding(
                        &Self::META,
                        consul_span(*group, task),
                        "refused by the community edition",
                        message.clone(),
                    )
                    .help("give the task the group's Consul partition, or leave one of them unset"),
                );
                continue;
            }
            let Refusal::EnterpriseOnly {
                group,
                task,
                feature,
            } = r
            else {
                continue;
            };
            out.push(
                ctx.finding(
                    &Self::META,
                    task_span(*group, task, *feature),
                    "refused by the community edition",
                    feature.message().to_string(),
                )
                .help("remove the block, or state `edition = \"enterprise\"` in rules/cluster.hcl if the servers run Nomad Enterprise"),
            );
        }
        if let Some(unknown) = admission_edition::unknown(ctx.world, job) {
            let span = match (unknown.uses.first(), &unknown.partition) {
                (Some(first), _) => task_span(first.group, &first.task, first.feature),
                (None, Some(p)) => consul_span(p.group, &p.task),
                (None, None) => job.spans.label,
            };
            out.push(
                ctx.finding(
                    &Self::META,
                    span,
                    "Enterprise's feature",
                    unknown.line(job),
                )
                .as_cannot_tell()
                .help("state the servers' edition in the world: `edition = \"community\"` or `\"enterprise\"` in rules/cluster.hcl"),
            );
        }
    }
}
