//! Canonicalisation of the blocks later Nomad versions added, as the server
//! holds them before it diffs (api/ `Canonicalize` on submit, then
//! `structs.Job.Canonicalize`): the task's default workload identity,
//! Consul's default cluster, NUMA's default affinity.

use super::model::{Consul, Job, Numa, WorkloadIdentity};
use crate::version::NomadVersion;

pub fn apply(job: &mut Job, v: NomadVersion) {
    for g in &mut job.groups {
        if let Some(c) = &mut g.consul {
            consul(c, v);
        }
        for t in &mut g.tasks {
            if let Some(c) = &mut t.consul {
                consul(c, v);
            }
            if let Some(n) = &mut t.resources.numa {
                numa(n);
            }
            // From 1.7 every task has a default identity (an empty one when
            // none was written); named identities are canonicalised too.
            if v.at_least(1, 7, 0) {
                let mut id = t.identity.take().unwrap_or_default();
                identity(&mut id);
                t.identity = Some(id);
                t.identities.iter_mut().for_each(identity);
            }
        }
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
    wi.change_signal = wi.change_signal.to_uppercase();
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
