//! Quota usage: what the live allocations of every namespace attached to a
//! quota hold, per region. Shared by the status views and the scheduler's
//! quota check so both count the same way.

use super::State;
use crate::world::World;

/// The simulation contract's type, so `Simulation::quota_usage` can return
/// this function's result as is.
pub use crate::scheduler::QuotaUsage;

/// Usage of `quota` in `region`. The simulated state holds one region (the
/// world's), so any other region has no usage.
pub fn quota_usage(world: &World, state: &State, quota: &str, region: &str) -> QuotaUsage {
    let mut usage = QuotaUsage::default();
    if region != world.region {
        return usage;
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
        let r = &a.resources;
        usage.cpu += r.cpu;
        usage.cores += r.cores;
        usage.memory += r.memory_mb;
        // Without memory_max an allocation can use exactly its reservation.
        usage.memory_max += r.memory_max_mb.max(r.memory_mb);
    }
    usage
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

/// Add one allocation's share to a usage total (the same rule as above).
pub fn add_alloc(usage: &mut QuotaUsage, a: &super::Allocation) {
    let r = &a.resources;
    usage.cpu += r.cpu;
    usage.cores += r.cores;
    usage.memory += r.memory_mb;
    usage.memory_max += r.memory_max_mb.max(r.memory_mb);
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
            origin: WorldOrigin::Embedded,
            project_root: Default::default(),
            nomad_version: crate::version::NomadVersion::DEMO,
            region: "global".into(),
            scheduler: Default::default(),
            clients: vec![],
            quotas: BTreeMap::new(),
            namespaces,
            policy: Default::default(),
            running: vec![],
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
        let u = quota_usage(&world(), &state, "web", "global");
        assert_eq!((u.cpu, u.memory, u.memory_max), (150, 320, 320));
        assert_eq!(
            quota_usage(&world(), &state, "web", "europe"),
            QuotaUsage::default()
        );
    }
}
