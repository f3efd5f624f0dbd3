//! `plan --samples N`: the share of each outcome over N node shuffles
//! (preflight's own section after Nomad's text).

use crate::jobspec::Job;
use crate::scheduler::sample::SampleError;
use crate::scheduler::{sample, PlanResult, Simulation, Tally};

/// The outcome of a draw that places every allocation.
const PLACED: &str = "every allocation is placed";

/// The outcome of a draw whose end cannot be told.
const UNTOLD_DRAW: &str = "cannot tell how `nomad job run` ends: the applier rejects part of the plan and the worker's retries end neither placed nor blocked in the model";

/// Outcomes of one sampled plan, in words.
fn outcomes(r: &PlanResult) -> Vec<String> {
    // A draw whose scheduling panics Nomad's server has no plan: none of
    // its placements is an outcome, least of all a success.
    if let Some(c) = &r.crashed {
        return vec![format!(
            "Nomad's server panics ({}): `nomad job plan` gets no plan",
            c.issue()
        )];
    }
    // A draw whose evaluation fails places nothing (rv22-2): its error,
    // the same words for every draw (an error naming the evaluation, whose
    // ID is random, by what fails).
    if let Some(error) = &r.error {
        let what = match &r.recovered {
            Some(c) => format!("Nomad's scheduler panics and recovers ({})", c.issue()),
            None => crate::escape::one_line(error),
        };
        return vec![format!(
            "the evaluation fails: {what}; `nomad job plan` prints the error and `nomad job run` places nothing"
        )];
    }
    // A draw whose verdict an unstated scheduler setting decides is
    // neither placed nor failed (`scheduler::unstated`).
    if let Some(u) = r.unstated.iter().find(|u| u.other_plan().is_some()) {
        let s = &u.setting;
        return vec![format!(
            "cannot tell: the world does not state `{}`, and `{}` answers otherwise",
            s.planned_block(),
            s.other_block()
        )];
    }
    let mut out = Vec::new();
    // A plan the applier rejects places nothing on the rejected nodes:
    // never "every allocation is placed" (the one verdict of
    // `PlanResult::unplaced_groups`).
    if r.unplaced_groups().is_empty() {
        out.push(PLACED.to_string());
    }
    for n in &r.rejected {
        out.push(format!(
            "Nomad's plan applier rejects the plan on node {:?} ({}): `nomad job run` places none of it there",
            crate::escape::one_line(&n.node),
            n.why()
        ));
    }
    if !r.rejected_whole.is_empty() {
        out.push(
            "the whole plan is rejected (all_at_once): `nomad job run` places none of it"
                .to_string(),
        );
    }
    // A draw whose retries of the rejection end untold is neither placed
    // nor failed: counted as such, as NP207 counts it apart
    // (`PlanResult::retries_untold`).
    if r.run_end_untold() {
        out.push(UNTOLD_DRAW.to_string());
    }
    for (g, m) in &r.failed_tg_allocs {
        out.push(format!("task group {g:?} fails to place"));
        for q in &m.quota_exhausted {
            out.push(format!("quota limit hit: {q}"));
        }
    }
    // A rejected node's preemptions are dropped with its placements
    // (every node's with `all_at_once`); the retries' are the run's.
    let preempted = r.committed_preemptions();
    if preempted.is_empty() {
        out.push("nothing is preempted".to_string());
    }
    for p in preempted {
        out.push(format!(
            "preempts an allocation of {}/{}",
            p.job_id, p.task_group
        ));
    }
    out
}

