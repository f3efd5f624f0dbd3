//! Blocks written as arguments (`resources = { cpu = 100 }`), refused as
//! the CLI's parser refuses them from 1.0. jobspec2 decodes the job with
//! gohcl, whose schema for each api struct lists an `hcl:"x,block"` field
//! as a block type; hclsyntax's `Body.Content` then reports an argument of
//! that name (hcl/v2 hclsyntax/structure.go, v2.20):
//!
//! `Unsupported argument; An argument named "x" is not expected here.`
//! followed by ` Did you mean "y"?` when an argument `y` of the schema is
//! within Levenshtein distance 2 (the first in the schema's sorted order),
//! else ` Did you mean to define a block of type "x"?` when `x` is a block
//! of the schema. Located at the argument's name.
//!
//! Not refused: the names jobspec2 reads as an argument first
//! (`decodeAsAttribute`, from 1.0.4): `meta` of a job (types.config.go),
//! group (hcl_conversions.go decodeTaskGroup) and task, a task's `env`
//! (decodeTask). The blocks jobspec2 takes out before gohcl sees the body
//! (a job's `vault`, `secret`, `task`; a group's `vault`, `secret`) are
//! hidden, and dynblock's `extendSchema` hands hidden blocks to hclsyntax
//! with the schema: they get the block suggestion too (hclsyntax and
//! dynblock at v2.20.2-nomad-1, run through a dynblock-expanded body with
//! `vault` taken by PartialContent). The wording is unknown_keys.rs's.
//!
//! Before 1.0, HCL1 reads `x = { ... }` as the block `x`: not refused here;
//! hcl1_block_args.rs turns it into that block before lowering.
//!
//! The keys are those of 2.0.5 (keys-2.0.5.txt). A block an older release
//! lacks ([`super::version_keys`]) is not in that release's schema, so it
//! is refused without the block suggestion.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use hcl_edit::structure::{Block, Body};

use super::eval::span_of;
use super::unknown_keys::{self, Item};
use super::version_keys::{self, Kind};
use crate::diag::{Diag, Diags};
use crate::source::{Source, Span};
use crate::version::NomadVersion;

/// Every key of the 2.0.5 jobspec with the block paths it is written at
/// (read from the api structs' hcl tags; see the file's header).
pub const KEYS_2_0_5: &str = include_str!("keys-2.0.5.txt");

const HCL2: NomadVersion = NomadVersion::new(1, 0, 0);

/// Read as an argument before gohcl decodes the rest (`decodeAsAttribute`).
const AS_ARGUMENT: &[(&str, &str)] = &[
    ("job", "meta"),
    ("job.group", "meta"),
    ("job.group.task", "meta"),
    ("job.group.task", "env"),
];

/// The structs of jobspec2's own extras, decoded before gohcl's schema.
const EXTRAS: &[&str] = &["JobConfig", "TaskGroupExtra"];

// `BLOCK_KEYS`: the block lines of [`KEYS_2_0_5`] as a sorted table,
// written at build time (build.rs): building sets from the text at run
// time was ~3% of a `check --staged`.
include!(concat!(env!("OUT_DIR"), "/block_keys.rs"));

/// The rows of [`BLOCK_KEYS`] for (`path`, `key`), one per struct that has
/// the block there.
fn block_rows(path: &str, key: &str) -> &'static [(&'static str, &'static str, &'static str)] {
    // One comparison of each string a step (a tuple's `<` compares the
    // path for equality, then again for order), and the few equal rows
    // counted from there rather than found by a second binary search over
    // the rest of the table: the two searches were ~0.13 M instructions
    // of a `check --staged`, the HCL1 unread-key pass's look-ups.
    let lo = BLOCK_KEYS.partition_point(|(p, k, _)| p.cmp(&path).then_with(|| k.cmp(&key)).is_lt());
    let rest = BLOCK_KEYS.get(lo..).unwrap_or_default();
    let len = rest
        .iter()
        .take_while(|(p, k, _)| *p == path && *k == key)
        .count();
    rest.get(..len).unwrap_or_default()
}

