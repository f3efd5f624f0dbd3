//! The network and service checks of `TaskGroup.Validate` and
//! `Task.Validate` (structs.go `validateNetworks`, `validateServices`), with
//! Nomad's words and nesting (see validate.rs).

use std::collections::BTreeMap;

use super::model::*;
use super::validate::{At, Out};
use crate::diag::{Diag, Severity};
use crate::source::Span;
use crate::version::NomadVersion;

/// The port labels of the group's networks (a task's services read their
/// own scope: validate_services.rs).
pub(super) struct Scopes<'a> {
    pub group: BTreeMap<&'a str, Span>,
}

/// `validateNetworks`: every error under `Task group network validation
/// failed: ...`. A group port's label may not repeat; a task port's may
/// not take a group port's; a static port is reserved once across the
/// group and its tasks (per host network from 1.0.4; a group port that
/// ignores collisions, 1.9+, is refused nothing but reserves its number
/// when it comes first). The ranges of a port's numbers, a group network's
/// CNI args and hostname: validate_net_ports.rs, in Nomad's order per
/// port and per network.
///
/// Before 0.10 TaskGroup.Validate listed the task ports' static collisions
/// among its own errors, unwrapped (there were no group networks).
pub(super) fn networks<'a>(g: &'a TaskGroup, v: NomadVersion, out: &mut Out<'_>) -> Scopes<'a> {
    let mut scopes = Scopes {
        group: BTreeMap::new(),
    };
    let checks = |out: &mut Out<'_>| {
        let mut statics = Reserved::default();
        let mut mapped = Reserved::default();
        let mut cni_keys = std::collections::BTreeSet::new();
        for n in &g.networks {
            for p in n.ports() {
                let sp = label_span(p);
                empty_label(p, out);
                if let Some(prev) = scopes.group.get(p.label.as_str()).copied() {
                    relabelled(p, &g.name, sp, prev, out);
                } else {
                    scopes.group.insert(&p.label, sp);
                }
                if p.value != 0 {
                    let owner = format!("taskgroup network:{}", p.label);
                    reserve(p, owner, &mut statics, v, out, p.ignore_collision);
                }
                super::validate_net_ports::mapped_to(p, true, &mut mapped, v, out);
                super::validate_net_ports::ignored_collision(p, n, v, out);
            }
            super::validate_net_ports::cni_args(n, &mut cni_keys, v, out);
            super::validate_net_ports::hostname(n, v, out);
        }
        for t in &g.tasks {
            task_ports(t, g, &scopes.group, &mut statics, &mut mapped, v, out);
        }
    };
    // Before 0.10 TaskGroup.Validate's task loop reserves the ports
    // (validate.rs, [`LegacyPorts`]).
    if v.at_least(0, 10, 0) {
        out.nested(Some("Task group network validation failed".into()), checks);
    }
    scopes
}

/// One task's ports, after the group's: a label taken by a group port,
/// then its static number, then (0.10+) its mapped one.
fn task_ports<'a>(
    t: &'a Task,
    g: &TaskGroup,
    group: &BTreeMap<&'a str, Span>,
    statics: &mut Reserved<'a>,
    mapped: &mut Reserved<'a>,
    v: NomadVersion,
    out: &mut Out<'_>,
) {
    for n in &t.resources.networks {
        for p in n.ports() {
            let sp = label_span(p);
            empty_label(p, out);
            if let Some(prev) = group.get(p.label.as_str()).copied() {
                relabelled(p, &g.name, sp, prev, out);
            }
            if p.value != 0 {
                // A task's ports never ignore collisions.
                let owner = format!("{}:{}", t.name, p.label);
                reserve(p, owner, statics, v, out, false);
            }
            super::validate_net_ports::mapped_to(p, false, mapped, v, out);
        }
    }
}

/// Before 0.10 TaskGroup.Validate (structs.go@v0.9.3) reserves each task's
/// static ports in its name loop, right after the task's name check, so a
/// task's name error and its port collisions come task by task (`Static
/// port 8080 already reserved by a:p` of task 2 before `Task 3 missing
/// name`), unwrapped: there were no group networks.
pub(super) struct LegacyPorts<'a> {
    statics: Reserved<'a>,
    mapped: Reserved<'a>,
}

impl<'a> LegacyPorts<'a> {
    pub(super) fn new(v: NomadVersion) -> Option<Self> {
        (!v.at_least(0, 10, 0)).then(|| LegacyPorts {
            statics: Reserved::default(),
            mapped: Reserved::default(),
        })
    }

    /// Task `t`'s ports, after its name check.
    pub(super) fn task(&mut self, t: &'a Task, g: &TaskGroup, v: NomadVersion, out: &mut Out<'_>) {
        let none = BTreeMap::new();
        task_ports(t, g, &none, &mut self.statics, &mut self.mapped, v, out);
    }
}

/// Port numbers taken so far, keyed by number and host network, with
/// their owner's name and where they were written.
pub(super) type Reserved<'a> = BTreeMap<(i64, &'a str), (String, Span)>;

fn label_span(p: &Port) -> Span {
    p.spans.label.or(p.spans.block).unwrap_or_default()
}