/// Beside Nomad's error for a plan whose evaluation fails: its notes on
/// stderr and in `fields` (`Nondeterminism`, [`super::notes::failed_evaluation`])
/// and, where the failure is one draw of several (drawn notes) and
/// `--samples` asks, the shares of the outcomes on stdout in text or as
/// `Samples` in `fields` in JSON, as a plan that places gives them.
pub(super) fn say_failed_evaluation(
    args: &super::PlanArgs,
    world: &crate::world::World,
    plan: &super::JobPlan,
    fields: &mut serde_json::Map<String, serde_json::Value>,
    color: &crate::cli::common::ColorArgs,
) -> Result<(), SampleError> {
    let notes = super::notes::failed_evaluation(plan);
    for n in &notes {
        eprintln!("note: {}", crate::escape::one_line(n));
    }
    if !notes.is_empty() {
        fields.insert("Nondeterminism".into(), notes.into());
    }
    // Text prints the shares, `--format json` carries them as a plan that
    // places does (`Preflight.Samples`); Nomad's own document has no room.
    let text = matches!(args.format, super::PlanFormat::Text) && !args.json_output;
    let json = matches!(args.format, super::PlanFormat::Json);
    let drawn = !plan.result.drawn.is_empty() && !plan.result.only_group_order_drawn;
    if args.samples == 0 || !drawn || !(text || json) {
        return Ok(());
    }
    let tally = sampled_outcomes(world, &plan.job, args.samples, args.seed)?;
    let cut = cut_note(world, &plan.job, args.samples, tally.samples());
    if json {
        let j = samples_json(&tally, args.samples, cut.as_deref(), world, None);
        fields.insert("Samples".into(), j);
        return Ok(());
    }
    let notes: Vec<String> = cut.into_iter().chain(history_note(world)).collect();
    let out = samples_text(&tally, &notes);
    print!("{}", crate::escape::terminal_output(&out, color.stdout()));
    Ok(())
}

/// What a replay of the world (`sim`, before the plan) leaves of its own
/// running jobs unplaced (`world::running-unplaced`, said of the shown
/// shuffle only on stderr): counted over the shuffles too, since another
/// node order may place them all, or fail where the shown one did not.
fn world_outcomes(sim: &Simulation) -> Vec<String> {
    crate::check::world_change::unplaced_jobs(sim)
        .into_iter()
        .map(|(ns, id)| {
            format!(
                "the world's replay leaves running job {:?} (namespace {:?}) unplaced",
                crate::escape::one_line(&id),
                crate::escape::one_line(&ns)
            )
        })
        .collect()
}

/// `--samples n` of `job` within the sampling budget
/// ([`crate::scheduler::count_bound::SampleWork::within_budget`]): `n`,
/// fewer for a job whose plans pass the budget at `n` (a 1,000-group job
/// asked 100,000 shuffles ran for hours), never fewer than
/// [`crate::rules::priority::MIN_SAMPLES`] unless fewer were asked; past
/// it, too large to sample. The cut is said ([`cut_note`]).
pub(super) fn budgeted(world: &crate::world::World, job: &Job, n: u32) -> Result<u32, SampleError> {
    if n > crate::scheduler::sample::MAX_SAMPLES {
        return Err(SampleError::TooMany(n));
    }
    let clients = crate::scheduler::count_bound::clients(world);
    crate::scheduler::count_bound::SampleWork::of(job, clients, n)
        .within_budget(crate::rules::priority::MIN_SAMPLES)
        .map_err(SampleError::TooLarge)
}

/// The note of a `--samples asked` the budget cut to `sampled`
/// ([`budgeted`]); `None` when every shuffle asked was sampled.
pub(super) fn cut_note(
    world: &crate::world::World,
    job: &Job,
    asked: u32,
    sampled: u32,
) -> Option<String> {
    let clients = crate::scheduler::count_bound::clients(world);
    (sampled < asked).then(|| {
        crate::scheduler::count_bound::SampleWork::of(job, clients, asked).cut_line(sampled)
    })
}

/// Share of each outcome over `n` replays of the world under other
/// shuffles, fewer where the budget cuts them ([`budgeted`]).
pub fn sampled_outcomes(
    world: &crate::world::World,
    job: &Job,
    n: u32,
    seed: u64,
) -> Result<Tally<String>, crate::scheduler::sample::SampleError> {
    let n = budgeted(world, job, n)?;
    let mut tally = Tally::new();
    // Mutated once for every replay (the mutators see only the job,
    // the release and the servers' config, which no replay changes).
    let planned = crate::scheduler::sim::Planned::new(job, world);
    for keys in sample(world, n, seed, |sim: &mut Simulation| {
        let mut keys = world_outcomes(sim);
        keys.extend(outcomes(&sim.plan_planned(&planned)));
        keys
    })? {
        tally.add_sample(keys);
    }
    Ok(tally)
}

