//! What NP207 and NP304 say of other evaluations of a plan (node shuffles
//! and Go's map orders): how often a group fails in them, and how often
//! their end cannot be told.
//!
//! A sampled evaluation whose plan Nomad's plan applier rejects in part,
//! and whose modelled retries end neither placed nor blocked (the
//! worker's "maximum attempts reached", or the model's own budget:
//! [`crate::scheduler::PlanResult::run_end_untold`]), is not a failure:
//! how `nomad job run` of it ends depends on plans of other evaluations
//! the model does not hold, as `plan` of that draw exits 255 for it. Those
//! draws are counted apart ("K of M cannot tell"), and a group placed
//! here whose only other outcomes are placed or cannot tell is a finding
//! that cannot tell, not an error that claims Nomad fails it.

use super::unplaceable_group::Refusal;
use crate::rules::{Finding, RuleContext, RuleMeta};
use crate::scheduler::sample::Tally;
use crate::scheduler::PlanResult;

/// The groups of sampled evaluations: those refused for sure, and (NP207
/// only) those the applier rejects where the run's end cannot be told.
/// Both tallies hold the same samples.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Draws {
    pub(crate) fails: Tally<String>,
    pub(crate) untold: Tally<String>,
    /// Samples whose evaluation panics Nomad's server (every group of
    /// them is in `untold`).
    pub(crate) panics: u32,
}

impl Draws {
    /// `samples` each giving (groups refused, groups whose end cannot be
    /// told, whether it panics Nomad's server).
    pub(crate) fn of<'s>(
        samples: impl IntoIterator<Item = (&'s [String], &'s [String], bool)>,
    ) -> Draws {
        let mut d = Draws::default();
        for (fails, untold, panicked) in samples {
            d.fails.add_sample(fails.iter().cloned());
            d.untold.add_sample(untold.iter().cloned());
            d.panics += u32::from(panicked);
        }
        d
    }

    pub(crate) fn samples(&self) -> u32 {
        self.fails.samples()
    }

    /// (failures, cannot tell) of group `name`.
    fn of_group(&self, name: &str) -> (u32, u32) {
        let key = name.to_string();
        (self.fails.count(&key), self.untold.count(&key))
    }

    /// The groups any sample refuses or cannot tell, each once, by name.
    fn groups(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .fails
            .entries()
            .into_iter()
            .chain(self.untold.entries())
            .map(|(g, _, _)| g)
            .collect();
        out.sort();
        out.dedup();
        out
    }
}

/// The groups of `r` only Nomad's plan applier leaves unplaced where how
/// `nomad job run` of the plan ends cannot be told: rejected, the run's
/// end untold, and not also failed by the scheduler (quota failures
/// aside, NP304's: the applier rejects what was placed whatever the
/// quota says). Empty where the end is told.
pub(crate) fn untold_groups(r: &PlanResult) -> Vec<String> {
    if !r.run_end_untold() {
        return Vec::new();
    }
    r.rejected_groups()
        .into_iter()
        .filter(|g| {
            r.failed_tg_allocs
                .get(g)
                .is_none_or(|m| !m.quota_exhausted.is_empty())
        })
        .collect()
}

/// "; K of M cannot tell (...)" for `untold` of `samples` sampled
/// evaluations, or nothing.
fn untold_share(untold: u32, panics: u32, samples: u32) -> String {
    if untold == 0 {
        return String::new();
    }
    format!("; {}", untold_words(untold, panics, samples))
}

/// Why `untold` of `samples` cannot tell: `panics` of them panic Nomad's
/// server (a group of such a draw has no plan), the others end untold
/// after the applier's rejection.
fn untold_words(untold: u32, panics: u32, samples: u32) -> String {
    let rejected = untold.saturating_sub(panics);
    let mut words = Vec::new();
    if rejected > 0 {
        words.push(format!(
            "{rejected} of {samples} cannot tell ({UNTOLD_WHY})"
        ));
    }
    if panics > 0 {
        words.push(format!(
            "{panics} of {samples} panic Nomad's server (`nomad job plan` gets no plan: the plan's notes say why)"
        ));
    }
    words.join("; ")
}

