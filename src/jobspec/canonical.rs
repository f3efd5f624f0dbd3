//! Canonicalisation of the blocks later Nomad versions added, as the server
//! holds them before it diffs (api/ `Canonicalize` on submit, then
//! `structs.Job.Canonicalize`): the task's default workload identity,
//! Consul's default cluster, NUMA's default affinity, the group's scaling
//! bounds and volumes, a volume mount's propagation mode.

use super::model::{Consul, Job, Numa, TaskGroup, WorkloadIdentity};
use crate::version::NomadVersion;

pub fn apply(job: &mut Job, v: NomadVersion) {
    // api PeriodicConfig.Canonicalize: an empty time zone is "UTC".
    if let Some(p) = &mut job.periodic {
        if p.time_zone.is_empty() {
            p.time_zone = "UTC".into();
        }
    }
    // structs ParameterizedJobConfig.Canonicalize: the payload is
    // "optional" unless written.
    if let Some(p) = &mut job.parameterized {
        if p.payload.is_empty() {
            p.payload = "optional".into();
        }
    }
    for g in &mut job.groups {
        // From 1.10 command/agent/job_endpoint.go (ApiTgToStructsTG) no
        // longer copies the group's legacy disconnect settings (#25284):
        // the api still decodes them, the server never sees them, so an
        // edit of one is no change to its diff, plan or validation.
        if v.at_least(1, 10, 0) {
            g.stop_after_client_disconnect = None;
            g.max_client_disconnect = None;
            g.prevent_reschedule_on_lost = false;
        }
        if v.at_least(0, 11, 0) {
            scaling(g);
            for m in g.tasks.iter_mut().flat_map(|t| t.volume_mounts.iter_mut()) {
                // api VolumeMount.Canonicalize (0.11+). An explicit `""`
                // cannot be told from unset here; Nomad would keep it.
                if m.propagation_mode.is_empty() {
                    m.propagation_mode = "private".into();
                }
            }
        }
        // `TaskGroup.Volumes` is a map in Nomad: the order written carries
        // nothing (and an imported job lists them by name).
        g.volumes.sort_by(|a, b| a.name.cmp(&b.name));
        if let Some(c) = &mut g.consul {
            consul(c, v);
        }
        for t in &mut g.tasks {
            if let Some(c) = &mut t.consul {
                consul(c, v);
            }
            // api Vault.Canonicalize (1.7+): an empty cluster is "default".
            if let Some(va) = &mut t.vault {
                if v.at_least(1, 7, 0) && va.cluster.is_empty() {
                    va.cluster = "default".into();
                }
                // structs Vault.Canonicalize (every release: structs.go:6982-
                // 6986@v0.9.3, :10499-10501@v2.0.5), run before the implied
                // signal constraint and the diff.
                va.change_signal = go_to_upper(&va.change_signal);
                // From 1.10 structs.Vault has no Policies and the agent does
                // not copy the api's (ApiTaskToStructsTask,
                // command/agent/job_endpoint.go@v1.10.0:1456-1466): an edit
                // of them changes nothing the servers hold, so no diff and
                // no update (redteam11 R11-4).
                if v.at_least(1, 10, 0) {
                    va.policies.clear();
                }
            }
            if let Some(n) = &mut t.resources.numa {
                numa(n);
            }
            // From 1.7 every task has a default identity (an empty one when
            // none was written); named identities are canonicalised too.
            // Task.Canonicalize takes the last default identity still among
            // the named ones as the default (the one jobspec2 moved is
            // dropped); any earlier one stays there, refused as a duplicate.
            if v.at_least(1, 7, 0) {
                t.identities.iter_mut().for_each(identity);
                if let Some(i) = t.identities.iter().rposition(|w| w.name == "default") {
                    t.identity = Some(t.identities.remove(i));
                }
                let mut id = t.identity.take().unwrap_or_default();
                identity(&mut id);
                t.identity = Some(id);
            }
        }
    }
}

/// api `TaskGroup.Canonicalize` (0.11+): a group without `count` takes its
/// scaling policy's `min`; a policy without `min` takes the group's count
/// (`ScalingPolicy.Canonicalize`).
fn scaling(g: &mut TaskGroup) {
    let Some(s) = &mut g.scaling else { return };
    match s.min {
        Some(min) if !g.spans.written("count") => g.count = min,
        Some(_) => {}
        None => s.min = Some(g.count),
    }
}

/// `WorkloadIdentity.Canonicalize`: the default identity is named "default"
/// and has only Nomad's own audience; change signals are upper case.
fn identity(wi: &mut WorkloadIdentity) {
    if wi.name.is_empty() {
        wi.name = "default".into();
    }
    if wi.name == "default" {
        wi.audience = vec!["nomadproject.io".into()];
    }
    wi.change_signal = go_to_upper(&wi.change_signal);
}

/// Go's `strings.ToUpper`: each rune's simple upper-case mapping (`ß`
/// stays `ß`; Rust's full mapping would give `SS`).
fn go_to_upper(s: &str) -> String {
    s.chars()
        .map(|c| {
            let mut up = c.to_uppercase();
            match (up.next(), up.next()) {
                (Some(u), None) => u,
                _ => c,
            }
        })
        .collect()
}

/// api/consul.go: an empty cluster is "default" (the field exists from 1.7).
fn consul(c: &mut Consul, v: NomadVersion) {
    if v.at_least(1, 7, 0) && c.cluster.is_empty() {
        c.cluster = "default".into();
    }
}

/// api/resources.go: an empty affinity is "none".
fn numa(n: &mut Numa) {
    if n.affinity.is_empty() {
        n.affinity = "none".into();
    }
}
