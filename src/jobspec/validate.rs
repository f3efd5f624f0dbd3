//! The checks `nomad job validate` makes (structs.Job.Validate and the API's
//! jobspec checks) on the canonicalised job, located at the written spans.
//!
//! Each check yields two things: our located diagnostic, and the error as
//! Nomad's servers word and nest it ([`NomadError`]): `Job.Validate` wraps a
//! group's errors as `Task group <name> validation failed: <multierror>`,
//! `TaskGroup.Validate` a task's as `Task <name> validation failed: ...` and
//! its networks' as `Task group network validation failed: ...`, and
//! `Task.Validate` appends `Resources.Validate`'s multierror (itself holding
//! `MeetsMinResources`'s) as one item, unwrapped. The walk below follows
//! Nomad's order so the printed text is Nomad's, byte for byte.

use std::collections::BTreeMap;

use super::model::*;
use crate::diag::{Diag, Diags};
use crate::source::{Source, Span};
use crate::version::NomadVersion;

/// One of Nomad's validation errors, nested as its servers nest them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NomadError {
    Text(String),
    /// `prefix: <multierror of errors>`; without a prefix, the inner
    /// multierror is itself one item of the outer list.
    Nested {
        prefix: Option<String>,
        errors: Vec<NomadError>,
    },
}

impl NomadError {
    /// The text Go's `%v` gives it at `v` (go-multierror's list format).
    pub fn render(&self, v: NomadVersion) -> String {
        match self {
            NomadError::Text(t) => t.clone(),
            NomadError::Nested { prefix, errors } => {
                let items: Vec<String> = errors.iter().map(|e| e.render(v)).collect();
                let inner = crate::gotext::multierror(&items, v);
                match prefix {
                    Some(p) => format!("{p}: {inner}"),
                    None => inner,
                }
            }
        }
    }
}

/// Where the checks write: the located diagnostics (flat) and Nomad's
/// errors at the current nesting level.
pub(super) struct Out<'a> {
    diags: &'a mut Diags,
    src: &'a Source,
    nomad: Vec<NomadError>,
}

impl<'a> Out<'a> {
    /// An error: Nomad's words, and our located diagnostic.
    pub(super) fn error(&mut self, nomad: String, d: Diag) {
        self.diags.push(d);
        self.nomad.push(NomadError::Text(nomad));
    }

    /// An error located at one span, with a label and a help line.
    pub(super) fn push(&mut self, nomad: String, code: &str, at: At<'_>) {
        let d = Diag::error(code, at.msg)
            .at(self.src, at.span.unwrap_or_default(), at.label)
            .help(at.help);
        self.error(nomad, d);
    }

    /// Run `f` one level down; whatever it finds becomes one item here.
    /// Says whether it found anything.
    pub(super) fn nested(&mut self, prefix: Option<String>, f: impl FnOnce(&mut Out<'_>)) -> bool {
        let mut child = Out {
            diags: &mut *self.diags,
            src: self.src,
            nomad: Vec::new(),
        };
        f(&mut child);
        let errors = child.nomad;
        if errors.is_empty() {
            return false;
        }
        self.nomad.push(NomadError::Nested { prefix, errors });
        true
    }

    /// A located diagnostic whose Nomad error is added on its own
    /// ([`Out::text`]): several places, one error.
    pub(super) fn diags_push(&mut self, d: Diag) {
        self.diags.push(d);
    }

    /// Nomad's error for diagnostics already pushed.
    pub(super) fn text(&mut self, nomad: String) {
        self.nomad.push(NomadError::Text(nomad));
    }

    pub(super) fn src(&self) -> &'a Source {
        self.src
    }
}

/// Our located diagnostic's place and words.
pub(super) struct At<'a> {
    pub span: Option<Span>,
    pub msg: String,
    pub label: &'a str,
    pub help: &'a str,
}

pub(super) fn at<'a>(
    span: Option<Span>,
    msg: impl Into<String>,
    label: &'a str,
    help: &'a str,
) -> At<'a> {
    At {
        span,
        msg: msg.into(),
        label,
        help,
    }
}

/// One error whose located diagnostic says what Nomad's text says.
pub(super) fn err(
    out: &mut Out<'_>,
    code: &str,
    span: Option<Span>,
    text: impl AsRef<str>,
    label: &str,
    help: &str,
) {
    let text = text.as_ref();
    out.push(text.to_string(), code, at(span, text, label, help));
}

