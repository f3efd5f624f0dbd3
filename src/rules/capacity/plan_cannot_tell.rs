use crate::planner::CannotKnow;
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

crate::declare_rule! {
    /// ## What it does
    /// Flags a job whose plan `nomad-preflight plan` answers with "cannot
    /// tell" (exit 255) for a cause no other rule reports: a system
    /// group's canaries (Nomad 1.11+) on a destructive update, preemption
    /// of service or batch allocations before 0.12 under servers of an
    /// edition the world does not state, a group count past what the
    /// simulation holds, a periodic job whose next launch the
    /// release's cronexpr never finishes computing (its Plan RPC never
    /// answers; counted from the clock), or a plan whose scheduling
    /// panics the server of an old release (scheduler/server_crash.rs:
    /// hashicorp/nomad#6787, #11342, #5793, #11565), or that 1.11+'s
    /// scheduler panics on or not as Go's map order falls (a list in a
    /// secret's config beside a key that differs). It asks the planner's own question
    /// (`planner::CannotKnow::of_plan`), after the scheduler's run, so it
    /// also reports any other cause of "cannot tell" whose own rule (NP211,
    /// NP213, NP215 to NP218, NP220, NP223, NP224, NP307, NP308) does not
    /// see it for the job. Beside it (or the cause's own rule), every
    /// finding a rule reads from the simulation (NP207's unplaced
    /// allocations, NP403's preemptions, ...) is marked "cannot tell" too:
    /// it is the plan `plan` refuses to state.
    ///
    /// ## Why is this bad?
    /// The plan rests on what nomad-preflight cannot know or does not
    /// simulate: from 1.11 a canarying system update places canaries
    /// first (scheduler/scheduler_system.go `isCanarying`); before 0.12
    /// only Nomad Enterprise preempts for service and batch jobs; Nomad
    /// takes any 64-bit count. A clean `check` would be a guess where
    /// `plan` says it cannot tell: this rule is the same verdict from the
    /// same check.
    ///
    /// ## Example
    /// ```hcl
    /// # rules/cluster.hcl: nomad_version = "2.0.5", the job registered
    /// job "agent" {
    ///   type = "system"
    ///   update {
    ///     canary = 1
    ///   }
    ///   group "g" {
    ///     task "t" {
    ///       driver = "docker"
    ///       config { image = "agent:2" } # was agent:1: a destructive update
    ///     }
    ///   }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Judge the job on the cluster (`nomad job plan`), or state what the
    /// world leaves out (`edition = "community"` or `"enterprise"` in
    /// rules/cluster.hcl); plan a system update with `canary = 0`; keep
    /// counts within 4294967295 per group, and a sysbatch group's count
    /// times the clients within 200,000 names.
    pub struct PlanCannotTell {
        code: "NP225",
        name: "plan-cannot-tell",
        severity: Error,
        summary: "The plan depends on what nomad-preflight cannot know or does not simulate",
        needs: Simulation,
        answer: crate::rules::Answer::CannotTell,
    }
}

impl Rule for PlanCannotTell {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let Some(submitted) = ctx.job() else {
            return;
        };
        // `plan` says a refusal at admission first: that refusal is known,
        // and its own rules report it.
        if !ctx.refusals().is_empty() {
            return;
        }
        let Some(unknown) = ctx.cannot_know() else {
            return;
        };
        if unknown.rule_code() != Self::META.code && told_by(ctx, unknown.rule_code()) {
            return;
        }
        out.push(
            ctx.finding(
                &Self::META,
                submitted.spans.label,
                unknown.label(),
                unknown.line(submitted),
            )
            .help(unknown.hint()),
        );
    }
}

/// Whether `plan` answers this file with one "cannot tell" line (a
/// [`CannotKnow`] of the job as admitted) rather than a plan or the
/// servers' refusal: the findings other rules read from the simulation
/// then cannot tell either (`rules::check_job`).
pub(crate) fn plan_untold(ctx: &RuleContext<'_>) -> bool {
    ctx.job().is_some() && ctx.refusals().is_empty() && ctx.cannot_know().is_some()
}

/// The planner's "cannot tell" for the file's job as admitted: the causes
/// known before scheduling without running the scheduler, the others from
/// the plan `check` computes once per file. [`RuleContext::cannot_know`]
/// asks it once per file for this rule and [`plan_untold`].
pub(crate) fn cannot_know(ctx: &RuleContext<'_>) -> Option<CannotKnow> {
    let (sim, job) = (ctx.sim?, ctx.admitted()?);
    let before = CannotKnow::of_sharing(&sim.world, job, ctx.client_values_memo());
    if before.as_ref().is_some_and(|u| !u.waits_for_plan()) {
        return before;
    }
    let result = ctx.plan()?;
    // A scheduler that fails fails the Plan RPC: its error is the answer.
    if result.error.is_some() {
        return None;
    }
    let registered = sim.state.job(&job.namespace, &job.id).is_some();
    CannotKnow::of_plan_after(
        before,
        sim,
        job,
        registered,
        result,
        ctx.client_values_memo(),
    )
    // The Plan RPC's last step, after scheduling (planner::launch).
    .or_else(|| crate::planner::launch::never_answers(job, sim.world.nomad_version))
}

