use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

crate::declare_rule! {
    /// ## What it does
    /// Flags task groups with `count = 0`, in jobs of every type.
    ///
    /// ## Why is this bad?
    /// The group is registered but nothing runs; a plan stops every existing
    /// allocation of it. Usually a leftover from scaling down by hand. A
    /// system or sysbatch group runs `count` allocations on every node
    /// (Nomad names `count` of them per node, none for 0:
    /// scheduler/system_util.go v1.9.7:21-34), so at 0 it runs on none.
    ///
    /// ## Example
    /// ```hcl
    /// group "cache" {
    ///   count = 0
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Remove the group, or stop the job with `nomad job stop`; to keep it
    /// scalable to zero on purpose, suppress this finding with a reason.
    pub struct CountZero {
        code: "NP205",
        name: "count-zero",
        severity: Warning,
        summary: "A task group with count = 0",
        needs: World,
    }
}

impl Rule for CountZero {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let Some(job) = ctx.job() else { return };
        // A system or sysbatch group's count is per node: 0 runs on none.
        let where_ = if job.job_type.is_per_node() {
            " on any node"
        } else {
            ""
        };
        for g in job.groups.iter().filter(|g| g.count == 0) {
            out.push(
                ctx.finding(
                    &Self::META,
                    g.spans.best("count"),
                    "nothing will run",
                    format!(
                        "group \"{}\" has count = 0: no allocation will run{where_}",
                        g.name
                    ),
                )
                .help("remove the group or stop the job; suppress with a reason if scaling to zero is intended"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;

    #[test]
    fn flags_zero_count() {
        let text = "job \"web\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    count = 0\n    task \"a\" {\n      driver = \"docker\"\n    }\n  }\n}\n";
        let p = load("web.nomad", text);
        let world = world();
        let mut out = Vec::new();
        CountZero.check(&RuleContext::new(&p, &world, None), &mut out);
        crate::assert_snap!("rule_np205_count_zero", crate::diag::render(&out, false));
        let p = load("web.nomad", &text.replace("count = 0", "count = 2"));
        let mut out = Vec::new();
        CountZero.check(&RuleContext::new(&p, &world, None), &mut out);
        assert!(out.is_empty());
    }
}