/// Validate `job` as Nomad `v`'s servers do: the located diagnostics go to
/// `diags` (ordered by place), Nomad's errors are returned in its order.
pub fn validate(
    job: &Job,
    src: &Source,
    v: NomadVersion,
    edition: Option<crate::version::Edition>,
    diags: &mut Diags,
) -> Vec<NomadError> {
    let mut out = Out {
        diags,
        src,
        nomad: Vec::new(),
    };
    job_checks(job, v, edition, &mut out);
    let nomad = out.nomad;
    diags
        .0
        .sort_by_key(|d| (d.source.is_none(), d.primary_span().map(|s| s.start)));
    nomad
}

/// `Job.Validate`, and the job endpoint's checks after it (1.5+: the
/// priority, whose bound became a server setting).
fn job_checks(
    job: &Job,
    v: NomadVersion,
    edition: Option<crate::version::Edition>,
    out: &mut Out<'_>,
) {
    let js = &job.spans;
    // Job.Validate checks the ID and name before the type.
    super::validate_job::id_and_name(job, v, out);
    // Job.Validate checks the type before the priority.
    super::validate_job::refused_type(job, out);
    if super::version_gates::sysbatch_refused(job, v) {
        let text = "Invalid job type: \"sysbatch\"";
        let help = format!("judged as Nomad {v}, which has no sysbatch jobs: use type = \"batch\" (or \"system\"), or judge by Nomad 1.2 or later");
        out.push(
            text.into(),
            super::version_gates::CODE,
            at(
                js.best("type"),
                text,
                "sysbatch jobs need Nomad 1.2 or later",
                &help,
            ),
        );
    }
    // Before 1.5.0 Job.Validate checked the priority right after the type;
    // from 1.5.0 the job endpoint's validate hook does, after Job.Validate,
    // up to the servers' job_max_priority.
    let hook_priority = v.at_least(1, 5, 0);
    let max = if hook_priority {
        job.loaded.servers.max_priority
    } else {
        100
    };
    let bad_priority = !(1..=max).contains(&job.priority);
    if bad_priority && !hook_priority {
        priority(job, "Job", max, out);
    }
    // A job listing regions may leave its own datacenters to them.
    let multiregion = super::validate_multiregion::is_multiregion(job);
    if job.datacenters.is_empty() && !v.at_least(1, 5, 0) && !multiregion {
        let text = "Missing job datacenters";
        out.push(
            text.into(),
            "jobspec::missing",
            at(
                js.best("datacenters"),
                text,
                "this job has no datacenters",
                "add `datacenters = [\"dc1\"]`",
            ),
        );
    } else {
        super::validate_job::datacenters(job, out);
    }
    if job.groups.is_empty() {
        let text = "Missing job task groups";
        out.push(
            text.into(),
            "jobspec::missing",
            at(
                js.label.or(js.block),
                text,
                "no group in this job",
                "add a `group \"name\" { task ... }` block",
            ),
        );
    }
    super::validate_placement::constraints(&job.constraints, v, out);
    super::validate_placement::affinities(&job.affinities, job.job_type, v, out);
    super::validate_placement::spreads(&job.spreads, job.job_type, v, out);
    super::validate_ui::description(job, v, out);
    let mut seen_groups: BTreeMap<&str, &TaskGroup> = BTreeMap::new();
    for g in &job.groups {
        // `group "" {}` decodes from 1.0 (an empty label is still a label);
        // Job.Validate's name loop refuses it before looking for repeats.
        if g.name.is_empty() {
            let text = format!("Job task group {} missing name", position(job, g));
            let help = "name the group: `group \"web\" { ... }`";
            let span = g.spans.label.or(g.spans.block);
            let located = at(span, &text, "this group has no name", help);
            out.push(text.clone(), "jobspec::missing", located);
        } else if let Some(first) = seen_groups.get(g.name.as_str()).copied() {
            let text = format!(
                "Job task group {} redefines '{}' from group {}",
                position(job, g),
                g.name,
                position(job, first)
            );
            let d = Diag::error("jobspec::duplicate", text.clone())
                .at(
                    out.src(),
                    g.spans.label.or(g.spans.block).unwrap_or_default(),
                    "defined again here",
                )
                .label(
                    first.spans.label.or(first.spans.block).unwrap_or_default(),
                    "first defined here",
                )
                .help("give every group a unique name");
            out.error(text, d);
        } else {
            seen_groups.insert(&g.name, g);
        }
        super::validate_job::job_loop(job, g, v, out);
        super::validate_group::lost_but_rescheduled(job, g, v, out);
    }
    // Job.Validate checks every group's name before validating any group.
    for g in &job.groups {
        out.nested(
            Some(format!("Task group {} validation failed", g.name)),
            |out| group(job, g, v, out),
        );
    }
    super::validate_job::periodic_and_parameterized(job, v, out);
    super::validate_multiregion::multiregion(job, v, edition, out);
    super::validate_job::core_type(job, out);
    if bad_priority && hook_priority {
        priority(job, "job", max, out);
    }
    super::validate_workload::service_identity_names(job, v, out);
    super::validate_job::max_count(job, v, out);
}