/// What `plan FILE` samples: the outcomes' tally (`--samples n`), what the
/// policy refuses, and where it refuses nothing over samples only, their
/// bound ([`super::policy::Sampling::unseen`]).
pub(super) struct Sampled {
    pub tally: Option<Tally<String>>,
    pub refused: Vec<super::policy::Violation>,
    pub unseen: Option<crate::unseen::Unseen>,
    /// Where every outcome sampled places the job, their bound
    /// ([`unseen_note`]).
    pub placed: Option<crate::unseen::Unseen>,
}

/// `plan FILE`'s sampled outcomes (with `--samples n`, of an admitted
/// job) and what the policy refuses ([`super::policy::sample`]), as the
/// two give them one after the other. The policy samples the first
/// [`crate::rules::priority::samples_of`] of the very shuffles
/// `--samples` replays (its seeds are `sample_seed(sim.seed, i)`) and
/// plans the same job on each: when `sim` was built from `world` under
/// `seed` (`sim_of_world`: the caller changed neither since), each
/// shuffle is replayed and planned once for both. The policy's 100
/// replays and plans again were a ninth of `plan --samples 1000` on the
/// demo's carts step. Where those refuse nothing and no bound proves the
/// plan, the policy samples more, at least `n` (R22-A-2): `--samples`
/// buys the gate a tighter bound.
pub(super) fn sampled_and_judged(
    world: &crate::world::World,
    sim: &Simulation,
    plan: &super::JobPlan,
    (n, seed): (u32, u64),
    sim_of_world: bool,
) -> Result<Sampled, SampleError> {
    let asked = n > 0 && plan.admission.is_admitted();
    let protected = &world.policy.protected;
    if !(asked && sim_of_world && sim.seed == seed && super::policy::at_stake(sim, plan)) {
        let tally = asked
            .then(|| sampled_outcomes(world, &plan.job, n, seed))
            .transpose()?;
        let sampled = super::policy::sample(sim, None, &[], plan, n)?;
        let unseen = sampled.as_ref().and_then(|s| s.unseen);
        let refused =
            super::policy::violations(plan, protected, sampled.as_ref().map(|s| &s.tally), unseen);
        return Ok(Sampled {
            placed: tally.as_ref().and_then(|t| unseen_note(t, sim, plan)),
            tally,
            refused,
            unseen: passing(unseen),
        });
    }
    // Both within the sampling budget, as each run alone would be.
    let n = budgeted(world, &plan.job, n)?;
    let judged =
        crate::rules::priority::samples_of(world, 0, &plan.job).map_err(SampleError::TooLarge)?;
    let planned = crate::scheduler::sim::Planned::new(&plan.job, world);
    // One run over the longer of the two: a failed replay is the first by
    // seed order, which is the one `--samples` reports when it is among
    // its own, else the policy's (the two runs, one after the other).
    let runs = sample(world, n.max(judged), seed, |sim: &mut Simulation| {
        let mut keys = world_outcomes(sim);
        let r = sim.plan_planned(&planned);
        keys.extend(outcomes(&r));
        (keys, super::policy::hits(&plan.job, &r, protected))
    })?;
    let hits_of = |k: u32| -> Vec<Vec<super::policy::Hit>> {
        runs.iter()
            .take(k as usize)
            .map(|(_, h)| h.clone())
            .collect()
    };
    let mut tally = Tally::new();
    for (o, _) in runs.iter().take(n as usize) {
        tally.add_sample(o.iter().cloned());
    }
    // Refused nothing over the policy's shuffles, and nothing proves the
    // plan: more of the same shuffles, by the rule `policy::sample` and
    // `check` follow, from this run where it holds them.
    let judged_runs = crate::rules::priority::resample(
        (world, 0, &plan.job),
        n,
        hits_of(judged),
        |h| !h.is_empty(),
        || super::policy::unproven(sim, &[], plan),
        |more| match more.end as usize <= runs.len() {
            true => Ok(hits_of(more.end).split_off(more.start as usize)),
            false => crate::rules::priority::sample_runs_n(
                world,
                None,
                seed,
                &[],
                &plan.job,
                more,
                |r| super::policy::hits(&plan.job, r, protected),
            ),
        },
    )?;
    let mut hits = Tally::new();
    for h in judged_runs.runs {
        hits.add_sample(h);
    }
    let unseen = super::policy::with_end_state(judged_runs.unseen, &hits, plan);
    let refused = super::policy::violations(plan, protected, Some(&hits), unseen);
    Ok(Sampled {
        placed: unseen_note(&tally, sim, plan),
        tally: Some(tally),
        refused,
        unseen: passing(unseen),
    })
}

