//! The rules `Task.Validate` and `Service.Validate` apply to the blocks
//! Nomad 1.7 and later added (nomad/structs/structs.go, workload_id.go,
//! actions.go, services.go), each read at the tags where it changed:
//!
//! - actions (1.7.0+, unchanged to 2.0.5): `Action.Validate` (a command,
//!   a name of 1 to 128 characters without NUL or white space), and
//!   `Action %s defined multiple times` — reported at every second
//!   repeat, as Nomad's `handled` map flips back after each report;
//! - workload identities: `WorkloadIdentity.Validate` (1.7.0; the
//!   `filepath` rule from 1.9.0) on every named identity, `Duplicate
//!   default identities found` for a default one left among them, and
//!   from 1.9.0 the default identity itself, first;
//! - secrets (1.11.0+): a unique name, provider `vault` only beside a
//!   `vault` block, `Secret.Validate`;
//! - a service's identity must name an audience (`validateIdentity`,
//!   1.7.0+), the last of the service's own rules;
//! - `resources { numa }` (1.9.0+; 1.7 and 1.8 did not look): every
//!   device it binds is one the task asks for, then `NUMA.Validate`.
//!
//! Before this, an action without a command, an identity named `a b` or
//! with `change_mode = "bogus"`, or a secret without a path validated and
//! planned as a false all-clear.

use std::collections::BTreeMap;

use super::model::*;
use super::validate::{err, Out};
use crate::diag::Diag;
use crate::gotext::go_quote;
use crate::source::Span;
use crate::version::NomadVersion;

/// `Task.Validate`'s action loop (1.7.0+), after the templates.
pub(super) fn actions(t: &Task, v: NomadVersion, out: &mut Out<'_>) {
    if !v.at_least(1, 7, 0) {
        return;
    }
    // name → whether its repeat was reported since it was last seen.
    let mut handled: BTreeMap<&str, bool> = BTreeMap::new();
    for a in &t.actions {
        let prefix = format!("Action {} validation failed", a.name);
        out.nested(Some(prefix), |out| action(a, out));
        if handled.get(a.name.as_str()) == Some(&false) {
            let text = format!("Action {} defined multiple times", a.name);
            let span = a.spans.label.or(a.spans.block);
            err(
                out,
                "jobspec::duplicate",
                span,
                text,
                "defined again here",
                "give every action in a task its own name",
            );
            handled.insert(&a.name, true);
            continue;
        }
        handled.insert(&a.name, false);
    }
}

/// `Action.Validate`.
fn action(a: &Action, out: &mut Out<'_>) {
    if a.command.is_empty() {
        err(
            out,
            "jobspec::missing",
            a.spans.label.or(a.spans.block),
            "command cannot be empty",
            "no command",
            "give the action a `command = \"...\"`",
        );
    }
    // validJobActionName `^[^\x00\s]{1,128}$`: Go's `\s` is ASCII only.
    let bad = |c: char| c == '\0' || matches!(c, '\t' | '\n' | '\x0c' | '\r' | ' ');
    let n = a.name.chars().count();
    if !(1..=128).contains(&n) || a.name.chars().any(bad) {
        err(
            out,
            "jobspec::value",
            a.spans.label.or(a.spans.block),
            format!("invalid name '{}'", a.name),
            "invalid action name",
            "name actions with 1 to 128 characters, no spaces",
        );
    }
}

/// `Task.Validate`'s identity rules, after the CSI plugin: the default
/// identity (1.9.0+), then the named ones (1.7.0+).
pub(super) fn identities(t: &Task, v: NomadVersion, out: &mut Out<'_>) {
    if !v.at_least(1, 7, 0) {
        return;
    }
    if v.at_least(1, 9, 0) {
        if let Some(wi) = &t.identity {
            identity(wi, v, out);
        }
    }
    for wi in &t.identities {
        // Task.Canonicalize keeps the last default identity; one still
        // here was written twice (jobspec2 had moved the first away).
        if wi.name == "default" {
            err(
                out,
                "jobspec::duplicate",
                wi.spans.block,
                "Duplicate default identities found",
                "another default identity",
                "write one identity without a name (or named \"default\"); name the others",
            );
        }
        identity(wi, v, out);
    }
}

/// `Identity %q is invalid: <WorkloadIdentity.Validate>`.
fn identity(wi: &WorkloadIdentity, v: NomadVersion, out: &mut Out<'_>) {
    let prefix = format!("Identity {} is invalid", go_quote(&wi.name));
    out.nested(Some(prefix), |out| identity_rules(wi, v, out));
}

