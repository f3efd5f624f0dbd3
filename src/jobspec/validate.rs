//! The checks `nomad job validate` makes (structs.Job.Validate and the API's
//! jobspec checks) on the canonicalised job, located at the written spans.

use std::collections::BTreeMap;

use super::model::*;
use crate::diag::{Diag, Diags};
use crate::source::{Source, Span};
use crate::version::NomadVersion;

pub fn validate(job: &Job, src: &Source, v: NomadVersion, diags: &mut Diags) {
    let js = &job.spans;
    // Job.Validate checks the type before the priority.
    if super::version_gates::sysbatch_refused(job, v) {
        push(
            diags,
            src,
            super::version_gates::CODE,
            js.best("type"),
            "Invalid job type: \"sysbatch\"".into(),
            "sysbatch jobs need Nomad 1.2 or later",
            &format!("judged as Nomad {v}, which has no sysbatch jobs: use type = \"batch\" (or \"system\"), or judge by Nomad 1.2 or later"),
        );
    }
    if !(1..=100).contains(&job.priority) {
        push(
            diags,
            src,
            "jobspec::range",
            js.best("priority"),
            "Job priority must be between [1, 100]".into(),
            "out of range",
            "use a priority from 1 to 100 (50 is the default)",
        );
    }
    if job.datacenters.is_empty() && !v.at_least(1, 5, 0) {
        push(
            diags,
            src,
            "jobspec::missing",
            js.best("datacenters"),
            "Missing job datacenters".into(),
            "this job has no datacenters",
            "add `datacenters = [\"dc1\"]`",
        );
    }
    if job.groups.is_empty() {
        push(
            diags,
            src,
            "jobspec::missing",
            js.label.or(js.block),
            "Missing job task groups".into(),
            "no group in this job",
            "add a `group \"name\" { task ... }` block",
        );
    }
    let mut seen_groups: BTreeMap<&str, &TaskGroup> = BTreeMap::new();
    for g in &job.groups {
        if let Some(first) = seen_groups.insert(&g.name, g) {
            diags.push(
                Diag::error(
                    "jobspec::duplicate",
                    format!(
                        "Job task group {} redefines '{}' from group {}",
                        position(job, g),
                        g.name,
                        position(job, first)
                    ),
                )
                .at(
                    src,
                    g.spans.label.or(g.spans.block).unwrap_or_default(),
                    "defined again here",
                )
                .label(
                    first.spans.label.or(first.spans.block).unwrap_or_default(),
                    "first defined here",
                )
                .help("give every group a unique name"),
            );
        }
        group(job, g, src, diags);
    }
    diags
        .0
        .sort_by_key(|d| (d.source.is_none(), d.primary_span().map(|s| s.start)));
}

fn position(job: &Job, g: &TaskGroup) -> usize {
    job.groups
        .iter()
        .position(|x| std::ptr::eq(x, g))
        .map(|i| i + 1)
        .unwrap_or(0)
}

