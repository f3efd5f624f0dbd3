use super::{binding_limit, exceeds, job_total};
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

crate::declare_rule! {
    /// ## What it does
    /// Adds up what the job holds once fully placed (count × per-allocation
    /// cpu and memory of every group) and compares it with the quota attached
    /// to the job's namespace in the world's region, ignoring what else runs.
    ///
    /// ## Why is this bad?
    /// The job can never be fully placed in this namespace: Nomad places what
    /// fits and leaves the rest blocked with "Quota limit hit".
    ///
    /// ## Example
    /// ```hcl
    /// group "foundation" {
    ///   count = 2
    ///   task "fluentd" {
    ///     resources { cpu = 2000 }   # quota cpu = 3000
    ///   }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Lower the count or the resources, raise the quota, or run the job in
    /// a namespace whose quota has room.
    pub struct JobExceedsQuota {
        code: "NP301",
        name: "job-exceeds-quota",
        severity: Error,
        summary: "The job alone exceeds its namespace's quota",
        needs: World,
    }
}

impl Rule for JobExceedsQuota {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let Some(job) = ctx.job() else { return };
        let Some((quota, limit)) = binding_limit(ctx.world, job) else {
            return;
        };
        let (cpu, memory) = job_total(ctx.world, job);
        let mut over = Vec::new();
        if exceeds(limit.cpu, cpu) {
            over.push(format!("cpu {cpu} MHz > {} MHz", limit.cpu.unwrap_or(0)));
        }
        if exceeds(limit.memory, memory) {
            over.push(format!(
                "memory {memory} MB > {} MB",
                limit.memory.unwrap_or(0)
            ));
        }
        if over.is_empty() {
            return;
        }
        // Point at what adds up: each written memory/cpu ask that is over,
        // and the counts that multiply them.
        let (cpu_over, mem_over) = (exceeds(limit.cpu, cpu), exceeds(limit.memory, memory));
        let mut labels = Vec::new();
        for g in &job.groups {
            if let Some(span) = g.spans.get("count").filter(|_| g.count > 1) {
                labels.push((span, format!("× {}", g.count)));
            }
            for t in &g.tasks {
                let r = &t.resources;
                if let Some(span) = r.spans.get("memory").filter(|_| mem_over) {
                    labels.push((span, format!("{} MB", r.memory_mb)));
                }
                if let Some(span) = r.spans.get("cpu").filter(|_| cpu_over) {
                    labels.push((span, format!("{} MHz", r.cpu)));
                }
            }
        }
        let mut finding = ctx
            .finding(
                &Self::META,
                job.spans.get("namespace").or(job.spans.label),
                format!("namespace \"{}\", quota \"{quota}\"", job.namespace),
                format!(
                    "job \"{}\" alone exceeds quota \"{quota}\" in region \"{}\": {}",
                    job.id,
                    ctx.world.region,
                    over.join(", ")
                ),
            )
            .help("lower counts or resources, raise the quota, or use a namespace with room");
        for (span, text) in labels {
            finding = finding.label(span, text);
        }
        out.push(finding);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;

    #[test]
    fn flags_a_job_bigger_than_the_quota() {
        let text = "job \"web\" {\n  group \"g\" {\n    count = 2\n    task \"a\" {\n      driver = \"docker\"\n      resources {\n        cpu = 2000\n        memory = 3072\n      }\n    }\n  }\n}\n";
        let world = world();
        let p = parsed(
            "web.nomad",
            text,
            Some(job(text, 2, vec![task(text, 0, "docker", 2000, 3072)])),
        );
        let mut out = Vec::new();
        JobExceedsQuota.check(&RuleContext::new(&p, &world, None), &mut out);
        crate::assert_snap!(
            "rule_np301_job_exceeds_quota",
            crate::diag::render(&out, false)
        );

        let p = parsed(
            "web.nomad",
            text,
            Some(job(text, 1, vec![task(text, 0, "docker", 2000, 3072)])),
        );
        let mut out = Vec::new();
        JobExceedsQuota.check(&RuleContext::new(&p, &world, None), &mut out);
        assert!(out.is_empty());
    }

    #[test]
    fn limits_follow_nomad() {
        assert!(!exceeds(None, 10));
        assert!(!exceeds(Some(0), 10));
        assert!(exceeds(Some(-1), 1));
        assert!(!exceeds(Some(-1), 0));
        assert!(exceeds(Some(5), 6));
        assert!(!exceeds(Some(5), 5));
    }
}
