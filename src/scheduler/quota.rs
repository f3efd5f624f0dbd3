//! The quota stage of an evaluation (Nomad Enterprise's `QuotaIterator`):
//! which limits a release enforces, how a limit is read, and what a quota
//! holds once a plan is applied. The engine, the plan's consumers and the
//! quota rules all count with these, so a rule's verdict is the plan's.

use std::fmt;

use super::engine::{Ask, Engine};
use crate::cluster::usage::{quota_namespaces, usage_after, QuotaUsage, UsageOverflow};
use crate::cluster::{AllocResources, Allocation};
use crate::jobspec::TaskGroup;
use crate::scheduler::{PlanResult, Simulation};
use crate::structs::resources::task_group_resources;
use crate::version::NomadVersion;
use crate::world::{RegionLimit, World};

/// A quota dimension over its limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exhausted {
    /// Nomad's name of the dimension: `cpu`, `cores`, `memory`, `memory_max`.
    pub dim: &'static str,
    /// What the quota would hold with the ask placed; `None` past i64,
    /// said by the bound, never as a wrapped or saturated figure.
    pub needed: Option<i64>,
    pub limit: i64,
}

impl Exhausted {
    /// The unit of the dimension, for messages of our own.
    pub fn unit(&self) -> &'static str {
        match self.dim {
            "cpu" => "MHz",
            "cores" => "cores",
            _ => "MB",
        }
    }
}

/// Nomad Enterprise's quota code is private; the only published string is
/// `memory exhausted (1024 needed > 1000 limit)`, with the would-be total as
/// "needed".
impl fmt::Display for Exhausted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.needed {
            Some(n) => write!(
                f,
                "{} exhausted ({n} needed > {} limit)",
                self.dim, self.limit
            ),
            None => write!(
                f,
                "{} exhausted (more than {} needed > {} limit)",
                self.dim,
                i64::MAX,
                self.limit
            ),
        }
    }
}

/// Nomad's reading of one limit: unset or `0` is unlimited; a negative
/// limit forbids any use (so any `add` breaks it); otherwise the total with
/// the ask must stay within it.
pub fn over_limit(limit: Option<i64>, used: i64, add: i64) -> bool {
    match limit {
        None | Some(0) => false,
        Some(l) if l < 0 => add > 0,
        Some(l) => used.checked_add(add).is_none_or(|t| t > l),
    }
}

/// Every dimension `ask` on top of `used` would exhaust, in the order
/// Nomad's own Superset checks dimensions (cpu before memory). Which
/// dimensions a release enforces: cpu and memory always, memory_max with
/// oversubscription (1.1), cores since 1.8.2 (Enterprise 1.6.13, 1.7.10).
pub fn exhausted(
    limit: &RegionLimit,
    version: NomadVersion,
    used: &QuotaUsage,
    ask: &QuotaUsage,
) -> Vec<Exhausted> {
    let enforced = |dim: &str| match dim {
        "cores" => version.has(crate::version::Fix::QuotaCores),
        "memory_max" => version.at_least(1, 1, 0),
        _ => true,
    };
    let dims = [
        ("cpu", limit.cpu, used.cpu, ask.cpu),
        ("cores", limit.cores, used.cores, ask.cores),
        ("memory", limit.memory, used.memory, ask.memory),
        (
            "memory_max",
            limit.memory_max,
            used.memory_max,
            ask.memory_max,
        ),
    ];
    dims.into_iter()
        .filter(|(dim, lim, used, add)| enforced(dim) && over_limit(*lim, *used, *add))
        .map(|(dim, lim, used, add)| Exhausted {
            dim,
            needed: used.checked_add(add),
            limit: lim.unwrap_or(0),
        })
        .collect()
}

/// What one allocation of `tg` holds once placed, as the scheduler stores
/// it: with memory oversubscription off the ranker records no
/// `MemoryMaxMB` (scheduler/feasible/rank.go:384-397@v2.0.5,
/// scheduler/rank.go:370@v1.6.5), and `AllocatedMemoryResources.Add`
/// then counts `MemoryMB` as the max (nomad/structs/structs.go:4117@v2.0.5):
/// the task's `memory_max` is ignored, as Nomad's own job warning says
/// (`planner::admission_warnings`). So the allocations the simulation places
/// hold what Nomad's would, and quota usage counts their memory. Whether
/// Enterprise's private quota stage reads the ask the same way is not
/// public: [`super::quota_unsimulated::memory_max_ignored`] says "cannot
/// tell" where that reading could decide.
pub fn placed_resources(tg: &TaskGroup, world: &World) -> AllocResources {
    let mut r = task_group_resources(tg, world.nomad_version);
    if !world.scheduler.memory_oversubscription {
        r.memory_max_mb = r.memory_mb;
    }
    r
}

