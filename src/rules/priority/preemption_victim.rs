use crate::diag::Severity;
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

crate::declare_rule! {
    /// ## What it does
    /// Plans the job and lists the allocations its placement would preempt.
    /// A victim in a protected job or namespace (policy `protected`) is an
    /// error; any other victim is a warning.
    ///
    /// ## Why is this bad?
    /// In the demo, scaling `carts` to 3 evicts the monitoring job (priority
    /// 10) without anyone touching the monitoring job: the change's reviewer
    /// should see that before it is submitted.
    ///
    /// ## Example
    /// ```hcl
    /// group "carts" {
    ///   count = 3   # memory is full: monitoring/foundation gets preempted
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Add capacity first, or accept the eviction knowingly (suppress with a reason).
    pub struct PreemptionVictim {
        code: "NP403",
        name: "preemption-victim",
        severity: Warning,
        summary: "Placing the job preempts other allocations",
        needs: Simulation,
    }
}

impl Rule for PreemptionVictim {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let (Some(job), Some(sim)) = (ctx.job(), ctx.sim) else {
            return;
        };
        let plan = sim.plan(job);
        let protected = &ctx.world.policy.protected;
        let mut victims: Vec<(&str, &str, &str, i64, usize)> = Vec::new();
        for a in &plan.preempted_allocs {
            let key = (
                a.namespace.as_str(),
                a.job_id.as_str(),
                a.task_group.as_str(),
            );
            match victims.iter_mut().find(|v| (v.0, v.1, v.2) == key) {
                Some(v) => v.4 += 1,
                None => victims.push((key.0, key.1, key.2, a.job_priority, 1)),
            }
        }
        for (ns, job_id, group, prio, n) in victims {
            let is_protected = protected.namespaces.iter().any(|p| p == ns)
                || protected.jobs.iter().any(|p| p == job_id);
            let mut f = ctx
                .finding(
                    &Self::META,
                    job.spans.get("priority").or(job.spans.label),
                    format!("priority {}", job.priority),
                    format!(
                        "placing job \"{}\" preempts {n} allocation(s) of {ns}/{job_id} group \"{group}\" (priority {prio}){}",
                        job.id,
                        if is_protected { ", which the policy protects" } else { "" }
                    ),
                )
                .help("add capacity or lower this job's footprint; `nomad-preflight plan` lists the preempted allocations");
            if is_protected {
                f = f.with_severity(Severity::Error);
            }
            out.push(f);
        }
    }
}
