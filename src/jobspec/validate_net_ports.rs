//! The number ranges and per-network rules of `validateNetworks`
//! (structs.go), each at the place Nomad's loops give it (validate_net.rs
//! holds the loops). Read at every tag; first releases:
//! - `Port mapped to %d already in use by %s`: 0.10.0 to 0.11.x only. A
//!   group port with `to > 0` takes its number; a task port with any
//!   non-zero `to` (-1 too) is checked and takes it, named as a group's
//!   (`taskgroup network:LABEL`, Nomad's own slip).
//! - `Port %q cannot be mapped to negative value %d` (`to` below -1, group
//!   ports): 0.10.2.
//! - `Port %s (%d) cannot be greater than %d` (a static number past 65535,
//!   group and task ports, when no port took it first) and `Port %q cannot
//!   be mapped to a port (%d) greater than %d` (group ports): 0.12.0, which
//!   dropped the mapped-port collisions.
//! - `Port %q collision may not be ignored on non-host network mode %q`:
//!   1.9.0, after the `to` checks.
//! - CNI args (`duplicate CNI arg %q` across the group's networks,
//!   `invalid ';' character in CNI arg key %q` / `value %q`): 1.8.2, after
//!   each network's ports.
//! - `Hostname is not a valid DNS name`: 1.1.5, after the CNI args
//!   (validate_net_hostname.rs).

use std::collections::BTreeSet;

use super::model::*;
use super::validate::{err, Out};
use super::validate_net::Reserved;
use crate::diag::{Diag, Severity};
use crate::gotext::go_quote;
use crate::version::NomadVersion;

const MAX_PORT: i64 = u16::MAX as i64;

/// A static number past 65535 (0.12+): refused, and not reserved. Says
/// whether the number may be reserved.
pub(super) fn static_in_range(p: &Port, v: NomadVersion, out: &mut Out<'_>) -> bool {
    if !v.at_least(0, 12, 0) || p.value <= MAX_PORT {
        return true;
    }
    let text = format!(
        "Port {} ({}) cannot be greater than {MAX_PORT}",
        p.label, p.value
    );
    let help = "a static port is a number from 1 to 65535";
    let span = p.spans.best("static");
    err(out, "jobspec::range", span, text, "past 65535", help);
    false
}

/// The checks of a port's `to`, by release: mapped-port collisions
/// (0.10.x, 0.11.x), then the range of a group port's `to`.
pub(super) fn mapped_to<'a>(
    p: &'a Port,
    group: bool,
    mapped: &mut Reserved<'a>,
    v: NomadVersion,
    out: &mut Out<'_>,
) {
    if !v.at_least(0, 10, 0) {
        return;
    }
    let span = p.spans.best("to");
    let collisions = !v.at_least(0, 12, 0);
    let checked = if group { p.to > 0 } else { p.to != 0 };
    if collisions && checked {
        let at = span.unwrap_or_default();
        if let Some((other, prev)) = mapped.get(&(p.to, "")) {
            let text = format!("Port mapped to {} already in use by {other}", p.to);
            let d = Diag::error("jobspec::duplicate", text.clone())
                .at(out.src(), at, "mapped again here")
                .label(*prev, "first mapped here")
                .help("map each port to its own number inside the task");
            out.error(text, d);
        } else {
            let owner = format!("taskgroup network:{}", p.label);
            mapped.insert((p.to, ""), (owner, at));
        }
        return;
    }
    if !group {
        return;
    }
    let label = go_quote(&p.label);
    if p.to < -1 && v.at_least(0, 10, 2) {
        let text = format!("Port {label} cannot be mapped to negative value {}", p.to);
        let help =
            "`to` is the port inside the task: a number from 1 to 65535, or -1 for the host's";
        err(out, "jobspec::range", span, text, "negative", help);
    } else if p.to > MAX_PORT && !collisions {
        let text = format!(
            "Port {label} cannot be mapped to a port ({}) greater than {MAX_PORT}",
            p.to
        );
        let help = "`to` is a port number from 1 to 65535";
        err(out, "jobspec::range", span, text, "past 65535", help);
    }
}

/// 1.9+: only a host network may share a port number, so a port of any
/// other mode may not ignore collisions.
pub(super) fn ignored_collision(p: &Port, n: &Network, v: NomadVersion, out: &mut Out<'_>) {
    if !v.at_least(1, 9, 0) || !p.ignore_collision || n.mode.is_empty() || n.mode == "host" {
        return;
    }
    let text = format!(
        "Port {} collision may not be ignored on non-host network mode {}",
        go_quote(&p.label),
        go_quote(&n.mode)
    );
    let help = "drop `ignore_collision`, or use it in a `mode = \"host\"` network";
    let span = p.spans.best("ignore_collision");
    err(
        out,
        "jobspec::value",
        span,
        text,
        "not a host network",
        help,
    );
}

/// A network's CNI args (1.8.2+): each key once across the group's
/// networks, no `;` in a key or a value (CNI_ARGS joins them with `;`).
/// Nomad ranges over the args map: when two or more keys of one network
/// are refused, their order is Go's map order, a fresh one per run. The
/// lines are printed in key order with a note: which lines come is
/// certain.
pub(super) fn cni_args<'a>(
    n: &'a Network,
    seen: &mut BTreeSet<&'a str>,
    v: NomadVersion,
    out: &mut Out<'_>,
) {
    let Some(args) = n
        .cni
        .as_ref()
        .filter(|_| v.has(crate::version::Fix::CniArgs))
    else {
        return;
    };
    let span = n.spans.best("cni");
    let mut refused_keys = 0;
    for (k, val) in args {
        let mut refused = false;
        let mut say = |text: String, label: &str, help: &str, out: &mut Out<'_>| {
            refused = true;
            err(out, "jobspec::value", span, text, label, help);
        };
        if !seen.insert(k) {
            let help = "give each CNI arg once, in one network of the group";
            say(
                format!("duplicate CNI arg {}", go_quote(k)),
                "repeated arg",
                help,
                out,
            );
        }
        let help = "CNI_ARGS separates its pairs with `;`: remove it";
        if k.contains(';') {
            let text = format!("invalid ';' character in CNI arg key {}", go_quote(k));
            say(text, "`;` in a key", help, out);
        }
        if val.contains(';') {
            let text = format!("invalid ';' character in CNI arg value {}", go_quote(val));
            say(text, "`;` in a value", help, out);
        }
        refused_keys += usize::from(refused);
    }
    if refused_keys > 1 {
        let d = Diag::error(
            MAP_ORDER,
            format!("{refused_keys} CNI args of one network are refused: Nomad reports them in Go's map order, which changes from run to run; they are listed here in key order"),
        )
        .at(out.src(), span.unwrap_or_default(), "these args")
        .help("the job is refused either way: fix every arg listed")
        .with_severity(Severity::Advice);
        out.diags_push(d);
    }
}

const MAP_ORDER: &str = "jobspec::validation-map-order";

/// A group network's hostname (1.1.5+), after its CNI args.
pub(super) fn hostname(n: &Network, v: NomadVersion, out: &mut Out<'_>) {
    if !super::validate_net_hostname::refused(&n.hostname, v) {
        return;
    }
    let help =
        "a hostname is dot-separated labels of at most 63 bytes, 255 in all, with no empty label";
    let span = n.spans.best("hostname");
    let text = "Hostname is not a valid DNS name";
    err(out, "jobspec::value", span, text, "not a DNS name", help);
}
