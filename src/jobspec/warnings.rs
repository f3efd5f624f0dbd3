//! `Job.Warnings` (nomad/structs/structs.go) per release: what the servers
//! return beside an accepted plan or validation, printed under `Job
//! Warnings:`. Each entry is one Go error; nested multierrors are printed
//! with `%v`, so their list format (go-multierror's, by release) is part of
//! the text.
//!
//! Modelled: the update strategy's `max_parallel` above the count, the
//! deprecated disconnect fields (1.8–1.9), group `mbits` (1.0+), task `iops`
//! and task-level networks (1.0+), template `vault_grace` (0.11+), the
//! workload identity warnings of tasks and services (1.7+), services
//! without `shutdown_delay` (2.0.1+), a mix of `auto_promote`, and `cron`
//! (1.6.2+); beside them `jobValidate`'s Vault identity warnings (1.7+).
//!
//! Each warning is made once, as a [`Leaf`] that knows where it points;
//! `nomad_warnings` nests the leaves as the release nests its errors, and
//! `check` reports the leaves of the job as written (validate.rs).

use super::model::*;
use super::validate_placement::block_word;
pub use super::warnings_identity::vault_identity_warnings;
use super::warnings_identity::{identity_leaves, service_leaves};
use crate::gotext::{go_quote, multierror};
use crate::source::Span;
use crate::version::NomadVersion;

/// One warning as Nomad words it, with what `check` needs to locate it.
#[derive(Debug, Clone, PartialEq)]
pub struct Leaf {
    pub text: String,
    /// The diagnostic code `check` reports it under.
    pub code: &'static str,
    pub span: Option<Span>,
    pub help: &'static str,
}

pub(super) const DEPRECATED: &str = "jobspec::deprecated";
const DEPRECATED_HELP: &str = "remove the deprecated setting; Nomad ignores it";
const DISCONNECT_HELP: &str =
    "write it in the group's `disconnect` block (lost_after, stop_on_client_after, replace)";

pub(super) fn leaf(
    text: String,
    code: &'static str,
    span: Option<Span>,
    help: &'static str,
) -> Leaf {
    Leaf {
        text,
        code,
        span,
        help,
    }
}

/// `TaskGroup.Warnings`' update check: `max_parallel` above the count
/// warns (from 1.4 only for a count above 1; a group of count 0 in a job
/// listing regions is exempt from 0.12, where `Job.IsMultiregion` came).
pub(super) fn update_parallel(job: &Job, g: &TaskGroup, v: NomadVersion) -> Option<Leaf> {
    let u = g.update.as_ref()?;
    let counted = if v.at_least(1, 4, 0) {
        g.count > 1
    } else {
        g.count >= 0
    };
    let multiregion_exempt =
        v.at_least(0, 12, 0) && super::validate_multiregion::is_multiregion(job) && g.count == 0;
    (counted && u.max_parallel > g.count && !job.job_type.is_per_node() && !multiregion_exempt).then(|| {
        leaf(
            format!("Update max parallel count is greater than task group count ({} > {}). A destructive change would result in the simultaneous replacement of all allocations.", u.max_parallel, g.count),
            "jobspec::update-parallel",
            u.spans.best("max_parallel").or(g.spans.label),
            "lower max_parallel to at most the group count",
        )
    })
}

/// `Template.Warnings` (0.11+): `vault_grace` is deprecated.
fn template_leaves(tp: &Template, v: NomadVersion) -> Vec<Leaf> {
    if !v.at_least(0, 11, 0) || tp.vault_grace.0 == 0 {
        return Vec::new();
    }
    vec![leaf(
        format!("VaultGrace has been deprecated as of Nomad 0.11 and ignored since Vault 0.5. Please remove VaultGrace / vault_grace from template {}.", block_word(v)),
        DEPRECATED,
        tp.spans.best("vault_grace"),
        DEPRECATED_HELP,
    )]
}