/// The priority bound, worded `Job ...` by Job.Validate before 1.5 and
/// `job ...` by the validate hook after, whose bound `max` is the servers'
/// job_max_priority (nomad/job_endpoint_hooks.go:300-301@v1.5.0).
fn priority(job: &Job, word: &str, max: i64, out: &mut Out<'_>) {
    let help = if word == "job" && !job.loaded.servers.stated {
        format!("use a priority from 1 to {max} (50 is the default), or raise the servers' job_max_priority (100 by default, assumed here)")
    } else {
        format!("use a priority from 1 to {max} (50 is the default)")
    };
    out.push(
        format!("{word} priority must be between [1, {max}]"),
        "jobspec::range",
        at(
            job.spans.best("priority"),
            format!("Job priority must be between [1, {max}]"),
            "out of range",
            &help,
        ),
    );
}

fn position(job: &Job, g: &TaskGroup) -> usize {
    job.groups
        .iter()
        .position(|x| std::ptr::eq(x, g))
        .map(|i| i + 1)
        .unwrap_or(0)
}

/// `TaskGroup.Validate`, in its order.
fn group(job: &Job, g: &TaskGroup, v: NomadVersion, out: &mut Out<'_>) {
    let gs = &g.spans;
    // Its own name check, beside Job.Validate's `Job task group N missing
    // name` (a null character: 1.0.0+).
    let name = if g.name.is_empty() {
        Some("Missing task group name")
    } else {
        (g.name.contains('\0') && v.at_least(1, 0, 0))
            .then_some("Task group name contains null character")
    };
    if let Some(text) = name {
        let help = "name the group with letters, digits, `-` or `_`";
        let located = at(gs.label.or(gs.block), text, "group name", help);
        out.push(text.into(), "jobspec::value", located);
    }
    if g.count < 0 {
        out.push(
            "Task group count can't be negative".into(),
            "jobspec::range",
            at(
                gs.best("count"),
                format!("Task group {} count can't be negative", g.name),
                "negative count",
                "use 0 or more",
            ),
        );
    }
    // Consul gateways get their task injected by Nomad's connect admission
    // hook before validation, so such a group may be written without tasks.
    let has_gateway = g
        .services
        .iter()
        .any(|s| s.connect.as_ref().is_some_and(|c| c.is_gateway()));
    if g.tasks.is_empty() && !has_gateway {
        out.push(
            "Missing tasks for task group".into(),
            "jobspec::missing",
            at(
                gs.label.or(gs.block),
                format!("Task group {} has no tasks", g.name),
                "no task in this group",
                "add a `task \"name\" { ... }` block",
            ),
        );
    }
    if !super::validate_group::disconnect(job, g, v, out) {
        return;
    }
    if let Some(d) = g.max_run_duration {
        let span = gs.best("max_run_duration");
        if d.nanos() <= 0 {
            let text = "MaxRunDuration must be greater than zero";
            out.push(
                text.into(),
                "jobspec::range",
                at(
                    span,
                    text,
                    "not positive",
                    "give max_run_duration a positive duration",
                ),
            );
        }
        let batchlike = matches!(job.job_type, JobType::Batch | JobType::Sysbatch);
        if !(batchlike && super::validate_job::type_known(job)) {
            let text = format!(
                "Job type {} does not allow max_run_duration",
                crate::gotext::go_quote(super::validate_job::type_name(job))
            );
            out.push(
                text.clone(),
                "jobspec::value",
                at(
                    span,
                    text,
                    "max_run_duration",
                    "only batch and sysbatch jobs may set max_run_duration",
                ),
            );
        }
    }
    super::validate_placement::constraints(&g.constraints, v, out);
    super::validate_placement::affinities(&g.affinities, job.job_type, v, out);
    super::validate_policies::restart(g, v, out);
    super::validate_placement::spreads(&g.spreads, job.job_type, v, out);
    super::validate_policies::reschedule(job, g, v, out);
    let disk = &g.ephemeral_disk;
    if disk.size_mb < 10 && disk.spans.written("size") {
        out.push(
            format!("minimum DiskMB value is 10; got {}", disk.size_mb),
            "jobspec::range",
            at(
                disk.spans.best("size"),
                "minimum DiskMB value is 10",
                "too small",
                "ephemeral_disk size is in MB; use at least 10",
            ),
        );
    }
    super::validate_policies::update_and_migrate(job, g, v, out);
    let mut task_names: BTreeMap<&str, (usize, &Task)> = BTreeMap::new();
    let mut legacy_ports = super::validate_net::LegacyPorts::new(v);
    for (i, t) in g.tasks.iter().enumerate() {
        task_name(g, i, t, &mut task_names, out);
        if let Some(ports) = legacy_ports.as_mut() {
            ports.task(t, g, v, out);
        }
    }
    // Nomad counts leaders in the task loop and reports after it: before 0.10
    // that loop also reserved static ports, so those errors come first; from
    // 0.10 the port checks moved into validateNetworks, after this one.
    let before_ports = v.at_least(0, 10, 0);
    if before_ports {
        leaders(g, out);
        super::validate_group::volumes(g, job.job_type, v, out);
    }
    let scopes = super::validate_net::networks(g, v, out);
    if !before_ports {
        leaders(g, out);
    }
    super::validate_net::group_services(g, &scopes, v, out);
    out.nested(
        Some("Task group service check validation failed".into()),
        |out| super::validate_group_services::script_checks(g, v, out),
    );
    super::validate_group::scaling(job, g, v, out);
    for t in &g.tasks {
        super::validate_group_tasks::volume_mounts(t, g, v, out);
        out.nested(Some(format!("Task {} validation failed", t.name)), |out| {
            task(job, t, g, v, out)
        });
        super::validate_group_tasks::kill_timeout(t, g, job.job_type, v, out);
    }
}

