use crate::mutators::region_forward;
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

crate::declare_rule! {
    /// ## What it does
    /// Flags a job whose plan Nomad's agent sends to another region than
    /// the world's: the job file writes that region, or writes none and
    /// `NOMAD_REGION` names it (the region Nomad's CLI asks for). From
    /// 0.12 a region of "global" is the agent's own; before, it is a
    /// region of that name (and 0.9.4's agent sends a job without region
    /// there). The servers of that region plan the job on
    /// their own clients, jobs and quotas, which the world does not
    /// describe; a federation without it answers `No path to region`
    /// (`Error during plan: Unexpected response code: 500`).
    ///
    /// ## Why is this bad?
    /// Judging the job on the world's clients would be judging it on a
    /// cluster it never reaches: a check that passed here says nothing
    /// of the plan. So the check says it cannot tell, as `plan` and
    /// `validate` do (exit 255).
    ///
    /// ## Example
    /// ```hcl
    /// job "report" {
    ///   region = "us"      # the world is region "eu"
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Judge the job against a world of its region, or give it the
    /// world's region (and leave `NOMAD_REGION` unset or the same).
    pub struct RegionUnknown {
        code: "NP224",
        name: "region-unknown",
        severity: Error,
        summary: "The job's plan is sent to a region the world does not describe",
        needs: World,
        answer: crate::rules::Answer::CannotTell,
    }
}

impl Rule for RegionUnknown {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let Some(job) = ctx.job() else {
            return;
        };
        let Some(unknown) = region_forward::plan_unknown(ctx.world, job) else {
            return;
        };
        let span = job.spans.get("region").or(job.spans.label);
        out.push(
            ctx.finding(&Self::META, span, "cannot tell", unknown.line(job))
                .help(unknown.hint()),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;

    fn findings(region: &str, world_region: &str) -> Vec<Finding> {
        let text = format!("job \"report\" {{\n  region      = \"{region}\"\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n    task \"a\" {{\n      driver = \"docker\"\n    }}\n  }}\n}}\n");
        let mut world = world();
        world.region = world_region.into();
        let p = load_at("report.nomad", &text, world.nomad_version);
        let mut out = Vec::new();
        RegionUnknown.check(&RuleContext::new(&p, &world, None), &mut out);
        out
    }

    #[test]
    fn another_region_cannot_be_told() {
        let out = findings("us", "global");
        assert_eq!(out.len(), 1);
        assert!(
            out[0].message.contains("asks for region \"us\""),
            "{}",
            out[0].message
        );
    }

    /// Guard: the world's own region, and "global" (the agent's own from
    /// 0.12), are judged as before.
    #[test]
    fn the_world_s_region_is_known() {
        assert!(findings("eu", "eu").is_empty());
        assert!(findings("global", "eu").is_empty());
        assert!(findings("global", "global").is_empty());
    }
}
