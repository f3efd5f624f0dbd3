//! The order of jobValidate's identity errors (nomad/job_endpoint_hooks.go
//! `jobValidate.Validate`, the same loop 1.7.0 to 2.0.5): after Job.Validate
//! and the priority bound, one pass over the groups appends, per group, its
//! services' `validateServiceIdentity` errors, then per task its services'
//! errors and then the task's `validateVaultIdentity` error. So with two
//! tasks each failing both, the list is service 1, Vault 1, service 2,
//! Vault 2: a task's Vault error sits between its own service errors and
//! the next task's.
//!
//! The service errors are Job.Validate's list's last items
//! (`jobspec::validate` ends with them, as they need no servers); the Vault
//! errors need the servers' identities (`mutators::vault`), so they join
//! here, each after its task's service errors.

use super::admission::Refusal;
use crate::jobspec::{self, Job};
use crate::version::NomadVersion;

/// Put each of `all`'s Vault identity refusals into `errors` (the list
/// ending with jobValidate's items) where Nomad's loop puts it: before the
/// `job_max_count` check (1.11+), which follows the loop.
pub(super) fn interleave(job: &Job, v: NomadVersion, errors: &mut Vec<String>, all: &[Refusal]) {
    let max = jobspec::max_count_error(job, v).filter(|m| errors.last() == Some(m));
    if max.is_some() {
        errors.pop();
    }
    interleave_identities(job, v, errors, all);
    errors.extend(max);
}

fn interleave_identities(job: &Job, v: NomadVersion, errors: &mut Vec<String>, all: &[Refusal]) {
    let mut vault: Vec<(usize, &str, &str)> = all
        .iter()
        .filter_map(|r| match r {
            Refusal::VaultIdentity {
                group,
                task,
                message,
            } => Some((*group, task.as_str(), message.as_str())),
            _ => None,
        })
        .collect();
    if vault.is_empty() {
        return;
    }
    let service = jobspec::service_identity_errors(job, v);
    let tail = errors.len().saturating_sub(service.len());
    // jobspec::validate ends the list with the service errors of the same
    // job (the mutators name no Nomad service's identity). A caller that
    // leaves Job.Validate's items out (validate_rpc) has none: the Vault
    // errors alone then follow, in job order.
    let ends_with_service = errors.len() >= service.len()
        && errors[tail..]
            .iter()
            .zip(&service)
            .all(|(e, s)| *e == s.text);
    if !ends_with_service {
        errors.extend(vault.into_iter().map(|(_, _, m)| m.to_string()));
        return;
    }
    errors.truncate(tail);
    let mut service = service.into_iter().peekable();
    for (gi, g) in job.groups.iter().enumerate() {
        while let Some(s) = service.next_if(|s| s.group == gi && s.task.is_none()) {
            errors.push(s.text);
        }
        for (ti, t) in g.tasks.iter().enumerate() {
            while let Some(s) = service.next_if(|s| s.group == gi && s.task == Some(ti)) {
                errors.push(s.text);
            }
            if let Some(at) = vault
                .iter()
                .position(|(vg, vt, _)| *vg == gi && *vt == t.name)
            {
                errors.push(vault.remove(at).2.to_string());
            }
        }
    }
    // Tasks a mutator added (none has a Vault block) and anything left.
    errors.extend(service.map(|s| s.text));
    errors.extend(vault.into_iter().map(|(_, _, m)| m.to_string()));
}
