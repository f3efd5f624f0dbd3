use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

crate::declare_rule! {
    /// ## What it does
    /// Flags a job whose plan Nomad's scheduler fails: `Job.Plan` returns
    /// the scheduler's error instead of a plan (`sched.Process`,
    /// nomad/job_endpoint.go). Two causes are simulated:
    /// - from 1.10.0 and before 2.0.4 (ent 1.10.14, 1.11.8): a `sticky`
    ///   volume on a static host volume. The scheduler places it and submitting the plan
    ///   fails on its volume claim, whose volume ID is empty: `Task group
    ///   volume claim insert failed: object missing primary index`
    ///   (nomad/state/state_store_task_group_volume_claims.go). From 2.0.4
    ///   the node is filtered instead (NP207);
    /// - 0.9.0 to 0.10.3: a system job whose changed allocation sits on a
    ///   node that is no candidate: `could not find node "ID"`.
    ///
    /// ## Why is this bad?
    /// `nomad job plan` prints `Error during plan: Unexpected response
    /// code: 500 (...)` and exits 255; `nomad job run` registers the job
    /// and its evaluation fails (the worker nacks it until the delivery
    /// limit): nothing is placed.
    ///
    /// ## Example
    /// ```hcl
    /// volume "data" {
    ///   type   = "host"
    ///   source = "data"   # a client's `host_volume "data"` block: static
    ///   sticky = true     # only for dynamic host volumes
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Drop `sticky` for a static host volume (the client's `host_volume`
    /// already pins the data to that node), or create a dynamic host volume
    /// (`nomad volume create`) and ask for it.
    pub struct PlanFails {
        code: "NP228",
        name: "plan-fails",
        severity: Error,
        summary: "Nomad's scheduler fails the plan: `nomad job plan` prints its error",
        needs: Simulation,
    }
}

impl Rule for PlanFails {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let (Some(job), Some(sim), Some(plan)) = (ctx.job(), ctx.sim, ctx.plan()) else {
            return;
        };
        let Some(error) = plan.error.as_deref() else {
            return;
        };
        let v = sim.world.nomad_version;
        let said = crate::planner::admission::scheduler_failed(error.to_string(), v)
            .refused_error()
            .unwrap_or_else(|| error.to_string());
        let (span, label, help) = if error == crate::scheduler::host_volumes::CLAIM_INSERT_FAILED {
            // The first sticky request is the one to look at: every
            // sticky request of the job is the same mistake.
            let sticky = job
                .groups
                .iter()
                .flat_map(|g| &g.volumes)
                .find(|v| v.sticky);
            (
                sticky.and_then(|v| v.spans.best("sticky")),
                "sticky on a static host volume",
                "`sticky` is for dynamic host volumes: drop it for a client's `host_volume`, or ask for a dynamic host volume (`nomad volume create`)",
            )
        } else {
            (
                job.spans.label.or(job.spans.block),
                "the scheduler fails",
                "the servers' scheduler returns this error instead of a plan; `nomad job run` fails its evaluation",
            )
        };
        out.push(
            ctx.finding(
                &Self::META,
                span.or(job.spans.label),
                label,
                format!("`nomad job plan` fails: Error during plan: {said}"),
            )
            .help(help),
        );
    }
}