/// The quota that binds a namespace in the world's region, with its limit.
pub fn binding_limit<'w>(world: &'w World, namespace: &str) -> Option<(&'w str, &'w RegionLimit)> {
    let q = world.quota_of(namespace)?;
    let l = q.limit_for(&world.region)?;
    Some((q.name.as_str(), &l.region_limit))
}

/// What `quota` holds once `plan` is applied to the simulation's state:
/// today's usage, less the allocations the plan stops or preempts, plus the
/// ones it places (an in-place update gives back the old allocation's share).
pub fn usage_after_plan(
    sim: &Simulation,
    plan: &PlanResult,
    quota: &str,
) -> Result<QuotaUsage, UsageOverflow> {
    let world = &sim.world;
    let base = sim.quota_usage(quota, &world.region)?;
    let nss: Vec<&str> = quota_namespaces(world, quota).collect();
    let live = |id: &str| -> Option<&Allocation> {
        sim.state.allocs.iter().find(|a| a.id == id && a.is_live())
    };
    let removed: Vec<&Allocation> = plan
        .stops
        .iter()
        .map(String::as_str)
        .chain(plan.preempted_allocs.iter().map(|p| p.id.as_str()))
        .filter_map(live)
        .collect();
    let placed = plan
        .placements
        .iter()
        .map(|p| (&p.alloc, p.in_place.then(|| live(&p.alloc.id)).flatten()));
    usage_after(&base, |ns| nss.contains(&ns), removed, placed)
}

/// The quota stage of one evaluation.
impl Engine<'_> {
    /// The quota hit this ask would cause, in Nomad's words, if any: the
    /// first exhausted dimension of the usage after the plan so far.
    pub(super) fn quota_hit(&self, ask: &Ask<'_>) -> Option<String> {
        self.quota_hit_counting(ask, true)
    }

    /// Did the room left in the quota run out within this evaluation: is
    /// `ask` refused after the plan so far, and not without its new
    /// placements (and what they preempt)? Then the nodes a system job
    /// visits first take the room, and which those are is Go's map order
    /// ([`super::generic::system_sched`]).
    pub(super) fn quota_ran_out_here(&self, ask: &Ask<'_>) -> bool {
        self.quota_hit(ask).is_some() && self.quota_hit_counting(ask, false).is_none()
    }

    /// [`Engine::quota_hit`]; without `placements`, as if none of the
    /// plan's new allocations (an update in place keeps counting) nor
    /// their preemptions were made.
    fn quota_hit_counting(&self, ask: &Ask<'_>, placements: bool) -> Option<String> {
        let (name, base) = self.quota_base.as_ref()?;
        let base = match base {
            Ok(b) => b,
            Err(over) => return Some(over.to_string()),
        };
        let quota = self.world.quotas.get(name)?;
        let limit = quota.limit_for(&self.world.region)?;
        let nss: Vec<&str> = quota_namespaces(self.world, name).collect();
        let u = match self.usage_so_far(base, &nss, placements) {
            Ok(u) => u,
            Err(over) => return Some(over.to_string()),
        };
        exhausted(
            &limit.region_limit,
            self.world.nomad_version,
            &u,
            &QuotaUsage::of(&ask.res),
        )
        .first()
        .map(ToString::to_string)
    }
}

/// The quota usage after an engine's plan so far, with its placements
/// (`with`) and with only its in-place updates and stops (`without`, see
/// [`Engine::quota_hit_counting`]), and how much of the plan they count.
/// While the engine fills it a plan only grows ([`Engine::unstop`], the
/// one removal, drops the memo; the applier works on a plan the engine
/// gave up), so each ask extends the sums by what was added since. Summing
/// the whole plan again for every node each placement ranks made a group
/// of n allocations cost n² (count = 30,000: 12 s, R19-A1).
#[derive(Debug, Clone)]
pub(super) struct UsageMemo {
    stops: usize,
    preempted: usize,
    placed: usize,
    with: Result<QuotaUsage, UsageOverflow>,
    without: Result<QuotaUsage, UsageOverflow>,
}

