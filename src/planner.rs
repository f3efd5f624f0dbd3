//! A plan as the Plan RPC computes it: admission (per version), the
//! scheduler's dry run against the simulated state, and the diff from the
//! registered version of the job, annotated with the scheduler's update
//! counts. Every consumer (`plan`, `rehearse`, `check`, the hook) goes
//! through here.

pub mod admission;
pub mod admission_edition;
mod admission_identity;
mod admission_job_validate;
mod admission_namespace;
mod admission_unsent;
mod admission_warnings;
pub mod annotate;
pub mod assumed;
pub mod entry_unknown;
pub mod launch;
pub mod unstated_setting;
pub mod validate_rpc;

pub use admission::Admission;
pub use entry_unknown::{entry_unknown, servers_entry_unknown};

use self::annotate::annotate;
use crate::diff::{job_diff, JobDiff};
use crate::jobspec::Job;
use crate::scheduler::quota_devices::{device_quota_unknown, DeviceQuotaUnknown};
use crate::scheduler::{PlanResult, Simulation};

#[derive(Debug, Clone)]
pub struct Plan {
    pub result: PlanResult,
    pub diff: JobDiff,
    /// The version of the job the cluster runs, if any.
    pub old: Option<Job>,
    /// What the Plan RPC's admission said. When it is not `Admitted`, the
    /// scheduler did not see the job: `result` places nothing.
    pub admission: Admission,
    /// What we cannot know of this plan: when set, no consumer prints
    /// Nomad's text for `result`; each says this instead.
    pub cannot_know: Option<CannotKnow>,
    /// What the plan assumed of the cluster because the world does not
    /// state it ([`assumed::of`]): every consumer says these, none derives
    /// them. Empty for a plan the servers refuse.
    pub assumed: Vec<assumed::Assumption>,
}

/// The world's guess that concerns `job` ([`crate::world::guess::unknown`]),
/// else its deployment's when the plan keeps the registered version:
/// Nomad's plan then evaluates against that version and its reconciler
/// reads the deployment; a changed spec is a new version, whose plan
/// cancels the deployment and is simulated.
pub fn world_guess(
    world: &crate::world::World,
    job: &Job,
) -> Option<crate::world::guess::WorldGuess> {
    crate::world::guess::unknown(world, job).or_else(|| {
        crate::world::guess::deployment(world, job).filter(|_| keeps_version(world, job))
    })
}

/// Would a plan of `job` keep the version the world registers (its spec
/// unchanged, as the admission mutators leave both)? The simulation's own
/// test for a new version (`Simulation::next_version`).
fn keeps_version(world: &crate::world::World, job: &Job) -> bool {
    let Some(running) = world
        .running
        .iter()
        .find(|r| r.job.namespace == job.namespace && r.job.id == job.id)
    else {
        return false;
    };
    let admitted = |j: &Job| crate::mutators::applied(j, world.nomad_version, &world.server);
    let v = world.nomad_version;
    crate::structs::spec_changed::same_spec(&admitted(&running.job), &admitted(job), v)
}

