//! The namespace's and node pool's checks of the Plan RPC's admission
//! ([`super::admission`]): a task driver or (1.8.4+) a group network mode
//! the namespace's `capabilities` refuse (`taskValidateDriver`,
//! `taskValidateNetworkMode`) and a node pool no client registered
//! (1.6.0+).

use super::admission::Refusal;
use crate::cluster::State;
use crate::gotext::go_quote;
use crate::jobspec::Job;
use crate::world::World;

/// Node pools that exist: the built-in ones and every client's.
pub(super) fn pool_exists(state: &State, pool: &str) -> bool {
    pool == "default" || pool == "all" || state.nodes.iter().any(|n| n.node_pool == pool)
}

/// Every node pool that exists, built-in ones first, for hints.
pub fn node_pools(state: &State) -> Vec<String> {
    let mut pools = vec!["default".to_string(), "all".to_string()];
    for n in &state.nodes {
        if !pools.contains(&n.node_pool) {
            pools.push(n.node_pool.clone());
        }
    }
    pools
}

/// Nomad's `taskValidateDriver`: enabled drivers (when listed) allow,
/// disabled drivers refuse.
fn driver_allowed(driver: &str, enabled: &[String], disabled: &[String]) -> bool {
    let allow = enabled.is_empty() || enabled.iter().any(|d| d == driver);
    allow && !disabled.iter().any(|d| d == driver)
}

/// Go's `%q` of a `[]string`.
pub(super) fn go_quote_list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| go_quote(s)).collect();
    format!("[{}]", quoted.join(" "))
}

/// What the namespace check refuses of `job`: its namespace does not
/// exist (the state store's upsert; from 1.3.0 the namespace validator),
/// or from 1.3.0 its capabilities refuse the job. Nothing where the world
/// cannot say (`world::guess::namespace_unknown`): that is a "cannot tell"
/// for every command, never a refusal.
pub(super) fn namespace_refusal(world: &World, state: &State, job: &Job) -> Option<Refusal> {
    if crate::world::guess::namespace_unknown(world, job).is_some() {
        return None;
    }
    if !state.namespaces.contains(&job.namespace) {
        return Some(Refusal::MissingNamespace);
    }
    // The namespace validator returns at its first error: drivers, then
    // group network modes, are judged only in a namespace that exists.
    world
        .nomad_version
        .at_least(1, 3, 0)
        .then(|| refused_capabilities(job, world))
        .flatten()
}

/// The namespace validator (nomad/job_endpoint_validators.go
/// `jobNamespaceConstraintCheckHook`): its driver check (1.3.0+), and when
/// that passes its group network mode check (1.8.4+, every later tag).
/// It returns at its first error, so at most one of the two.
fn refused_capabilities(job: &Job, world: &World) -> Option<Refusal> {
    refused_drivers(job, world).or_else(|| {
        world
            .nomad_version
            .at_least(1, 8, 4)
            .then(|| refused_network_modes(job, world))
            .flatten()
    })
}

/// Nomad's `taskValidateNetworkMode`: a group network without `mode` is
/// `host`; enabled modes (when listed) allow, disabled modes refuse.
fn network_mode_allowed(mode: &str, enabled: &[String], disabled: &[String]) -> bool {
    let allow = enabled.is_empty() || enabled.iter().any(|m| m == mode);
    allow && !disabled.iter().any(|m| m == mode)
}

/// The group network mode check (1.8.4+): one entry per group network
/// whose mode the namespace refuses, in job order (Nomad does not
/// deduplicate). Task-level (legacy) networks are not judged.
fn refused_network_modes(job: &Job, world: &World) -> Option<Refusal> {
    let ns = world.namespaces.get(&job.namespace)?;
    let modes: Vec<String> = job
        .groups
        .iter()
        .flat_map(|g| &g.networks)
        .map(|n| {
            if n.mode.is_empty() {
                "host".to_string()
            } else {
                n.mode.clone()
            }
        })
        .filter(|m| !network_mode_allowed(m, &ns.enabled_network_modes, &ns.disabled_network_modes))
        .collect();
    (!modes.is_empty()).then(|| Refusal::NetworkModesNotAllowed {
        namespace: ns.name.clone(),
        modes,
    })
}

/// The namespace validator's driver check (1.3.0+): one entry per task
/// whose driver the namespace refuses (Nomad does not deduplicate).
fn refused_drivers(job: &Job, world: &World) -> Option<Refusal> {
    let ns = world.namespaces.get(&job.namespace)?;
    let drivers: Vec<String> = job
        .groups
        .iter()
        .flat_map(|g| &g.tasks)
        .filter(|t| {
            !driver_allowed(
                &t.driver,
                &ns.enabled_task_drivers,
                &ns.disabled_task_drivers,
            )
        })
        .map(|t| t.driver.clone())
        .collect();
    (!drivers.is_empty()).then(|| Refusal::DriversNotAllowed {
        namespace: ns.name.clone(),
        drivers,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drivers_follow_nomads_rule() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert!(driver_allowed("docker", &[], &[]));
        assert!(driver_allowed("docker", &s(&["docker"]), &[]));
        assert!(!driver_allowed("exec", &s(&["docker"]), &[]));
        assert!(!driver_allowed("docker", &[], &s(&["docker"])));
        assert!(!driver_allowed("docker", &s(&["docker"]), &s(&["docker"])));
        assert!(network_mode_allowed("bridge", &[], &[]));
        assert!(network_mode_allowed("bridge", &s(&["bridge"]), &[]));
        assert!(!network_mode_allowed("host", &s(&["bridge"]), &[]));
        assert!(!network_mode_allowed("host", &[], &s(&["host"])));
        assert!(!network_mode_allowed(
            "cni/a",
            &s(&["cni/a"]),
            &s(&["cni/a"])
        ));
        assert_eq!(
            go_quote_list(&s(&["docker", "exec"])),
            "[\"docker\" \"exec\"]"
        );
    }
}
