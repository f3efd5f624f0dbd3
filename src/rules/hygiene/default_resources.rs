use crate::jobspec::{Task, TaskGroup};
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};
use crate::structs::resources::{phase_sum, TaskAsk};
use crate::version::NomadVersion;

crate::declare_rule! {
    /// ## What it does
    /// Flags tasks that leave `cpu` or `memory` at Nomad's defaults (100 MHz,
    /// 300 MB) by not writing them, or that have no `resources` block at all,
    /// where that default changes what an allocation of the group asks for.
    ///
    /// A default Nomad does not count is harmless and not flagged. Nomad
    /// combines a group's tasks by lifecycle phase
    /// (`AllocatedResources.Comparable`, per release): an ephemeral prestart
    /// or a poststop helper is covered by the larger of the phases, so its
    /// defaults change nothing when the main tasks' written asks are larger;
    /// before 1.9.2 a poststart task is counted nowhere (0.11 and 0.12 skip
    /// poststop too). A prestart sidecar, from 1.9.2 a poststart task, and a
    /// helper whose 300 MB outgrows the main tasks' written asks do raise
    /// the ask, and are flagged like any task (one placeholder never covers
    /// another). `cores` stands in for `cpu`.
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
        let version = ctx.world.nomad_version;
        for g in &job.groups {
            // One list of the group's written asks per group, changed and
            // put back per task: a copy per task made a group of 1,000
            // tasks cost 2,000 copies of 1,000 tasks (8 s in a debug
            // build). The list holds what the sum reads, not the tasks.
            let mut measured = measured_only(g);
            let base = ask(&measured, version);
            // Tasks alike in what the sum reads give the same answer (the
            // rest of the group is then the same too): 1,000 copies of one
            // task are one question, not 1,000 sums of 1,000 tasks.
            let mut asked = std::collections::HashMap::new();
            for (ti, task) in g.tasks.iter().enumerate() {
                let missing: Vec<Dim> = defaulted(task)
                    .filter(|d| {
                        let key = measured.get(ti).map(|m| summed(m, task, *d));
                        if let Some(&known) = key.as_ref().and_then(|k| asked.get(k)) {
                            return known;
                        }
                        let counts = default_counts(&mut measured, base, task, ti, *d, version);
                        asked.extend(key.map(|k| (k, counts)));
                        counts
                    })
                    .collect();
                if !missing.is_empty() {
                    out.push(self.finding(ctx, task, &missing));
                }
            }
        }
    }
}

/// A resource a task may leave to Nomad's default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Dim {
    Cpu,
    Memory,
}

impl Dim {
    fn key(self) -> &'static str {
        match self {
            Dim::Cpu => "cpu",
            Dim::Memory => "memory",
        }
    }

    /// `t`'s figure of this dimension (its default where it wrote none).
    fn value(self, t: &Task) -> i64 {
        match self {
            Dim::Cpu => t.resources.cpu,
            Dim::Memory => t.resources.memory_mb,
        }
    }

    /// The figure of this dimension in what the group's sum reads.
    fn of<'a>(self, a: &'a mut TaskAsk<'_>) -> &'a mut i64 {
        match self {
            Dim::Cpu => &mut a.cpu,
            Dim::Memory => &mut a.memory_mb,
        }
    }
}

/// The dimensions `t` leaves to Nomad's defaults. `cores` replaces `cpu`:
/// either one is a deliberate choice.
fn defaulted(t: &Task) -> impl Iterator<Item = Dim> + '_ {
    let r = &t.resources;
    [Dim::Cpu, Dim::Memory]
        .into_iter()
        .filter(|d| !r.spans.written(d.key()))
        .filter(|d| !(*d == Dim::Cpu && r.spans.written("cores")))
}

/// What `g`'s tasks ask in writing, every default taken out.
/// A placeholder does not vouch for another: a helper is covered by the
/// main tasks' measured asks, never by their defaults.
fn measured_only(g: &TaskGroup) -> Vec<TaskAsk<'_>> {
    g.tasks
        .iter()
        .map(|t| {
            let mut a = TaskAsk::of(t);
            for d in defaulted(t) {
                *d.of(&mut a) = 0;
            }
            a
        })
        .collect()
}

/// Whether `task`'s default for `dim` changes what one allocation asks at
/// `version` (the scheduler's and the quota's own sum, which combines
/// lifecycle phases per release): `measured` (the group's written asks)
/// with task `ti` as written plus that default, against the same without
/// it. Any value up to the default then gives the same ask, so the default
/// is harmless exactly when the two agree.
fn default_counts(
    measured: &mut [TaskAsk<'_>],
    base: Ask,
    task: &Task,
    ti: usize,
    dim: Dim,
    version: NomadVersion,
) -> bool {
    let Some(t) = measured.get_mut(ti) else {
        return false;
    };
    let default = dim.value(task);
    let written = std::mem::replace(dim.of(t), default);
    let with = ask(measured, version);
    // Put the measured value back for the next task's question.
    if let Some(t) = measured.get_mut(ti) {
        *dim.of(t) = written;
    }
    with != base
}

/// Everything of measured task `m` (and of `task`'s default for `dim`)
/// that the group's sum reads ([`TaskAsk`]).
type Summed<'a> = (Dim, i64, TaskAsk<'a>);

fn summed<'a>(m: &TaskAsk<'a>, task: &Task, dim: Dim) -> Summed<'a> {
    (dim, dim.value(task), *m)
}

/// What one allocation of the group asks at `version`: cpu, memory,
/// memory_max.
type Ask = (i64, i64, i64);

