//! Before 1.0: mapstructure's refusal of a service's, a check's and a
//! check_restart's arguments, in Nomad's words.
//!
//! parseService (jobspec/parse.go's parseServices at 0.9.3,
//! parse_service.go from 0.10.0 to 0.12.12) weak-decodes the service
//! (`check`, `check_restart`, `connect`, `meta` and `canary_meta`
//! deleted), then parseChecks each check (`header` and `check_restart`
//! deleted; with the duration hook), then each check's check_restart, then
//! the service's own check_restart (with the hook). The service's error is
//! returned as is, a check's and a check_restart's under the service's
//! name as decoded (`'web',`), a check's check_restart also under the
//! check's (`check: 'alive',`); from 0.10 all under `service (N):`, the
//! service's index. 0.9.3 names the service `service: 'web',` and has no
//! index.
//!
//! Checked against jobspec.ParseFile built from Nomad 0.9.3, 0.10.9,
//! 0.11.8 and 0.12.12 (tests/hcl-oracle), as hcl1_block_decode.rs.

use super::hcl1_decode::{f, refusal_of, since, Field, Kind, INT, STR};
use super::hcl1_parse::{refused, ParseError};
use super::model::Value;
use super::tree::Node;
use crate::source::Source;
use crate::version::NomadVersion;

/// api.Service.
const SERVICE: &[Field] = &[
    f("name", "Name", STR),
    f("tags", "Tags", Kind::Strs),
    f("canary_tags", "canary_tags", Kind::Strs),
    since(
        f("enable_tag_override", "enable_tag_override", Kind::Bool),
        (0, 11, 0),
    ),
    f("port", "port", STR),
    f("address_mode", "address_mode", STR),
    since(f("task", "task", STR), (0, 12, 0)),
];

/// api.ServiceCheck (with the duration hook).
const CHECK: &[Field] = &[
    f("name", "Name", STR),
    f("type", "Type", STR),
    f("command", "Command", STR),
    f("args", "Args", Kind::Strs),
    f("path", "Path", STR),
    f("protocol", "Protocol", STR),
    f("port", "port", STR),
    since(f("expose", "Expose", Kind::Bool), (0, 11, 0)),
    f("address_mode", "address_mode", STR),
    f("interval", "Interval", Kind::Dur),
    f("timeout", "Timeout", Kind::Dur),
    f("initial_status", "initial_status", STR),
    f("tls_skip_verify", "tls_skip_verify", Kind::Bool),
    f("method", "Method", STR),
    f("grpc_service", "grpc_service", STR),
    f("grpc_use_tls", "grpc_use_tls", Kind::Bool),
    since(f("task", "task", STR), (0, 10, 0)),
    since(
        f("success_before_passing", "success_before_passing", INT),
        (0, 12, 0),
    ),
    since(
        f("failures_before_critical", "failures_before_critical", INT),
        (0, 12, 0),
    ),
];

/// api.CheckRestart (with the hook).
const CHECK_RESTART: &[Field] = &[
    f("limit", "limit", INT),
    f("grace", "grace", Kind::Dur),
    f("ignore_warnings", "ignore_warnings", Kind::Bool),
];

/// The decoder's refusal in service block `s`, the `i`th service of its
/// group or task, with parseService's prefixes and (from 0.10)
/// parseServices' `service (i):`.
pub(super) fn refusal(i: usize, s: &Node, src: &Source, v: NomadVersion) -> Option<ParseError> {
    let (own, named) = if v.at_least(0, 10, 0) {
        (format!("service ({i}):"), format!("service ({i}):"))
    } else {
        (String::new(), "service:".to_string())
    };
    if let Some(r) = refusal_of(s, SERVICE, src, v) {
        return Some(refused(r, &own, (0, 0, 0)));
    }
    // The names the prefixes carry are the decoded ones, so a name that is
    // no string (weak decoding's `1`, `1.5`) is not worded here.
    let name = name(s)?;
    for c in blocks(s, "check") {
        if let Some(r) = refusal_of(c, CHECK, src, v) {
            return Some(refused(r, &format!("{named} '{name}',"), (0, 0, 0)));
        }
        if let [cr] = blocks(c, "check_restart").as_slice() {
            if let Some(r) = refusal_of(cr, CHECK_RESTART, src, v) {
                let check = self::name(c)?;
                let prefix = format!("{named} '{name}', check: '{check}',");
                return Some(refused(r, &prefix, (0, 0, 0)));
            }
        }
    }
    if let [cr] = blocks(s, "check_restart").as_slice() {
        if let Some(r) = refusal_of(cr, CHECK_RESTART, src, v) {
            return Some(refused(r, &format!("{named} '{name}',"), (0, 0, 0)));
        }
    }
    None
}

/// The `key` blocks of `n`.
fn blocks<'n>(n: &'n Node, key: &str) -> Vec<&'n Node> {
    n.blocks.iter().filter(|b| b.ident == key).collect()
}

/// A block's `name` as a string, "" when it has none.
fn name(n: &Node) -> Option<&str> {
    match n.attrs.iter().find(|a| a.name == "name") {
        None => Some(""),
        Some(a) => match &a.value {
            Value::String(s) => Some(s),
            _ => None,
        },
    }
}
