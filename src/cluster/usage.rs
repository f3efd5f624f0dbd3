//! Quota usage: what the live allocations of every namespace attached to a
//! quota hold, per region. Shared by the status views, the scheduler's
//! quota stage and the quota rules so all of them count the same way.

use super::{AllocResources, Allocation, State};
use crate::world::World;

/// Usage of one quota in one region, summed over the live allocations of
/// every namespace attached to it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QuotaUsage {
    pub cpu: i64,
    pub cores: i64,
    pub memory: i64,
    pub memory_max: i64,
}

/// A quota total past Nomad's int64: never wrapped, never saturated, but
/// said with the bound it passed. World figures are bounded where they are
/// read ([`crate::world::bounds`]), so only a job's own ask reaches this.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UsageOverflow {
    /// Nomad's name of the dimension: `cpu`, `cores`, `memory`, `memory_max`.
    pub dim: &'static str,
}

impl std::fmt::Display for UsageOverflow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the {} total passes {}, the largest figure Nomad's 64-bit integers hold",
            self.dim,
            i64::MAX
        )
    }
}

impl QuotaUsage {
    /// What one allocation holds against a quota. Without `memory_max` an
    /// allocation can use exactly its reservation, so that counts as its max.
    pub fn of(r: &AllocResources) -> QuotaUsage {
        QuotaUsage {
            cpu: r.cpu,
            cores: r.cores,
            memory: r.memory_mb,
            memory_max: r.memory_max_mb.max(r.memory_mb),
        }
    }

    /// `f` applied to each dimension of `self` and `o`, checked.
    fn zip(
        &self,
        o: &QuotaUsage,
        f: impl Fn(i64, i64) -> Option<i64>,
    ) -> Result<QuotaUsage, UsageOverflow> {
        let one = |dim, a, b| f(a, b).ok_or(UsageOverflow { dim });
        Ok(QuotaUsage {
            cpu: one("cpu", self.cpu, o.cpu)?,
            cores: one("cores", self.cores, o.cores)?,
            memory: one("memory", self.memory, o.memory)?,
            memory_max: one("memory_max", self.memory_max, o.memory_max)?,
        })
    }

    /// Count one more allocation; on overflow `self` is left as it was.
    pub fn add(&mut self, r: &AllocResources) -> Result<(), UsageOverflow> {
        *self = self.zip(&QuotaUsage::of(r), i64::checked_add)?;
        Ok(())
    }

    /// Give back one allocation's share; on overflow `self` is left as it was.
    pub fn sub(&mut self, r: &AllocResources) -> Result<(), UsageOverflow> {
        *self = self.zip(&QuotaUsage::of(r), i64::checked_sub)?;
        Ok(())
    }
}

/// The usage after a plan: `base` less what it removes (stops, preemptions)
/// plus what it places, where `counts` says which namespaces the quota
/// covers. A placement that replaces a stored allocation in place (same ID)
/// gives back the old allocation's share: `placed` yields each new
/// allocation with the one it replaces, if any.
pub fn usage_after<'a>(
    base: &QuotaUsage,
    counts: impl Fn(&str) -> bool,
    removed: impl IntoIterator<Item = &'a Allocation>,
    placed: impl IntoIterator<Item = (&'a Allocation, Option<&'a Allocation>)>,
) -> Result<QuotaUsage, UsageOverflow> {
    let mut u = base.clone();
    for a in removed {
        if counts(&a.namespace) {
            u.sub(&a.resources)?;
        }
    }
    for (a, old) in placed {
        if counts(&a.namespace) {
            u.add(&a.resources)?;
            if let Some(old) = old {
                u.sub(&old.resources)?;
            }
        }
    }
    Ok(u)
}

/// Usage of `quota` in `region`. The simulated state holds one region (the
/// world's), so any other region has no usage.
pub fn quota_usage(
    world: &World,
    state: &State,
    quota: &str,
    region: &str,
) -> Result<QuotaUsage, UsageOverflow> {
    let mut usage = QuotaUsage::default();
    if region != world.region {
        return Ok(usage);
    }
    let attached = |ns: &str| {
        world
            .namespaces
            .get(ns)
            .and_then(|n| n.quota.as_deref())
            .is_some_and(|q| q == quota)
    };
    for a in state
        .allocs
        .iter()
        .filter(|a| a.is_live() && attached(&a.namespace))
    {
        usage.add(&a.resources)?;
    }
    Ok(usage)
}

