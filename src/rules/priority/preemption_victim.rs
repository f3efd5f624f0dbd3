use super::{tally_of, victims, Victim, SAMPLES};
use crate::diag::Severity;
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

crate::declare_rule! {
    /// ## What it does
    /// For a planned change (a job file whose job differs from the version
    /// that runs, or a new job), plans it against the cluster the world
    /// runs and names every task group of another job its placement would
    /// preempt. Which
    /// allocations Nomad evicts depends on its node shuffle, so the world is
    /// replayed under 100 other shuffles and the message says how often
    /// the eviction happens. A written world's running jobs are placed by
    /// the simulation, so each replay places them again too (their own
    /// shuffles and Go's map orders): the message then says so, as `plan
    /// --samples` does, since the share is over the cluster's history, not
    /// given where its allocations run now (an import's are read as they
    /// are). The finding points at the count or resource
    /// lines that grew. A victim in a protected job or namespace (policy
    /// `protected`) is an error; any other victim is a warning.
    ///
    /// Files named on the command line (`check a.nomad b.nomad`) are each
    /// planned alone against that cluster, as `nomad job plan` of each
    /// would be. A change set (`--staged`, `--base`) is planned in
    /// submission order: each file against the cluster as it will be once
    /// the change's earlier files are submitted and its deleted jobs
    /// stopped.
    ///
    /// ## Why is this bad?
    /// In the demo, scaling `carts` to 3 evicts the monitoring job (priority
    /// 10) without anyone touching the monitoring job: the change's reviewer
    /// should see that before it is submitted.
    ///
    /// ## Example
    /// ```hcl
    /// group "carts" {
    ///   count = 3   # memory is full: monitoring/foundation gets preempted
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Add capacity first, or accept the eviction knowingly (suppress with a reason).
    pub struct PreemptionVictim {
        code: "NP403",
        name: "preemption-victim",
        severity: Warning,
        summary: "Placing the job preempts other allocations",
        needs: Simulation,
    }
}

impl Rule for PreemptionVictim {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let (Some(job), Some(sim), Some(plan)) = (ctx.job(), ctx.sim, ctx.plan()) else {
            return;
        };
        let first = victims(plan);
        // Which allocations are preempted depends on the node shuffle: sample
        // when this shuffle preempts or another could.
        // Another history (a written world's placements, a change set's
        // earlier files) may hold a victim this one evicted or never placed
        // (victim_history.rs).
        let tally = if !first.is_empty()
            || super::victim_history::possible_in_some_history(ctx, sim, job)
        {
            // The file's one sampling run, NP207's and NP304's too.
            match ctx.sampled() {
                Some(Ok(samples)) => tally_of(samples, |s| s.victims.clone()),
                // The check cannot vouch for this file: fail it the way a
                // crashed rule fails (exit 2, naming the file). resume_unwind
                // skips the panic hook, so nothing is printed twice.
                Some(Err(e)) => std::panic::resume_unwind(Box::new(format!("NP403: {e}"))),
                None => return,
            }
        } else {
            return;
        };
        let mut all: Vec<Victim> = first.clone();
        for (v, _, _) in tally.entries() {
            if !all.contains(&v) {
                all.push(v);
            }
        }
        if all.is_empty() {
            return;
        }
        let running = sim.state.job(&job.namespace, &job.id).map(|r| &*r.job);
        let grown = super::grown_spans(job, running);
        let protected = &ctx.world.policy.protected;
        for v in all {
            let is_protected = protected.covers(&v.namespace, &v.job_id);
            let how_often = super::how_often_in(tally.count(&v), tally.samples(), ctx.world);
            let message = format!(
                "submitting job \"{}\" preempts {}/{} (namespace \"{}\", priority {}) {how_often}{}",
                job.id,
                v.job_id,
                v.group,
                v.namespace,
                crate::structs::priority_text(v.priority),
                if is_protected { "; the policy protects it" } else { "" }
            );
            let label = format!("evicts {}/{}", v.job_id, v.group);
            let mut f = match grown.split_first() {
                Some(((span, what), rest)) => {
                    let mut f = ctx.finding(
                        &Self::META,
                        Some(*span),
                        format!("{what}: {label}"),
                        message,
                    );
                    for (s, w) in rest {
                        f = f.label(*s, w.clone());
                    }
                    f
                }
                None => ctx.finding(
                    &Self::META,
                    job.spans.get("priority").or(job.spans.label),
                    label,
                    message,
                ),
            };
            f = f.help(format!(
                "add capacity or lower this job's footprint; `nomad-preflight plan --samples {SAMPLES}` shows how often each outcome happens"
            ));
            if is_protected {
                f = f.with_severity(Severity::Error);
            }
            out.push(f);
        }
    }
}
