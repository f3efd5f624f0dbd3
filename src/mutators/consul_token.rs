//! The community edition's Consul hook warning of 1.7.0–1.9.x
//! (nomad/job_endpoint_hook_consul_ce.go `jobConsulHook.Validate`, same at
//! v1.7.0, v1.8.0 and v1.9.7; gone at v1.10.0): when a Consul use of the
//! job has no workload identity (after `jobImplicitIdentitiesHook` gave it
//! the servers' default, if any) and its cluster's agent config sets
//! `allow_unauthenticated = false`, the servers accept the job with the
//! Job Warning [`WARNING`]. The uses it walks: a group or task service of
//! provider consul without its own `identity`, and a task `consul` block
//! without an identity named `consul_<cluster>`.
//!
//! It is a warning, not a refusal: Nomad's exit code is the same either
//! way. Where the world does not state the servers, the plan is made as
//! if `allow_unauthenticated` kept its default (true) and says so in one
//! note (`planner::assumed`), only for a job the setting would warn about.
//! Enterprise's hook is not public: a world stating Nomad Enterprise gets
//! no warning and no note from here.

use crate::jobspec::Job;
use crate::version::{Edition, NomadVersion};
use crate::world::World;

/// The warning's text (`errors.New` in the hook).
pub const WARNING: &str = "Setting a Consul token when submitting a job is deprecated and will be removed in Nomad 1.9. Migrate your Consul configuration to use workload identity";

/// Whether `version`'s community Consul hook has the token check.
pub fn released(version: NomadVersion) -> bool {
    version.at_least(1, 7, 0) && !version.at_least(1, 10, 0)
}

/// The Consul clusters `admitted` (the job as the mutators leave it) uses
/// without a workload identity, in the hook's walk order, each once.
pub fn clusters_without_identity(admitted: &Job) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut add = |cluster: &str| {
        let name = if cluster.is_empty() {
            "default"
        } else {
            cluster
        };
        if !out.iter().any(|c| c == name) {
            out.push(name.to_string());
        }
    };
    // Canonicalize leaves an unset provider as consul.
    let consul = |s: &crate::jobspec::Service| s.provider.is_empty() || s.provider == "consul";
    for g in &admitted.groups {
        for s in g
            .services
            .iter()
            .filter(|s| consul(s) && s.identity.is_none())
        {
            add(&s.cluster);
        }
        for t in &g.tasks {
            for s in t
                .services
                .iter()
                .filter(|s| consul(s) && s.identity.is_none())
            {
                add(&s.cluster);
            }
            let Some(c) = &t.consul else { continue };
            let cluster = if c.cluster.is_empty() {
                "default"
            } else {
                c.cluster.as_str()
            };
            let wid = format!("consul_{cluster}");
            if !t.identities.iter().any(|i| i.name == wid) {
                add(cluster);
            }
        }
    }
    out
}

/// Whether this module speaks for `world`'s servers at all: a release
/// with the check, and not Nomad Enterprise (whose hook is not public).
fn applies(world: &World) -> bool {
    released(world.nomad_version) && world.edition() != Some(Edition::Enterprise)
}

/// The warning the servers the world states return with `admitted`.
pub fn warning(world: &World, admitted: &Job) -> Option<&'static str> {
    if !applies(world) {
        return None;
    }
    let needs = clusters_without_identity(admitted)
        .iter()
        .any(|c| world.server.consul_allows_unauthenticated(c) == Some(false));
    needs.then_some(WARNING)
}

/// The clusters whose unstated `allow_unauthenticated` decides whether the
/// plan carries [`WARNING`] (the world does not state the servers).
pub fn unstated(world: &World, admitted: &Job) -> Vec<String> {
    if !applies(world) || world.server.declared {
        return Vec::new();
    }
    clusters_without_identity(admitted)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jobspec::{Consul, Service, Task, TaskGroup, WorkloadIdentity};
    use crate::world::{ConsulCluster, WorldOrigin};

    fn job(identity: bool) -> Job {
        Job {
            id: "web".into(),
            groups: vec![TaskGroup {
                name: "g".into(),
                services: vec![Service {
                    name: "s".into(),
                    identity: identity.then(WorkloadIdentity::default),
                    ..Service::default()
                }],
                ..TaskGroup::default()
            }],
            ..Job::default()
        }
    }

    fn world(version: NomadVersion, consuls: Option<Vec<ConsulCluster>>) -> World {
        let mut w = World::empty(WorldOrigin::Embedded, std::path::PathBuf::from("/p"));
        w.nomad_version = version;
        if let Some(c) = consuls {
            w.server.declared = true;
            w.server.consuls = c;
        }
        w
    }

    fn strict() -> Option<Vec<ConsulCluster>> {
        Some(vec![ConsulCluster {
            name: "default".into(),
            allow_unauthenticated: false,
        }])
    }

    #[test]
    fn warns_from_1_7_to_1_9_only() {
        for (v, want) in [
            (NomadVersion::new(1, 6, 5), None),
            (NomadVersion::new(1, 7, 0), Some(WARNING)),
            (NomadVersion::new(1, 9, 7), Some(WARNING)),
            (NomadVersion::new(1, 10, 0), None),
        ] {
            assert_eq!(warning(&world(v, strict()), &job(false)), want, "{v}");
        }
    }

    #[test]
    fn an_identity_or_the_default_setting_is_silent() {
        let v = NomadVersion::new(1, 8, 0);
        assert_eq!(warning(&world(v, strict()), &job(true)), None);
        assert_eq!(warning(&world(v, Some(vec![])), &job(false)), None);
        // Unstated servers: no warning, the cluster named for the note.
        let w = world(v, None);
        assert_eq!(warning(&w, &job(false)), None);
        assert_eq!(unstated(&w, &job(false)), vec!["default".to_string()]);
        assert!(unstated(&w, &job(true)).is_empty());
    }

    #[test]
    fn a_task_consul_block_needs_its_cluster_identity() {
        let mut j = job(true);
        j.groups[0].tasks.push(Task {
            name: "t".into(),
            consul: Some(Consul::default()),
            ..Task::default()
        });
        let v = NomadVersion::new(1, 9, 0);
        assert_eq!(warning(&world(v, strict()), &j), Some(WARNING));
        j.groups[0].tasks[0].identities.push(WorkloadIdentity {
            name: "consul_default".into(),
            ..WorkloadIdentity::default()
        });
        assert_eq!(warning(&world(v, strict()), &j), None);
    }
}