/// HCL2's jobspec only requires a label (HCL1 had a `^[a-zA-Z0-9_]+$`
/// rule); an empty one is our own refusal, listed with the network errors.
fn empty_label(p: &Port, out: &mut Out<'_>) {
    if p.label.is_empty() {
        let text = "Port label must not be empty".to_string();
        out.push(
            text.clone(),
            "jobspec::port-label",
            At {
                span: Some(label_span(p)),
                msg: text,
                label: "empty label",
                help: "name the port: `port \"http\" {}`",
            },
        );
    }
}

fn relabelled(p: &Port, group: &str, sp: Span, prev: Span, out: &mut Out<'_>) {
    let d = Diag::error(
        "jobspec::duplicate",
        format!(
            "Port label \"{}\" is defined twice in group {group}",
            p.label
        ),
    )
    .at(out.src(), sp, "defined again here")
    .label(prev, "first defined here")
    .help("port labels must be unique within a network scope");
    out.error(
        format!("Port label {} already in use by taskgroup network", p.label),
        d,
    );
}

/// A static port: refused when its host network (every port shares one
/// before 1.0.4, when the index by host network came) already reserves
/// the number, else (0.12+) when it is past 65535, else reserved.
fn reserve<'a>(
    p: &'a Port,
    owner: String,
    statics: &mut Reserved<'a>,
    v: NomadVersion,
    out: &mut Out<'_>,
    ignores_collision: bool,
) {
    let sp = p.spans.best("static").unwrap_or_default();
    let host = if p.host_network.is_empty() || !v.at_least(1, 0, 4) {
        "default"
    } else {
        p.host_network.as_str()
    };
    if let Some((other, prev)) = statics.get(&(p.value, host)) {
        if ignores_collision {
            return;
        }
        let text = format!("Static port {} already reserved by {other}", p.value);
        let d = Diag::error("jobspec::duplicate", text.clone())
            .at(out.src(), sp, "reserved again here")
            .label(*prev, "first reserved here")
            .help("give each port its own static number, or drop `static` to get a dynamic port");
        out.error(text, d);
    } else if super::validate_net_ports::static_in_range(p, v, out) {
        statics.insert((p.value, host), (owner, sp));
    }
}

/// Group services' and their checks' ports that no network of the group
/// defines. Nomad refuses none of them: TaskGroup.validateServices and
/// Service.Validate read no group port label at any release from 0.10 to
/// 2.0.5 (only a Connect native service's missing port, from 1.9.2), so
/// the job registers and the allocation fails later, on the client. Advice,
/// then: never an error Nomad would not print.
pub(super) fn group_services(
    g: &TaskGroup,
    scopes: &Scopes<'_>,
    v: NomadVersion,
    out: &mut Out<'_>,
) {
    out.nested(Some("Task group service validation failed".into()), |out| {
        // validateServices (validate_group_services.rs) runs Service.Validate
        // on each group service in its loop.
        super::validate_group_services::services(g, v, out, |i, s, out| {
            out.nested(
                Some(format!("Service[{i}] {} validation failed", s.name)),
                // Service.Validate (validate_checks.rs); the Connect hook
                // infers a native service's task only for a group with a
                // network (jobConnectHook.Mutate skips the others).
                // A sidecar service takes the hook's sidecar branch even
                // when it is also native, so its task stays unset.
                |out| {
                    let sidecar = s.connect.as_ref().is_some_and(|c| c.has_sidecar());
                    let task_missing = s.task_name.is_empty() && (g.networks.is_empty() || sidecar);
                    let mode = g.networks.first().map(|n| n.mode.as_str());
                    super::validate_checks::service(s, task_missing, mode, v, out)
                },
            )
        });
    });
    for s in &g.services {
        let checks = s
            .checks
            .iter()
            .map(|c| (&c.port_label, c.spans.best("port"), "Check", &c.name));
        let ports = std::iter::once((&s.port_label, s.spans.best("port"), "Service", &s.name));
        for (label, span, what, name) in ports.chain(checks) {
            if !unknown(&scopes.group, label) {
                continue;
            }
            let d = port_diag(
                &scopes.group,
                &g.name,
                label,
                span,
                &format!("{what} \"{name}\""),
                out,
            )
            .with_severity(Severity::Advice);
            out.diags_push(d);
        }
    }
}

/// Numbers are literal ports; interpolations resolve at run time.
fn unknown(labels: &BTreeMap<&str, Span>, label: &str) -> bool {
    !(label.is_empty()
        || label.parse::<u16>().is_ok()
        || labels.contains_key(label)
        || label.contains("${"))
}

/// Our located diagnostic for a port label no network in scope defines.
pub(super) fn port_diag(
    labels: &BTreeMap<&str, Span>,
    group: &str,
    label: &str,
    span: Option<Span>,
    whose: &str,
    out: &Out<'_>,
) -> Diag {
    let known: Vec<&str> = labels.keys().copied().collect();
    let help = match crate::suggest::closest(label, known.iter().copied()) {
        Some(s) => format!("did you mean \"{s}\"?"),
        None if known.is_empty() => {
            "no network here defines ports: add `port \"label\" {}` to a network block".into()
        }
        None => format!("defined port labels: {}", known.join(", ")),
    };
    Diag::error(
        "jobspec::port-label",
        format!("{whose} refers to port \"{label}\", which no network in group {group} defines"),
    )
    .at(out.src(), span.unwrap_or_default(), "unknown port label")
    .help(help)
}
