//! A level's services before 1.0, in HCL1's parse order: a service
//! written as a value (parseService's CheckHCLKeys on it), then each
//! service's own decode (hcl1_service_decode.rs), then its `connect`
//! (parseConnect: hcl1_connect.rs, with the gateway of 0.12.4–0.12.12).
//!
//! parseService prefixes its connect errors with the service's name as
//! written (`'api',`), parseServices / parseGroupServices with `service
//! (N):`; a group's services are parsed after its tasks and vault, a
//! task's after its `env` and before its resources. A repeated `connect`
//! (`connect 'api': cannot have more than 1 connect stanza`) is not worded
//! here.

use super::hcl1_connect::{self, Read};
use super::hcl1_parse::ParseError;
use super::hcl1_resources::{ast_type, items, Item};
use super::hcl1_service_decode;
use super::model::Value;
use super::tree::Node;
use crate::source::Source;
use crate::version::NomadVersion;

/// The first parser error among the `service` blocks of `parent` (a
/// group or a task), with parseServices' and parseService's prefixes.
pub(super) fn first(parent: &Node, src: &Source, v: NomadVersion) -> Option<ParseError> {
    if v.at_least(1, 0, 0) {
        return None;
    }
    let services = items(parent, "service");
    for (i, service) in services.iter().enumerate() {
        let s = match service {
            Item::Block(s) => s,
            // A service written as a value: parseService's CheckHCLKeys
            // on it, wrapped `service (N) ->` before 0.10, `service (N):`
            // after (the jobspec oracles of 0.9.3 to 0.12.12).
            Item::Arg(value, span, _) => {
                let sep = if v.at_least(0, 10, 0) { ":" } else { " ->" };
                return Some(ParseError {
                    text: format!(
                        "service ({i}){sep} cannot check HCL keys of type {}",
                        ast_type(value)
                    ),
                    span: *span,
                    label: "not an object",
                    help: "write it as a block, `service { ... }`".into(),
                    level: (0, 0, 0),
                    replaces: Vec::new(),
                });
            }
        };
        // Its own arguments, checks and check_restarts are decoded before
        // its connect is read.
        if let Some(e) = hcl1_service_decode::refusal(i, s, src, v) {
            return Some(e);
        }
        let connects = items(s, "connect");
        // Two connect blocks fail before any is read.
        let [Item::Block(connect)] = connects.as_slice() else {
            if connects.is_empty() {
                continue;
            }
            return None;
        };
        match hcl1_connect::read(connect, src, v) {
            Read::Fine => {}
            Read::Unread => return None,
            Read::Refused(mut e) => {
                // parseService's prefix is the name as decoded; one that
                // is no string or int is not worded here.
                let name = decoded_name(s, src)?;
                e.text = format!("service ({i}): '{name}', {}", e.text);
                return Some(e);
            }
        }
    }
    None
}

/// A service's `name` as mapstructure's weak decode makes it a string:
/// "" when absent, a string as is, an int (hcl v1's NUMBER token) in
/// decimal, a bool `1` or `0`; `None` for a float, whose text is not read
/// here.
fn decoded_name(s: &Node, src: &Source) -> Option<String> {
    let Some(a) = s.attrs.iter().find(|a| a.name == "name") else {
        return Some(String::new());
    };
    match &a.value {
        Value::String(x) => Some(x.clone()),
        Value::Bool(b) => Some(if *b { "1" } else { "0" }.to_string()),
        Value::Number(n) => {
            let text = src.slice(a.value_span).trim_start_matches('-');
            let float = !(text.starts_with("0x") || text.starts_with("0X"))
                && text.contains(['.', 'e', 'E']);
            (!float && n.fract() == 0.0 && n.abs() <= 9_007_199_254_740_992.0)
                .then(|| format!("{}", *n as i64))
        }
        Value::Int(n) => Some(n.to_string()),
        _ => None,
    }
}
