use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

crate::declare_rule! {
    /// ## What it does
    /// Flags a job whose priority lies outside the band the policy allows for
    /// its namespace: in rules/policy.hcl, `namespace "NAMESPACE" { priority
    /// { ... } }` with a `min` and a `max` line in the `priority` block.
    ///
    /// ## Why is this bad?
    /// Priority decides who preempts whom. A team raising its own job above
    /// its band can evict other teams' work; one below it becomes everyone's
    /// preemption victim.
    ///
    /// ## Example
    /// ```hcl
    /// namespace = "default"
    /// priority  = 90   # band for default: 30..=70
    /// ```
    ///
    /// ## Use instead
    /// ```hcl
    /// priority = 70
    /// ```
    pub struct PriorityOutsideBand {
        code: "NP402",
        name: "priority-outside-band",
        severity: Error,
        summary: "Job priority outside its namespace's policy band",
        needs: World,
    }
}

impl Rule for PriorityOutsideBand {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let Some(job) = ctx.job() else { return };
        // The front end gives every job its namespace (`default` when unset).
        let ns = job.namespace.as_str();
        let Some(band) = ctx.world.policy.bands.iter().find(|b| b.namespace == ns) else {
            return;
        };
        if (band.min..=band.max).contains(&job.priority) {
            return;
        }
        let written = if job.spans.written("priority") {
            ""
        } else {
            " (the default)"
        };
        out.push(
            ctx.finding(
                &Self::META,
                job.spans.best("priority"),
                format!("allowed: {}..={}", band.min, band.max),
                format!(
                    "priority {}{written} is outside the band {}..={} the policy allows in namespace \"{ns}\"",
                    job.priority, band.min, band.max
                ),
            )
            .help(format!("set `priority` between {} and {}", band.min, band.max)),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;
    use crate::world::PriorityBand;

    #[test]
    fn flags_priority_outside_band() {
        let text = "job \"web\" {\n  datacenters = [\"dc1\"]\n  priority = 90\n  group \"g\" {\n    count = 1\n    task \"a\" {\n      driver = \"docker\"\n    }\n  }\n}\n";
        let mut world = world();
        world.policy.bands.push(PriorityBand {
            namespace: "default".into(),
            min: 30,
            max: 70,
            ..PriorityBand::default()
        });
        let p = load("web.nomad", text);
        let mut out = Vec::new();
        PriorityOutsideBand.check(&RuleContext::new(&p, &world, None), &mut out);
        crate::assert_snap!(
            "rule_np402_priority_outside_band",
            crate::diag::render(&out, false)
        );

        let p = load("web.nomad", &text.replace("priority = 90", "priority = 70"));
        let mut out = Vec::new();
        PriorityOutsideBand.check(&RuleContext::new(&p, &world, None), &mut out);
        assert!(out.is_empty());
    }
}
