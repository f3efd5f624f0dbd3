use crate::rules::{Finding, Rule, RuleContext, RuleMeta};
use crate::scheduler::cores::{cores_unknown, CoresUnknown};

crate::declare_rule! {
    /// ## What it does
    /// Flags a job whose placement depends on reserved cores (Nomad 1.1+):
    /// a task asking `resources { cores = N }`, or, in a hand-written
    /// world, running jobs that reserve cores beside which the job would
    /// be placed.
    ///
    /// ## Why is this bad?
    /// Nomad places a task asking cores only where that many of the
    /// client's usable cores are free (else `Dimension "cores" exhausted`)
    /// and charges the cores' MHz as the task's cpu. A world states its
    /// clients' cpu MHz, not their cores, the cores they reserve or their
    /// speeds, so nomad-preflight cannot tell whether the job fits, nor
    /// what cpu a running job's cores hold: `plan` says so (exit 255), and
    /// this rule is the same verdict from the same check.
    ///
    /// ## Example
    /// ```hcl
    /// task "db" {
    ///   resources {
    ///     cores  = 4
    ///     memory = 4096
    ///   }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Judge the job on the cluster (`nomad job plan`); with an import,
    /// the running allocations hold the cpu Nomad stored for their cores.
    pub struct CoresUnknownRule {
        code: "NP218",
        name: "cores-unknown",
        severity: Error,
        summary: "A placement depends on reserved cores the world does not state",
        needs: World,
        answer: crate::rules::Answer::CannotTell,
    }
}

impl Rule for CoresUnknownRule {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let Some(job) = ctx.job() else { return };
        let Some(unknown) = cores_unknown(ctx.world, job) else {
            return;
        };
        // Point at each `cores` line the job writes; else at the job.
        let spans: Vec<_> = job
            .groups
            .iter()
            .flat_map(|g| &g.tasks)
            .filter(|t| t.resources.cores > 0)
            .filter_map(|t| t.resources.spans.get("cores"))
            .collect();
        let (span, label) = match spans.first() {
            Some(s) if !unknown.asks.is_empty() => (Some(*s), "reserves cores"),
            _ => (job.spans.label, "placed beside jobs that reserve cores"),
        };
        let mut finding = ctx
            .finding(&Self::META, span, label, unknown.line(job))
            .help(CoresUnknown::HINT);
        if !unknown.asks.is_empty() {
            for s in spans.iter().skip(1) {
                finding = finding.label(*s, "also reserves cores");
            }
        }
        out.push(finding);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;
    use crate::version::NomadVersion;

    #[test]
    fn a_task_asking_cores_cannot_be_told_from_1_1() {
        let text = "job \"web\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    task \"a\" {\n      driver = \"docker\"\n      resources {\n        cores = 2\n      }\n    }\n  }\n}\n";
        let mut world = world();
        world.running.clear();
        world.nomad_version = NomadVersion::new(1, 6, 0);
        let p = load_at("web.nomad", text, world.nomad_version);
        let mut out = Vec::new();
        CoresUnknownRule.check(&RuleContext::new(&p, &world, None), &mut out);
        assert_eq!(out.len(), 1);
        assert!(
            out[0].message.contains("it reserves cores (2 cores"),
            "{}",
            out[0].message
        );
        let p = load_at(
            "web.nomad",
            &text.replace("cores = 2", "cpu = 200"),
            world.nomad_version,
        );
        let mut out = Vec::new();
        CoresUnknownRule.check(&RuleContext::new(&p, &world, None), &mut out);
        assert!(out.is_empty());
    }
}
