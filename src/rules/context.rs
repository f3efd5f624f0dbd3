//! What a rule may look at for one job file: the parsed job, the world,
//! the simulation, and what several rules read, computed once per file
//! (the plan, the admission verdict, the mutated job, the client pools).

use std::sync::OnceLock;

use super::{capacity, suppress, Finding, RuleMeta};
use crate::diag::Diag;
use crate::jobspec::{Job, ParsedJob};
use crate::planner::admission::{self, Refusal};
use crate::scheduler::sample::SampleError;
use crate::scheduler::{PlanResult, Simulation};
use crate::source::{Source, Span};
use crate::world::World;

/// Everything a rule may look at for one job file.
pub struct RuleContext<'a> {
    pub parsed: &'a ParsedJob,
    pub world: &'a World,
    /// Present when the caller built a simulation of the world's cluster
    /// (with every earlier planned change of the same check registered).
    pub sim: Option<&'a Simulation>,
    /// Steps of the change set applied before this file, in submission
    /// order, already applied to `sim`: sampling rules replay them under
    /// other seeds (see [`crate::changeset`]).
    pub earlier: &'a [crate::scheduler::sim::Submitted],
    /// The notes of the change set's jobs whose files define another job
    /// now, left running for this file (the change set's `Sequence::apply`):
    /// this plan rests on them, as `plan --changed`'s does.
    kept: &'a [crate::planner::assumed::Assumption],
    /// `check --base`: the suppressions the file had at the base. `None`
    /// trusts every suppression (commit time, plain check).
    pub trusted: Option<&'a suppress::Trusted<'a>>,
    /// Findings of this file that a pass over all of the run's files made
    /// (NP229's second definitions): their rule reports them, so that the
    /// policy and suppressions apply to them as to any rule's.
    pub cross_file: &'a [Finding],
    /// Six rules read the same plan: compute it once per file.
    plan: OnceLock<Option<PlanResult>>,
    /// What that plan assumed that the world does not state.
    assumed: OnceLock<Vec<crate::planner::assumed::Assumption>>,
    /// Five rules and the plan read the same admission verdict, and six
    /// rules the client pools as the cluster builds them: each once per
    /// file (asked per rule, they were a tenth of a corpus check).
    refusals: OnceLock<Vec<Refusal>>,
    /// The job as the admission mutators leave it (or the mutator's
    /// error), shared by the admission verdict and the plan: one clone and
    /// mutation of the job per file, not one each.
    mutated: OnceLock<Result<Job, String>>,
    pools: OnceLock<Vec<capacity::PoolNode<'a>>>,
    /// The run's first client of each pool ([`capacity::first_nodes`]),
    /// built on first use and shared by every file of the run; `None`
    /// builds them for this file.
    pool_nodes: Option<&'a OnceLock<Vec<std::sync::Arc<crate::cluster::Node>>>>,
    /// The run's replays of this world under other seeds, made on first
    /// use and shared by every file of the run (keying the world by its
    /// content was 7% of a corpus check when each sampled file did it);
    /// `None` makes the sampling rules key the world themselves.
    replays: Option<&'a OnceLock<crate::scheduler::replay_cache::Shared>>,
    /// Whether another evaluation may change that plan's outcome (NP207's
    /// [`capacity::unplaceable_group::outcome_may_vary`]): NP207 and NP304
    /// both ask, and its room bound was a third of the rules' instructions
    /// of a `check --staged`, judged twice.
    may_vary: OnceLock<bool>,
    /// What `plan` cannot know of this file's job (NP225's question),
    /// which NP225 and the cannot-tell mark of every simulated finding
    /// both ask: once per file.
    cannot_know: OnceLock<Option<crate::planner::CannotKnow>>,
    /// The client values the admitted job's placement reads and the world
    /// does not state: NP225 (through [`Self::cannot_know`]) and NP203 both
    /// read them, once per file.
    client_values: crate::scheduler::client_values::Memo,
    /// This file's plan under the other node shuffles NP207, NP304 and
    /// NP403 sample, taken once for all three.
    sampled: OnceLock<Option<Result<Vec<crate::rules::priority::Sampled>, SampleError>>>,
    /// Whether [`Self::sampled`] samples again where every first shuffle
    /// was quiet (R22-A-2); off only where the caller drops what the
    /// sampling rules find unread ([`Self::without_resample`]).
    resample: bool,
}

