use crate::rules::{Finding, Rule, RuleContext, RuleMeta};
use crate::scheduler::quota::{binding_limit, usage_after_plan};

crate::declare_rule! {
    /// ## What it does
    /// Plans the job and flags when the namespace's quota would be used above
    /// the policy's `quota_near_threshold` (default 90 %) once it is placed,
    /// in a dimension (cpu, memory) the job adds to.
    ///
    /// ## Why is this bad?
    /// The next scale-up or deployment canary of anything in the quota will
    /// block; better to know while the change is reviewed.
    ///
    /// ## Example
    /// ```hcl
    /// group "carts" {
    ///   count = 3   # quota memory 9500 MB, 8900 MB used after this
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Right-size the resources or raise the quota before it bites.
    pub struct QuotaNearLimit {
        code: "NP305",
        name: "quota-near-limit",
        severity: Advice,
        summary: "The quota would be nearly exhausted after this job",
        needs: Simulation,
    }
}

impl Rule for QuotaNearLimit {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let (Some(job), Some(sim)) = (ctx.job(), ctx.sim) else {
            return;
        };
        let Some((quota, limit)) = binding_limit(ctx.world, &job.namespace) else {
            return;
        };
        let Some(plan) = ctx.plan() else { return };
        if plan.quota_limit_reached.is_some() {
            return; // NP304 reports it
        }
        // A total past i64 is not "near" a limit: the quota stage (NP304)
        // and NP301 say it with its bound.
        let (Ok(usage), Ok(after)) = (
            sim.quota_usage(quota, &ctx.world.region),
            usage_after_plan(sim, plan, quota),
        ) else {
            return;
        };
        let (cpu, memory) = (after.cpu, after.memory);
        let threshold = ctx.world.policy.quota_near_threshold;
        let share = |used: i64, lim: Option<i64>| match lim {
            Some(l) if l > 0 => Some(used as f64 / l as f64),
            _ => None,
        };
        // Only a dimension this job adds to: a quota that is already full is
        // not news on every file that leaves it alone.
        let near: Vec<String> = [
            ("cpu", cpu, usage.cpu, limit.cpu, "MHz"),
            ("memory", memory, usage.memory, limit.memory, "MB"),
        ]
        .into_iter()
        .filter_map(|(dim, used, before, lim, unit)| {
            let s = share(used, lim)?;
            (used > before && s >= threshold && s <= 1.0).then(|| {
                format!(
                    "{dim} {used} of {} {unit} ({:.0} %)",
                    lim.unwrap_or(0),
                    s * 100.0
                )
            })
        })
        .collect();
        if near.is_empty() {
            return;
        }
        out.push(
            ctx.finding(
                &Self::META,
                job.spans.get("namespace").or(job.spans.label),
                "quota nearly used up",
                format!("after this job, quota \"{quota}\" would be at {}", near.join(", ")),
            )
            .help("the next scale-up in this quota will block; right-size resources or raise the quota"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;

    /// The three small clients, quota `default` (3000 MHz, 9500 MB) on
    /// namespace `default`, `running` registered, then NP305 on `job`.
    fn findings(running: &[String], job: &str, cpu_limit: Option<i64>) -> Vec<Finding> {
        let mut world = small_world(false);
        if let Some(ns) = world.namespaces.get_mut("default") {
            ns.quota = Some("default".into());
        }
        if let Some(q) = world.quotas.get_mut("default") {
            q.limits[0].region_limit.cpu = cpu_limit;
        }
        let sim = simulate_running(&world, running);
        let parsed = load("web.nomad", job);
        let mut out = Vec::new();
        QuotaNearLimit.check(&RuleContext::new(&parsed, &world, Some(&sim)), &mut out);
        out
    }

    fn web(cpu: i64) -> String {
        filler("web", 50, 100).replace("cpu    = 100", &format!("cpu    = {cpu}"))
    }

    #[test]
    fn reports_from_the_threshold_up_to_the_limit_itself() {
        let at = |cpu| findings(&[], &web(cpu), Some(3000));
        let out = at(900);
        assert_eq!(out.len(), 1, "3 x 900 = 2700 MHz is 90 %, the threshold");
        assert_eq!(
            out[0].message,
            "after this job, quota \"default\" would be at cpu 2700 of 3000 MHz (90 %)"
        );
        let out = at(1000);
        assert_eq!(out.len(), 1, "exactly the limit still places");
        assert!(
            out[0].message.ends_with("cpu 3000 of 3000 MHz (100 %)"),
            "{}",
            out[0].message
        );
        assert!(at(890).is_empty(), "2670 MHz is 89 %");
    }

    #[test]
    fn silent_without_a_limit_or_when_the_job_adds_nothing() {
        // A limit of 0 is no limit (Nomad's quota docs: 0 means unlimited).
        assert!(findings(&[], &web(1000), Some(0)).is_empty());
        assert!(findings(&[], &web(1000), None).is_empty());
        // Already running at 90 %, planned again unchanged: nothing added.
        assert!(findings(&[web(900)], &web(900), Some(3000)).is_empty());
        // Scaled from 90 % to 100 %: it adds, so it is reported.
        assert_eq!(findings(&[web(900)], &web(1000), Some(3000)).len(), 1);
    }
}
