use crate::mutators::run_refusal as register;
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

crate::declare_rule! {
    /// ## What it does
    /// Flags a job `nomad job run` refuses although `nomad job plan`
    /// accepts it: a system job with a group `scaling` block (the HTTP
    /// agent's register handler, 0.12.2+), and a job that changes the type,
    /// or whether it is periodic or parameterized, of the job the cluster
    /// runs under its ID (`validateJobUpdate`, which `Job.Register` calls and
    /// `Job.Plan` never does).
    ///
    /// ## Why is this bad?
    /// The plan looks as usual, then the run fails: `Error submitting job:
    /// Unexpected response code: 500 (cannot update job from type "service"
    /// to "batch")`, or `400 (Task groups with job type system do not
    /// support scaling blocks)`.
    ///
    /// ## Example
    /// ```hcl
    /// job "web" {
    ///   type = "batch"   # the running "web" is a service job
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Stop and purge the running job first (`nomad job stop -purge`), or
    /// give the new job another ID; remove `scaling` from a system job.
    pub struct RunRefused {
        code: "NP222",
        name: "run-refused",
        severity: Error,
        summary: "`nomad job run` refuses what the plan accepts (job type change, system scaling)",
        needs: Simulation,
    }
}

impl Rule for RunRefused {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let (Some(job), Some(sim)) = (ctx.job(), ctx.sim) else {
            return;
        };
        let version = ctx.world.nomad_version;
        let Some((error, help)) = register::agent_refusal(job, version).or_else(|| {
            register::update_refusal(sim.state.job(&job.namespace, &job.id).map(|r| &*r.job), job)
        }) else {
            return;
        };
        out.push(
            ctx.finding(
                &Self::META,
                job.spans.label.or(job.spans.block),
                "`nomad job run` is refused",
                register::line(version, &error),
            )
            .help(help),
        );
    }
}