impl<'a> RuleContext<'a> {
    pub fn new(parsed: &'a ParsedJob, world: &'a World, sim: Option<&'a Simulation>) -> Self {
        RuleContext {
            parsed,
            world,
            sim,
            earlier: &[],
            kept: &[],
            trusted: None,
            cross_file: &[],
            plan: OnceLock::new(),
            assumed: OnceLock::new(),
            refusals: OnceLock::new(),
            mutated: OnceLock::new(),
            pools: OnceLock::new(),
            pool_nodes: None,
            replays: None,
            may_vary: OnceLock::new(),
            cannot_know: OnceLock::new(),
            client_values: Default::default(),
            sampled: OnceLock::new(),
            resample: true,
        }
    }

    /// The same context keeping the first shuffles where all were quiet,
    /// not sampling ten times more: for a caller that reports nothing the
    /// sampling rules find of this file, whatever the more shuffles give
    /// (`check`'s file that Nomad refuses, `check::root_cause::collapse`).
    pub fn without_resample(mut self) -> Self {
        self.resample = false;
        self
    }

    /// The same context sampling through `replays`, which must hold (or
    /// come to hold) replays of this context's world only.
    pub fn with_replays(
        mut self,
        replays: &'a OnceLock<crate::scheduler::replay_cache::Shared>,
    ) -> Self {
        self.replays = Some(replays);
        self
    }

    /// The same context building its pools' clients through `nodes`,
    /// which must hold (or come to hold) this context's world's only.
    pub fn with_pool_nodes(
        mut self,
        nodes: &'a OnceLock<Vec<std::sync::Arc<crate::cluster::Node>>>,
    ) -> Self {
        self.pool_nodes = Some(nodes);
        self
    }