/// Namespaces whose allocations count against `quota`.
pub fn quota_namespaces<'a>(
    world: &'a World,
    quota: &'a str,
) -> impl Iterator<Item = &'a str> + 'a {
    world
        .namespaces
        .iter()
        .filter(move |(_, ns)| ns.quota.as_deref() == Some(quota))
        .map(|(name, _)| name.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::{AllocResources, Allocation, ClientStatus, DesiredStatus};
    use crate::world::{Namespace, World, WorldOrigin};
    use std::collections::BTreeMap;

    fn world() -> World {
        let mut namespaces = BTreeMap::new();
        for (ns, q) in [
            ("default", Some("web")),
            ("monitor", None),
            ("other", Some("web")),
        ] {
            namespaces.insert(
                ns.to_string(),
                Namespace {
                    name: ns.to_string(),
                    quota: q.map(str::to_string),
                    ..Namespace::default()
                },
            );
        }
        World {
            nomad_version: crate::version::NomadVersion::DEMO,
            namespaces,
            ..World::empty(WorldOrigin::Embedded, Default::default())
        }
    }

    fn alloc(ns: &str, cpu: i64, mem: i64, live: bool) -> Allocation {
        Allocation {
            namespace: ns.into(),
            resources: AllocResources {
                cpu,
                memory_mb: mem,
                ..AllocResources::default()
            },
            desired_status: DesiredStatus::Run,
            client_status: if live {
                ClientStatus::Running
            } else {
                ClientStatus::Complete
            },
            ..Allocation::default()
        }
    }

    #[test]
    fn counts_live_allocs_of_every_attached_namespace() {
        let state = State {
            allocs: vec![
                alloc("default", 100, 256, true),
                alloc("other", 50, 64, true),
                alloc("monitor", 2000, 3072, true),
                alloc("default", 999, 999, false),
            ],
            ..State::default()
        };
        let u = quota_usage(&world(), &state, "web", "global").unwrap();
        assert_eq!((u.cpu, u.memory, u.memory_max), (150, 320, 320));
        assert_eq!(
            quota_usage(&world(), &state, "web", "europe"),
            Ok(QuotaUsage::default())
        );
    }

    #[test]
    fn usage_after_a_plan_counts_only_the_quotas_namespaces() {
        let base = QuotaUsage {
            cpu: 1000,
            cores: 0,
            memory: 1000,
            memory_max: 1000,
        };
        let stopped = alloc("default", 100, 100, true);
        let elsewhere = alloc("monitor", 500, 500, true);
        let old = alloc("default", 200, 200, true);
        let mut new = alloc("default", 300, 300, true);
        new.resources.memory_max_mb = 900;
        let placed_elsewhere = alloc("monitor", 50, 50, true);
        let u = usage_after(
            &base,
            |ns| ns == "default",
            [&stopped, &elsewhere],
            [(&new, Some(&old)), (&placed_elsewhere, None)],
        )
        .unwrap();
        assert_eq!((u.cpu, u.memory, u.memory_max), (1000, 1000, 1600));
    }

    /// Sums past i64 are errors naming the dimension and the bound, and
    /// leave the usage as it was: never a wrapped or saturated figure.
    #[test]
    fn overflow_is_an_error_naming_the_bound_never_a_figure() {
        let mut u = QuotaUsage::of(&alloc("default", i64::MAX - 5, 10, true).resources);
        let before = u.clone();
        let e = u.add(&alloc("default", 6, 10, true).resources).unwrap_err();
        assert_eq!(e, UsageOverflow { dim: "cpu" });
        assert_eq!(
            e.to_string(),
            "the cpu total passes 9223372036854775807, the largest figure Nomad's 64-bit integers hold"
        );
        assert_eq!(u, before);
        assert!(u.add(&alloc("default", 5, 10, true).resources).is_ok());
        assert_eq!(u.cpu, i64::MAX);
        let mut low = QuotaUsage::of(&alloc("default", i64::MIN + 1, 0, true).resources);
        let e = low
            .sub(&alloc("default", 2, 0, true).resources)
            .unwrap_err();
        assert_eq!(e.dim, "cpu");
        let state = State {
            allocs: vec![
                alloc("default", 1, i64::MAX, true),
                alloc("other", 1, 1, true),
            ],
            ..State::default()
        };
        assert_eq!(
            quota_usage(&world(), &state, "web", "global"),
            Err(UsageOverflow { dim: "memory" })
        );
    }
}