/// What decides a plan that the world does not give us.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CannotKnow {
    /// Device limits of the job's quota, counted by Nomad Enterprise's
    /// private code.
    DeviceQuota(DeviceQuotaUnknown),
    /// Limits of the job's quota nomad-preflight does not simulate (a node
    /// pool's, secrets, NUMA, a key it does not know) that may bind it.
    QuotaLimits(crate::scheduler::quota_unsimulated::QuotaLimitsUnknown),
    /// The servers' Vault settings the Plan RPC's Vault hook reads (1.3+).
    Vault(crate::mutators::vault::VaultUnknown),
    /// A multiregion job: the region the plan goes to, the servers'
    /// edition, or Enterprise's per-region rewrite.
    Multiregion(crate::mutators::multiregion::MultiregionUnknown),
    /// A job the agent sends to a region the world does not describe.
    Region(crate::mutators::region_forward::RegionUnknown),
    /// A `regexp` value Go's size limits may refuse at `Job.Validate`.
    Regexp(crate::jobspec::RegexpUnknown),
    /// A periodic `time_zone` the servers' zone files decide.
    TimeZone(crate::jobspec::time_zone::TimeZoneUnknown),
    /// Something the world's loader guessed (its release, a quota's
    /// network limit, a host network's addresses) that concerns the job.
    World(crate::world::guess::WorldGuess),
    /// A system group's canaries (1.11+), which the plan would place.
    SystemCanary(crate::scheduler::system_nodes::SystemCanaryUnknown),
    /// A feature the community edition's admission refuses (NUMA, task
    /// schedules), under servers of an edition the world does not state.
    Edition(admission_edition::EditionUnknown),
    /// Reserved cores (1.1+), asked by the job or held by the world's
    /// running jobs: the world does not state its clients' cores.
    Cores(crate::scheduler::cores::CoresUnknown),
    /// A value a hand-written client pool does not state (its clients'
    /// OS release, kernel, names, addresses, Nomad version...) that the
    /// placement reads and whose real value decides it.
    ClientValues(crate::scheduler::client_values::ClientValuesUnknown),
    /// A bandwidth ask on a hand-written pool that does not state its
    /// clients' link speed (`network_mbits`), which each client reports.
    LinkSpeed(crate::scheduler::link_speed::LinkSpeedUnknown),
    /// A scheduler setting the world does not state (the algorithm, the
    /// job type's preemption) whose other value changes the verdict.
    Unstated(unstated_setting::SettingUnknown),
    /// Service/batch preemption before 0.12 under an unstated edition:
    /// Enterprise's alone.
    PreemptionEdition(crate::scheduler::preempt::PreemptionEditionUnknown),
    /// A group count past what the simulation holds (Nomad takes any Go int).
    Count(crate::scheduler::count_bound::CountUnknown),
    /// Nomad Enterprise's submit-job Sentinel policies, which its Job.Plan
    /// enforces after admission and before scheduling.
    Sentinel(assumed::SentinelUnknown),
    /// A periodic job whose next launch Nomad's Plan RPC never finishes
    /// computing ([`launch::settle`]): it never answers.
    Launch(crate::periodic::NeverAnswers),
    /// A plan whose scheduling panics Nomad's server: `Job.Plan` returns
    /// no plan ([`crate::scheduler::server_crash`]).
    ServerCrash(crate::scheduler::server_crash::ServerCrash),
    /// A preemption the plan evaluates meets an allocation whose running
    /// version's priority the world does not hold.
    AllocPriority(crate::scheduler::preempt::PriorityUnknown),
    /// A canarying group's non-canary placement, which Nomad places with
    /// the last stable job version, where the world cannot tell that version.
    Downgrade(crate::scheduler::downgrade::DowngradeUnknown),
    /// A device check that reads an attribute a node reports as `null`,
    /// which panics Nomad's scheduler where it reaches that node.
    NilAttribute(crate::scheduler::nil_attribute::NilAttributeUnknown),
}

impl CannotKnow {
    /// What a plan of `job` can know: the agent forwards a job of another
    /// region, and a multiregion job, before the servers see it, and the Vault hook runs at
    /// admission, before the quota is counted, so they are said first.
    pub fn of(world: &crate::world::World, job: &Job) -> Option<CannotKnow> {
        Self::of_before(world, job, None, &Default::default())
    }

    /// [`CannotKnow::of`] reading the client values through `values`,
    /// which another reader of the same world and job shares (`check`'s
    /// NP203).
    pub fn of_sharing(
        world: &crate::world::World,
        job: &Job,
        values: &crate::scheduler::client_values::Memo,
    ) -> Option<CannotKnow> {
        Self::of_before(world, job, None, values)
    }