/// Whether rule `code` reports a "cannot tell" for this file, whatever the
/// policy's level for it (a rule switched off is the user's choice, not a
/// cause left unsaid).
fn told_by(ctx: &RuleContext<'_>, code: &str) -> bool {
    let Some(rule) = crate::rules::find(code) else {
        return false;
    };
    let mut found = Vec::new();
    rule.check(ctx, &mut found);
    let every = rule.meta().answer == crate::rules::Answer::CannotTell;
    found.iter().any(|f| every || f.cannot_tell)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;
    use crate::rules::{Answer, Needs};
    use crate::version::NomadVersion;

    fn findings(world: &crate::world::World, running: &[String], text: &str) -> Vec<Finding> {
        let sim = simulate_running(world, running);
        let p = load_at("j.nomad", text, world.nomad_version);
        let mut out = Vec::new();
        PlanCannotTell.check(&RuleContext::new(&p, world, Some(&sim)), &mut out);
        out
    }

    fn job(priority: i64, count: &str, resources: &str) -> String {
        format!("job \"j\" {{\n  datacenters = [\"dc1\"]\n  priority    = {priority}\n  group \"g\" {{\n    count = {count}\n    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"busybox:1\"\n      }}\n      resources {{\n{resources}      }}\n    }}\n  }}\n}}\n")
    }

    /// A cause decided during scheduling: the plan preempts for a service
    /// job before 0.12, under servers of an edition the world leaves out.
    #[test]
    fn preemption_before_0_12_under_an_unstated_edition() {
        let mut w = small_world(true);
        w.quotas.clear();
        w.nomad_version = NomadVersion::new(0, 11, 8);
        assert_eq!(w.edition(), None);
        // The setting stated: the edition is the one cause left (an
        // unstated one the verdict rests on is a cause of its own, fix27b).
        w.scheduler
            .spans
            .set("preemption.service", crate::source::Span::default());
        let running = [filler("low", 20, 3000)];
        let big = job(70, "1", "        cpu    = 100\n        memory = 3000\n");
        let f = findings(&w, &running, &big);
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(
            f[0].message.contains("only Nomad Enterprise preempts"),
            "{}",
            f[0].message
        );
        // The edition stated: known either way.
        w.stated_edition = Some(crate::version::Edition::Community);
        assert!(findings(&w, &running, &big).is_empty());
        // Nothing preempted: known.
        w.stated_edition = None;
        let small = job(70, "1", "        cpu    = 100\n        memory = 100\n");
        assert!(findings(&w, &running, &small).is_empty());
    }

    /// A cause with no rule of its own, known before scheduling.
    #[test]
    fn a_count_past_the_simulation() {
        let mut w = small_world(true);
        w.nomad_version = NomadVersion::new(1, 10, 5);
        let r = "        cpu    = 10\n        memory = 10\n";
        let f = findings(&w, &[], &job(50, "5000000000", r));
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(
            f[0].message.contains("count = 5000000000"),
            "{}",
            f[0].message
        );
        assert!(findings(&w, &[], &job(50, "2", r)).is_empty());
    }

    /// A cause its own rule reports (NP218, reserved cores) is not said
    /// twice.
    #[test]
    fn a_cause_its_own_rule_reports_is_left_to_it() {
        let w = small_world(true);
        let text = job(50, "1", "        cores  = 1\n        memory = 10\n");
        let sim = simulate(&w);
        let p = load_at("j.nomad", &text, w.nomad_version);
        let ctx = RuleContext::new(&p, &w, Some(&sim));
        let job = ctx.admitted().expect("a job");
        assert!(matches!(
            CannotKnow::of(&sim.world, job),
            Some(CannotKnow::Cores(_))
        ));
        assert!(told_by(&ctx, "NP218"));
        assert!(findings(&w, &[], &text).is_empty());
    }

    /// The codes `CannotKnow::rule_code` names, read from its source (its
    /// match has no catch-all, so every variant is one of its arms).
    fn named_codes() -> Vec<&'static str> {
        let src = include_str!("../../planner.rs");
        let start = src.find("pub fn rule_code").expect("rule_code");
        let body = &src[start..];
        let body = &body[..body.find("\n    }\n").expect("its end")];
        body.match_indices("\"NP")
            .map(|(at, _)| &body[at + 1..at + 6])
            .collect()
    }

    /// Every rule a cause of "cannot tell" names is registered, runs, and
    /// can say "cannot tell"; one that needs no simulation still runs
    /// where NP225 does.
    #[test]
    fn every_cause_names_a_cannot_tell_rule() {
        let codes = named_codes();
        assert!(codes.len() >= 12, "{codes:?}");
        assert!(codes.contains(&"NP225"), "{codes:?}");
        for code in codes {
            let rule = crate::rules::find(code).unwrap_or_else(|| panic!("{code} not registered"));
            let m = rule.meta();
            assert!(m.lifecycle.runs(), "{code} does not run");
            assert!(
                matches!(m.answer, Answer::CannotTell | Answer::CannotTellWhen(_)),
                "{code} cannot say `cannot tell`"
            );
            assert!(matches!(m.needs, Needs::World | Needs::Simulation));
        }
    }
}