/// `WorkloadIdentity.Validate`, in its order.
fn identity_rules(wi: &WorkloadIdentity, v: NomadVersion, out: &mut Out<'_>) {
    let s = &wi.spans;
    // validIdentityName `^[a-zA-Z0-9-_]{1,128}$`.
    let name_ok = (1..=128).contains(&wi.name.len())
        && wi
            .name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !name_ok {
        err(
            out,
            "jobspec::value",
            s.best("name"),
            format!(
                "invalid name {}. Must match regex ^[a-zA-Z0-9-_]{{1,128}}$",
                go_quote(&wi.name)
            ),
            "invalid identity name",
            "use 1 to 128 letters, digits, dashes and underscores",
        );
    }
    for (i, aud) in wi.audience.iter().enumerate() {
        if aud.is_empty() {
            err(
                out,
                "jobspec::value",
                s.best("aud"),
                format!("an empty string is an invalid audience ({})", i + 1),
                "empty audience",
                "drop the empty string from aud",
            );
        }
    }
    match wi.change_mode.as_str() {
        "" | "noop" | "restart" if !wi.change_signal.is_empty() => err(
            out,
            "jobspec::value",
            s.best("change_signal"),
            format!(
                "can only use change_signal={} with change_mode=\"signal\"",
                go_quote(&wi.change_signal)
            ),
            "signal without change_mode = \"signal\"",
            "set change_mode = \"signal\" or drop change_signal",
        ),
        "" | "noop" | "restart" => {}
        "signal" if wi.change_signal.is_empty() => err(
            out,
            "jobspec::missing",
            s.best("change_mode"),
            "change_signal must be specified when using change_mode=\"signal\"",
            "no change_signal",
            "add change_signal = \"SIGHUP\" (or another signal)",
        ),
        "signal" => {}
        other => err(
            out,
            "jobspec::value",
            s.best("change_mode"),
            format!("invalid change_mode: {other}"),
            "unknown change_mode",
            "use change_mode \"noop\", \"restart\" or \"signal\"",
        ),
    }
    let ttl = wi.ttl.nanos();
    if ttl > 0 && (wi.name.is_empty() || wi.name == "default") {
        err(
            out,
            "jobspec::value",
            s.best("ttl"),
            "ttl for default identity not yet supported",
            "ttl on the default identity",
            "drop ttl from the default identity, or give the identity a name",
        );
    }
    if ttl < 0 {
        err(
            out,
            "jobspec::range",
            s.best("ttl"),
            "ttl must be >= 0",
            "negative",
            "give ttl a duration of 0 or more",
        );
    }
    if v.at_least(1, 9, 0) && !wi.filepath.is_empty() && !wi.file {
        err(
            out,
            "jobspec::value",
            s.best("filepath"),
            "file parameter must be true in order to specify filepath",
            "filepath without file = true",
            "set file = true, or drop filepath",
        );
    }
}

/// `Service.validateIdentity` (1.7.0+): an identity the service wrote (or
/// that the servers' `consul.service_identity` gave it) needs an audience.
pub(super) fn service_identity(sv: &Service, v: NomadVersion, out: &mut Out<'_>) {
    let Some(wi) = sv.identity.as_ref().filter(|_| v.at_least(1, 7, 0)) else {
        return;
    };
    if wi.audience.is_empty() {
        err(
            out,
            "jobspec::missing",
            wi.spans.best("aud").or(wi.spans.block),
            "Service identity must provide at least one target aud value",
            "no aud",
            "add aud = [\"consul.io\"] (the audience the identity is for)",
        );
    }
}

/// `jobValidate.validateServiceIdentity` (nomad/job_endpoint_hooks.go,
/// 1.7+), after the priority bound: a service's identity needs a name. The
/// servers' identities hook names every Consul service's identity
/// (`MakeUniqueIdentityName`) before it runs, so only a Nomad service's
/// identity can lack one. (The check that all servers run 1.7 holds for
/// the uniform servers a world describes.)
pub(super) fn service_identity_names(job: &Job, v: NomadVersion, out: &mut Out<'_>) {
    for e in service_identity_errors(job, v) {
        let span = e.service.identity.as_ref().and_then(|wi| wi.spans.block);
        err(
            out,
            "jobspec::missing",
            span,
            e.text,
            "identity without a name",
            "name the identity (`name = \"...\"`): only a Consul service's identity is named by the servers",
        );
    }
}

/// One error of `jobValidate.validateServiceIdentity`, with where its loop
/// meets it: the group's index, and the task's within it for a task's
/// service (None: a group service). The admission interleaves these with
/// each task's Vault identity error as that loop does
/// (planner::admission_identity).
pub struct ServiceIdentityError<'j> {
    pub group: usize,
    pub task: Option<usize>,
    pub service: &'j Service,
    pub text: String,
}

/// jobValidate's service identity errors in its loop's order (1.7.0 to
/// 2.0.5 alike): per group, its services', then per task its services'.
pub fn service_identity_errors(job: &Job, v: NomadVersion) -> Vec<ServiceIdentityError<'_>> {
    let mut out = Vec::new();
    if !v.at_least(1, 7, 0) {
        return out;
    }
    for (gi, g) in job.groups.iter().enumerate() {
        let group = format!("task group {}", g.name);
        for s in &g.services {
            out.extend(
                unnamed_service_identity(s, &group).map(|text| ServiceIdentityError {
                    group: gi,
                    task: None,
                    service: s,
                    text,
                }),
            );
        }
        for (ti, t) in g.tasks.iter().enumerate() {
            let task = format!("task {}", t.name);
            for s in &t.services {
                out.extend(
                    unnamed_service_identity(s, &task).map(|text| ServiceIdentityError {
                        group: gi,
                        task: Some(ti),
                        service: s,
                        text,
                    }),
                );
            }
        }
    }
    out
}