    /// [`CannotKnow::of`], with the scheduler's plan where it is known: an
    /// ignored `memory_max` under a quota is said only where the plan shows
    /// the two readings of it may differ (`QuotaLimitsUnknown::narrowed`).
    fn of_before(
        world: &crate::world::World,
        job: &Job,
        plan: Option<(&crate::scheduler::Simulation, &PlanResult)>,
        values: &crate::scheduler::client_values::Memo,
    ) -> Option<CannotKnow> {
        // An unstated release decides every other answer: said first; the
        // world's other guesses are said last.
        let (release, guess) = match world_guess(world, job) {
            Some(g @ crate::world::guess::WorldGuess::Version { .. }) => (Some(g), None),
            g => (None, g),
        };
        release
            .map(CannotKnow::World)
            .or_else(|| {
                crate::mutators::region_forward::plan_unknown(world, job).map(CannotKnow::Region)
            })
            .or_else(|| {
                crate::mutators::multiregion::plan_unknown(world, job).map(CannotKnow::Multiregion)
            })
            .or_else(|| {
                crate::jobspec::regexp_unknown(job, world.nomad_version).map(CannotKnow::Regexp)
            })
            .or_else(|| crate::jobspec::time_zone::time_zone_unknown(job).map(CannotKnow::TimeZone))
            .or_else(|| crate::mutators::vault::unknown(world, job).map(CannotKnow::Vault))
            .or_else(|| admission_edition::unknown(world, job).map(CannotKnow::Edition))
            .or_else(|| device_quota_unknown(world, job).map(CannotKnow::DeviceQuota))
            .or_else(|| {
                let u = crate::scheduler::quota_unsimulated::quota_limits_unknown(world, job)?;
                match plan {
                    Some((sim, result)) => u.narrowed(sim, job, result),
                    None => Some(u),
                }
                .map(CannotKnow::QuotaLimits)
            })
            .or_else(|| crate::scheduler::cores::cores_unknown(world, job).map(CannotKnow::Cores))
            .or_else(|| {
                values
                    .get(world, job)
                    .cloned()
                    .map(CannotKnow::ClientValues)
            })
            .or_else(|| {
                crate::scheduler::link_speed::link_speed_unknown(world, job)
                    .map(CannotKnow::LinkSpeed)
            })
            .or_else(|| {
                crate::scheduler::count_bound::count_unknown(world.nomad_version, job)
                    .or_else(|| {
                        let clients = crate::scheduler::count_bound::clients(world);
                        crate::scheduler::count_bound::per_node_unknown(
                            world.nomad_version,
                            job,
                            clients,
                        )
                    })
                    .map(CannotKnow::Count)
            })
            .or_else(|| {
                crate::scheduler::nil_attribute::nil_attribute_unknown(world, job)
                    .map(CannotKnow::NilAttribute)
            })
            .or_else(|| guess.map(CannotKnow::World))
    }

    /// What a plan of `job` (as admitted) cannot know, `result` being its
    /// scheduler run: [`CannotKnow::of`], else what only the scheduler's
    /// counts reveal. `plan` and `check` (NP225) both ask this, so they
    /// cannot disagree on whether a plan is known.
    pub fn of_plan(
        sim: &crate::scheduler::Simulation,
        job: &Job,
        registered: bool,
        result: &PlanResult,
    ) -> Option<CannotKnow> {
        Self::of_plan_sharing(sim, job, registered, result, &Default::default())
    }

    /// [`CannotKnow::of_plan`] with the client values shared
    /// ([`CannotKnow::of_sharing`]).
    fn of_plan_sharing(
        sim: &crate::scheduler::Simulation,
        job: &Job,
        registered: bool,
        result: &PlanResult,
        values: &crate::scheduler::client_values::Memo,
    ) -> Option<CannotKnow> {
        let world = &sim.world;
        Self::of_before(world, job, Some((sim, result)), values)
            .or_else(|| Self::after_scheduling(world, job, registered, result))
    }

