use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

crate::declare_rule! {
    /// ## What it does
    /// Flags tasks that leave `cpu` or `memory` at Nomad's defaults (100 MHz,
    /// 300 MB) by not writing them, or that have no `resources` block at all.
    /// Lifecycle hook tasks (`lifecycle { hook = ... }`: prestart, poststart
    /// and poststop helpers) are not flagged: they are short-lived or small,
    /// and the defaults are the usual choice for them.
    ///
    /// ## Why is this bad?
    /// The defaults are placeholders, not measurements. Quota arithmetic,
    /// bin packing and preemption all work from these numbers, so a plan
    /// built on them predicts nothing about the real workload.
    ///
    /// ## Example
    /// ```hcl
    /// task "api" {
    ///   driver = "docker"
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```hcl
    /// task "api" {
    ///   driver = "docker"
    ///   resources {
    ///     cpu    = 250
    ///     memory = 512
    ///   }
    /// }
    /// ```
    pub struct DefaultResources {
        code: "NP102",
        name: "default-resources",
        severity: Warning,
        summary: "Task resources left at Nomad's defaults",
        needs: World,
    }
}

impl Rule for DefaultResources {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let Some(job) = ctx.job() else { return };
        for (_, task) in super::tasks(job) {
            // Lifecycle hooks (prestart/poststart/poststop helpers: a wait
            // for a port, a migration, a log shipper) are short-lived or
            // tiny; Nomad's defaults are the usual, harmless choice there.
            if task.lifecycle.is_some() {
                continue;
            }
            let r = &task.resources;
            let missing: Vec<&str> = ["cpu", "memory"]
                .into_iter()
                .filter(|k| !r.spans.written(k))
                .collect();
            // `cores` replaces `cpu`; either one is a deliberate choice.
            let missing: Vec<&str> = missing
                .into_iter()
                .filter(|k| !(*k == "cpu" && r.spans.written("cores")))
                .collect();
            if missing.is_empty() {
                continue;
            }
            let (span, what) = match r.spans.block {
                None => (
                    task.spans.label.or(task.spans.block),
                    "has no resources block".to_string(),
                ),
                Some(b) => (Some(b), format!("does not set {}", missing.join(" or "))),
            };
            out.push(
                ctx.finding(
                    &Self::META,
                    span,
                    "defaults apply here",
                    format!(
                        "task \"{}\" {what}; Nomad's defaults apply ({} MHz cpu, {} MB memory)",
                        task.name, r.cpu, r.memory_mb
                    ),
                )
                .help("write `resources { cpu = ... memory = ... }` with measured values"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;

    #[test]
    fn flags_missing_block_and_missing_memory() {
        let text = r#"job "web" {
  datacenters = ["dc1"]
  group "g" {
    task "a" {
      driver = "exec"
    }
    task "b" {
      driver = "exec"
      resources {
        cpu = 200
      }
    }
    task "c" {
      driver = "exec"
      resources {
        cpu = 200
        memory = 256
      }
    }
  }
}
"#;
        let p = load("web.nomad", text);
        let world = world();
        let mut out = Vec::new();
        DefaultResources.check(&RuleContext::new(&p, &world, None), &mut out);
        assert_eq!(out.len(), 2);
        crate::assert_snap!(
            "rule_np102_default_resources",
            crate::diag::render(&out, false)
        );
    }

    /// `cores` stands in for `cpu`, and for nothing else: a task with
    /// `cores` and no `memory` lacks memory only; one with `memory` and
    /// neither `cpu` nor `cores` lacks cpu.
    #[test]
    fn cores_replaces_cpu_only() {
        let text = r#"job "web" {
  datacenters = ["dc1"]
  group "g" {
    task "cores_only" {
      driver = "exec"
      resources {
        cores = 1
      }
    }
    task "memory_only" {
      driver = "exec"
      resources {
        memory = 256
      }
    }
    task "cores_and_memory" {
      driver = "exec"
      resources {
        cores = 1
        memory = 256
      }
    }
  }
}
"#;
        let p = load("web.nomad", text);
        let world = world();
        let mut out = Vec::new();
        DefaultResources.check(&RuleContext::new(&p, &world, None), &mut out);
        let messages: Vec<&str> = out.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert!(
            messages[0].starts_with("task \"cores_only\" does not set memory;"),
            "{messages:?}"
        );
        assert!(
            messages[1].starts_with("task \"memory_only\" does not set cpu;"),
            "{messages:?}"
        );
    }
}
