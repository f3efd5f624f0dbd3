//! A change set judged where a job file that names no namespace lands
//! (R21-A1). Nomad's CLI sends `NOMAD_NAMESPACE` from its own process's
//! environment (api/api.go v2.0.5:348-350 `DefaultConfig`), forces only a
//! namespace the job writes (command/job_plan.go v2.0.5:208-211), and the
//! agent puts a job with none in the request's namespace, else "default"
//! (`namespaceForJob`, command/agent/job_endpoint.go v2.0.5:1109). A gate
//! run in a shell with `NOMAD_NAMESPACE=monitor` judged a new file copying
//! protected default/sockshop as monitor/sockshop and passed it, where a
//! deploy whose environment sets none registers it over the protected job
//! (Job.Register by namespace and ID, nomad/job_endpoint.go v2.0.5:219).
//! Which environment the deploy has is not the gate's to guess: the change
//! is judged in the shell's namespace and in "default", and the run holds
//! the findings of both, so it fails when either fails (a definite finding:
//! exit 1) and cannot tell when either cannot (exit 2). A `--namespace`
//! flag says what the deploy sends: judged in it alone
//! ([`crate::job_loader::RequestNamespace::from_shell`]).

use super::{change_set_in, Checked, FileResult, Judge, Preloaded};
use crate::changeset::ChangeSet;
use crate::job_loader::{Applied, JobLoader};
use crate::vfs::Vfs;

/// Check a change set ([`change_set_in`]), in "default" too when the
/// request's namespace is only the shell's; its first pass takes the
/// loads of `preloaded` ([`super::preload`]) when they are of its files.
pub fn check_change_set(
    vfs: &dyn Vfs,
    set: &ChangeSet,
    base: &dyn Vfs,
    loader: &JobLoader,
    judge: &Judge<'_>,
    preloaded: Option<Preloaded>,
) -> Checked {
    let mut checked = change_set_in(vfs, set, base, loader, judge, preloaded);
    let Some(shell) = judge.namespace.filter(Applied::from_shell) else {
        return checked;
    };
    let plain = Judge {
        namespace: None,
        ..*judge
    };
    let other = change_set_in(vfs, set, base, loader, &plain, None);
    merge(&mut checked.results, other.results, shell);
    checked
}

/// `results` with each finding of `other` (the run in "default") that no
/// finding of the same file says in the same words, marked as the other
/// namespace's.
fn merge(results: &mut Vec<FileResult>, other: Vec<FileResult>, shell: Applied<'_>) {
    let whose = format!(
        "in namespace \"default\", where a deploy whose environment sets no {} puts a job file that names none: ",
        shell.asked.name()
    );
    for o in other {
        let at = results.iter().position(|r| r.path == o.path);
        let said = |d: &crate::diag::Diag| {
            at.is_some_and(|i| {
                results[i]
                    .diags
                    .iter()
                    .any(|x| x.code == d.code && x.message == d.message)
            })
        };
        let new: Vec<_> = o
            .diags
            .into_iter()
            .filter(|d| !said(d))
            .map(|mut d| {
                d.message = format!("{whose}{}", d.message);
                d
            })
            .collect();
        match at {
            Some(i) => {
                results[i].diags.extend(new);
                results[i].crashed |= o.crashed;
            }
            None if !new.is_empty() || o.crashed => results.push(FileResult {
                path: o.path,
                diags: new,
                crashed: o.crashed,
            }),
            None => {}
        }
    }
}