    /// [`CannotKnow::of_plan`] for a caller that asked [`CannotKnow::of`]
    /// of the same world and job first and got `before`. The plan changes
    /// that reading in one place only: it may narrow the quota limits'
    /// cause away (`QuotaLimitsUnknown::narrowed`), which `of` names
    /// whenever it exists. So where `before` is `None` every cause read
    /// before scheduling is absent with the plan too, and only what the
    /// scheduler's run reveals is left to ask (the hook's usual case: one
    /// reading of the job's causes, not two).
    pub fn of_plan_after(
        before: Option<CannotKnow>,
        sim: &crate::scheduler::Simulation,
        job: &Job,
        registered: bool,
        result: &PlanResult,
        values: &crate::scheduler::client_values::Memo,
    ) -> Option<CannotKnow> {
        match before {
            None => Self::after_scheduling(&sim.world, job, registered, result),
            Some(_) => Self::of_plan_sharing(sim, job, registered, result, values),
        }
    }

    /// Whether the scheduler's plan may still take this back (see
    /// [`CannotKnow::of_plan`]): callers that ask [`CannotKnow::of`] first,
    /// to spare a plan, ask the plan for it.
    pub fn waits_for_plan(&self) -> bool {
        matches!(self, CannotKnow::QuotaLimits(u) if u.waits_for_plan())
    }

    /// What only the scheduler's run reveals (the destructive updates it
    /// counted, the allocations it preempted), and Sentinel, which is
    /// said when nothing else already makes the plan unknown.
    fn after_scheduling(
        world: &crate::world::World,
        job: &Job,
        registered: bool,
        result: &PlanResult,
    ) -> Option<CannotKnow> {
        let updates = &result.desired_tg_updates;
        let v = world.nomad_version;
        // A panic ends the RPC where it happens: nothing after it counts.
        let crashed = result.crashed.clone().map(CannotKnow::ServerCrash);
        crashed
            .or_else(|| {
                result
                    .priority_unknown
                    .clone()
                    .map(CannotKnow::AllocPriority)
            })
            .or_else(|| result.downgrade_unknown.clone().map(CannotKnow::Downgrade))
            .or_else(|| unstated_setting::SettingUnknown::of(v, result).map(CannotKnow::Unstated))
            .or_else(|| {
                crate::scheduler::system_nodes::canary_unknown(v, job, registered, updates)
                    .map(CannotKnow::SystemCanary)
            })
            .or_else(|| {
                let preempted = result.preempted_allocs.len();
                crate::scheduler::preempt::edition_unknown(world, job, preempted)
                    .map(CannotKnow::PreemptionEdition)
            })
            // Enforced after admission, before scheduling.
            .or_else(|| assumed::SentinelUnknown::of(world, job).map(CannotKnow::Sentinel))
    }

