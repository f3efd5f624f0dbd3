use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

crate::declare_rule! {
    /// ## What it does
    /// Flags a `regexp` constraint or affinity whose pattern may pass Go's
    /// regexp size limits (Go 1.18.7 and 1.19.2+: `expression too large`,
    /// `regexp/syntax: internal error` before Go 1.20). `Job.Validate`
    /// compiles every `regexp` value (`Constraint.Validate`,
    /// `Affinity.Validate`), and whether Go measures a pattern's size
    /// depends on its parser's allocations, which nomad-preflight bounds
    /// but does not reproduce.
    ///
    /// ## Why is this bad?
    /// The servers may refuse the job, or accept it: saying either would
    /// be a guess. So `check` says it cannot tell, as `plan` and
    /// `validate` do (exit 255).
    ///
    /// ## Example
    /// ```hcl
    /// constraint {
    ///   attribute = "${meta.rack}"
    ///   # 1000 four-letter alternatives where `...` stands, repeated 1000
    ///   # times (Go refuses repetitions nested past 1000 outright)
    ///   regexp    = "(?:abcd|efgh|...){1000}"
    /// }
    /// ```
    ///
    /// ## Use instead
    /// A shorter pattern: fewer or smaller counted repetitions, or a
    /// `set_contains_any` of the values.
    pub struct RegexpUnknown {
        code: "NP215",
        name: "regexp-unknown",
        severity: Error,
        summary: "A regexp value Go's size limits may refuse at validation",
        needs: World,
        answer: crate::rules::Answer::CannotTell,
    }
}

impl Rule for RegexpUnknown {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let Some(job) = ctx.job() else {
            return;
        };
        let Some(unknown) = crate::jobspec::regexp_unknown(job, ctx.world.nomad_version) else {
            return;
        };
        let span = unknown
            .spans
            .get("value")
            .or(unknown.spans.get("regexp"))
            .or(unknown.spans.block)
            .or(job.spans.label);
        out.push(
            ctx.finding(&Self::META, span, "cannot tell", unknown.line(job))
                .help(crate::jobspec::RegexpUnknown::HINT),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;
    use crate::version::NomadVersion;

    fn job(pattern: &str) -> String {
        format!("job \"web\" {{\n  datacenters = [\"dc1\"]\n  constraint {{\n    attribute = \"${{meta.rack}}\"\n    operator  = \"regexp\"\n    value     = \"{pattern}\"\n  }}\n  group \"g\" {{\n    task \"a\" {{\n      driver = \"docker\"\n    }}\n  }}\n}}\n")
    }

    fn findings(pattern: &str, version: NomadVersion) -> Vec<Finding> {
        let mut world = world();
        world.nomad_version = version;
        world.quotas.clear();
        let p = load_at("web.nomad", &job(pattern), version);
        let mut out = Vec::new();
        RegexpUnknown.check(&RuleContext::new(&p, &world, None), &mut out);
        out
    }

    #[test]
    fn a_pattern_past_the_bound_cannot_be_told() {
        // size.rs: 1000 copies of a 1000-way alternation.
        let body = format!("(?:{})", vec!["abcd"; 1000].join("|"));
        let big = format!("{body}{{1000}}");
        let out = findings(&big, NomadVersion::new(2, 0, 5));
        assert_eq!(out.len(), 1);
        assert!(
            out[0].message.contains("expression too large"),
            "{}",
            out[0].message
        );
        // Nomad 1.3.6 (Go 1.19.1) had no size limit.
        assert!(findings(&big, NomadVersion::new(1, 3, 6)).is_empty());
        assert!(findings("^r[0-9]+$", NomadVersion::new(2, 0, 5)).is_empty());
    }
}