/// A bound the gate passes on; one too weak is the gate's "cannot tell"
/// ([`super::policy::Violation::WeakBound`]), never a pass beside it.
fn passing(unseen: Option<crate::unseen::Unseen>) -> Option<crate::unseen::Unseen> {
    unseen.filter(|u| !crate::rules::priority::too_weak(*u))
}

/// Where every outcome of `tally` places every allocation and no bound
/// proves the plan ([`super::policy::unproven`]), how far the samples go
/// (R22-A-2): `certain` is over the shuffles sampled, not every one.
fn unseen_note(
    tally: &Tally<String>,
    sim: &Simulation,
    plan: &super::JobPlan,
) -> Option<crate::unseen::Unseen> {
    let placed = tally.count(&PLACED.to_string());
    (tally.samples() > 0 && placed == tally.samples() && super::policy::unproven(sim, &[], plan))
        .then_some(crate::unseen::Unseen {
            samples: tally.samples(),
        })
}

/// [`unseen_note`]'s line.
pub(super) fn unseen_words(job: &Job, u: crate::unseen::Unseen) -> String {
    u.line(&format!(
        "an allocation of job {} is left unplaced",
        crate::gotext::go_quote(&job.id)
    ))
}

/// What a replay draws again beside the plan's own shuffle, when it is
/// more ([`crate::scheduler::sample::history_redrawn`]), and what that
/// means for the shares.
pub(super) fn history_note(world: &crate::world::World) -> Option<String> {
    crate::scheduler::sample::history_redrawn(world).map(|redrawn| {
        format!("{redrawn}, so the shares are over the cluster's history, not given where `status` shows its allocations; import the cluster (`nomad-preflight import`) to plan against where they run")
    })
}

/// `Preflight.Samples` in `plan --format json`: the shares, what was asked
/// and what the budget cut, the history's note, and the bound of a sample
/// that saw no failure.
pub(super) fn samples_json(
    tally: &Tally<String>,
    asked: u32,
    cut: Option<&str>,
    world: &crate::world::World,
    placed: Option<crate::unseen::Unseen>,
) -> serde_json::Value {
    let outcomes: Vec<serde_json::Value> = tally
        .entries()
        .into_iter()
        .map(|(k, c, s)| serde_json::json!({"outcome": k, "count": c, "share": s}))
        .collect();
    serde_json::json!({
        "Total": tally.samples(),
        "Asked": asked,
        "Budget": cut,
        "Outcomes": outcomes,
        "History": history_note(world),
        "Unseen": placed.map(crate::unseen::Unseen::json),
    })
}

pub(super) fn samples_text(tally: &Tally<String>, notes: &[String]) -> String {
    let mut out = format!(
        "\n== nomad-preflight: outcomes over {} node shuffles (not part of Nomad's output) ==\n",
        tally.samples()
    );
    for n in notes {
        out.push_str(&format!("   note: {n}\n"));
    }
    for (k, c, share) in tally.entries() {
        let tag = if c == tally.samples() {
            "certain".to_string()
        } else {
            format!("{:.1}%", share * 100.0)
        };
        out.push_str(&format!("{tag:>8}  {k} ({c}/{})\n", tally.samples()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheduler::server_crash::{CrashBug, ServerCrash};

    /// A draw that panics Nomad's server is that alone: never "every
    /// allocation is placed", nor the preemptions it got to.
    #[test]
    fn a_panicking_draw_is_no_placement() {
        let mut r = PlanResult::default();
        assert!(outcomes(&r).contains(&"every allocation is placed".to_string()));
        r.crashed = Some(ServerCrash {
            bug: CrashBug::CachedProposed,
            version: crate::version::NomadVersion::new(1, 1, 6),
            node: "c".into(),
            detail: "2".into(),
        });
        assert_eq!(
            outcomes(&r),
            vec!["Nomad's server panics (hashicorp/nomad#11342): `nomad job plan` gets no plan"]
        );
    }
}
