//! The workload identity warnings (1.7+): `WorkloadIdentity.Warnings` as
//! tasks and services nest it in `Job.Warnings`, and `jobValidate`'s Vault
//! identity warnings beside them.

use super::model::*;
use super::warnings::{leaf, Leaf};
use crate::gotext::go_quote;
use crate::version::NomadVersion;

/// `WorkloadIdentity.Warnings` (1.7+; unchanged through 2.0).
pub(super) fn identity_leaves(wi: &WorkloadIdentity) -> Vec<Leaf> {
    let s = &wi.spans;
    let mut out = Vec::new();
    match wi.audience.len() {
        0 => out.push(leaf(
            "identities without an audience are insecure".into(),
            "jobspec::identity",
            s.best("aud"),
            "name the one service the identity is for: `aud = [\"...\"]`",
        )),
        1 => {}
        _ => out.push(leaf(
            "while multiple audiences is allowed, it is more secure to use 1 audience per identity"
                .into(),
            "jobspec::identity",
            s.best("aud"),
            "use one identity per audience",
        )),
    }
    if !wi.name.is_empty() && wi.name != "default" && wi.ttl.0 == 0 {
        out.push(leaf(
            "identities without an expiration are insecure".into(),
            "jobspec::identity",
            s.best("ttl"),
            "give the identity a `ttl`",
        ));
    }
    if wi.env && wi.change_mode != "restart" {
        out.push(leaf(
            "using env=true without change_mode=\"restart\" may result in task not getting updated identity".into(),
            "jobspec::identity",
            s.best("change_mode").or(s.get("env")),
            "set `change_mode = \"restart\"` or deliver the identity as a file",
        ));
    }
    out
}

/// `Service.Warnings` (1.7+): its identity's, each `Service "NAME": ...`
/// (`multierror.Prefix`, flattened by `Append`).
pub(super) fn service_leaves(s: &Service) -> Vec<Leaf> {
    let Some(wi) = &s.identity else {
        return Vec::new();
    };
    identity_leaves(wi)
        .into_iter()
        .map(|l| Leaf {
            text: format!("Service {}: {}", go_quote(&s.name), l.text),
            ..l
        })
        .collect()
}

/// `jobValidate`'s Vault identity warnings (1.7+,
/// nomad/job_endpoint_hooks.go `validateVaultIdentity`), after
/// `Job.Warnings`, task by task: an identity named `vault_*` on a task
/// without a `vault` block; and, 1.7–1.9, `policies` beside the Vault
/// identity (the identity flow ignores them).
pub fn vault_identity_warnings(job: &Job, v: NomadVersion) -> Vec<Leaf> {
    let mut out = Vec::new();
    if !v.at_least(1, 7, 0) {
        return out;
    }
    for t in job.groups.iter().flat_map(|g| &g.tasks) {
        let Some(vault) = &t.vault else {
            for wi in t
                .identities
                .iter()
                .filter(|wi| wi.name.starts_with("vault_"))
            {
                out.push(leaf(
                    format!(
                        "Task {} has an identity called {} but no vault block",
                        t.name, wi.name
                    ),
                    "jobspec::identity",
                    wi.spans.best("name"),
                    "remove the identity or give the task a `vault` block",
                ));
            }
            continue;
        };
        let cluster = if vault.cluster.is_empty() {
            "default"
        } else {
            &vault.cluster
        };
        let name = format!("vault_{cluster}");
        let has_identity = t.identities.iter().any(|wi| wi.name == name);
        if has_identity && !v.at_least(1, 10, 0) && !vault.policies.is_empty() {
            out.push(leaf(
                format!("Task {} has a Vault block with policies but uses workload identity to authenticate with Vault, policies will be ignored", t.name),
                "jobspec::identity",
                vault.spans.best("policies"),
                "remove `policies`: the Vault role of the identity decides",
            ));
        }
    }
    out
}