/// The leaves of `Task.Warnings` that are the task's own.
fn task_own_leaves(t: &Task, v: NomadVersion) -> Vec<Leaf> {
    let r = &t.resources;
    let mut out = Vec::new();
    if r.iops != 0 {
        out.push(leaf(
            format!(
                "IOPS has been deprecated as of Nomad 0.9.0. Please remove IOPS from resource {}.",
                block_word(v)
            ),
            DEPRECATED,
            r.spans.best("iops"),
            DEPRECATED_HELP,
        ));
    }
    if v.at_least(1, 0, 0) && !r.networks.is_empty() {
        out.push(leaf(
            "task network resources have been deprecated as of Nomad 0.12.0. Please configure networking via group network block.".into(),
            DEPRECATED,
            r.networks[0].spans.block.or(r.spans.block),
            "move the network block from the task's resources to the group",
        ));
    }
    out
}

/// A Go error as `Task.Warnings` builds it: one message, or a multierror
/// kept whole as one element.
enum GoErr {
    Msg(String),
    List(Vec<String>),
}

impl GoErr {
    fn text(&self, v: NomadVersion) -> String {
        match self {
            GoErr::Msg(m) => m.clone(),
            GoErr::List(items) => multierror(items, v),
        }
    }
}

/// Every leaf of `t`'s warnings, each with the prefix Nomad puts before
/// it (`Template[i] `, `Service "S": `, `Identity[N] `), in Nomad's order.
fn task_leaves(t: &Task, v: NomadVersion) -> Vec<(usize, Leaf)> {
    // The usize groups leaves that Nomad nests as one element (0: none).
    let mut out: Vec<(usize, Leaf)> = task_own_leaves(t, v).into_iter().map(|l| (0, l)).collect();
    let mut element = 0;
    for (i, tp) in t.templates.iter().enumerate() {
        let leaves = template_leaves(tp, v);
        if leaves.is_empty() {
            continue;
        }
        // 1.7 flattens a template's list into the task's (`Append`);
        // before, it stays one nested element.
        let slot = if v.at_least(1, 7, 0) {
            0
        } else {
            element += 1;
            element
        };
        out.extend(leaves.into_iter().map(|l| {
            let text = format!("Template[{i}] {}", l.text);
            (slot, Leaf { text, ..l })
        }));
    }
    if v.at_least(1, 7, 0) {
        out.extend(t.services.iter().flat_map(service_leaves).map(|l| (0, l)));
        for wi in &t.identities {
            let leaves = identity_leaves(wi);
            if leaves.is_empty() {
                continue;
            }
            element += 1;
            out.extend(leaves.into_iter().map(|l| {
                let text = format!("Identity[{}] {}", wi.name, l.text);
                (element, Leaf { text, ..l })
            }));
        }
    }
    out
}

/// `Task.Warnings` as its list of Go errors.
fn task_errors(t: &Task, v: NomadVersion) -> Vec<GoErr> {
    let mut out: Vec<GoErr> = Vec::new();
    let mut last = 0;
    for (slot, l) in task_leaves(t, v) {
        if slot == 0 {
            out.push(GoErr::Msg(l.text));
        } else if slot == last {
            if let Some(GoErr::List(items)) = out.last_mut() {
                items.push(l.text);
            }
        } else {
            out.push(GoErr::List(vec![l.text]));
        }
        last = slot;
    }
    out
}

/// The leaves of `TaskGroup.Warnings` that are the group's own (its
/// services' included).
fn group_own_leaves(job: &Job, g: &TaskGroup, v: NomadVersion) -> Vec<Leaf> {
    let mut out: Vec<Leaf> = update_parallel(job, g, v).into_iter().collect();
    // 1.8.0 deprecated `max_client_disconnect`, `stop_after_client_disconnect`
    // and `prevent_reschedule_on_lost` in favour of the `disconnect` block:
    // TaskGroup.Warnings says so while the HTTP API still copies them to the
    // server's job (command/agent/job_endpoint.go ApiTgToStructsTG). From
    // 1.10 it no longer copies them (#25284), so its "is deprecated and
    // ignored" texts never reach a job (canonical.rs drops them likewise).
    if v.at_least(1, 8, 0) && !v.at_least(1, 10, 0) {
        let old = [
            (
                g.max_client_disconnect.is_some(),
                "MaxClientDisconnect will be deprecated favor of Disconnect.LostAfter",
                "max_client_disconnect",
            ),
            (
                g.stop_after_client_disconnect.is_some(),
                "StopAfterClientDisconnect will be deprecated favor of Disconnect.StopOnClientAfter",
                "stop_after_client_disconnect",
            ),
            (
                g.prevent_reschedule_on_lost,
                "PreventRescheduleOnLost will be deprecated favor of Disconnect.Replace",
                "prevent_reschedule_on_lost",
            ),
        ];
        for (set, text, key) in old {
            if set {
                out.push(leaf(
                    text.into(),
                    DEPRECATED,
                    g.spans.best(key),
                    DISCONNECT_HELP,
                ));
            }
        }
    }
    if let Some(n) = g
        .networks
        .first()
        .filter(|n| v.at_least(1, 0, 0) && n.mbits > 0)
    {
        out.push(leaf(
            "mbits has been deprecated as of Nomad 0.12.0. Please remove mbits from the network block".into(),
            DEPRECATED,
            n.spans.best("mbits"),
            DEPRECATED_HELP,
        ));
    }
    if v.at_least(1, 7, 0) {
        out.extend(g.services.iter().flat_map(service_leaves));
    }
    out
}