fn group(job: &Job, g: &TaskGroup, src: &Source, diags: &mut Diags) {
    let gs = &g.spans;
    if g.count < 0 {
        push(
            diags,
            src,
            "jobspec::range",
            gs.best("count"),
            format!("Task group {} count can't be negative", g.name),
            "negative count",
            "use 0 or more",
        );
    }
    // Consul gateways get their task injected by Nomad's connect admission
    // hook before validation, so such a group may be written without tasks.
    let has_gateway = g
        .services
        .iter()
        .any(|s| s.connect.as_ref().is_some_and(|c| c.is_gateway()));
    if g.tasks.is_empty() && !has_gateway {
        push(
            diags,
            src,
            "jobspec::missing",
            gs.label.or(gs.block),
            format!("Task group {} has no tasks", g.name),
            "no task in this group",
            "add a `task \"name\" { ... }` block",
        );
    }
    // structs.go TaskGroup.Validate (since 0.6: "Disallow update stanza on
    // batch jobs"): only service and system jobs roll updates out.
    if let Some(u) = &g.update {
        if !matches!(job.job_type, JobType::Service | JobType::System) {
            let at = u
                .spans
                .block
                .or(job.update.as_ref().and_then(|j| j.spans.block));
            push(
                diags,
                src,
                "jobspec::value",
                at.or(gs.label),
                format!("Job type \"{}\" does not allow update block", job.job_type),
                "update block",
                "remove the update block: batch and sysbatch jobs have no rolling updates",
            );
        }
    }
    if g.ephemeral_disk.size_mb < 10 && g.ephemeral_disk.spans.written("size") {
        push(
            diags,
            src,
            "jobspec::range",
            g.ephemeral_disk.spans.best("size"),
            "minimum DiskMB value is 10".into(),
            "too small",
            "ephemeral_disk size is in MB; use at least 10",
        );
    }

    // Port labels live per network scope: the group's networks (1.x) and each
    // task's legacy `resources { network }` (0.x), where every task may
    // reuse the same label.
    let group_labels = port_labels(g.networks.iter(), &g.name, src, diags);
    let task_labels: Vec<BTreeMap<&str, Span>> = g
        .tasks
        .iter()
        .map(|t| port_labels(t.resources.networks.iter(), &g.name, src, diags))
        .collect();
    let mut all = group_labels.clone();
    for tl in &task_labels {
        all.extend(tl.iter().map(|(k, v)| (*k, *v)));
    }
    for s in &g.services {
        check_service_ports(&all, &g.name, s, src, diags);
    }
    let mut task_names: BTreeMap<&str, &Task> = BTreeMap::new();
    for (i, t) in g.tasks.iter().enumerate() {
        if let Some(first) = task_names.insert(&t.name, t) {
            diags.push(
                Diag::error(
                    "jobspec::duplicate",
                    format!(
                        "Task {} redefines '{}' in group {}",
                        t.name, first.name, g.name
                    ),
                )
                .at(
                    src,
                    t.spans.label.or(t.spans.block).unwrap_or_default(),
                    "defined again here",
                )
                .label(
                    first.spans.label.or(first.spans.block).unwrap_or_default(),
                    "first defined here",
                )
                .help("give every task in a group a unique name"),
            );
        }
        let mut scope = group_labels.clone();
        if let Some(tl) = task_labels.get(i) {
            scope.extend(tl.iter().map(|(k, v)| (*k, *v)));
        }
        let mut seen_services: BTreeMap<(&str, &str), Span> = BTreeMap::new();
        for sv in &t.services {
            let sp = sv.spans.best("name").unwrap_or_default();
            if let Some(prev) = seen_services.insert((&sv.name, &sv.port_label), sp) {
                diags.push(
                    Diag::error(
                        "jobspec::duplicate",
                        format!("Task {}: service \"{}\" is duplicate", t.name, sv.name),
                    )
                    .at(src, sp, "same name and port again")
                    .label(prev, "first here")
                    .help("give the services different names or ports"),
                );
            }
            check_service_ports(&scope, &g.name, sv, src, diags);
        }
        task(t, g, src, diags);
    }
    let _ = job;
}

fn task(t: &Task, g: &TaskGroup, src: &Source, diags: &mut Diags) {
    let ts = &t.spans;
    let r = &t.resources;
    if t.driver.is_empty() {
        push(
            diags,
            src,
            "jobspec::missing",
            ts.label.or(ts.block),
            format!("Task {} in group {}: missing task driver", t.name, g.name),
            "no driver",
            "add `driver = \"docker\"` (or exec, java, raw_exec...)",
        );
    }
    for tp in &t.templates {
        // Clients sandbox template sources to the task directory by default.
        let path = std::path::Path::new(&tp.source_path);
        if path.is_absolute() || tp.source_path.contains("..") {
            diags.push(
                Diag::warning("jobspec::template-path", format!("Template source \"{}\" is outside the task directory", tp.source_path))
                    .with_severity(crate::diag::Severity::Advice)
                    .at(src, tp.spans.best("source").unwrap_or_default(), "escapes the sandbox")
                    .help("the task fails at template render unless the client sets template.disable_file_sandbox"),
            );
        }
    }
    if r.cpu < 1 && !r.spans.written("cores") {
        push(
            diags,
            src,
            "jobspec::range",
            r.spans.best("cpu"),
            format!("Task {}: minimum CPU value is 1; got {}", t.name, r.cpu),
            "too small",
            "cpu is in MHz; use at least 1",
        );
    }
    if r.memory_mb < 10 {
        push(
            diags,
            src,
            "jobspec::range",
            r.spans.best("memory"),
            format!(
                "Task {}: minimum MemoryMB value is 10; got {}",
                t.name, r.memory_mb
            ),
            "too small",
            "memory is in MB; use at least 10",
        );
    }
    // memory_max = -1 means unlimited (oversubscription).
    if r.memory_max_mb > 0 && r.memory_max_mb < r.memory_mb {
        push(
            diags,
            src,
            "jobspec::range",
            r.spans.best("memory_max"),
            format!(
                "Task {}: memory_max ({}) must not be lower than memory ({})",
                t.name, r.memory_max_mb, r.memory_mb
            ),
            "lower than memory",
            "raise memory_max or remove it",
        );
    }
}

