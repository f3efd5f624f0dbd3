//! A task's `resources` and a `network` as the HCL1 parser reads them,
//! before 1.0. HCL1 makes `x { ... }` and `x = ...` one ast.ObjectItem and
//! `list.Filter("resources").Elem()` returns every one of them in source
//! order (hcl v1 only flattens a list of objects into repeated items when
//! parsing JSON: json/parser/flatten.go; the HCL parser keeps the value an
//! *ast.ListType). So two `resources`, in either form, are "more than
//! one", and `resources = [{ ... }]`, `= []`, `= "x"` or `= 1` is an item
//! whose value is not an *ast.ObjectType.
//!
//! parseResources (jobspec/parse.go at 0.9.3–0.9.7, parse_task.go from
//! 0.10.0 to 0.12.12, unchanged in these texts):
//! - more than one: `only one 'resource' block allowed per task`;
//! - not an object: `resource: should be an object`.
//!
//! Its `network`: to 0.9.7 read inline, `only one 'network' resource
//! allowed`, or CheckHCLKeys on the value (`cannot check HCL keys of type
//! *ast.ListType`) prefixed `resources, network ->`; from 0.10.0 by
//! ParseNetwork (parse_network.go), whose error parseResources wraps as
//! `resource, <err>` and whose CheckHCLKeys error is prefixed `network ->`.
//! From 0.10.0 parseTask prefixes every resources error `resources ->`;
//! before, parseTasks only prefixed the task's name.
//!
//! A group's `network` (0.10.0+) goes through the same ParseNetwork, and
//! parseGroups returns its error as is.

use super::hcl1_block_decode;
use super::hcl1_parse::{refused, ParseError};
use super::model::Value;
use super::tree::Node;
use crate::source::{Source, Span};
use crate::version::NomadVersion;

/// One `key { ... }` or `key = value` item, as HCL1 lists it.
pub(super) enum Item<'n> {
    Block(&'n Node),
    /// Not an object (object arguments were made blocks already): the
    /// value, its key's span and its own.
    Arg(&'n Value, Span, Span),
}

impl Item<'_> {
    pub(super) fn span(&self) -> Span {
        match self {
            Item::Block(b) => b.ident_span,
            Item::Arg(_, s, _) => *s,
        }
    }
}

/// Every `key` item of `node`, in source order. A null (which HCL1 cannot
/// write) is no item.
pub(super) fn items<'n>(node: &'n Node, key: &str) -> Vec<Item<'n>> {
    let mut out: Vec<(usize, Item<'n>)> = node
        .blocks
        .iter()
        .filter(|b| b.ident == key)
        .map(|b| (b.span.start, Item::Block(b)))
        .chain(
            node.attrs
                .iter()
                .filter(|a| a.name == key && a.value != Value::Null)
                .map(|a| (a.span.start, Item::Arg(&a.value, a.key_span, a.value_span))),
        )
        .collect();
    out.sort_by_key(|(at, _)| *at);
    out.into_iter().map(|(_, i)| i).collect()
}

/// Go's `%T` of the hcl v1 AST node a value was written as.
pub(super) fn ast_type(v: &Value) -> &'static str {
    match v {
        Value::List(_) => "*ast.ListType",
        Value::Map(_) => "*ast.ObjectType",
        _ => "*ast.LiteralType",
    }
}

fn merge(key: &str) -> String {
    format!("merge them into one `{key} {{ ... }}` block")
}

fn as_block(key: &str) -> String {
    format!("write it as one block, `{key} {{ ... }}`")
}

fn error(text: String, span: Span, label: &'static str, help: String) -> ParseError {
    ParseError {
        text,
        span,
        label,
        help,
        level: (0, 0, 0),
        replaces: Vec::new(),
    }
}