/// Why a sampled evaluation cannot tell (the words of `plan`'s line,
/// [`crate::scheduler::PlanResult::retries_untold`]).
pub(crate) const UNTOLD_WHY: &str = "Nomad's plan applier rejects part of the plan there, and how `nomad job run` of it ends depends on plans of other evaluations nomad-preflight does not model";

/// Groups this check's own draw placed but other draws of Go's map order
/// (and node shuffles) refuse (`refusal`) or cannot tell: the plan
/// printed success for one draw of several, which a gate must not take
/// as an all-clear. The finding is `meta`'s (NP207's, NP304's), at its
/// severity; one whose other draws are all placed or cannot tell says
/// "cannot tell", not that Nomad fails the group. Returns each group it
/// reported with its finding's index in `out`, where NP207 adds what the
/// rollout's later batches do to the same group (one finding per group).
pub(crate) fn placed_here_failing_elsewhere(
    ctx: &RuleContext<'_>,
    meta: &'static RuleMeta,
    job: &crate::jobspec::Job,
    plan: &PlanResult,
    draws: &Draws,
    refusal: Refusal,
    out: &mut Vec<Finding>,
) -> Vec<(String, usize)> {
    let samples = draws.samples();
    let mut reported = Vec::new();
    for name in draws.groups() {
        // Failing here for any cause (the applier's rejection too), the
        // group is not placed here.
        if plan.unplaced_groups().contains(&name) {
            continue;
        }
        let (fails, untold) = draws.of_group(&name);
        let group = job.group(&name);
        let span = group.and_then(|g| g.spans.get("count").or(g.spans.label).or(g.spans.block));
        if fails == 0 {
            let shuffles = if plan.drawn.is_empty() {
                match crate::scheduler::sample::history_redrawn(ctx.world) {
                    Some(redrawn) => format!("node shuffles; {redrawn}"),
                    None => "node shuffles".to_string(),
                }
            } else {
                "other evaluations sampled (node shuffles and Go's map orders)".to_string()
            };
            let f = ctx.finding(
                meta,
                span,
                "cannot tell in some of Nomad's evaluations".to_string(),
                format!(
                    "group \"{name}\" is placed in this evaluation and fails in none of {samples} {shuffles}, but {}",
                    untold_words(untold, draws.panics, samples)
                ),
            );
            reported.push((name.clone(), out.len()));
            out.push(with_draw_help(f.as_cannot_tell(), &name, &plan.drawn));
            continue;
        }
        let message = if plan.drawn.is_empty() {
            // No draw of this plan: the world's history decides, in the
            // gate's words.
            format!(
                "group \"{name}\" is placed in this evaluation, but {} {}{}",
                refusal.verb(),
                crate::rules::priority::how_often_in(fails, samples, ctx.world),
                untold_share(untold, draws.panics, samples)
            )
        } else {
            format!(
                "group \"{name}\" is placed in this evaluation, but a draw of Nomad's evaluation decides (the plan's notes say which): {} in {fails} of {samples} other evaluations sampled (node shuffles and Go's map orders){}",
                refusal.verb(),
                untold_share(untold, draws.panics, samples)
            )
        };
        let f = ctx.finding(
            meta,
            span,
            "not placed in some of Nomad's evaluations".to_string(),
            message,
        );
        reported.push((name.clone(), out.len()));
        out.push(with_draw_help(f, &name, &plan.drawn));
    }
    reported
}

