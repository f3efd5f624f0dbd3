//! `Job.Warnings` (nomad/structs/structs.go) per release: what the servers
//! return beside an accepted plan or validation, printed under `Job
//! Warnings:`. Each entry is one Go error; nested multierrors are printed
//! with `%v`, so their list format (go-multierror's, by release) is part of
//! the text.
//!
//! Modelled: the update strategy's `max_parallel` above the count, the
//! deprecated disconnect fields (1.10+), group `mbits` (1.0+), task `iops`
//! and task-level networks (1.0+), services without `shutdown_delay`
//! (2.0.1+), a mix of `auto_promote`, and `cron` (1.6.2+). Not modelled
//! (docs/validation-coverage.md): template `vault_grace`, identity and
//! service-identity warnings (1.7+).

use super::model::*;
use super::validate_placement::block_word;
use crate::gotext::{go_quote, multierror};
use crate::version::NomadVersion;

/// `TaskGroup.Warnings`' update check: `max_parallel` above the count
/// warns (from 1.4 only for a count above 1; a multiregion group of count
/// 0 is exempt from 0.12, and we model no multiregion).
pub(super) fn update_parallel(job: &Job, g: &TaskGroup, v: NomadVersion) -> Option<String> {
    let u = g.update.as_ref()?;
    let counted = if v.at_least(1, 4, 0) {
        g.count > 1
    } else {
        g.count >= 0
    };
    (counted && u.max_parallel > g.count && !job.job_type.is_per_node()).then(|| {
        format!("Update max parallel count is greater than task group count ({} > {}). A destructive change would result in the simultaneous replacement of all allocations.", u.max_parallel, g.count)
    })
}

/// `Task.Warnings`' entries for `t`.
fn task_items(t: &Task, v: NomadVersion) -> Vec<String> {
    let mut out = Vec::new();
    if t.resources.iops != 0 {
        out.push(format!(
            "IOPS has been deprecated as of Nomad 0.9.0. Please remove IOPS from resource {}.",
            block_word(v)
        ));
    }
    if v.at_least(1, 0, 0) && !t.resources.networks.is_empty() {
        out.push("task network resources have been deprecated as of Nomad 0.12.0. Please configure networking via group network block.".to_string());
    }
    out
}

/// `TaskGroup.Warnings`' entries for `g`, each as its own Go error text.
fn group_items(job: &Job, g: &TaskGroup, v: NomadVersion) -> Vec<String> {
    let mut out: Vec<String> = update_parallel(job, g, v).into_iter().collect();
    if v.at_least(1, 10, 0) {
        if g.max_client_disconnect.is_some() {
            out.push(
                "MaxClientDisconnect is deprecated and ignored in favor of Disconnect.LostAfter"
                    .into(),
            );
        }
        if g.stop_after_client_disconnect.is_some() {
            out.push("StopAfterClientDisconnect is deprecated and ignored favor of Disconnect.StopOnClientAfter".into());
        }
        if g.prevent_reschedule_on_lost {
            out.push(
                "PreventRescheduleOnLost is deprecated and ignored in favor of Disconnect.Replace"
                    .into(),
            );
        }
    }
    if v.at_least(1, 0, 0) && g.networks.first().is_some_and(|n| n.mbits > 0) {
        out.push("mbits has been deprecated as of Nomad 0.12.0. Please remove mbits from the network block".into());
    }
    for t in &g.tasks {
        let items = task_items(t, v);
        if items.is_empty() {
            continue;
        }
        if v.at_least(1, 7, 0) {
            // 1.7: `Task %q has warnings: %v`.
            out.push(format!(
                "Task {} has warnings: {}",
                go_quote(&t.name),
                multierror(&items, v)
            ));
        } else {
            // Before: `multierror.Prefix(err, "Task %q:")` kept as one
            // element, a list of its own.
            let prefixed: Vec<String> = items
                .iter()
                .map(|i| format!("Task {}: {i}", go_quote(&t.name)))
                .collect();
            out.push(multierror(&prefixed, v));
        }
    }
    out
}

