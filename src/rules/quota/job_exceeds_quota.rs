use super::job_total;
use crate::cluster::usage::QuotaUsage;
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};
use crate::scheduler::quota::{binding_limit, exhausted};

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
        let Some((quota, limit)) = binding_limit(ctx.world, &job.namespace) else {
            return;
        };
        // The scheduler's quota stage, asked for the whole job at once on an
        // otherwise empty quota.
        let total = job_total(ctx.world, job);
        let over = exhausted(
            limit,
            ctx.world.nomad_version,
            &QuotaUsage::default(),
            &total,
        );
        if over.is_empty() {
            return;
        }
        let is_over = |dims: &[&str]| over.iter().any(|e| dims.contains(&e.dim));
        // Point at what adds up: each written ask of an exhausted dimension,
        // and the counts that multiply them.
        let asks = [
            ("cpu", is_over(&["cpu"])),
            ("cores", is_over(&["cores"])),
            ("memory", is_over(&["memory", "memory_max"])),
            ("memory_max", is_over(&["memory_max"])),
        ];
        let mut labels = Vec::new();
        for g in &job.groups {
            if let Some(span) = g.spans.get("count").filter(|_| g.count > 1) {
                labels.push((span, format!("× {}", g.count)));
            }
            for t in &g.tasks {
                let r = &t.resources;
                for (field, wanted) in asks {
                    let Some(span) = r.spans.get(field).filter(|_| wanted) else {
                        continue;
                    };
                    let text = match field {
                        "cpu" => format!("{} MHz", r.cpu),
                        "cores" => format!("{} cores", r.cores),
                        "memory" => format!("{} MB", r.memory_mb),
                        _ => format!("{} MB", r.memory_max_mb),
                    };
                    labels.push((span, text));
                }
            }
        }
        let over: Vec<String> = over
            .iter()
            .map(|e| format!("{} {} {u} > {} {u}", e.dim, e.needed, e.limit, u = e.unit()))
            .collect();
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
        let text = "job \"web\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    count = 2\n    task \"a\" {\n      driver = \"docker\"\n      resources {\n        cpu = 2000\n        memory = 3072\n      }\n    }\n  }\n}\n";
        let world = world();
        let p = load("web.nomad", text);
        let mut out = Vec::new();
        JobExceedsQuota.check(&RuleContext::new(&p, &world, None), &mut out);
        crate::assert_snap!(
            "rule_np301_job_exceeds_quota",
            crate::diag::render(&out, false)
        );

        let p = load("web.nomad", &text.replace("count = 2", "count = 1"));
        let mut out = Vec::new();
        JobExceedsQuota.check(&RuleContext::new(&p, &world, None), &mut out);
        assert!(out.is_empty());
    }
}
