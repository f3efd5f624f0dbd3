//! `validateServices(task)` (nomad/structs/structs.go), the port rules of a
//! task's services and their checks, read at v0.9.3, v0.10.0, v0.12.12,
//! v1.0.0, v1.6.0 and v2.0.5 and bisected over every tag where they change:
//!
//! - per service, in order: (1.0.0+) `address_mode = "alloc"` and
//!   (1.10.4+) `"alloc_ipv6"` are for group services only; a name repeated
//!   on the same port; (1.0.4+) a `connect` block; then the port: a numeric
//!   label is a literal port only with `address_mode = "driver"`, anything
//!   else must be a port label;
//! - per check of it: a repeated name; (1.0.0+, 1.10.4+) the same address
//!   modes, worded with the *service's* name as Nomad words it; then, for
//!   the http, tcp and grpc checks that need a port, the check's port or
//!   else the service's: none is `check "x" is missing a port`; a number is
//!   a literal port only with the check's own `address_mode = "driver"`
//!   (and must be positive), else `cannot use a numeric port`; a label must
//!   exist, and is reported under the service's name;
//! - then one error per label that no port defines, sorted, naming its
//!   services sorted: the task's own networks, and from 1.0.0 the group's
//!   first network too (0.10 to 0.12 read task networks only).
//!
//! Before, a numeric port on a service without `address_mode = "driver"`
//! and a label only a group network defined (before 1.0) were accepted,
//! and a check's port errors were our own wording.

use std::collections::{BTreeMap, BTreeSet};

use super::model::*;
use super::validate::Out;
use super::validate_net::port_diag;
use crate::diag::Diag;
use crate::gotext::go_quote;
use crate::source::Span;
use crate::version::NomadVersion;

/// Go's `strconv.Atoi`: an optional sign and decimal digits, in range.
fn atoi(s: &str) -> Option<i64> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// The port labels the task's services may name under `v`.
fn labels<'a>(t: &'a Task, g: &'a TaskGroup, v: NomadVersion) -> BTreeMap<&'a str, Span> {
    let group = g.networks.first().filter(|_| v.at_least(1, 0, 0));
    let mut out = BTreeMap::new();
    for p in group
        .into_iter()
        .chain(&t.resources.networks)
        .flat_map(Network::ports)
    {
        out.entry(p.label.as_str())
            .or_insert(p.spans.label.or(p.spans.block).unwrap_or_default());
    }
    out
}

/// The check types that need a port (`ServiceCheck.RequiresPort`).
fn requires_port(c: &ServiceCheck) -> bool {
    matches!(c.check_type.as_str(), "grpc" | "http" | "tcp")
}

/// `validateServices` for task `t` of group `g`, Nomad's errors in its
/// order, each with our located diagnostic.
pub(super) fn task_services(t: &Task, g: &TaskGroup, v: NomadVersion, out: &mut Out<'_>) {
    let mut wanted = Wanted::new();
    // Nomad keys services by name and port run together (`Name+PortLabel`).
    let mut seen: BTreeMap<String, Span> = BTreeMap::new();
    for (i, sv) in t.services.iter().enumerate() {
        let prefix = format!("service[{i}] {} validation failed", go_quote(&sv.name));
        // Service.Validate: validate_checks.rs.
        let native_task_missing = sv.task_name.is_empty();
        out.nested(Some(prefix), |out| {
            // The Connect hook leaves task services alone.
            super::validate_checks::service(sv, native_task_missing, None, v, out)
        });
        let name_span = sv.spans.best("name").unwrap_or_default();
        let mode_span = sv.spans.best("address_mode").unwrap_or_default();
        group_only_mode(
            &sv.address_mode,
            v,
            || {
                (
                format!(
                    "service {} cannot use address_mode={}, only services defined in a \"group\" block can use this mode",
                    go_quote(&sv.name),
                    go_quote(&sv.address_mode)
                ),
                mode_span,
            )
            },
            out,
        );
        if let Some(prev) = seen.insert(format!("{}{}", sv.name, sv.port_label), name_span) {
            let d = Diag::error(
                "jobspec::duplicate",
                format!("Task {}: service \"{}\" is duplicate", t.name, sv.name),
            )
            .at(out.src(), name_span, "same name and port again")
            .label(prev, "first here")
            .help("give the services different names or ports");
            out.error(format!("service {} is duplicate", go_quote(&sv.name)), d);
        }
        if sv.connect.is_some() && v.at_least(1, 0, 4) {
            let text = format!(
                "service {} cannot have \"connect\" block, only services defined in a \"group\" block can",
                go_quote(&sv.name)
            );
            let d = Diag::error("jobspec::value", format!("Task {}: {text}", t.name))
                .at(
                    out.src(),
                    sv.spans.best("connect").unwrap_or_default(),
                    "connect in a task service",
                )
                .help("move the service with its connect block to the group");
            out.error(text, d);
        }
        let literal = sv.address_mode == "driver" && atoi(&sv.port_label).is_some();
        if !sv.port_label.is_empty() && !literal {
            let e = wanted.entry(&sv.port_label).or_default();
            e.0.insert(&sv.name);
            e.1.push((
                sv.spans.best("port").unwrap_or_default(),
                format!("Service \"{}\"", sv.name),
            ));
        }
        checks(sv, v, &mut wanted, out);
    }
    let known = labels(t, g, v);
    for (label, (services, places)) in &wanted {
        if known.contains_key(label) {
            continue;
        }
        let names: Vec<&str> = services.iter().copied().collect();
        for (span, whose) in places {
            let d = port_diag(&known, &g.name, label, Some(*span), whose, out);
            out.diags_push(d);
        }
        out.text(format!(
            "port label {} referenced by services {} does not exist",
            go_quote(label),
            names.join(", ")
        ));
    }
}