    /// The `check` rule that reports it, by code. Every variant names one
    /// (the match has no catch-all): a new cause of "cannot tell" in
    /// `plan` cannot ship without `check` saying it too. NP225 reports the
    /// causes with no rule of their own, and any cause whose rule does not
    /// see it for the job ([`crate::rules::capacity::plan_cannot_tell`]).
    pub fn rule_code(&self) -> &'static str {
        match self {
            CannotKnow::DeviceQuota(_) => "NP307",
            CannotKnow::QuotaLimits(_) => "NP308",
            CannotKnow::Vault(_) => "NP211",
            CannotKnow::Multiregion(_) => "NP213",
            CannotKnow::Region(_) => "NP224",
            CannotKnow::Regexp(_) => "NP215",
            CannotKnow::TimeZone(_) => "NP223",
            CannotKnow::World(_) => "NP216",
            CannotKnow::Edition(_) => "NP217",
            CannotKnow::Cores(_) => "NP218",
            CannotKnow::Sentinel(_) => "NP220",
            CannotKnow::SystemCanary(_)
            | CannotKnow::PreemptionEdition(_)
            | CannotKnow::Count(_)
            | CannotKnow::Launch(_)
            | CannotKnow::ServerCrash(_)
            | CannotKnow::AllocPriority(_)
            | CannotKnow::Downgrade(_)
            | CannotKnow::NilAttribute(_)
            | CannotKnow::ClientValues(_)
            | CannotKnow::LinkSpeed(_)
            | CannotKnow::Unstated(_) => "NP225",
        }
    }

    /// A short label for the finding that says it.
    pub fn label(&self) -> &'static str {
        match self {
            CannotKnow::DeviceQuota(_) => "device quota not counted",
            CannotKnow::QuotaLimits(_) => "quota limits not simulated",
            CannotKnow::Vault(_) => "Vault settings not stated",
            CannotKnow::Multiregion(_) => "multiregion plan not known",
            CannotKnow::Region(_) => "another region plans it",
            CannotKnow::Regexp(_) => "regexp size not known",
            CannotKnow::TimeZone(_) => "time zone not known",
            CannotKnow::World(_) => "the world guessed",
            CannotKnow::SystemCanary(_) => "system canaries not simulated",
            CannotKnow::Edition(_) => "edition not stated",
            CannotKnow::Cores(_) => "cores not stated",
            CannotKnow::PreemptionEdition(_) => "preemption depends on the edition",
            CannotKnow::Count(_) => "count past what is simulated",
            CannotKnow::Sentinel(_) => "Sentinel not evaluated",
            CannotKnow::Launch(_) => "Nomad's plan never answers",
            CannotKnow::ServerCrash(_) => "Nomad's server panics",
            CannotKnow::AllocPriority(_) => "a preempted allocation's priority not known",
            CannotKnow::Downgrade(_) => "the stable job version not known",
            CannotKnow::NilAttribute(_) => "a null device attribute panics Nomad",
            CannotKnow::ClientValues(_) => "a client's value not stated",
            CannotKnow::LinkSpeed(_) => "a client's link speed not stated",
            CannotKnow::Unstated(_) => "a scheduler setting not stated",
        }
    }

    /// The one line every command prints for it (without a prefix).
    pub fn line(&self, job: &Job) -> String {
        match self {
            CannotKnow::DeviceQuota(u) => u.line(job),
            CannotKnow::QuotaLimits(u) => u.line(job),
            CannotKnow::Vault(u) => u.line(job),
            CannotKnow::Multiregion(u) => u.line(job),
            CannotKnow::Region(u) => u.line(job),
            CannotKnow::Regexp(u) => u.line(job),
            CannotKnow::TimeZone(u) => u.line(job),
            CannotKnow::World(u) => u.line(job),
            CannotKnow::SystemCanary(u) => u.line(job),
            CannotKnow::Edition(u) => u.line(job),
            CannotKnow::Cores(u) => u.line(job),
            CannotKnow::ClientValues(u) => u.line(job),
            CannotKnow::LinkSpeed(u) => u.line(job),
            CannotKnow::Unstated(u) => u.line(job),
            CannotKnow::PreemptionEdition(u) => u.line(job),
            CannotKnow::Count(u) => u.line(job),
            CannotKnow::Sentinel(u) => u.line(),
            CannotKnow::Launch(u) => u.line(job),
            CannotKnow::ServerCrash(u) => u.line(job),
            CannotKnow::AllocPriority(u) => u.line(job),
            CannotKnow::Downgrade(u) => u.line(job),
            CannotKnow::NilAttribute(u) => u.line(job),
        }
    }

    /// Its key under `Preflight` in `--format json`, and the value.
    pub fn json(&self) -> (&'static str, serde_json::Value) {
        match self {
            CannotKnow::DeviceQuota(u) => ("DeviceQuota", u.json()),
            CannotKnow::QuotaLimits(u) => ("QuotaLimits", u.json()),
            CannotKnow::Vault(u) => ("Vault", u.json()),
            CannotKnow::Multiregion(u) => ("Multiregion", u.json()),
            CannotKnow::Region(u) => ("Region", u.json()),
            CannotKnow::Regexp(u) => ("Regexp", u.json()),
            CannotKnow::TimeZone(u) => ("TimeZone", u.json()),
            CannotKnow::World(u) => ("WorldGuess", u.json()),
            CannotKnow::SystemCanary(u) => ("SystemCanary", u.json()),
            CannotKnow::Edition(u) => ("Edition", u.json()),
            CannotKnow::Cores(u) => ("Cores", u.json()),
            CannotKnow::ClientValues(u) => ("ClientValues", u.json()),
            CannotKnow::LinkSpeed(u) => ("LinkSpeed", u.json()),
            CannotKnow::Unstated(u) => ("UnstatedSetting", u.json()),
            CannotKnow::PreemptionEdition(u) => ("PreemptionEdition", u.json()),
            CannotKnow::Count(u) => ("Count", u.json()),
            CannotKnow::Sentinel(u) => ("Sentinel", u.json()),
            CannotKnow::Launch(u) => ("PeriodicLaunch", u.json()),
            CannotKnow::ServerCrash(u) => ("ServerCrash", u.json()),
            CannotKnow::AllocPriority(u) => ("AllocPriority", u.json()),
            CannotKnow::Downgrade(u) => ("Downgrade", u.json()),
            CannotKnow::NilAttribute(u) => ("NilAttribute", u.json()),
        }
    }

    /// A hint for diagnostics that carry the line.
    pub fn hint(&self) -> &'static str {
        match self {
            CannotKnow::DeviceQuota(_) => "nomad-preflight does not count device quotas",
            CannotKnow::QuotaLimits(_) => {
                crate::scheduler::quota_unsimulated::QuotaLimitsUnknown::HINT
            }
            CannotKnow::Vault(_) => {
                "state the servers' Vault settings in the world, or judge the job on the cluster"
            }
            CannotKnow::Multiregion(u) => u.hint(),
            CannotKnow::Region(u) => u.hint(),
            CannotKnow::Regexp(_) => crate::jobspec::RegexpUnknown::HINT,
            CannotKnow::TimeZone(_) => crate::jobspec::time_zone::TimeZoneUnknown::HINT,
            CannotKnow::World(u) => u.hint(),
            CannotKnow::SystemCanary(_) => {
                crate::scheduler::system_nodes::SystemCanaryUnknown::HINT
            }
            CannotKnow::Edition(_) => {
                "state the servers' edition in the world: `edition = \"community\"` or `\"enterprise\"` in rules/cluster.hcl"
            }
            CannotKnow::Cores(_) => crate::scheduler::cores::CoresUnknown::HINT,
            CannotKnow::ClientValues(_) => {
                crate::scheduler::client_values::ClientValuesUnknown::HINT
            }
            CannotKnow::LinkSpeed(_) => crate::scheduler::link_speed::LinkSpeedUnknown::HINT,
            CannotKnow::Unstated(_) => unstated_setting::SettingUnknown::HINT,
            CannotKnow::PreemptionEdition(_) => {
                crate::scheduler::preempt::PreemptionEditionUnknown::HINT
            }
            CannotKnow::Count(_) => crate::scheduler::count_bound::CountUnknown::HINT,
            CannotKnow::Sentinel(_) => assumed::SentinelUnknown::HINT,
            CannotKnow::Launch(_) => crate::periodic::NeverAnswers::HINT,
            CannotKnow::ServerCrash(_) => crate::scheduler::server_crash::ServerCrash::HINT,
            CannotKnow::AllocPriority(_) => crate::scheduler::preempt::PriorityUnknown::HINT,
            CannotKnow::Downgrade(_) => crate::scheduler::downgrade::DowngradeUnknown::HINT,
            CannotKnow::NilAttribute(_) => {
                crate::scheduler::nil_attribute::NilAttributeUnknown::HINT
            }
        }
    }
}

