//! `jobImplicitIdentitiesHook` (nomad/job_endpoint_hook_implicit_identities.go,
//! 1.7+), run after `jobImpliedConstraints` and the node pool hook:
//!
//! - every Consul service (group or task) without an `identity` gets the
//!   servers' `consul.service_identity`, named `consul-service_...`
//!   (`MakeUniqueIdentityName`) with its `ServiceName`;
//! - a task that talks to Consul gets the servers' `consul.task_identity`
//!   named `consul_<cluster>`, unless it has one of that name. 1.7–1.9 call
//!   it for tasks with templates; from 1.10 (`handleConsulTask`) for tasks
//!   whose task or group has a `consul` block;
//! - a task with a `vault` block gets `vault.default_identity` named
//!   `vault_<cluster>`, unless it has one of that name;
//! - a group where any service then has an identity, or any task a named
//!   identity, gets `${attr.nomad.version} semver >= 1.7.0-a`
//!   (`implicitIdentityClientVersionConstraint`).
//!
//! Nomad appends that constraint without looking (its hook runs once per
//! submission). Ours runs on jobs already admitted too, so it adds it once:
//! the same constraint twice is one row of the diff (constraints diff as a
//! set, diff.go `primitiveObjectSetDiff`) and one check for the scheduler.
//!
//! Nomad CE has one Consul cluster (`GetConsulClusterName` is always
//! "default"); the world's settings are those of the default clusters, so a
//! Vault block on another cluster finds none.

use crate::jobspec::{Constraint, Job, Service, TaskGroup, WorkloadIdentity};
use crate::version::NomadVersion;
use crate::world::ServerConfig;

/// The server settings the hook asked for, by their agent config names.
pub const SERVICE_IDENTITY: &str = "consul.service_identity";
pub const TASK_IDENTITY: &str = "consul.task_identity";
pub const VAULT_IDENTITY: &str = "vault.default_identity";

/// `implicitIdentityClientVersionConstraint`: "-a" sorts below every 1.7.0
/// pre-release.
fn client_version() -> Constraint {
    Constraint {
        ltarget: "${attr.nomad.version}".into(),
        operand: "semver".into(),
        rtarget: ">= 1.7.0-a".into(),
        ..Constraint::default()
    }
}

/// Mutate `job`; returns the server settings the hook looked up, in the
/// order first asked (what a plan assumes when the world does not state
/// them).
pub(super) fn mutate(job: &mut Job, v: NomadVersion, server: &ServerConfig) -> Vec<&'static str> {
    let mut asked = Vec::new();
    if !v.at_least(1, 7, 0) {
        return asked;
    }
    for g in &mut job.groups {
        let mut has_identity = false;
        for s in &mut g.services {
            consul_service(s, server, &mut asked);
            has_identity |= s.identity.is_some();
        }
        let group_consul = g.consul.clone();
        for t in &mut g.tasks {
            for s in &mut t.services {
                consul_service(s, server, &mut asked);
                has_identity |= s.identity.is_some();
            }
            // 1.7–1.9 `handleConsulTasks`: any task with templates, named
            // for the task's own Consul block (or the default cluster);
            // 1.10 `handleConsulTask`: a Consul block on the task or group.
            let consul_name = if v.at_least(1, 10, 0) {
                t.consul
                    .as_ref()
                    .or(group_consul.as_ref())
                    .map(|c| consul_identity_name(&c.cluster))
            } else if !t.templates.is_empty() {
                Some(consul_identity_name(
                    t.consul.as_ref().map_or("", |c| c.cluster.as_str()),
                ))
            } else {
                None
            };
            if let Some(name) = consul_name {
                if !t.identities.iter().any(|w| w.name == name) {
                    note(&mut asked, TASK_IDENTITY);
                    if let Some(w) = &server.consul_task_identity {
                        t.identities.push(WorkloadIdentity { name, ..w.clone() });
                    }
                }
            }
            // `handleVault`: `Vault.IdentityName` is "vault_" + the
            // (canonicalised) cluster.
            if let Some(va) = &t.vault {
                let name = format!("vault_{}", va.cluster);
                if !t.identities.iter().any(|w| w.name == name) {
                    note(&mut asked, VAULT_IDENTITY);
                    let default_cluster = va.cluster.is_empty() || va.cluster == "default";
                    if let Some(w) = server
                        .vault_default_identity
                        .as_ref()
                        .filter(|_| default_cluster)
                    {
                        t.identities.push(WorkloadIdentity { name, ..w.clone() });
                    }
                }
            }
            has_identity |= !t.identities.is_empty();
        }
        if has_identity {
            add_once(g, client_version());
        }
    }
    asked
}

/// `Consul.IdentityName`: "consul_" + the cluster, "default" when unset.
fn consul_identity_name(cluster: &str) -> String {
    let cluster = if cluster.is_empty() {
        "default"
    } else {
        cluster
    };
    format!("consul_{cluster}")
}

/// `handleConsulService`: a Consul service keeps its own identity or takes
/// the servers'; either way it is named for the service.
fn consul_service(s: &mut Service, server: &ServerConfig, asked: &mut Vec<&'static str>) {
    if !s.provider.is_empty() && s.provider != "consul" {
        return;
    }
    if s.identity.is_none() {
        note(asked, SERVICE_IDENTITY);
        s.identity = server.consul_service_identity.clone();
    }
    let name = s.unique_identity_name();
    if let Some(w) = &mut s.identity {
        w.name = name;
        w.service_name = s.name.clone();
    }
}

fn note(asked: &mut Vec<&'static str>, what: &'static str) {
    if !asked.contains(&what) {
        asked.push(what);
    }
}

fn add_once(g: &mut TaskGroup, k: Constraint) {
    if !g.constraints.contains(&k) {
        g.constraints.push(k);
    }
}