/// Each port label named: the services naming it, and where it is named.
type Wanted<'a> = BTreeMap<&'a str, (BTreeSet<&'a str>, Vec<(Span, String)>)>;

fn checks<'a>(sv: &'a Service, v: NomadVersion, wanted: &mut Wanted<'a>, out: &mut Out<'_>) {
    let mut names: BTreeSet<&str> = BTreeSet::new();
    for c in &sv.checks {
        let at = |field: &str| c.spans.best(field).unwrap_or_default();
        let quoted = go_quote(&c.name);
        if !names.insert(&c.name) {
            let text = format!("check {quoted} is duplicate");
            let d = Diag::error(
                "jobspec::duplicate",
                format!("Service \"{}\": {text}", sv.name),
            )
            .at(out.src(), at("name"), "same check name again")
            .help("give each check of a service its own name");
            out.error(text, d);
        }
        // Nomad names the service here, not the check.
        group_only_mode(
            &c.address_mode,
            v,
            || {
                (
                format!(
                    "check {} cannot use address_mode={}, only checks defined in a \"group\" service block can use this mode",
                    go_quote(&sv.name),
                    go_quote(&c.address_mode)
                ),
                at("address_mode"),
            )
            },
            out,
        );
        if !requires_port(c) {
            continue;
        }
        let (port, span) = if c.port_label.is_empty() {
            (
                sv.port_label.as_str(),
                sv.spans.best("port").unwrap_or_default(),
            )
        } else {
            (c.port_label.as_str(), at("port"))
        };
        if port.is_empty() {
            let text = format!("check {quoted} is missing a port");
            if reaches_port_given(sv, v) {
                // Located once already (Service.Validate's item).
                out.text(text);
            } else {
                let d = Diag::error(
                    "jobspec::missing",
                    format!("Check {quoted}: no port, and its service has none"),
                )
                .at(out.src(), at("type"), "needs a port")
                .help("set `port` on the check or on its service");
                out.error(text, d);
            }
            continue;
        }
        match atoi(port) {
            Some(n) if c.address_mode == "driver" => {
                if n <= 0 {
                    let text = format!("check {quoted} has invalid numeric port {n}");
                    let d = Diag::error("jobspec::range", text.clone())
                        .at(out.src(), span, "not a port number")
                        .help("use a port number above 0");
                    out.error(text, d);
                }
            }
            Some(n) => {
                let text = format!(
                    "check {quoted} cannot use a numeric port {n} without setting address_mode=\"driver\""
                );
                let d = Diag::error("jobspec::port-label", text.clone())
                    .at(out.src(), span, "a number, not a port label")
                    .help("set `address_mode = \"driver\"` on the check, or name a port label");
                out.error(text, d);
            }
            None => {
                let e = wanted.entry(port).or_default();
                e.0.insert(&sv.name);
                e.1.push((span, format!("Check {quoted}")));
            }
        }
    }
}

/// The port rule of `Service.Validate` (`validateCheckPort`), for check
/// `c`: one that needs a port when neither it nor its service names one.
/// Says whether it refused (Nomad then skips the check's other rules).
pub(super) fn port_missing(
    sv: &Service,
    c: &ServiceCheck,
    v: NomadVersion,
    out: &mut Out<'_>,
) -> bool {
    if !(sv.port_label.is_empty() && c.port_label.is_empty() && requires_port(c)) {
        return false;
    }
    // 0.9's text starts lower case.
    let check = if v.at_least(0, 10, 0) {
        "Check"
    } else {
        "check"
    };
    let text = format!(
        "{check} {} invalid: check requires a port but neither check nor service {} have a port",
        c.name,
        go_quote(&sv.name)
    );
    let d = Diag::error(
        "jobspec::missing",
        format!(
            "Check {}: no port, and its service {} has none",
            go_quote(&c.name),
            go_quote(&sv.name)
        ),
    )
    .at(
        out.src(),
        c.spans.best("type").unwrap_or_default(),
        "needs a port",
    )
    .help("set `port` on the check or on its service");
    out.error(text, d);
    true
}

/// Nomad provider services reach the port rule from 1.4.0 (1.3 refused
/// their checks outright).
fn reaches_port_given(sv: &Service, v: NomadVersion) -> bool {
    sv.provider != "nomad" || v.at_least(1, 4, 0)
}

/// `alloc` (1.0.0+) and `alloc_ipv6` (1.10.4+) are group service modes.
fn group_only_mode(
    mode: &str,
    v: NomadVersion,
    text: impl FnOnce() -> (String, Span),
    out: &mut Out<'_>,
) {
    let refused = match mode {
        "alloc" => v.at_least(1, 0, 0),
        "alloc_ipv6" => v.has(crate::version::Fix::AllocIpv6),
        _ => false,
    };
    if !refused {
        return;
    }
    let (text, span) = text();
    let d = Diag::error("jobspec::value", text.clone())
        .at(out.src(), span, "a group service mode")
        .help("use address_mode \"auto\", \"host\" or \"driver\" in a task service, or move the service to the group");
    out.error(text, d);
}

#[cfg(test)]
mod tests {
    use super::atoi;

    /// strconv.Atoi's grammar, which decides what counts as numeric.
    #[test]
    fn atoi_is_gos() {
        assert_eq!(atoi("8080"), Some(8080));
        assert_eq!(atoi("+80"), Some(80));
        assert_eq!(atoi("-1"), Some(-1));
        assert_eq!(atoi("0080"), Some(80));
        for no in ["", "+", "http", "80a", " 80", "1e3"] {
            assert_eq!(atoi(no), None, "{no}");
        }
    }
}