/// 2.0.1's `generateTaskGroupServiceShutdownDelayWarnings`: services whose
/// deregistration is not delayed.
fn shutdown_delay_items(g: &TaskGroup) -> Vec<String> {
    let mut out = Vec::new();
    let mut referenced: Vec<&str> = Vec::new();
    let mut unscoped = false;
    for s in &g.services {
        if !s.task_name.is_empty() {
            referenced.push(&s.task_name);
            continue;
        }
        if let Some(st) = s.connect.as_ref().and_then(|c| c.sidecar_task.as_ref()) {
            if st.shutdown_delay.is_none() {
                out.push(format!("service {} defines a sidecar task in Consul Connect definition, but the task has no shutdown_delay set", go_quote(&s.name)));
            }
            continue;
        }
        unscoped = true;
    }
    let group_delay = g.shutdown_delay.is_some_and(|d| d.0 > 0);
    let mut any_task_delay = false;
    for t in &g.tasks {
        if referenced.contains(&t.name.as_str()) && t.shutdown_delay.0 == 0 {
            out.push(format!(
                "group {} references task {} in a service definition, but the task has no shutdown_delay set",
                go_quote(&g.name),
                go_quote(&t.name)
            ));
        }
        if t.shutdown_delay.0 > 0 {
            any_task_delay = true;
        } else if !t.services.is_empty() {
            out.push(format!(
                "task {} in group {} defines services, but has no shutdown_delay set",
                go_quote(&t.name),
                go_quote(&g.name)
            ));
        }
    }
    if unscoped && !group_delay && !any_task_delay {
        out.push(format!(
            "group {} defines services, but neither the group nor any of its tasks have shutdown_delay set",
            go_quote(&g.name)
        ));
    }
    out
}

/// `Job.Warnings` as the servers word it, one entry per Go error, for the
/// job as the admission mutators leave it.
pub fn nomad_warnings(job: &Job, v: NomadVersion) -> Vec<String> {
    let mut out = Vec::new();
    let (mut has_auto_promote, mut all_auto_promote) = (false, true);
    for g in &job.groups {
        let items = group_items(job, g, v);
        if !items.is_empty() {
            out.push(format!(
                "Group {} has warnings: {}",
                go_quote(&g.name),
                multierror(&items, v)
            ));
        }
        if let Some(u) = &g.update {
            has_auto_promote |= u.auto_promote;
            all_auto_promote &= u.canary == 0 || u.auto_promote;
        }
    }
    if v.at_least(2, 0, 1) {
        out.extend(job.groups.iter().flat_map(shutdown_delay_items));
    }
    if has_auto_promote && !all_auto_promote {
        out.push("auto_promote must be true for all groups to enable automatic promotion".into());
    }
    if v.at_least(1, 6, 2)
        && job
            .periodic
            .as_ref()
            .is_some_and(|p| p.spans.written("cron"))
    {
        out.push(
            "cron is deprecated and may be removed in a future release. Use crons instead".into(),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job() -> Job {
        Job {
            id: "j".into(),
            groups: vec![TaskGroup {
                name: "g".into(),
                count: 3,
                tasks: vec![Task {
                    name: "t".into(),
                    ..Task::default()
                }],
                ..TaskGroup::default()
            }],
            ..Job::default()
        }
    }

    #[test]
    fn a_task_entry_nests_as_its_release_nests_it() {
        let mut j = job();
        j.groups[0].tasks[0].resources.iops = 10;
        let old = nomad_warnings(&j, NomadVersion::new(1, 6, 0));
        assert_eq!(
            old,
            vec!["Group \"g\" has warnings: 1 error occurred:\n\t* 1 error occurred:\n\t* Task \"t\": IOPS has been deprecated as of Nomad 0.9.0. Please remove IOPS from resource block.\n\n\n\n".to_string()]
        );
        let new = nomad_warnings(&j, NomadVersion::new(1, 7, 0));
        assert_eq!(
            new,
            vec!["Group \"g\" has warnings: 1 error occurred:\n\t* Task \"t\" has warnings: 1 error occurred:\n\t* IOPS has been deprecated as of Nomad 0.9.0. Please remove IOPS from resource block.\n\n\n\n".to_string()]
        );
    }

    #[test]
    fn services_without_a_shutdown_delay_warn_from_2_0_1() {
        let mut j = job();
        j.groups[0].services.push(Service {
            name: "web".into(),
            ..Service::default()
        });
        assert!(nomad_warnings(&j, NomadVersion::new(2, 0, 0)).is_empty());
        assert_eq!(
            nomad_warnings(&j, NomadVersion::new(2, 0, 1)),
            vec!["group \"g\" defines services, but neither the group nor any of its tasks have shutdown_delay set".to_string()]
        );
        j.groups[0].tasks[0].shutdown_delay = Duration::secs(5);
        assert!(nomad_warnings(&j, NomadVersion::new(2, 0, 5)).is_empty());
    }
}