/// `TaskGroup.Warnings`' entries for `g`, each as its own Go error text.
fn group_items(job: &Job, g: &TaskGroup, v: NomadVersion) -> Vec<String> {
    let mut out: Vec<String> = group_own_leaves(job, g, v)
        .into_iter()
        .map(|l| l.text)
        .collect();
    for t in &g.tasks {
        let errors = task_errors(t, v);
        if errors.is_empty() {
            continue;
        }
        if v.at_least(1, 7, 0) {
            // 1.7: `Task %q has warnings: %v`.
            let items: Vec<String> = errors.iter().map(|e| e.text(v)).collect();
            out.push(format!(
                "Task {} has warnings: {}",
                go_quote(&t.name),
                multierror(&items, v)
            ));
        } else {
            // Before: `multierror.Prefix(err, "Task %q:")` kept as one
            // element, a list of its own.
            let prefixed: Vec<String> = errors
                .iter()
                .map(|e| format!("Task {}: {}", go_quote(&t.name), e.text(v)))
                .collect();
            out.push(multierror(&prefixed, v));
        }
    }
    out
}

/// 2.0.1's `generateTaskGroupServiceShutdownDelayWarnings`: services whose
/// deregistration is not delayed.
fn shutdown_delay_leaves(g: &TaskGroup) -> Vec<Leaf> {
    const CODE: &str = "jobspec::shutdown-delay";
    const HELP: &str =
        "set `shutdown_delay` so Consul stops routing to the task before it is killed";
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
                out.push(leaf(format!("service {} defines a sidecar task in Consul Connect definition, but the task has no shutdown_delay set", go_quote(&s.name)), CODE, st.spans.block.or(s.spans.label), HELP));
            }
            continue;
        }
        unscoped = true;
    }
    let group_delay = g.shutdown_delay.is_some_and(|d| d.0 > 0);
    let mut any_task_delay = false;
    for t in &g.tasks {
        if referenced.contains(&t.name.as_str()) && t.shutdown_delay.0 == 0 {
            out.push(leaf(
                format!(
                    "group {} references task {} in a service definition, but the task has no shutdown_delay set",
                    go_quote(&g.name),
                    go_quote(&t.name)
                ),
                CODE,
                t.spans.label,
                HELP,
            ));
        }
        if t.shutdown_delay.0 > 0 {
            any_task_delay = true;
        } else if !t.services.is_empty() {
            out.push(leaf(
                format!(
                    "task {} in group {} defines services, but has no shutdown_delay set",
                    go_quote(&t.name),
                    go_quote(&g.name)
                ),
                CODE,
                t.spans.label,
                HELP,
            ));
        }
    }
    if unscoped && !group_delay && !any_task_delay {
        out.push(leaf(
            format!(
                "group {} defines services, but neither the group nor any of its tasks have shutdown_delay set",
                go_quote(&g.name)
            ),
            CODE,
            g.spans.label,
            HELP,
        ));
    }
    out
}