impl Engine<'_> {
    /// [`usage_after`] of the plan so far from `base` over the namespaces
    /// `nss`, extended from [`UsageMemo`]. Sums are checked, so an
    /// overflow stays one however the additions are grouped.
    fn usage_so_far(
        &self,
        base: &QuotaUsage,
        nss: &[&str],
        placements: bool,
    ) -> Result<QuotaUsage, UsageOverflow> {
        let plan = &self.plan;
        let mut memo = self.quota_memo.borrow_mut();
        let fresh = || UsageMemo {
            stops: 0,
            preempted: 0,
            placed: 0,
            with: Ok(base.clone()),
            without: Ok(base.clone()),
        };
        let m = memo.get_or_insert_with(fresh);
        // A plan that shrank (never while the engine fills it): start over.
        if m.stops > plan.stops.len()
            || m.preempted > plan.preempted.len()
            || m.placed > plan.placed.made()
        {
            *m = fresh();
        }
        let counts = |ns: &str| nss.contains(&ns);
        let stops = plan.stops.get(m.stops..).unwrap_or_default();
        let preempted = plan.preempted.get(m.preempted..).unwrap_or_default();
        let placed: Vec<(&Allocation, bool)> = (m.placed..plan.placed.made())
            .filter_map(|i| plan.placed.get(i))
            .map(|a| (a, plan.replaced.contains(&a.id)))
            .collect();
        let old = |a: &Allocation, in_place: bool| in_place.then(|| self.stored(&a.id)).flatten();
        m.with = m.with.clone().and_then(|u| {
            let removed = stops.iter().chain(preempted.iter().map(|(a, _)| a));
            let placed = placed.iter().map(|&(a, p)| (a, old(a, p)));
            usage_after(&u, counts, removed, placed)
        });
        m.without = m.without.clone().and_then(|u| {
            let placed = placed
                .iter()
                .filter(|(_, p)| *p)
                .map(|&(a, p)| (a, old(a, p)));
            usage_after(&u, counts, stops, placed)
        });
        m.stops = plan.stops.len();
        m.preempted = plan.preempted.len();
        m.placed = plan.placed.made();
        if placements {
            m.with.clone()
        } else {
            m.without.clone()
        }
    }
}