/// `nomad job validate`'s warnings (printed under `Job Warnings:`).
pub fn warnings(job: &Job, src: &Source, diags: &mut Diags) {
    for g in &job.groups {
        if let Some(u) = &g.update {
            if u.max_parallel > g.count && g.count >= 0 && !job.job_type.is_per_node() {
                diags.push(
                    Diag::warning(
                        "jobspec::update-parallel",
                        format!("Group \"{}\" has warnings: Update max parallel count is greater than task group count ({} > {}). A destructive change would result in the simultaneous replacement of all allocations.", g.name, u.max_parallel, g.count),
                    )
                    .at(src, u.spans.best("max_parallel").or(g.spans.label).unwrap_or_default(), "max_parallel")
                    .help("lower max_parallel to at most the group count"),
                );
            }
        }
    }
}

fn push(
    diags: &mut Diags,
    src: &Source,
    code: &str,
    span: Option<Span>,
    msg: String,
    label: &str,
    help: &str,
) {
    diags.push(
        Diag::error(code, msg)
            .at(src, span.unwrap_or_default(), label)
            .help(help),
    );
}

fn port_labels<'a>(
    nets: impl Iterator<Item = &'a Network>,
    group: &str,
    src: &Source,
    diags: &mut Diags,
) -> BTreeMap<&'a str, Span> {
    let mut labels: BTreeMap<&str, Span> = BTreeMap::new();
    let mut statics: BTreeMap<(i64, &str), (&str, Span)> = BTreeMap::new();
    for n in nets {
        for p in n.ports() {
            if p.value > 0 {
                let sp = p.spans.best("static").unwrap_or_default();
                if let Some((other, prev)) =
                    statics.insert((p.value, p.host_network.as_str()), (&p.label, sp))
                {
                    diags.push(
                        Diag::error("jobspec::duplicate", format!("Static port {} already reserved by {other}", p.value))
                            .at(src, sp, "reserved again here")
                            .label(prev, "first reserved here")
                            .help("give each port its own static number, or drop `static` to get a dynamic port"),
                    );
                }
            }
            let sp = p.spans.label.or(p.spans.block).unwrap_or_default();
            // HCL2 jobspec only requires a label (the ^[a-zA-Z0-9_]+$ rule was HCL1's).
            if p.label.is_empty() {
                push(
                    diags,
                    src,
                    "jobspec::port-label",
                    Some(sp),
                    "Port label must not be empty".into(),
                    "empty label",
                    "name the port: `port \"http\" {}`",
                );
            }
            if let Some(prev) = labels.insert(&p.label, sp) {
                diags.push(
                    Diag::error(
                        "jobspec::duplicate",
                        format!(
                            "Port label \"{}\" is defined twice in group {group}",
                            p.label
                        ),
                    )
                    .at(src, sp, "defined again here")
                    .label(prev, "first defined here")
                    .help("port labels must be unique within a network scope"),
                );
            }
        }
    }
    labels
}

#[allow(clippy::too_many_arguments)]
/// A service's port and each of its checks' ports must name a port in scope.
fn check_service_ports(
    labels: &BTreeMap<&str, Span>,
    group: &str,
    service: &Service,
    src: &Source,
    diags: &mut Diags,
) {
    check_port(
        labels,
        group,
        &service.port_label,
        service.spans.best("port"),
        &format!("Service \"{}\"", service.name),
        src,
        diags,
    );
    for c in &service.checks {
        check_port(
            labels,
            group,
            &c.port_label,
            c.spans.best("port"),
            &format!("Check \"{}\"", c.name),
            src,
            diags,
        );
    }
}

fn check_port(
    labels: &BTreeMap<&str, Span>,
    group: &str,
    label: &str,
    span: Option<Span>,
    whose: &str,
    src: &Source,
    diags: &mut Diags,
) {
    // Numbers are literal ports; interpolations resolve at run time.
    if label.is_empty()
        || label.parse::<u16>().is_ok()
        || labels.contains_key(label)
        || label.contains("${")
    {
        return;
    }
    let known: Vec<&str> = labels.keys().copied().collect();
    let help = match crate::suggest::closest(label, known.iter().copied()) {
        Some(s) => format!("did you mean \"{s}\"?"),
        None if known.is_empty() => {
            "no network here defines ports: add `port \"label\" {}` to a network block".into()
        }
        None => format!("defined port labels: {}", known.join(", ")),
    };
    diags.push(
        Diag::error(
            "jobspec::port-label",
            format!(
                "{whose} refers to port \"{label}\", which no network in group {group} defines"
            ),
        )
        .at(src, span.unwrap_or_default(), "unknown port label")
        .help(help),
    );
}
