use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

crate::declare_rule! {
    /// ## What it does
    /// Plans the job against the simulated cluster and flags groups that
    /// cannot be placed because the namespace's quota, together with what
    /// already runs in namespaces sharing it, would be exceeded. The message
    /// carries Nomad's own text (`cpu exhausted (3500 needed > 3000 limit)`);
    /// the labels point at the namespace line (the job's label when the
    /// namespace is the implicit `default`), the group's count and the
    /// resource lines of the exhausted dimension.
    ///
    /// ## Why is this bad?
    /// This is the demo's monitoring job: the plan prints
    /// `Quota limit hit "default"` and the evaluation blocks until something
    /// else in the quota stops. Nomad blocks it exactly as it blocks a job
    /// that lacks capacity (scheduler/generic_sched.go v1.7.7:213,235:
    /// `CreateBlockedEval` with `QuotaLimitReached`), so this is an error
    /// as NP207 is: a gate must not pass a job Nomad fails to place. NP207
    /// leaves quota failures to this rule, so each group is reported once.
    ///
    /// ## Example
    /// ```hcl
    /// job "monitoring" {
    ///   # default namespace: quota cpu 3000, 1500 MHz used by what runs
    ///   group "g" {
    ///     task "t" {
    ///       resources {
    ///         cpu = 2000
    ///       }
    ///     }
    ///   }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Free quota first, raise the quota, or run the job in a namespace with room.
    pub struct QuotaExceeded {
        code: "NP304",
        name: "quota-exceeded",
        severity: Error,
        summary: "The job plus what already runs exceeds the quota",
        needs: Simulation,
    }
}

/// The dimension a quota failure names (`cpu exhausted (...)` → `cpu`),
/// which is also the `resources` field that asks for it.
fn dimension(exhausted: &str) -> Option<&str> {
    exhausted
        .split_once(" exhausted")
        .map(|(d, _)| d)
        .filter(|d| matches!(*d, "cpu" | "cores" | "memory" | "memory_max"))
}

impl Rule for QuotaExceeded {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let (Some(job), Some(plan)) = (ctx.job(), ctx.plan()) else {
            return;
        };
        // Go's map order drew part of this plan (a system job's nodes
        // sharing the quota's last room, ...): how often the quota refuses
        // each group over other draws, NP207's samples of another outcome.
        use crate::rules::capacity::unplaceable_group::{self as np207, Refusal};
        let draws = ctx
            .plan_may_vary()
            .then(|| np207::sample_failures(ctx, job, Refusal::Quota))
            .flatten();
        if let Some(tally) = &draws {
            np207::placed_here_failing_elsewhere(
                ctx,
                &Self::META,
                job,
                plan,
                tally,
                Refusal::Quota,
                out,
            );
        }
        // The front end gives every job its namespace (`default` when unset).
        let ns = job.namespace.as_str();
        for (name, metric) in &plan.failed_tg_allocs {
            if metric.quota_exhausted.is_empty() {
                continue;
            }
            let quota = plan
                .quota_limit_reached
                .clone()
                .or_else(|| ctx.world.quota_of(ns).map(|q| q.name.clone()))
                .unwrap_or_default();
            let failed = metric.coalesced_failures + 1;
            let group = job.group(name);
            // The namespace line decides which quota binds; without one the
            // job label stands for the implicit `default`.
            let ns_span = job.spans.get("namespace").or(job.spans.label);
            let ns_label = match job.spans.get("namespace") {
                Some(_) => format!("namespace \"{ns}\" uses quota \"{quota}\""),
                None => format!("namespace \"{ns}\" (no namespace line) uses quota \"{quota}\""),
            };
            let mut f = ctx.finding(
                &Self::META,
                ns_span.or_else(|| group.and_then(|g| g.spans.label)),
                ns_label,
                format!(
                    "Quota limit hit \"{quota}\": {failed} allocation(s) of group \"{name}\" would not be placed ({})",
                    metric.quota_exhausted.join("; ")
                ),
            );
            if let Some(g) = group {
                if let Some(span) = g.spans.get("count").or(g.spans.label) {
                    f = f.label(span, format!("count = {}: {failed} not placed", g.count));
                }
                let dims: Vec<&str> = metric
                    .quota_exhausted
                    .iter()
                    .filter_map(|e| dimension(e))
                    .collect();
                for t in &g.tasks {
                    for d in &dims {
                        if let Some(span) = t.resources.spans.get(d) {
                            f = f.label(span, format!("{d} asked by task \"{}\"", t.name));
                        }
                    }
                }
            }
            let f = f.help(
                "stop something in the quota, raise the quota, or submit to a namespace with room",
            );
            out.push(match &draws {
                Some(tally) => np207::drawn(f, tally, name, &plan.drawn, Refusal::Quota, ctx.world),
                None => f,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dimensions_come_from_nomads_text() {
        assert_eq!(
            dimension("cpu exhausted (3500 needed > 3000 limit)"),
            Some("cpu")
        );
        assert_eq!(
            dimension("memory_max exhausted (1 needed > 0 limit)"),
            Some("memory_max")
        );
        assert_eq!(dimension("disk exhausted"), None);
        assert_eq!(dimension("nonsense"), None);
    }
}
