//! `TaskGroup.validateServices` and `validateScriptChecksInGroupServices`
//! (nomad/structs/structs.go): the rules across a group's services, task
//! and group level, beside each group service's own `Service.Validate`
//! (validate_checks.rs). Nine forms of the function exist between 0.10.0
//! and 2.0.5 (hashed at every release tag); they differ by these rules:
//!
//! - `Service %s is duplicate` (name + port, task and group services):
//!   0.10.0 to 1.0.8 and 1.1.0 to 1.1.2;
//! - a group service or check in `address_mode = "driver"`: 1.0.0+;
//! - a task service naming another task (1.4.0+), and then each of its
//!   checks, which inherit the service's task (a task check's own `task`
//!   never reaches the server: the API conversion drops it, so the older
//!   `only task group service checks can be assigned tasks` cannot fire);
//! - a group check with a task must be script or gRPC: before 1.4.2;
//! - one service provider per group: 1.3.0+; `Services are not unique`
//!   (same name, task and port; sorted as go-set prints them): 1.3.3+;
//! - a group script check must name its task (1.0.0+), under its own
//!   prefix, `Task group service check validation failed`.

use std::collections::BTreeSet;

use super::model::*;
use super::validate::{err, Out};
use crate::gotext::go_quote;
use crate::version::NomadVersion;

const CODE: &str = "jobspec::value";

/// Which of the rules above Nomad `v` has.
struct Rules {
    old_duplicate: bool,
    driver_mode: bool,
    own_task_only: bool,
    script_or_grpc: bool,
    one_provider: bool,
    unique: bool,
}

impl Rules {
    fn at(v: NomadVersion) -> Rules {
        let before = |a, b, c| !v.at_least(a, b, c);
        Rules {
            old_duplicate: before(1, 0, 9) || (v.at_least(1, 1, 0) && before(1, 1, 3)),
            driver_mode: v.at_least(1, 0, 0),
            own_task_only: v.at_least(1, 4, 0),
            script_or_grpc: before(1, 4, 2),
            one_provider: v.at_least(1, 3, 0),
            unique: v.at_least(1, 3, 3),
        }
    }
}

/// `validateServices`; `service` runs `Service.Validate` on group service
/// `i` and says whether it failed (Nomad then skips that service's other
/// checks).
pub(super) fn services(
    g: &TaskGroup,
    v: NomadVersion,
    out: &mut Out<'_>,
    mut service: impl FnMut(usize, &Service, &mut Out<'_>) -> bool,
) {
    let r = Rules::at(v);
    let mut old_seen: BTreeSet<(&str, &str)> = BTreeSet::new();
    let mut ids: BTreeSet<(&str, &str, &str)> = BTreeSet::new();
    let mut duplicates: BTreeSet<(&str, &str, &str)> = BTreeSet::new();
    let mut providers: BTreeSet<&str> = BTreeSet::new();
    for t in &g.tasks {
        for s in &t.services {
            if r.own_task_only && !s.task_name.is_empty() && s.task_name != t.name {
                let text = format!(
                    "Service {} is invalid: may only specify task the service belongs to, got {}",
                    s.name,
                    go_quote(&s.task_name)
                );
                let help = "drop `task` from a task's service: it belongs to its own task";
                err(out, CODE, s.spans.best("task"), text, "another task", help);
            }
            if r.old_duplicate {
                old_duplicate(s, &mut old_seen, out);
            }
            // The API conversion drops a task check's own `task` at every
            // release (ApiServicesToStructs copies it for group checks
            // only); from 1.4.0 ServiceCheck.Canonicalize gives it the
            // service's task, so a service naming another task drags its
            // checks along.
            let check_task = if r.own_task_only {
                s.task_name.as_str()
            } else {
                ""
            };
            if !check_task.is_empty() && check_task != t.name {
                for c in &s.checks {
                    let text = format!(
                        "Check {} is invalid: may only specify task the check belongs to, got {}",
                        c.name,
                        go_quote(check_task)
                    );
                    let help = "drop `task` from the service: it belongs to its own task";
                    err(out, CODE, s.spans.best("task"), text, "another task", help);
                }
            }
            if r.unique && !ids.insert((&s.name, &t.name, &s.port_label)) {
                duplicates.insert((&s.name, &t.name, &s.port_label));
            }
            providers.insert(&s.provider);
        }
    }
    let tasks: BTreeSet<&str> = g.tasks.iter().map(|t| t.name.as_str()).collect();
    for (i, s) in g.services.iter().enumerate() {
        if r.unique && !ids.insert((&s.name, "group", &s.port_label)) {
            duplicates.insert((&s.name, "group", &s.port_label));
        }
        providers.insert(&s.provider);
        if service(i, s, out) {
            continue;
        }
        if r.driver_mode && s.address_mode == "driver" {
            let text = format!("service {} cannot use address_mode=\"driver\", only services defined in a \"task\" block can use this mode", go_quote(&s.name));
            let help = "a group service has no task driver to ask for an address: use address_mode = \"auto\", \"host\" or \"alloc\"";
            err(
                out,
                CODE,
                s.spans.best("address_mode"),
                text,
                "driver",
                help,
            );
        }
        if r.old_duplicate {
            old_duplicate(s, &mut old_seen, out);
        }
        for c in s.checks.iter().filter(|c| !c.task_name.is_empty()) {
            group_check(s, c, &r, &tasks, out);
        }
    }
    if !duplicates.is_empty() {
        let listed: Vec<String> = duplicates
            .iter()
            .map(|(name, task, port)| {
                let mut s = format!("{task}->{name}");
                if !port.is_empty() {
                    s = format!("{s}:{port}");
                }
                s
            })
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let text = format!("Services are not unique: [{}]", listed.join(" "));
        let help = "services of one task (or of the group) need distinct names or ports: Nomad derives their IDs from task, name and port";
        err(
            out,
            CODE,
            g.spans.label.or(g.spans.block),
            text,
            "repeated service",
            help,
        );
    }
    if r.one_provider && providers.len() > 1 {
        let text =
            "Multiple service providers used: task group services must use the same provider";
        let help = "use one provider (consul or nomad) for every service in the group";
        err(
            out,
            CODE,
            g.spans.label.or(g.spans.block),
            text,
            "mixed providers",
            help,
        );
    }
}

/// `Service %s is duplicate`: same name and port as an earlier service.
fn old_duplicate<'a>(s: &'a Service, seen: &mut BTreeSet<(&'a str, &'a str)>, out: &mut Out<'_>) {
    if !seen.insert((&s.name, &s.port_label)) {
        let text = format!("Service {} is duplicate", s.name);
        let help = "give the service another name or port";
        err(
            out,
            CODE,
            s.spans.label.or(s.spans.best("name")).or(s.spans.block),
            text,
            "duplicate",
            help,
        );
    }
}