/// Does release `v` check the quota before a node's feasibility? GH-10753
/// moved the quota check after feasibility in 1.1.2 and 1.0.8: from then a
/// node the feasibility checks filter never reaches the quota.
pub fn quota_before_feasibility(v: crate::version::NomadVersion) -> bool {
    !(v.at_least(1, 1, 2) || (v.at_least(1, 0, 8) && !v.at_least(1, 1, 0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_read_as_nomad_reads_them() {
        assert!(!over_limit(None, 0, 10));
        assert!(!over_limit(Some(0), 0, 10));
        assert!(over_limit(Some(-1), 0, 1));
        assert!(!over_limit(Some(-1), 5, 0));
        assert!(over_limit(Some(5), 3, 3));
        assert!(!over_limit(Some(5), 2, 3));
        // A total past 64 bits is past every limit (a saturating sum said
        // it fit), and its figure is said by the bound.
        assert!(over_limit(Some(i64::MAX), i64::MAX, 1));
        let limit = RegionLimit {
            cpu: Some(1000),
            ..RegionLimit::default()
        };
        let used = QuotaUsage {
            cpu: 10,
            ..QuotaUsage::default()
        };
        let ask = QuotaUsage {
            cpu: i64::MAX,
            ..QuotaUsage::default()
        };
        let over = exhausted(&limit, NomadVersion::CURRENT, &used, &ask);
        assert_eq!(
            over[0].to_string(),
            "cpu exhausted (more than 9223372036854775807 needed > 1000 limit)"
        );
    }

    #[test]
    fn enforced_dimensions_follow_the_release() {
        let limit = RegionLimit {
            cpu: Some(1000),
            cores: Some(1),
            memory: Some(1000),
            memory_max: Some(1000),
            ..RegionLimit::default()
        };
        let used = QuotaUsage {
            cpu: 900,
            cores: 1,
            memory: 100,
            memory_max: 900,
        };
        let ask = QuotaUsage {
            cpu: 200,
            cores: 1,
            memory: 200,
            memory_max: 200,
        };
        let dims = |v| -> Vec<String> {
            exhausted(&limit, v, &used, &ask)
                .iter()
                .map(ToString::to_string)
                .collect()
        };
        assert_eq!(
            dims(NomadVersion::new(1, 0, 0)),
            ["cpu exhausted (1100 needed > 1000 limit)"]
        );
        assert_eq!(
            dims(NomadVersion::new(1, 1, 0)),
            [
                "cpu exhausted (1100 needed > 1000 limit)",
                "memory_max exhausted (1100 needed > 1000 limit)"
            ]
        );
        assert_eq!(dims(NomadVersion::new(1, 8, 2)).len(), 3);
        assert_eq!(
            exhausted(&limit, NomadVersion::new(1, 8, 2), &used, &ask)[1].unit(),
            "cores"
        );
    }

    /// What a job file loads to, through the real front end.
    fn job(text: &str) -> crate::jobspec::Job {
        crate::rules::testing::load("j.nomad", text)
            .job
            .expect("the test job loads")
    }

    /// GH-10753 (CHANGELOG 1.1.2 and 1.0.8): the quota check moved after
    /// the feasibility checks. Before, a job over its quota whose
    /// constraint no node meets is reported as the quota hit on every
    /// node; after, as the nodes its constraint filtered.
    #[test]
    fn the_quota_stage_moved_after_feasibility_in_1_1_2_and_1_0_8() {
        let text = crate::rules::testing::filler("big", 50, 100)
            .replace("count = 3", "count = 1")
            .replace("cpu    = 100", "cpu    = 4000")
            .replace(
                "  group \"g\" {",
                "  constraint {\n    attribute = \"${attr.kernel.name}\"\n    value     = \"windows\"\n  }\n  group \"g\" {",
            );
        let hit = "cpu exhausted (4000 needed > 3000 limit)".to_string();
        for (v, quota_first) in [
            (NomadVersion::new(0, 9, 3), true),
            (NomadVersion::new(1, 0, 7), true),
            (NomadVersion::new(1, 0, 8), false),
            (NomadVersion::new(1, 1, 0), true),
            (NomadVersion::new(1, 1, 1), true),
            (NomadVersion::new(1, 1, 2), false),
            (NomadVersion::CURRENT, false),
        ] {
            let mut world = crate::rules::testing::world();
            world.nomad_version = v;
            let sim = crate::rules::testing::simulate(&world);
            let plan = sim.plan(&job(&text));
            let m = plan.failed_tg_allocs.get("g").expect("the group fails");
            if quota_first {
                assert_eq!(m.quota_exhausted, vec![hit.clone()], "{v}");
                assert_eq!(m.nodes_filtered, 0, "{v}");
            } else {
                assert!(m.quota_exhausted.is_empty(), "{v}: {m:?}");
                assert_eq!(m.nodes_filtered, 6, "{v}");
            }
        }
        // Feasible nodes, over the quota: the hit is reported in every release.
        let feasible = text.replace("\"windows\"", "\"linux\"");
        let mut world = crate::rules::testing::world();
        world.nomad_version = NomadVersion::new(1, 1, 2);
        let plan = crate::rules::testing::simulate(&world).plan(&job(&feasible));
        let m = plan.failed_tg_allocs.get("g").expect("the group fails");
        assert_eq!(m.quota_exhausted, vec![hit]);
    }

    /// The quota after a destructive update: the old allocation's share
    /// out, the new one's in, other jobs' allocations untouched.
    #[test]
    fn usage_after_a_plan_swaps_the_stopped_share_for_the_placed_one() {
        use crate::rules::testing::{filler, simulate_running, small_world};
        let mut world = small_world(false);
        if let Some(ns) = world.namespaces.get_mut("default") {
            ns.quota = Some("default".into());
        }
        let sim = simulate_running(&world, &[filler("other", 50, 200), filler("web", 50, 300)]);
        let before = sim.quota_usage("default", "global").expect("fits 64 bits");
        assert_eq!((before.cpu, before.memory), (600, 1500));
        let plan = sim.plan(&job(&filler("web", 50, 400)));
        // The default update block (max_parallel = 1) replaces one at a time.
        assert_eq!(plan.stops.len(), 1, "one destructive update per round");
        let after = usage_after_plan(&sim, &plan, "default").expect("fits 64 bits");
        assert_eq!((after.cpu, after.memory), (600, 1500 - 300 + 400));
    }
}