/// The plan applier's verdict on `result`, a plan of `job`, in one line
/// ([`PlanResult::rejected_line`]): `nomad job run` of it is rejected.
/// Every command says this one line (plan, `--changed`, rehearse's plan
/// step); `None` when the applier commits the whole plan.
pub fn applier_line(job: &Job, result: &PlanResult) -> Option<String> {
    result.rejected_line(job.job_type)
}

/// [`applier_line`] as the warning section after Nomad's text.
/// A plan whose retries place everything ([`PlanResult::retried_line`])
/// gets a note instead: what `nomad job run` does, without failing.
pub fn applier_warning(job: &Job, result: &PlanResult) -> Option<String> {
    match applier_line(job, result) {
        Some(l) => Some(admission::warning_section(&l)),
        None => result
            .retried_line()
            .map(|l| format!("\n== nomad-preflight: note (not part of Nomad's output) ==\n{l}\n")),
    }
}

/// [`applier_line`] with the rejected nodes and their figures, for
/// `Preflight.Applier` in JSON.
pub fn applier_json(job: &Job, result: &PlanResult) -> Option<serde_json::Value> {
    let Some(line) = applier_line(job, result) else {
        // Rejected at first, placed by the retries: no failure, the
        // first plan's rejections and the plans it took.
        let note = result.retried_line()?;
        let retried = result.retried.as_ref()?;
        let first: Vec<serde_json::Value> = retried.first.iter().map(|r| r.json()).collect();
        return Some(serde_json::json!({
            "Retried": note,
            "RejectedFirst": first,
            "Plans": retried.plans,
        }));
    };
    let nodes: Vec<serde_json::Value> = result.rejected.iter().map(|r| r.json()).collect();
    // Where the retries' end cannot be told, no "SubmissionFails" verdict.
    let verdict = match result.retries_untold(job.job_type) {
        Some(_) => "CannotTell",
        None => "SubmissionFails",
    };
    Some(serde_json::json!({
        verdict: line,
        "Rejected": nodes,
        "Attempts": crate::scheduler::applier::max_attempts(job.job_type),
        "Plans": result.retried.as_ref().map(|r| r.plans),
    }))
}

