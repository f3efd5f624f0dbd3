//! A service written as a value, and the Connect gateway as
//! 0.12.4–0.12.12's HCL1 parser reads it
//! (jobspec/parse_service.go, identical at every one of those tags; 0.12.0
//! to 0.12.3 do not know `gateway`, see version_gates, and 1.0's jobspec2
//! keeps whatever it finds for the servers to judge):
//!
//! - parseConnect: two `gateway` blocks are `only one 'gateway' block
//!   allowed per task`;
//! - parseGateway: anything but exactly one `proxy` block is `must have one
//!   'proxy' block`, then anything but exactly one `ingress` block is `must
//!   have one 'ingress' block`, each wrapped `gateway, ...`.
//!
//! parseService prefixes its connect errors with the service's name as
//! written (`'api',`), parseServices / parseGroupServices with `service
//! (N):`; a group's services are parsed after its tasks and vault, a
//! task's after its `env` and before its resources. A repeated `connect`
//! (`connect 'api': cannot have more than 1 connect stanza`) and the
//! proxy's and ingress's own contents (their decoders' texts) are not read
//! here.

use super::hcl1_parse::ParseError;
use super::hcl1_resources::{ast_type, items, Item};
use super::hcl1_service_decode;
use super::tree::Node;
use crate::source::Source;
use crate::version::NomadVersion;

/// The first gateway error among the `service` blocks of `parent` (a
/// group or a task), with parseServices' and parseService's prefixes.
pub(super) fn first(parent: &Node, src: &Source, v: NomadVersion) -> Option<ParseError> {
    if v.at_least(1, 0, 0) {
        return None;
    }
    let gateways = v.at_least(0, 12, 4);
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
        if !gateways {
            continue;
        }
        let name = s
            .attrs
            .iter()
            .find(|a| a.name == "name")
            .and_then(|a| a.value.as_str())
            .unwrap_or("");
        let connects = items(s, "connect");
        // Two connect blocks fail before the gateway is read.
        let [Item::Block(connect)] = connects.as_slice() else {
            if connects.len() > 1 {
                return None;
            }
            continue;
        };
        let Some((text, span)) = gateway(connect) else {
            continue;
        };
        return Some(ParseError {
            text: format!("service ({i}): '{name}', {text}"),
            span,
            label: "the gateway",
            help: "a Connect gateway needs exactly one `proxy { }` block (HCL1's parser asks for it, even empty) and one `ingress { }` block".into(),
            level: (0, 0, 0),
            replaces: Vec::new(),
        });
    }
    None
}

/// parseConnect's gateway, then parseGateway's blocks.
fn gateway(connect: &Node) -> Option<(String, crate::source::Span)> {
    let gateways = items(connect, "gateway");
    match gateways.as_slice() {
        [] => None,
        [Item::Block(g)] => {
            for key in ["proxy", "ingress"] {
                match items(g, key).as_slice() {
                    [Item::Block(_)] => {}
                    // A value in place of the block: its parser's own
                    // reading, which hcl1_unread.rs refuses.
                    [Item::Arg(..)] => return None,
                    found => {
                        let at = found.get(1).map_or(g.ident_span, |b| b.span());
                        return Some((format!("gateway, must have one '{key}' block"), at));
                    }
                }
            }
            None
        }
        // A value in place of the block: parseGateway's own reading.
        [Item::Arg(..)] => None,
        [_, second, ..] => Some((
            "only one 'gateway' block allowed per task".to_string(),
            second.span(),
        )),
    }
}