fn ask(measured: &[TaskAsk<'_>], version: NomadVersion) -> Ask {
    phase_sum(measured, version)
}

impl DefaultResources {
    fn finding(&self, ctx: &RuleContext<'_>, task: &Task, missing: &[Dim]) -> Finding {
        let r = &task.resources;
        let missing: Vec<&str> = missing.iter().map(|d| d.key()).collect();
        let (span, what) = match r.spans.block {
            None => (
                task.spans.label.or(task.spans.block),
                "has no resources block".to_string(),
            ),
            Some(b) => (Some(b), format!("does not set {}", missing.join(" or "))),
        };
        ctx.finding(
            &Self::META,
            span,
            "defaults apply here",
            format!(
                "task \"{}\" {what}; Nomad's defaults apply ({} MHz cpu, {} MB memory)",
                task.name, r.cpu, r.memory_mb
            ),
        )
        .help("write `resources { cpu = ... memory = ... }` with measured values")
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

    /// Findings' task names for `text` judged as Nomad `version`.
    fn flagged(text: &str, version: NomadVersion) -> Vec<String> {
        let p = load("web.nomad", text);
        let mut world = world();
        world.nomad_version = version;
        let mut out = Vec::new();
        DefaultResources.check(&RuleContext::new(&p, &world, None), &mut out);
        out.iter()
            .map(|f| f.message.split(';').next().unwrap_or_default().to_string())
            .collect()
    }

    /// A group of one helper task (`hook`, `sidecar`, the helper's own
    /// `resources` body) beside a main task asking `cpu` MHz / `mem` MB.
    fn group(name: &str, hook: &str, sidecar: bool, own: &str, cpu: i64, mem: i64) -> String {
        let own = if own.is_empty() {
            String::new()
        } else {
            format!("      resources {{ {own} }}\n")
        };
        // 0 / 0: the main task writes no resources block either.
        let main = if (cpu, mem) == (0, 0) {
            String::new()
        } else {
            format!("      resources {{\n        cpu = {cpu}\n        memory = {mem}\n      }}\n")
        };
        format!(
            "  group \"{name}\" {{\n    task \"h-{name}\" {{\n      driver = \"exec\"\n      lifecycle {{\n        hook = \"{hook}\"\n        sidecar = {sidecar}\n      }}\n{own}    }}\n    task \"app\" {{\n      driver = \"exec\"\n{main}    }}\n  }}\n"
        )
    }

    /// One group per case: helpers with no resources block unless said.
    fn hooks() -> String {
        [
            group("wait", "prestart", false, "", 500, 512),
            group("cleanup", "poststop", false, "", 500, 512),
            group("raised", "prestart", false, "cpu = 50", 500, 128),
            group("logs", "prestart", true, "", 500, 512),
            group("notify", "poststart", false, "", 500, 512),
            group("small", "poststop", false, "", 50, 64),
            group("unmeasured", "prestart", false, "", 0, 0),
        ]
        .into_iter()
        .fold(
            "job \"web\" {\n  datacenters = [\"dc1\"]\n".to_string(),
            |job, g| job + &g,
        ) + "}\n"
    }

    /// A helper is flagged exactly where its default changes the group's
    /// ask, as each release combines lifecycle phases: covered ephemeral
    /// helpers never; a helper whose 300 MB outgrows a 128 MB main task and
    /// a prestart sidecar always; a poststart task from 1.9.2 (before, Nomad
    /// counted it nowhere); a poststop task larger than main from 1.0 (0.11
    /// and 0.12 skip poststop).
    #[test]
    fn helpers_are_flagged_where_their_defaults_change_the_ask() {
        let v = NomadVersion::new;
        let flagged = |v| flagged(&hooks(), v);
        let raised = "task \"h-raised\" does not set memory";
        let sidecar = "task \"h-logs\" has no resources block";
        let notify = "task \"h-notify\" has no resources block";
        let small = "task \"h-small\" has no resources block";
        // A main task's default never covers a helper's, nor the reverse.
        let unmeasured = [
            "task \"h-unmeasured\" has no resources block",
            "task \"app\" has no resources block",
        ];
        let all = |found: &[&'static str]| [found, &unmeasured[..]].concat();
        assert_eq!(flagged(v(0, 12, 0)), all(&[raised, sidecar]));
        assert_eq!(flagged(v(1, 9, 1)), all(&[raised, sidecar, small]));
        assert_eq!(flagged(v(1, 9, 2)), all(&[raised, sidecar, notify, small]));
        assert_eq!(
            flagged(NomadVersion::CURRENT),
            all(&[raised, sidecar, notify, small])
        );
    }

    /// Only the dimension that counts is named: a helper whose cpu the main
    /// task covers but whose memory does not lacks memory only.
    #[test]
    fn only_the_counted_default_is_named() {
        let job = |g: String| format!("job \"web\" {{\n  datacenters = [\"dc1\"]\n{g}}}\n");
        let text = job(group("g", "prestart", false, "disk = 10", 500, 128));
        assert_eq!(
            flagged(&text, NomadVersion::CURRENT),
            ["task \"h-g\" does not set memory"]
        );
        // Main tasks are always flagged, helpers or not around them: the
        // same task without its lifecycle block.
        let main_only = text.replace(
            "lifecycle {\n        hook = \"prestart\"\n        sidecar = false\n      }\n",
            "",
        );
        assert_ne!(main_only, text);
        assert_eq!(
            flagged(&main_only, NomadVersion::CURRENT),
            ["task \"h-g\" does not set cpu or memory"]
        );
    }
}
