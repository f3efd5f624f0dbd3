//! NP2xx: capacity and placement, judged against the world's client pools
//! (no simulation: what no client could ever run).

pub mod constraint;
pub mod count_zero;
pub mod group_too_large;
pub mod missing_driver;
pub mod no_datacenter;
pub mod static_port_collision;
pub mod unplaceable_group;
pub mod unsatisfiable_constraint;

use crate::jobspec::{Job, TaskGroup};
use crate::rules::config::glob_match;
use crate::world::{ClientPool, World};

/// Drivers a client fingerprints when the world lists none. The cluster
/// builder (`cluster::build`, scheduler branch) applies the same defaults;
/// rules must see the clients the scheduler sees.
pub const DEFAULT_DRIVERS: [&str; 3] = ["docker", "exec", "java"];

/// The drivers a pool's clients have.
pub fn pool_drivers(p: &ClientPool) -> Vec<&str> {
    if p.drivers.is_empty() {
        DEFAULT_DRIVERS.to_vec()
    } else {
        p.drivers.iter().map(String::as_str).collect()
    }
}

/// The datacenter a pool's clients report (`dc1` when the world omits it).
pub fn pool_datacenter(p: &ClientPool) -> &str {
    if p.datacenter.is_empty() {
        "dc1"
    } else {
        &p.datacenter
    }
}

/// A node attribute of a pool's clients: the world's own value, else the
/// fingerprint default the cluster builder gives every client.
pub fn pool_attribute(p: &ClientPool, key: &str) -> Option<String> {
    if let Some(v) = p.attributes.get(key) {
        return Some(v.clone());
    }
    let v = match key {
        "kernel.name" => "linux".to_string(),
        "os.name" => "ubuntu".to_string(),
        "cpu.arch" => "amd64".to_string(),
        "cpu.totalcompute" => p.cpu.to_string(),
        "memory.totalbytes" => (p.memory.max(0) * 1024 * 1024).to_string(),
        _ => {
            let d = key.strip_prefix("driver.")?;
            return pool_drivers(p).contains(&d).then(|| "1".to_string());
        }
    };
    Some(v)
}

/// Pools whose clients the job may use: datacenter (globs allowed since
/// Nomad 1.5) and node pool match. Pools with no clients are ignored.
pub fn eligible_pools<'w>(world: &'w World, job: &Job) -> Vec<&'w ClientPool> {
    world
        .clients
        .iter()
        .filter(|p| p.count > 0)
        .filter(|p| {
            job.datacenters
                .iter()
                .any(|dc| glob_match(dc, &p.datacenter))
        })
        .filter(|p| {
            let pool = if p.node_pool.is_empty() {
                "default"
            } else {
                &p.node_pool
            };
            matches!(job.node_pool.as_str(), "" | "all") || job.node_pool == pool
        })
        .collect()
}

/// What one allocation of a group asks of a node.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Ask {
    pub cpu: i64,
    pub memory: i64,
    pub disk: i64,
}

/// Per-allocation ask, lifecycle-aware the way Nomad sums task resources:
/// non-sidecar lifecycle tasks (prestart/poststart/poststop) do not run
/// alongside each other's peak, so only the largest of them adds to the
/// sidecars, whichever is bigger than main tasks + sidecars.
pub fn group_ask(g: &TaskGroup) -> Ask {
    let mut main = Ask::default();
    let mut sidecars = Ask::default();
    let mut ephemeral = Ask::default();
    for t in &g.tasks {
        let r = &t.resources;
        match &t.lifecycle {
            Some(l) if !l.sidecar && !l.hook.is_empty() => {
                ephemeral.cpu = ephemeral.cpu.max(r.cpu);
                ephemeral.memory = ephemeral.memory.max(r.memory_mb);
            }
            Some(_) => {
                sidecars.cpu += r.cpu;
                sidecars.memory += r.memory_mb;
            }
            None => {
                main.cpu += r.cpu;
                main.memory += r.memory_mb;
            }
        }
    }
    Ask {
        cpu: sidecars.cpu + main.cpu.max(ephemeral.cpu),
        memory: sidecars.memory + main.memory.max(ephemeral.memory),
        disk: g.ephemeral_disk.size_mb,
    }
}

/// What one client of a pool offers after its reservations.
pub fn pool_free(p: &ClientPool) -> Ask {
    Ask {
        cpu: p.cpu - p.reserved.cpu,
        memory: p.memory - p.reserved.memory,
        disk: p.disk - p.reserved.disk,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jobspec::{Lifecycle, Resources, Task};

    fn t(cpu: i64, mem: i64, life: Option<(&str, bool)>) -> Task {
        Task {
            resources: Resources {
                cpu,
                memory_mb: mem,
                ..Resources::default()
            },
            lifecycle: life.map(|(hook, sidecar)| Lifecycle {
                hook: hook.into(),
                sidecar,
                ..Lifecycle::default()
            }),
            ..Task::default()
        }
    }

    #[test]
    fn lifecycle_aware_sum() {
        let g = TaskGroup {
            tasks: vec![
                t(100, 200, None),
                t(100, 100, None),
                t(50, 50, Some(("prestart", true))),
                t(500, 100, Some(("prestart", false))),
            ],
            ..TaskGroup::default()
        };
        let a = group_ask(&g);
        assert_eq!((a.cpu, a.memory), (550, 350));
    }

    #[test]
    fn datacenter_globs_select_pools() {
        let world = crate::rules::testing::world();
        let mut job = Job {
            datacenters: vec!["dc*".into()],
            node_pool: "default".into(),
            ..Job::default()
        };
        assert_eq!(eligible_pools(&world, &job).len(), 2);
        job.datacenters = vec!["eu-1".into()];
        assert!(eligible_pools(&world, &job).is_empty());
    }
}