/// A group service's check that runs in a task.
fn group_check(
    s: &Service,
    c: &ServiceCheck,
    r: &Rules,
    tasks: &BTreeSet<&str>,
    out: &mut Out<'_>,
) {
    let span = c.spans.best("task");
    if r.script_or_grpc && c.check_type != "script" && c.check_type != "grpc" {
        let text = format!(
            "Check {} invalid: only script and gRPC checks should have tasks",
            c.name
        );
        let help = "drop `task` from the check, or make it a script or grpc check";
        err(out, CODE, span, text, "task on this check type", help);
    }
    if r.driver_mode && c.address_mode == "driver" {
        // Nomad names the service here, not the check.
        let text = format!("Check {} invalid: cannot use address_mode=\"driver\", only checks defined in a \"task\" service block can use this mode", go_quote(&s.name));
        let help = "use address_mode = \"host\" or \"alloc\" on a group service's check";
        err(
            out,
            CODE,
            c.spans.best("address_mode"),
            text,
            "driver",
            help,
        );
    }
    if !tasks.contains(c.task_name.as_str()) {
        let text = format!(
            "Check {} invalid: refers to non-existent task {}",
            c.name, c.task_name
        );
        let help = "name one of the group's tasks in the check's `task`";
        err(out, CODE, span, text, "no such task", help);
    }
}

/// `validateScriptChecksInGroupServices` (1.0.0+): a group service's script
/// check runs in a task, which the service or the check must name.
pub(super) fn script_checks(g: &TaskGroup, v: NomadVersion, out: &mut Out<'_>) {
    if !v.at_least(1, 0, 0) {
        return;
    }
    for s in g.services.iter().filter(|s| s.task_name.is_empty()) {
        for c in &s.checks {
            if c.check_type == "script" && c.task_name.is_empty() {
                let text = format!(
                    "Service [{}]->{} or Check {} must specify task parameter",
                    g.name, s.name, c.name
                );
                let help = "add `task = \"<task>\"` to the check (or the service): a script check runs inside a task";
                err(
                    out,
                    CODE,
                    c.spans.best("type").or(c.spans.block),
                    text,
                    "no task",
                    help,
                );
            }
        }
    }
}