/// parseResources' error for task `t` (without the task's prefix).
pub(super) fn task(t: &Node, src: &Source, v: NomadVersion) -> Option<ParseError> {
    let all = items(t, "resources");
    let first = all.first()?;
    let within = |s: String| {
        if v.at_least(0, 10, 0) {
            format!("resources -> {s}")
        } else {
            s
        }
    };
    if let Some(second) = all.get(1) {
        let text = within("only one 'resource' block allowed per task".into());
        return Some(error(
            text,
            second.span(),
            "second resources",
            merge("resources"),
        ));
    }
    let r = match first {
        Item::Arg(_, span, _) => {
            let text = within("resource: should be an object".into());
            return Some(error(text, *span, "not an object", as_block("resources")));
        }
        Item::Block(r) => r,
    };
    // Its own arguments' decode, then its network's, then each device's
    // (whose constraint and affinity errors parseResources prefixes).
    if let Some(r) = hcl1_block_decode::refusal("resources", r, src, v) {
        return Some(refused(
            r,
            if v.at_least(0, 10, 0) {
                "resources ->"
            } else {
                ""
            },
            (0, 0, 0),
        ));
    }
    let mut e = network(r)
        .or_else(|| network_decoded(r, src, v))
        .or_else(|| devices(r, src, v))?;
    e.text = if e.text.starts_with("device: ") {
        within(e.text.trim_start_matches("device: ").to_string())
    } else if v.at_least(0, 10, 0) {
        within(format!("resource, {}", e.text))
    } else if e.text.starts_with("network -> ") || e.text.starts_with("network, ports -> ") {
        format!("resources, {}", e.text)
    } else {
        e.text
    };
    Some(e)
}

/// ParseNetwork's error for a group's networks, from 0.10 (before, a
/// group `network` is an unknown key: version_gates.rs).
pub(super) fn group_network(g: &Node, src: &Source, v: NomadVersion) -> Option<ParseError> {
    if !v.at_least(0, 10, 0) {
        return None;
    }
    network(g).or_else(|| network_decoded(g, src, v))
}

/// The decoder's refusal of the one `network` block of `parent`: its own
/// arguments, then each port's (`network, ports -> ...`), as ParseNetwork
/// (parseResources before 0.10) returns them.
fn network_decoded(parent: &Node, src: &Source, v: NomadVersion) -> Option<ParseError> {
    let n = parent.blocks.iter().find(|b| b.ident == "network")?;
    if let Some(r) = hcl1_block_decode::refusal("network", n, src, v) {
        return Some(refused(r, "", (0, 0, 0)));
    }
    n.blocks
        .iter()
        .filter(|p| p.ident == "port")
        .find_map(|p| hcl1_block_decode::refusal("port", p, src, v))
        .map(|r| refused(r, "network, ports ->", (0, 0, 0)))
}

/// The decoder's refusal of a `device` block of resources `r`, or of a
/// constraint or affinity in it, marked `device: ` for [`task`], which
/// words it as parseResources returns it.
fn devices(r: &Node, src: &Source, v: NomadVersion) -> Option<ParseError> {
    r.blocks
        .iter()
        .filter(|d| d.ident == "device")
        .find_map(|d| {
            if let Some(e) = hcl1_block_decode::refusal("device", d, src, v) {
                return Some(refused(e, "device:", (0, 0, 0)));
            }
            ["constraint", "affinity"].iter().find_map(|k| {
                let e = d
                    .blocks
                    .iter()
                    .filter(|b| b.ident == *k)
                    .find_map(|b| hcl1_block_decode::refusal(k, b, src, v))?;
                Some(refused(e, &format!("device: {k} ->"), (0, 0, 0)))
            })
        })
}

/// The error for the `network` items of `parent`: the count, then the
/// value's kind (CheckHCLKeys comes first in both readers).
fn network(parent: &Node) -> Option<ParseError> {
    let all = items(parent, "network");
    let first = all.first()?;
    if let Some(second) = all.get(1) {
        let text = "only one 'network' resource allowed".to_string();
        return Some(error(
            text,
            second.span(),
            "second network",
            merge("network"),
        ));
    }
    match first {
        Item::Arg(value, span, _) => {
            let text = format!(
                "network -> cannot check HCL keys of type {}",
                ast_type(value)
            );
            Some(error(text, *span, "not an object", as_block("network")))
        }
        Item::Block(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_named_as_go_prints_the_hcl1_node_type() {
        assert_eq!(ast_type(&Value::List(vec![])), "*ast.ListType");
        assert_eq!(ast_type(&Value::Number(1.0)), "*ast.LiteralType");
        assert_eq!(ast_type(&Value::String("x".into())), "*ast.LiteralType");
        assert_eq!(ast_type(&Value::Bool(true)), "*ast.LiteralType");
    }
}