/// Where no sampled evaluation of the job failed or could not tell any
/// group, the plan shown places everything and places something, and no
/// bound proves that every shuffle does ([`RuleContext::unseen_asked`]):
/// the samples' size and bound, as advice (R22-A-2). No failure in 100
/// shuffles is no all-clear: a group that fails in 2% of Nomad's
/// evaluations passes 100 of them in 13% of runs. The samples were taken
/// again, more, before this is said ([`RuleContext::sampled`]), and the
/// line is the plan gates' ([`crate::unseen::Unseen`]).
pub(crate) fn unseen(
    ctx: &RuleContext<'_>,
    meta: &'static RuleMeta,
    job: &crate::jobspec::Job,
    plan: &PlanResult,
    draws: &Draws,
    out: &mut Vec<Finding>,
) {
    let samples = draws.samples();
    // A panicking sample is never "no failure seen", even where it names no
    // group (rv23-5); nor one the quota leaves unplaced (NP304's): read
    // by the predicate the resample was taken by
    // (`Sampled::leaves_unplaced`), so the bound is said over the
    // shuffles sampled for it.
    // Asked last: where the draws are the plan's own (`fates_fixed`),
    // nothing was sampled, and this must not sample.
    let sampled_unplaced = || {
        ctx.sampled().and_then(Result::ok).is_some_and(|s| {
            s.iter()
                .any(crate::rules::priority::Sampled::leaves_unplaced)
        })
    };
    if samples == 0
        || draws.panics > 0
        || !draws.groups().is_empty()
        || !plan.unplaced_groups().is_empty()
        || !plan.failed_tg_allocs.is_empty()
        || !ctx.unseen_asked()
        || sampled_unplaced()
    {
        return;
    }
    let what = format!(
        "an allocation of job {} is left unplaced",
        crate::gotext::go_quote(&job.id)
    );
    out.push(bound_advice(
        ctx,
        meta,
        job,
        crate::unseen::Unseen { samples },
        ("placed in every shuffle sampled, not proven", &what),
        "`nomad-preflight plan FILE --samples N` (with --gate, the policy's too) samples N shuffles for a tighter bound; more room (a lower count or ask, another client) lets nomad-preflight prove every shuffle places the job",
    ));
}

/// The advice that `u`'s samples saw no failure of `what` but prove
/// nothing (R22-A-2), at the job's label: the plan's own (above) and the
/// rollout's end state's (`unplaceable_group`, rv24-1) alike.
pub(crate) fn bound_advice(
    ctx: &RuleContext<'_>,
    meta: &'static RuleMeta,
    job: &crate::jobspec::Job,
    u: crate::unseen::Unseen,
    (label, what): (&str, &str),
    help: &str,
) -> Finding {
    let span = job.spans.label.or(job.spans.block);
    // Too few shuffles for any pass to rest on (a budget cut): the file
    // cannot be told, as both gates say of it.
    if crate::rules::priority::too_weak(u) {
        let mut f = ctx
            .finding(
                meta,
                span,
                "too few shuffles sampled".to_string(),
                crate::rules::priority::weak_line(u, what),
            )
            .with_severity(crate::diag::Severity::Advice)
            .as_cannot_tell();
        f.unseen = std::num::NonZeroU32::new(u.samples);
        return f.help(help);
    }
    let mut f = ctx
        .finding(meta, span, label.to_string(), u.line(what))
        .with_severity(crate::diag::Severity::Advice);
    f.unseen = std::num::NonZeroU32::new(u.samples);
    f.help(help)
}

/// The finding `f` of group `name`, whose failure Go's map order drew
/// (`notes`, the plan's own notes of the draws): an error at any share,
/// with the share as the plan's note and `plan --samples` give it, and
/// the draws that cannot tell counted apart.
pub(crate) fn drawn(
    f: Finding,
    draws: &Draws,
    name: &str,
    notes: &[String],
    refusal: Refusal,
    world: &crate::world::World,
) -> Finding {
    let ((fails, untold), samples) = (draws.of_group(name), draws.samples());
    let mut f = f;
    let verb = refusal.verb();
    let share = if notes.is_empty() {
        // No draw of this plan: sampled for the world's history, said in
        // the gate's words.
        format!(
            "; {verb} {}",
            crate::rules::priority::how_often_in(fails, samples, world)
        )
    } else if fails == samples {
        format!("; {verb} in all {samples} other evaluations sampled (node shuffles and Go's map orders)")
    } else {
        format!(
            "; a draw of Nomad's evaluation (the plan's notes say which) decided this failure: {verb} in {fails} of {samples} other evaluations sampled (node shuffles and Go's map orders) and is placed in the others"
        )
    };
    f.message.push_str(&share);
    f.message
        .push_str(&untold_share(untold, draws.panics, samples));
    with_draw_help(f, name, notes)
}

/// `f` with the plan's own notes of the draws that concern group `name`.
pub(super) fn with_draw_help(f: Finding, name: &str, notes: &[String]) -> Finding {
    // The plan's own note of the draw, for this group (or the order of
    // the groups, which concerns every group).
    let own = format!("group {name:?}: ");
    let said: Vec<&str> = notes
        .iter()
        .filter(|n| n.starts_with(&own) || !n.starts_with("group "))
        .map(String::as_str)
        .collect();
    let mut help = format!(
        "`nomad-preflight plan --samples {}` gives the outcomes' shares",
        crate::rules::priority::SAMPLES
    );
    if !said.is_empty() {
        help = format!("{}; {help}", said.join("; "));
    }
    f.help(help)
}

