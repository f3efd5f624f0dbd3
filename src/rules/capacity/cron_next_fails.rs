use crate::periodic::NoLaunch;
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

crate::declare_rule! {
    /// ## What it does
    /// Flags an enabled periodic job whose cron spec parses but whose next
    /// launch the release's cronexpr cannot compute: a descending range
    /// (`30-10`, `12-1`) leaves the field's list empty, and Go's `Next`
    /// indexes it and panics. `Job.Validate` only parses the spec, so the
    /// job passes validation; `Job.Plan` computes the next launch last and
    /// `structs.CronParseNext` turns the panic into the plan's error
    /// (nomad/job_endpoint.go, 0.9.0 to 2.0.5).
    ///
    /// ## Why is this bad?
    /// `nomad job plan` prints `Error during plan: Unexpected response
    /// code: 500 (Failed to parse cron expression: ...)` and exits 255, as
    /// `plan` does; the periodic launcher computes the same `Next`, so the
    /// job would never be launched on time.
    ///
    /// ## Example
    /// ```hcl
    /// periodic {
    ///   crons = ["30-10 5 * * *"]   # minutes 30 to 10: none
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Write the range ascending, or as two (`30-59,0-10`).
    pub struct CronNextFails {
        code: "NP226",
        name: "cron-next-fails",
        severity: Error,
        summary: "A cron spec whose next launch Nomad's cronexpr cannot compute: the plan fails",
        needs: World,
    }
}

impl Rule for CronNextFails {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let Some(job) = ctx.job() else {
            return;
        };
        let Some(p) = job.periodic.as_ref() else {
            return;
        };
        // A panic needs an empty list, not an instant: the clock is as
        // good as any "now" (`plan` counts from `--now` or the clock).
        let now = jiff::Timestamp::now().as_second();
        let v = ctx.world.nomad_version;
        let Err(NoLaunch::PlanFails(error)) = crate::periodic::next_launch(job, now, v) else {
            return;
        };
        let span = ["cron", "crons"]
            .iter()
            .find_map(|f| p.spans.get(f))
            .or(p.spans.block)
            .or(job.spans.label);
        out.push(
            ctx.finding(
                &Self::META,
                span,
                "its next launch panics",
                format!("`nomad job plan` fails: {error}"),
            )
            .help("a descending range leaves the field empty: write it ascending, or as two ranges (`30-59,0-10`)"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;

    fn findings(spec: &str) -> Vec<Finding> {
        let text = format!("job \"nightly\" {{\n  datacenters = [\"dc1\"]\n  type = \"batch\"\n  periodic {{\n    crons = [\"{spec}\"]\n  }}\n  group \"g\" {{\n    task \"a\" {{\n      driver = \"docker\"\n    }}\n  }}\n}}\n");
        let world = world();
        let p = load("nightly.nomad", &text);
        let mut out = Vec::new();
        CronNextFails.check(&RuleContext::new(&p, &world, None), &mut out);
        out
    }

    #[test]
    fn a_descending_range_fails_the_plan() {
        let out = findings("30-10 5 * * *");
        assert_eq!(out.len(), 1);
        assert!(
            out[0].message.contains("Failed to parse cron expression"),
            "{}",
            out[0].message
        );
        assert!(findings("30 5 * * *").is_empty());
    }
}
