use crate::mutators::multiregion;
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

crate::declare_rule! {
    /// ## What it does
    /// Flags a multiregion job (a `multiregion` block listing regions,
    /// Nomad 0.12+) whose plan depends on what the world does not give:
    /// - the job does not list the world's region, so Nomad's agent sends
    ///   the plan to the first listed region, which the world does not
    ///   describe;
    /// - the world does not say which edition the servers run: from 0.12.4
    ///   the community edition refuses every multiregion job
    ///   (`Multiregion jobs are unlicensed.`) and Nomad Enterprise accepts
    ///   it;
    /// - the servers run Nomad Enterprise, which rewrites the job for its
    ///   region before planning, in code that is not public.
    ///
    /// A world states the edition with `edition = "community"` or
    /// `"enterprise"` in rules/cluster.hcl, or `nomad_version =
    /// "X.Y.Z+ent"`; quotas imply Enterprise. An import reads it from the
    /// servers' build tag.
    ///
    /// ## Why is this bad?
    /// A check that passed here could be refused by the servers: a false
    /// all-clear. So the check says it cannot tell, as `plan` and
    /// `validate` do (exit 255).
    ///
    /// ## Example
    /// ```hcl
    /// job "web" {
    ///   multiregion {          # community or Enterprise servers?
    ///     region "global" {}
    ///   }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// State the edition in rules/cluster.hcl (`edition = "community"`),
    /// and list the world's region in the job.
    pub struct MultiregionUnknown {
        code: "NP213",
        name: "multiregion-unknown",
        severity: Error,
        summary: "A multiregion job's plan depends on what the world does not say",
        needs: World,
        answer: crate::rules::Answer::CannotTell,
    }
}

impl Rule for MultiregionUnknown {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let Some(job) = ctx.job() else {
            return;
        };
        let Some(unknown) = multiregion::plan_unknown(ctx.world, job) else {
            return;
        };
        let span = job
            .multiregion
            .as_ref()
            .and_then(|m| m.spans.block)
            .or(job.spans.label);
        out.push(
            ctx.finding(&Self::META, span, "multiregion job", unknown.line(job))
                .help(unknown.hint()),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;
    use crate::version::{Edition, NomadVersion};

    const JOB: &str = "job \"web\" {\n  datacenters = [\"dc1\"]\n  multiregion {\n    region \"global\" {}\n  }\n  group \"g\" {\n    task \"a\" {\n      driver = \"docker\"\n    }\n  }\n}\n";

    fn findings(edition: Option<Edition>) -> Vec<Finding> {
        let mut world = world();
        world.nomad_version = NomadVersion::new(1, 6, 0);
        world.quotas.clear();
        world.stated_edition = edition;
        let p = load_at("web.nomad", JOB, world.nomad_version);
        let mut out = Vec::new();
        MultiregionUnknown.check(&RuleContext::new(&p, &world, None), &mut out);
        out
    }

    #[test]
    fn says_it_cannot_tell_when_the_world_is_silent() {
        let out = findings(None);
        assert_eq!(out.len(), 1);
        crate::assert_snap!(
            "rule_np213_multiregion_unknown",
            crate::diag::render(&out, false)
        );
    }

    #[test]
    fn a_community_world_is_known() {
        assert!(findings(Some(Edition::Community)).is_empty());
        assert_eq!(findings(Some(Edition::Enterprise)).len(), 1);
    }
}
