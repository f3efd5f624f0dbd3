//! Before 1.0, a block key written as an argument whose value is not an
//! object (`restart = [{ ... }]`, `vault = "x"`), where we do not read what
//! that release's HCL1 parser says about it: said to be unknown, in one
//! line (exit 255), rather than planned without the block.
//!
//! HCL1 keeps such a value an *ast.ListType or *ast.LiteralType item (see
//! hcl1_resources.rs), and each `parseX` function of jobspec/parse*.go
//! treats it its own way: some refuse it (`vault: should be an object`),
//! some fail in CheckHCLKeys (`cannot check HCL keys of type ...`), some
//! decode a list of objects as one merged object (hcl v1's decodeMap). Our
//! tree keeps it an argument, which lowering (reading blocks) would drop.
//! The task `resources`, the `network`s and the singles of hcl1_singles.rs,
//! whose texts we read exactly, are reported by hcl1_parse.rs instead.

use super::block_args::{is_block, BLOCK_KEYS};
use super::model::Value;
use super::tree::Node;
use crate::diag::{Diag, Diags};
use crate::source::Source;
use crate::version::NomadVersion;

/// Code of the refusal.
pub const CODE: &str = "jobspec::hcl1-unread";

/// (path, key) of the non-object arguments hcl1_parse.rs reports in
/// Nomad's words; a group `network` only from 0.10, when it exists.
fn exact(path: &str, key: &str, v: NomadVersion) -> bool {
    super::hcl1_singles::exact(path, key, v)
        || matches!(
            (path, key),
            ("job.group.task", "resources" | "service") | ("job.group.task.resources", "network")
        )
        || ((path, key) == ("job.group", "network") && v.at_least(0, 10, 0))
        || ((path, key) == ("job.group", "service") && v.at_least(0, 10, 0))
}

/// Refuse every block key written as a non-object argument, before 1.0.
pub fn check(job: &Node, src: &Source, v: NomadVersion, diags: &mut Diags) {
    if v.at_least(1, 0, 0) {
        return;
    }
    walk(job, &mut job.ident.clone(), src, v, diags);
}

/// `dotted` is the path of `node`, its own ident last (`job.group`): one
/// buffer for the whole walk (a joined copy per block was a fifth of it).
fn walk(node: &Node, dotted: &mut String, src: &Source, v: NomadVersion, diags: &mut Diags) {
    let blocks_here = block_keys_at(dotted);
    for a in &node.attrs {
        if matches!(a.value, Value::Map(_) | Value::Null)
            || !has_key(blocks_here, &a.name)
            || !is_block(dotted, &a.name)
        {
            continue;
        }
        let mixed = !decodes_whole(node, &a.name);
        if !mixed && exact(dotted, &a.name, v) {
            continue;
        }
        let shape = match (&a.value, mixed) {
            (Value::List(_), false) => "a list",
            (_, false) => "a single value",
            (_, true) => {
                "not an object, beside another of its name the decoder cannot merge with it"
            }
        };
        diags.push(
            Diag::error(
                CODE,
                format!(
                    "`{}` is a block, written here as an argument whose value is {shape}: how Nomad {v}'s HCL1 parser reads that is not modelled, so the job cannot be judged",
                    a.name
                ),
            )
            .at(src, a.key_span, "not an object")
            .help(format!("write it as a block, `{} {{ ... }}`", a.name)),
        );
    }
    for b in &node.blocks {
        let outer = dotted.len();
        dotted.push('.');
        dotted.push_str(&b.ident);
        walk(b, dotted, src, v, diags);
        dotted.truncate(outer);
    }
}

/// The rows of the block-key table at `path`, found once for a node's
/// arguments: a search of the whole table (path, then key) for each
/// argument was most of this pass, ~85 K instructions of a
/// `check --staged` judged as 0.9.3.
fn block_keys_at(path: &str) -> &'static [(&'static str, &'static str, &'static str)] {
    let rows = BLOCK_KEYS;
    let lo = rows.partition_point(|(p, _, _)| *p < path);
    let rest = rows.get(lo..).unwrap_or_default();
    let len = rest.partition_point(|(p, _, _)| *p == path);
    rest.get(..len).unwrap_or_default()
}

/// Is `key` among `rows` (one path's, sorted by key)? [`is_block`] is
/// asked only where it is.
fn has_key(rows: &[(&str, &str, &str)], key: &str) -> bool {
    let lo = rows.partition_point(|(_, k, _)| *k < key);
    rows.get(lo).is_some_and(|(_, k, _)| *k == key)
}

/// The shape hcl v1's decoder gives an item: an object, a list, or a
/// literal of its own kind.
#[derive(Clone, Copy, PartialEq)]
enum Shape {
    Object,
    List,
    String,
    Bool,
    Number,
}

/// Does parseJob's first DecodeObject of the whole job into a map take
/// every `key` item of `node`? It merges them into one slice typed by the
/// first and fails on a later one of another shape (`unknown slice type:
/// *ast.LiteralType`, `root.update: unknown type for string
/// *ast.ObjectType`, `strconv.ParseInt: parsing "a"`), before any parse
/// function runs, in words and paths not modelled here. The jobspec
/// oracles of 0.9.3 and 0.12.12: a list first takes later lists and
/// objects; an object first takes objects; a string or a bool first takes
/// its own kind. Two numbers count as mixed (an int and a float are one
/// Value here).
fn decodes_whole(node: &Node, key: &str) -> bool {
    let mut shapes: Vec<(usize, Shape)> = node
        .blocks
        .iter()
        .filter(|b| b.ident == key)
        .map(|b| (b.span.start, Shape::Object))
        .chain(node.attrs.iter().filter(|a| a.name == key).map(|a| {
            let shape = match a.value {
                Value::Map(_) | Value::Null => Shape::Object,
                Value::List(_) => Shape::List,
                Value::String(_) => Shape::String,
                Value::Bool(_) => Shape::Bool,
                Value::Number(_) | Value::Int(_) => Shape::Number,
            };
            (a.span.start, shape)
        }))
        .collect();
    shapes.sort_by_key(|(at, _)| *at);
    let Some(((_, first), rest)) = shapes.split_first() else {
        return true;
    };
    rest.iter().all(|(_, s)| match first {
        Shape::List => matches!(s, Shape::List | Shape::Object),
        Shape::Number => false,
        _ => s == first,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`has_key`] in [`block_keys_at`]'s rows is true wherever
    /// [`is_block`] is (guard: the pass asks `is_block` only there), for
    /// every path and key of the table crossed, and names off it.
    #[test]
    fn a_block_key_is_in_its_paths_rows() {
        use std::collections::BTreeSet;
        let paths: BTreeSet<&str> = (BLOCK_KEYS.iter().map(|r| r.0))
            .chain(["", "zzz", "job.group.task.config"])
            .collect();
        let keys: BTreeSet<&str> = (BLOCK_KEYS.iter().map(|r| r.1))
            .chain(["", "zzz", "tas", "meta", "image"])
            .collect();
        for p in &paths {
            let rows = block_keys_at(p);
            assert!(rows.iter().all(|(rp, _, _)| rp == p), "{p}");
            for k in &keys {
                let listed = BLOCK_KEYS.iter().any(|(rp, rk, _)| (rp, rk) == (p, k));
                assert_eq!(has_key(rows, k), listed, "{p} {k}");
                assert!(!is_block(p, k) || listed, "{p} {k}");
            }
        }
    }
}