fn unnamed_service_identity(s: &Service, parent: &str) -> Option<String> {
    let consul = s.provider.is_empty() || s.provider == "consul";
    s.identity
        .as_ref()
        .filter(|w| !consul && w.name.is_empty())?;
    Some(format!(
        "Service {} in {parent} has an identity with an empty name",
        s.name
    ))
}

/// Task.Validate's secret loop (1.11+, where secrets parse): names are
/// unique, a `vault` secret needs the task's vault block, then
/// `Secret.Validate`.
pub(super) fn secrets(t: &Task, out: &mut Out<'_>) {
    let mut seen: BTreeMap<&str, Span> = BTreeMap::new();
    for s in &t.secrets {
        let sp = s.spans.label.or(s.spans.block).unwrap_or_default();
        let q = go_quote(&s.name);
        if let Some(first) = seen.get(s.name.as_str()).copied() {
            let text = format!("Duplicate secret {q} found");
            let d = Diag::error("jobspec::duplicate", format!("Task {}: {text}", t.name))
                .at(out.src(), sp, "defined again here")
                .label(first, "first defined here")
                .help("give every secret its own name; a group's secret blocks reach only tasks without secrets of their own (Nomad doubles those tasks' secrets instead)");
            out.error(text, d);
        } else {
            seen.insert(&s.name, sp);
        }
        if s.provider == "vault" && t.vault.is_none() {
            err(
                out,
                "jobspec::missing",
                s.spans.best("provider"),
                format!("Secret {q} has provider \"vault\" but no vault block"),
                "no vault block in this task",
                "add a `vault { }` block to the task, or use another provider",
            );
        }
        out.nested(Some(format!("Secret {q} is invalid")), |out| secret(s, out));
    }
}

/// `Secret.Validate`, in its order.
fn secret(s: &Secret, out: &mut Out<'_>) {
    let sp = &s.spans;
    if s.name.is_empty() {
        err(
            out,
            "jobspec::missing",
            sp.label.or(sp.block),
            "secret name cannot be empty",
            "no name",
            "name the secret: `secret \"db\" { ... }`",
        );
    }
    // validSecretName `^[a-zA-Z0-9_]{1,128}$`.
    let name_ok = (1..=128).contains(&s.name.len())
        && s.name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if !name_ok {
        err(
            out,
            "jobspec::value",
            sp.label.or(sp.block),
            "secret name must match regex ^[a-zA-Z0-9_]{1,128}$",
            "invalid secret name",
            "use 1 to 128 letters, digits and underscores",
        );
    }
    if s.provider.is_empty() {
        err(
            out,
            "jobspec::missing",
            sp.best("provider"),
            "secret provider cannot be empty",
            "no provider",
            "add provider = \"nomad\" (or \"vault\", or a plugin's name)",
        );
    }
    if s.path.is_empty() {
        err(
            out,
            "jobspec::missing",
            sp.best("path"),
            "secret path cannot be empty",
            "no path",
            "add path = \"...\"",
        );
    }
    if matches!(s.provider.as_str(), "nomad" | "vault") {
        if !s.env.is_empty() {
            err(
                out,
                "jobspec::value",
                sp.best("env"),
                format!("{} provider cannot use the env block", s.provider),
                "env block",
                "only custom plugin providers take an env block",
            );
        }
    } else if !s.config.is_empty() {
        err(
            out,
            "jobspec::value",
            sp.best("config"),
            format!(
                "custom plugin provider {} cannot use the config block",
                s.provider
            ),
            "config block",
            "only the nomad and vault providers take a config block",
        );
    }
}

/// `Resources.Validate`'s NUMA rules (1.9.0+), after the devices.
pub(super) fn numa(r: &Resources, v: NomadVersion, out: &mut Out<'_>) {
    let Some(n) = r.numa.as_ref().filter(|_| v.at_least(1, 9, 0)) else {
        return;
    };
    for d in &n.devices {
        if !r.devices.iter().any(|x| &x.name == d) {
            err(
                out,
                "jobspec::value",
                n.spans.best("devices"),
                format!("numa device {} not requested as task resource", go_quote(d)),
                "not a device of this task",
                "list only devices the task's resources ask for with a `device` block",
            );
        }
    }
    // api Resources.Canonicalize made an unset affinity "none".
    if !matches!(n.affinity.as_str(), "none" | "prefer" | "require") {
        err(
            out,
            "jobspec::value",
            n.spans.best("affinity"),
            "numa affinity must be one of none, prefer, or require",
            "unknown affinity",
            "use affinity \"none\", \"prefer\" or \"require\"",
        );
    }
}