/// The leaves of `Job.Warnings` that are the job's own, after its groups'.
fn job_own_leaves(job: &Job, v: NomadVersion) -> Vec<Leaf> {
    let mut out = Vec::new();
    if v.has(crate::version::Fix::ShutdownDelayWarning) {
        out.extend(job.groups.iter().flat_map(shutdown_delay_leaves));
    }
    let (mut has_auto_promote, mut all_auto_promote) = (false, true);
    let mut at = None;
    for u in job.groups.iter().filter_map(|g| g.update.as_ref()) {
        has_auto_promote |= u.auto_promote;
        all_auto_promote &= u.canary == 0 || u.auto_promote;
        if u.canary != 0 && !u.auto_promote {
            at = at.or(u.spans.best("auto_promote"));
        }
    }
    if has_auto_promote && !all_auto_promote {
        out.push(leaf(
            "auto_promote must be true for all groups to enable automatic promotion".into(),
            "jobspec::auto-promote",
            at,
            "set auto_promote the same in every group with canaries",
        ));
    }
    if let Some(p) = job
        .periodic
        .as_ref()
        .filter(|p| v.at_least(1, 6, 2) && p.spans.written("cron"))
    {
        out.push(leaf(
            "cron is deprecated and may be removed in a future release. Use crons instead".into(),
            DEPRECATED,
            p.spans.get("cron"),
            "write `crons = [\"...\"]`",
        ));
    }
    out
}

/// `Job.Warnings` as the servers word it, one entry per Go error, for the
/// job as the admission mutators leave it.
pub fn nomad_warnings(job: &Job, v: NomadVersion) -> Vec<String> {
    let mut out = Vec::new();
    for g in &job.groups {
        let items = group_items(job, g, v);
        if !items.is_empty() {
            out.push(format!(
                "Group {} has warnings: {}",
                go_quote(&g.name),
                multierror(&items, v)
            ));
        }
    }
    out.extend(job_own_leaves(job, v).into_iter().map(|l| l.text));
    out
}

/// The warnings of `job` as written, each with its context (`Group "G"
/// has warnings: Task "T" has warnings: ...`) for `check`. Identities the
/// admission mutators add come from the servers' settings, not the file:
/// `plan` and `validate` print those.
pub fn located(job: &Job, v: NomadVersion) -> Vec<Leaf> {
    let mut out = Vec::new();
    for g in &job.groups {
        let group = format!("Group {} has warnings: ", go_quote(&g.name));
        for l in group_own_leaves(job, g, v) {
            out.push(Leaf {
                text: format!("{group}{}", l.text),
                ..l
            });
        }
        for t in &g.tasks {
            let task = if v.at_least(1, 7, 0) {
                format!("Task {} has warnings: ", go_quote(&t.name))
            } else {
                format!("Task {}: ", go_quote(&t.name))
            };
            for (_, l) in task_leaves(t, v) {
                out.push(Leaf {
                    text: format!("{group}{task}{}", l.text),
                    ..l
                });
            }
        }
    }
    out.extend(job_own_leaves(job, v));
    out.extend(vault_identity_warnings(job, v));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job() -> Job {
        let mut j = crate::jobspec::model::one_task_job(JobType::Service);
        j.groups[0].count = 3;
        j
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

    #[test]
    fn check_sees_each_leaf_with_its_context() {
        let mut j = job();
        j.groups[0].tasks[0].identities.push(WorkloadIdentity {
            name: "foo".into(),
            audience: vec!["a".into()],
            ..WorkloadIdentity::default()
        });
        j.groups[0].tasks[0].resources.iops = 10;
        let texts: Vec<(String, &str)> = located(&j, NomadVersion::new(1, 7, 0))
            .into_iter()
            .map(|l| (l.text, l.code))
            .collect();
        assert_eq!(
            texts,
            vec![
                ("Group \"g\" has warnings: Task \"t\" has warnings: IOPS has been deprecated as of Nomad 0.9.0. Please remove IOPS from resource block.".to_string(), "jobspec::deprecated"),
                ("Group \"g\" has warnings: Task \"t\" has warnings: Identity[foo] identities without an expiration are insecure".to_string(), "jobspec::identity"),
            ]
        );
        // Before 1.7 identities do not warn, and a task's entries are
        // prefixed `Task "t": `.
        let old = located(&j, NomadVersion::new(1, 6, 0));
        assert_eq!(old.len(), 1);
        assert!(old[0]
            .text
            .starts_with("Group \"g\" has warnings: Task \"t\": IOPS"));
    }
}