/// The (struct, key, paths) lines of [`KEYS_2_0_5`] of the keys that are
/// not blocks, read only when a block is written as an argument (for the
/// `Did you mean` suggestion).
fn argument_lines() -> impl Iterator<
    Item = (
        &'static str,
        &'static str,
        std::str::SplitAsciiWhitespace<'static>,
    ),
> {
    KEYS_2_0_5
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|line| {
            let mut w = line.split_ascii_whitespace();
            let (st, key, k) = (w.next()?, w.next()?, w.next()?);
            (k != "block").then_some((st, key, w))
        })
}

/// The argument names at each path, sorted.
fn attrs() -> &'static BTreeMap<&'static str, BTreeSet<&'static str>> {
    static T: OnceLock<BTreeMap<&'static str, BTreeSet<&'static str>>> = OnceLock::new();
    T.get_or_init(|| {
        let mut t: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for (_, key, paths) in argument_lines() {
            for path in paths {
                t.entry(path).or_default().insert(key);
            }
        }
        t
    })
}

/// Is `key` an argument (not a block) of the 2.0.5 jobspec at `path`?
pub(super) fn is_argument(path: &str, key: &str) -> bool {
    attrs().get(path).is_some_and(|s| s.contains(key))
}

/// Does the 2.0.5 jobspec list any key at `path` (a block with a schema
/// of its own, not a map of free keys)?
pub(super) fn has_keys(path: &str) -> bool {
    attrs().contains_key(path) || BLOCK_KEYS.iter().any(|(p, _, _)| *p == path)
}

/// Is `key` a block of the jobspec at `path` (`job.group.task`), one
/// jobspec2 does not read as an argument first?
pub(super) fn is_block(path: &str, key: &str) -> bool {
    !block_rows(path, key).is_empty() && !AS_ARGUMENT.contains(&(path, key))
}

/// Is `key` a block of the 2.0.5 jobspec under a path ending with
/// `suffix` (the enclosing block idents, innermost last)? The whole path
/// from `job` names one place; a suffix may name several.
pub(super) fn is_block_under(suffix: &[&str], key: &str) -> bool {
    BLOCK_KEYS.iter().any(|(path, k, _)| {
        *k == key && {
            let segs: Vec<&str> = path.split('.').collect();
            segs.ends_with(suffix)
        }
    })
}

/// One block key written as an argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockArg {
    pub key: String,
    /// The argument's name.
    pub span: Span,
    /// HCL's summary and detail, `Unsupported argument; ...`.
    pub message: String,
}

/// Every block key of `v`'s jobspec written as an argument in the job
/// block of `body`, in source order.
pub fn find(body: &Body, v: NomadVersion) -> Vec<BlockArg> {
    let mut out = Vec::new();
    if v < HCL2 {
        return out;
    }
    if let Some(job) = body.blocks().find(|b| b.ident.as_str() == "job") {
        walk(job, &mut Vec::new(), v, &mut out);
    }
    out.sort_by_key(|b| b.span.start);
    out
}

fn walk(b: &Block, path: &mut Vec<String>, v: NomadVersion, out: &mut Vec<BlockArg>) {
    path.push(b.ident.as_str().to_string());
    let here: Vec<&str> = path.iter().map(String::as_str).collect();
    let dotted = here.join(".");
    for a in b.body.attributes() {
        let key = a.key.as_str();
        // decodeAsAttribute came with 1.0.4: before, `meta` and `env` are
        // blocks like any other.
        let as_block = !v.at_least(1, 0, 4) && !block_rows(&dotted, key).is_empty();
        if !is_block(&dotted, key) && !as_block {
            continue;
        }
        // A block this release lacks is not in its schema (the version
        // gate skips it, being written as an argument): no block to suggest.
        let written: Vec<&str> = b.body.attributes().map(|a| a.key.as_str()).collect();
        let schema = unknown_keys::schema(&here, v);
        out.push(BlockArg {
            key: key.to_string(),
            span: span_of(&a.key),
            message: unknown_keys::message(&schema, Item::Argument, key, &written),
        });
    }
    // A block this release lacks is the version gate's refusal: gohcl
    // never decodes its body.
    let read: Vec<&Block> = b
        .body
        .blocks()
        .filter(|c| version_keys::lookup(&here, c.ident.as_str()).is_none_or(|k| k.known(v)))
        .collect();
    for c in read {
        walk(c, path, v, out);
    }
    path.pop();
}