    /// The run's replays of the world, when the caller shares them.
    pub fn replays(&self) -> Option<&'a crate::scheduler::replay_cache::Shared> {
        let world = self.world;
        self.replays
            .map(|r| r.get_or_init(|| crate::scheduler::replay_cache::Shared::reused(world)))
    }

    /// This file's job planned under [`crate::rules::priority::samples_for`]
    /// other node shuffles (the world replayed, the earlier changes
    /// submitted first), what NP207, NP304 and NP403 read of each: sampled
    /// on the first rule's asking, once per file. `None` without a
    /// simulation or a job.
    pub fn sampled(&self) -> Option<Result<&[crate::rules::priority::Sampled], &SampleError>> {
        self.sampled
            .get_or_init(|| {
                let (sim, job) = (self.sim?, self.job()?);
                let run = |n: Option<std::ops::Range<u32>>| {
                    let (world, replays, seed) = (self.world, self.replays(), sim.seed);
                    let of = crate::rules::priority::Sampled::of;
                    match n {
                        None => crate::rules::priority::sample_runs(
                            world,
                            replays,
                            seed,
                            self.earlier,
                            job,
                            of,
                        ),
                        Some(n) => crate::rules::priority::sample_runs_n(
                            world,
                            replays,
                            seed,
                            self.earlier,
                            job,
                            n,
                            of,
                        ),
                    }
                };
                let first = match run(None) {
                    Ok(first) => first,
                    Err(e) => return Some(Err(e)),
                };
                if !self.resample {
                    return Some(Ok(first));
                }
                // Nothing happened to the job in any shuffle, and no bound
                // shows that nothing does: sampled again, more (R22-A-2),
                // by the one rule the plan gates and `--samples` follow
                // (`Sampled::is_quiet` says why preemptions stop it).
                let at = (self.world, self.earlier.len(), job);
                let more = crate::rules::priority::resample(
                    at,
                    0,
                    first,
                    |s| !s.is_quiet(),
                    || self.unseen_asked(),
                    |n| run(Some(n)),
                );
                Some(more.map(|r| r.runs))
            })
            .as_ref()
            .map(|r| r.as_ref().map(Vec::as_slice))
    }

    /// Every client pool of the world that has clients, built once per
    /// file ([`capacity::pool_nodes`]).
    pub fn pools(&self) -> &[capacity::PoolNode<'a>] {
        self.pools.get_or_init(|| match self.pool_nodes {
            Some(shared) => capacity::pool_nodes_of(
                self.world,
                shared.get_or_init(|| capacity::first_nodes(self.world)),
            ),
            None => capacity::pool_nodes(self.world),
        })
    }

    /// The same context with the planned changes registered before this file.
    pub fn with_earlier(mut self, earlier: &'a [crate::scheduler::sim::Submitted]) -> Self {
        self.earlier = earlier;
        self
    }

    /// The same context with the steps of the change set before this
    /// file: those applied to `sim`, and the replaced jobs left running
    /// (the change set's `Before`, taken apart by the caller: the rules do
    /// not import the change set, which imports them through config).
    pub fn with_before(
        mut self,
        applied: &'a [crate::scheduler::sim::Submitted],
        kept: &'a [crate::planner::assumed::Assumption],
    ) -> Self {
        self.earlier = applied;
        self.kept = kept;
        self
    }

    /// The same context with the findings a pass over every file of the
    /// run made for this file ([`Self::cross_file`]).
    pub fn with_cross_file(mut self, found: &'a [Finding]) -> Self {
        self.cross_file = found;
        self
    }

    /// The same context trusting only the suppressions of the base version.
    pub fn with_trusted(mut self, trusted: Option<&'a suppress::Trusted<'a>>) -> Self {
        self.trusted = trusted;
        self
    }

    /// `nomad job plan` of this file's job against the simulation, computed
    /// once; `None` without a job or a simulation, and when the Plan RPC's
    /// admission refuses the job (the scheduler never sees it: the refusal
    /// rules report that one root cause).
    pub fn plan(&self) -> Option<&PlanResult> {
        self.plan
            .get_or_init(|| {
                let job = self.job()?;
                let sim = self.sim?;
                if !self.refusals().is_empty() {
                    return None;
                }
                match self.mutated(sim, job) {
                    Ok(mutated) => Some(sim.plan_admitted(mutated)),
                    Err(_) => Some(sim.plan(job)),
                }
            })
            .as_ref()
    }

    /// [`capacity::unplaceable_group::outcome_may_vary`] of [`Self::plan`],
    /// judged once per file; false without a plan.
    pub fn plan_may_vary(&self) -> bool {
        *self.may_vary.get_or_init(|| {
            self.plan()
                .is_some_and(|plan| capacity::unplaceable_group::outcome_may_vary(self, plan))
        })
    }

    /// Does a sample that sees no failure of this file's plan need its
    /// bound said (R22-A-2)? The one predicate the plan gates and
    /// `--samples` ask too ([`capacity::unplaceable_group::bound_asked`]),
    /// of what answers this file: the servers' refusal (the Plan RPC's,
    /// or `nomad job run`'s where the plan is silent, as `plan` judges
    /// it), a plan that cannot be told (NP225), or the plan.
    pub fn unseen_asked(&self) -> bool {
        let Some(plan) = self.plan() else {
            return false;
        };
        let answer = || {
            let refused = !self.refusals().is_empty()
                || self.sim.zip(self.job()).is_some_and(|(sim, job)| {
                    crate::planner::admission::run_fails(&sim.world, &sim.state, job)
                });
            capacity::unplaceable_group::PlanAnswer::of(!refused, self.cannot_know().is_some())
        };
        capacity::unplaceable_group::bound_asked(answer(), plan, || self.plan_may_vary())
    }

    /// [`capacity::plan_cannot_tell::cannot_know`] of this file's job as
    /// admitted, asked once per file; `None` without a job or a simulation.
    pub fn cannot_know(&self) -> Option<&crate::planner::CannotKnow> {
        self.cannot_know
            .get_or_init(|| capacity::plan_cannot_tell::cannot_know(self))
            .as_ref()
    }

    /// The memo of the client values the admitted job's placement reads
    /// under the simulation's world ([`Self::client_values`]).
    pub fn client_values_memo(&self) -> &crate::scheduler::client_values::Memo {
        &self.client_values
    }

    /// [`crate::scheduler::client_values::unknown`] of the admitted job in
    /// the simulation's world, shared with NP225; `None` without either.
    pub fn client_values(&self) -> Option<&crate::scheduler::client_values::ClientValuesUnknown> {
        let (sim, job) = (self.sim?, self.admitted()?);
        self.client_values.get(&sim.world, job)
    }

    /// What [`Self::plan`] assumed that the world does not state: the
    /// planner's own notes of that plan, so `check` says what `plan` says.
    pub fn assumed(&self) -> &[crate::planner::assumed::Assumption] {
        self.assumed.get_or_init(|| {
            let (Some(job), Some(sim), Some(result)) = (self.job(), self.sim, self.plan()) else {
                return Vec::new();
            };
            let admitted = self.mutated(sim, job).unwrap_or(job);
            let mut all = crate::planner::assumed::of(&sim.world, job, admitted, result);
            if !job.stop {
                all.extend(self.kept.iter().cloned());
            }
            all
        })
    }

    /// What the world's Nomad version refuses at submission of this file's
    /// job: the planner's own admission checks, so `check` and `plan` agree.
    /// A file the servers' validation refuses gets those Nomad lists beside
    /// its errors; one the CLI's parser refuses reaches no server. Empty
    /// without a job or a simulation.
    pub fn refusals(&self) -> &[Refusal] {
        self.refusals.get_or_init(|| {
            let (Some(sim), Some(job)) = (self.sim, self.job()) else {
                return Vec::new();
            };
            let (world, state) = (&sim.world, &sim.state);
            if !self.parsed.diags.has_errors() {
                return admission::refusals_mutated(world, state, job, self.mutated(sim, job));
            }
            if crate::jobspec::refused_by_servers_only(self.parsed, world.nomad_version) {
                let mutated = self.mutated(sim, job);
                return admission::refusals_beside_validation_mutated(world, state, job, mutated);
            }
            Vec::new()
        })
    }

    /// This file's job as the admission mutators leave it (as submitted
    /// when a mutator fails it): what the planner judges. `None` without
    /// a job or a simulation.
    pub fn admitted(&self) -> Option<&Job> {
        let (sim, job) = (self.sim?, self.job()?);
        Some(self.mutated(sim, job).unwrap_or(job))
    }

    /// [`crate::mutators::apply`] of this file's `job` under `sim`'s world,
    /// once per file.
    fn mutated(&self, sim: &Simulation, job: &Job) -> Result<&Job, &str> {
        self.mutated
            .get_or_init(|| crate::mutators::apply(job, sim.world.nomad_version, &sim.world.server))
            .as_ref()
            .map_err(String::as_str)
    }

    /// The job as [`Self::plan`] planned it: the admission mutators'
    /// output (their constraints included), or the file's job where a
    /// mutator refused it.
    pub fn planned_job(&self) -> Option<&Job> {
        let (job, sim) = (self.job()?, self.sim?);
        Some(self.mutated(sim, job).unwrap_or(job))
    }

    pub fn job(&self) -> Option<&'a Job> {
        self.parsed.job.as_ref()
    }

    pub fn source(&self) -> &'a Source {
        &self.parsed.source
    }

    /// A finding of `meta` at `span`, with its default severity.
    pub fn finding(
        &self,
        meta: &RuleMeta,
        span: Option<Span>,
        label: impl Into<String>,
        message: impl Into<String>,
    ) -> Finding {
        let d = Diag::error(meta.code, message).with_severity(meta.default_severity);
        match span {
            Some(span) => d.at(self.source(), span, label),
            None => d.in_source(self.source()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::capacity::unplaceable_group::Refusal;
    use crate::rules::priority::{sample_plans, tally_of, victims};
    use crate::rules::testing::{filler, load, simulate, small_world};

    /// The one sampling run NP207, NP304 and NP403 share gives each the
    /// tally its own run of the same shuffles gave: the same seeds, the
    /// same job, the same outcome read of each plan.
    #[test]
    fn the_shared_samples_tally_as_each_rules_own_run() {
        let w = small_world(true);
        let parsed = load("j.nomad", &filler("j", 80, 3000));
        let sim = simulate(&w);
        let ctx = RuleContext::new(&parsed, &w, Some(&sim));
        let job = ctx.job().expect("job");
        let Some(Ok(samples)) = ctx.sampled() else {
            panic!("no samples");
        };
        let own = |outcome: fn(&PlanResult) -> Vec<String>| {
            sample_plans(&w, None, sim.seed, &[], job, outcome)
                .expect("samples")
                .entries()
        };
        assert_eq!(
            tally_of(samples, |s| s.failed.clone()).entries(),
            own(|r| Refusal::Place.groups(r))
        );
        assert_eq!(
            tally_of(samples, |s| s.quota.clone()).entries(),
            own(|r| Refusal::Quota.groups(r))
        );
        assert_eq!(
            tally_of(samples, |s| s.victims.clone()).entries(),
            sample_plans(&w, None, sim.seed, &[], job, victims)
                .expect("samples")
                .entries()
        );
        // Asked again, the run is not taken again.
        let again = ctx.sampled().and_then(Result::ok).expect("samples");
        assert!(std::ptr::eq(samples, again));
    }
}