pub fn plan(sim: &Simulation, job: &Job) -> Plan {
    let submitted = job;
    // The admission mutators run first (Job.Plan): the scheduler, the diff
    // and the quota all see the job as Nomad stores it. A job they refuse
    // is refused by `admit`.
    let mut admission = admission::admit(&sim.world, &sim.state, job);
    let job = &crate::mutators::applied(job, sim.world.nomad_version, &sim.world.server);
    // A refused or ignored upsert leaves the job out of the snapshot: the
    // scheduler sees no job and plans nothing (the index stays 0).
    let mut result = if admission.is_scheduled() {
        // Already mutated: `Simulation::plan` would clone and mutate it again.
        sim.plan_admitted(job)
    } else {
        PlanResult::default()
    };
    // A scheduler that fails fails the Plan RPC: its error is all it says.
    if let Some(error) = result.error.take() {
        admission = admission::scheduler_failed(error, sim.world.nomad_version);
    }
    // The servers' warnings come back with a plan they did not refuse.
    if admission.is_scheduled() {
        let text = admission::warnings_text(&admission::warnings(&sim.world, job));
        if !text.is_empty() {
            result.warnings = vec![text];
        }
    }
    let old = sim
        .state
        .job(&job.namespace, &job.id)
        .map(|r| (*r.job).clone());
    let mut diff = job_diff(old.as_ref(), Some(job), sim.world.nomad_version);
    annotate(&mut diff, &result.desired_tg_updates);
    let mut cannot_know = CannotKnow::of_plan(sim, job, old.is_some(), &result);
    // A sure refusal whose words are not all known: the entry that leaves
    // them unknown is what is said, unless the servers that judge the job
    // are unknown themselves (then nothing of it is known).
    if admission.untold_entries().is_some()
        && !cannot_know
            .as_ref()
            .is_some_and(CannotKnow::decides_the_servers)
    {
        cannot_know = entry_unknown(&sim.world, job).or(cannot_know);
    }
    let assumed = match admission.refused_body() {
        Some(_) => Vec::new(),
        None => assumed::of(&sim.world, submitted, job, &result),
    };
    Plan {
        result,
        diff,
        old,
        admission,
        cannot_know,
        assumed,
    }
}