/// TaskGroup.Validate's name loop for task `i`: an empty name is refused,
/// never counted as a repeat.
fn task_name<'a>(
    g: &TaskGroup,
    i: usize,
    t: &'a Task,
    task_names: &mut BTreeMap<&'a str, (usize, &'a Task)>,
    out: &mut Out<'_>,
) {
    if t.name.is_empty() {
        let text = format!("Task {} missing name", i + 1);
        let help = "name the task: `task \"server\" { ... }`";
        let span = t.spans.label.or(t.spans.block);
        out.push(
            text.clone(),
            "jobspec::missing",
            at(span, &text, "this task has no name", help),
        );
        return;
    }
    let Some(&(first_i, first)) = task_names.get(t.name.as_str()) else {
        task_names.insert(&t.name, (i, t));
        return;
    };
    let d = Diag::error(
        "jobspec::duplicate",
        format!(
            "Task {} redefines '{}' in group {}",
            t.name, first.name, g.name
        ),
    )
    .at(
        out.src(),
        t.spans.label.or(t.spans.block).unwrap_or_default(),
        "defined again here",
    )
    .label(
        first.spans.label.or(first.spans.block).unwrap_or_default(),
        "first defined here",
    )
    .help("give every task in a group a unique name");
    let text = format!(
        "Task {} redefines '{}' from task {}",
        i + 1,
        t.name,
        first_i + 1
    );
    out.error(text, d);
}

/// A leader's exit stops its siblings, so a group has at most one
/// (`TaskGroup.Validate`, same wording from 0.9 to 2.0).
fn leaders(g: &TaskGroup, out: &mut Out<'_>) {
    let mut marked = g.tasks.iter().filter(|t| t.leader);
    let (Some(first), Some(second)) = (marked.next(), marked.next()) else {
        return;
    };
    let span = |t: &Task| t.spans.best("leader").or(t.spans.label).unwrap_or_default();
    let d = Diag::error(
        "jobspec::value",
        format!(
            "Group {}: tasks {} and {} are both marked as leader",
            g.name, first.name, second.name
        ),
    )
    .at(out.src(), span(second), "second leader")
    .label(span(first), "first leader")
    .help("mark at most one task per group with `leader = true`");
    out.error("Only one task may be marked as leader".into(), d);
}

/// `Task.Validate`: validate_task.rs.
fn task(job: &Job, t: &Task, g: &TaskGroup, v: NomadVersion, out: &mut Out<'_>) {
    super::validate_task::task(t, g, job.job_type, v, out)
}

/// `nomad job validate`'s warnings, located for `check` (Nomad's own
/// words are `warnings::nomad_warnings`).
pub fn warnings(job: &Job, src: &Source, v: NomadVersion, diags: &mut Diags) {
    for l in super::warnings::located(job, v) {
        diags.push(
            Diag::warning(l.code, l.text)
                .at(src, l.span.unwrap_or_default(), "here")
                .help(l.help),
        );
    }
}
