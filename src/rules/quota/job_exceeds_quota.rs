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
        let total = job_total(ctx, job);
        let over = exhausted(
            limit,
            ctx.world.nomad_version,
            &QuotaUsage::default(),
            &total.usage,
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
        // A total past i64::MAX is named by its bound and its cause, never
        // printed as the saturated (or, in Go, wrapped) figure.
        let over: Vec<String> = over
            .iter()
            .map(|e| {
                let u = e.unit();
                match total.overflow.iter().find(|o| o.dim == e.dim) {
                    Some(o) if o.per_alloc == i64::MAX => format!(
                        "{} past {} {u}, the largest 64-bit total (the tasks of group \"{}\" ask more than that per allocation) > {} {u}",
                        e.dim, i64::MAX, o.group, e.limit
                    ),
                    Some(o) => format!(
                        "{} past {} {u}, the largest 64-bit total (group \"{}\": {} allocations × {} {u}) > {} {u}",
                        e.dim, i64::MAX, o.group, o.count, o.per_alloc, e.limit
                    ),
                    None => match e.needed {
                        Some(n) => format!("{} {n} {u} > {} {u}", e.dim, e.limit),
                        None => format!("{} past {} {u}, the largest 64-bit total > {} {u}", e.dim, i64::MAX, e.limit),
                    },
                }
            })
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

    #[test]
    fn a_total_past_64_bits_is_named_by_its_bound_not_a_wrapped_figure() {
        let text = "job \"web\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    count = 4000000000000\n    task \"a\" {\n      driver = \"docker\"\n      resources {\n        cpu = 5000000\n        memory = 64\n      }\n    }\n  }\n}\n";
        let world = world();
        let p = load("web.nomad", text);
        let mut out = Vec::new();
        JobExceedsQuota.check(&RuleContext::new(&p, &world, None), &mut out);
        let msg = out.first().map(|f| f.message.clone()).unwrap_or_default();
        assert!(
            msg.contains("cpu past 9223372036854775807 MHz, the largest 64-bit total (group \"g\": 4000000000000 allocations × 5000000 MHz) > "),
            "{msg}"
        );
        // Memory fits (4e12 × 64 MB) and keeps its exact figure.
        assert!(msg.contains("memory 256000000000000 MB > "), "{msg}");
        let labels: Vec<_> = out
            .iter()
            .flat_map(|f| f.labels.iter())
            .filter_map(|l| l.text.clone())
            .collect();
        assert!(
            labels.contains(&"× 4000000000000".to_string()),
            "{labels:?}"
        );
    }
}