/// The argument names of the schema at `path` under `v`, sorted as gohcl's
/// `ImpliedBodySchema` sorts them: 2.0.5's, less those `v` lacks, plus
/// those `v` has that 2.0.5 dropped.
pub(super) fn schema_attrs(path: &[&str], v: NomadVersion) -> BTreeSet<String> {
    let dotted = path.join(".");
    let mut out: BTreeSet<String> = attrs()
        .get(dotted.as_str())
        .into_iter()
        .flatten()
        .filter(|a| version_keys::lookup(path, a).is_none_or(|k| k.known(v)))
        .map(|a| a.to_string())
        .collect();
    for k in version_keys::KEYS {
        if k.kind == Kind::Attr && k.at(path, k.key) && k.known(v) {
            out.insert(k.key.to_string());
        }
    }
    out
}

/// The block types of gohcl's schema at `path` under `v`, sorted:
/// 2.0.5's (less jobspec2's own extras and those `v` lacks), plus those
/// `v` has that 2.0.5 dropped.
pub(super) fn schema_blocks(path: &[&str], v: NomadVersion) -> BTreeSet<String> {
    let dotted = path.join(".");
    let mut out: BTreeSet<String> = BLOCK_KEYS
        .iter()
        .filter(|(p, _, st)| *p == dotted && !EXTRAS.contains(st))
        .filter(|(_, k, _)| version_keys::lookup(path, k).is_none_or(|key| key.known(v)))
        .map(|(_, k, _)| k.to_string())
        .collect();
    for k in version_keys::KEYS {
        if k.kind == Kind::Block && k.at(path, k.key) && k.known(v) {
            out.insert(k.key.to_string());
        }
    }
    out
}

/// The located errors for [`find`]'s arguments under `v` (from 1.0).
pub fn check(body: &Body, src: &Source, v: NomadVersion, diags: &mut Diags) {
    for b in find(body, v) {
        diags.push(
            Diag::error(unknown_keys::CODE, b.message)
                .at(src, b.span, "a block written as an argument")
                .help(format!(
                    "Nomad {v} reads `{0}` only as a block: write `{0} {{ ... }}` without `=`",
                    b.key
                )),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rows found as the two binary searches found them (guard).
    #[test]
    fn block_rows_are_the_equal_run_of_the_sorted_table() {
        let slow = |path: &str, key: &str| {
            let lo = BLOCK_KEYS.partition_point(|(p, k, _)| (*p, *k) < (path, key));
            let len = BLOCK_KEYS[lo..].partition_point(|(p, k, _)| (*p, *k) == (path, key));
            &BLOCK_KEYS[lo..lo + len]
        };
        let mut probes: Vec<(&str, &str)> = BLOCK_KEYS.iter().map(|(p, k, _)| (*p, *k)).collect();
        probes.extend([
            ("", ""),
            ("job", ""),
            ("job", "zzz"),
            ("zzz", "a"),
            ("job.group", "tas"),
        ]);
        for (p, k) in probes {
            assert_eq!(block_rows(p, k), slow(p, k), "{p} {k}");
        }
        assert!(BLOCK_KEYS
            .windows(2)
            .all(|w| (w[0].0, w[0].1) <= (w[1].0, w[1].1)));
    }
}