#[cfg(test)]
mod drawn_tests {
    use super::*;

    fn tally(fails: &[bool], untold: &[bool]) -> Draws {
        let g = vec!["g".to_string()];
        let none: Vec<String> = Vec::new();
        let pick = |b: bool| if b { g.as_slice() } else { none.as_slice() };
        Draws::of(
            fails
                .iter()
                .zip(untold)
                .map(|(f, u)| (pick(*f), pick(*u), false)),
        )
    }

    #[test]
    fn a_drawn_failure_stays_an_error_with_its_share() {
        let w = crate::rules::testing::world();
        let f = || Finding::error("NP207", "1 allocation(s) of group \"g\" cannot be placed");
        let fails: Vec<bool> = (0..8).map(|i| i < 7).collect();
        let t = tally(&fails, &[false; 8]);
        let notes = [
            "group \"g\": drawn".to_string(),
            "group \"h\": other".to_string(),
        ];
        let d = drawn(f(), &t, "g", &notes, Refusal::Place, &w);
        assert_eq!(d.severity, crate::diag::Severity::Error);
        assert!(d.message.ends_with("it fails in 7 of 8 other evaluations sampled (node shuffles and Go's map orders) and is placed in the others"), "{}", d.message);
        let help = d.help.unwrap_or_default();
        assert!(help.starts_with("group \"g\": drawn; "), "{help}");
        assert!(!help.contains("other"), "{help}");
        let all = tally(&[true], &[false]);
        let d = drawn(f(), &all, "g", &notes, Refusal::Place, &w);
        assert_eq!(d.severity, crate::diag::Severity::Error);
        // NP304's share says the quota refuses it, not that it fails.
        let q = drawn(f(), &all, "g", &notes, Refusal::Quota, &w);
        assert!(q.message.ends_with("; the quota refuses it in all 1 other evaluations sampled (node shuffles and Go's map orders)"), "{}", q.message);
    }

    /// Draws whose end cannot be told are named apart, never among the
    /// failures: 2 fail, 3 cannot tell, of 8.
    #[test]
    fn draws_that_cannot_tell_are_counted_apart() {
        let w = crate::rules::testing::world();
        let f = Finding::error("NP207", "1 allocation(s) of group \"g\" cannot be placed");
        let fails: Vec<bool> = (0..8).map(|i| i < 2).collect();
        let untold: Vec<bool> = (0..8).map(|i| (2..5).contains(&i)).collect();
        let notes = ["group \"g\": drawn".to_string()];
        let d = drawn(f, &tally(&fails, &untold), "g", &notes, Refusal::Place, &w);
        assert!(
            d.message.contains("it fails in 2 of 8 other evaluations sampled (node shuffles and Go's map orders) and is placed in the others; 3 of 8 cannot tell (Nomad's plan applier rejects part of the plan there"),
            "{}",
            d.message
        );
    }

    /// A rejected group of a draw whose retries end untold is that
    /// draw's "cannot tell", not its failure; one the retries leave
    /// blocked is a failure.
    #[test]
    fn an_untold_rejection_is_no_failure_of_the_draw() {
        use crate::scheduler::{Retried, RetryEnd};
        let mut r = PlanResult::default();
        r.rejected.push(crate::scheduler::applier::Rejection {
            node: "c".into(),
            node_id: "c".into(),
            reason: crate::scheduler::applier::Reason::NotReady,
            groups: vec!["g".into()],
        });
        assert_eq!(untold_groups(&r), vec!["g".to_string()]);
        assert!(Refusal::Place.groups(&r).is_empty());
        r.retried = Some(Retried {
            plans: 3,
            end: RetryEnd::Blocked(vec!["g".into()]),
            first: Vec::new(),
            preempted: Vec::new(),
        });
        assert!(untold_groups(&r).is_empty());
        assert_eq!(Refusal::Place.groups(&r), vec!["g".to_string()]);
    }
}
