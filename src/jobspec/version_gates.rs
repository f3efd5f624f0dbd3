//! Job features a Nomad release predates, refused as that release's CLI
//! parser refuses them (read from `jobspec/parse.go` at 0.9.3, the HCL2
//! decoder of `jobspec2` at 1.5 and each feature's CHANGELOG entry):
//!
//! - group `network` and group `service` blocks (which carry Consul
//!   Connect), and `connect` in a task's service: 0.10.0, read from the
//!   job model;
//! - every other key a release's parser lacks (group `volume` before
//!   0.10, `scaling` before 0.11, job `node_pool` before 1.6, `ui` before
//!   1.8, ...), by the table of [`super::version_keys`], read from the
//!   parser at every tag, in the file's syntax (a key whose value the
//!   lowering refuses is still the parser's refusal first).
//!
//! Before 1.0 the CLI parses HCL1 (`jobspec.Parse`): each parse function
//! checks its block's keys and returns at the first block with unknown
//! ones, so the error names one block's keys, in go-multierror's list,
//! under the prefixes and folds of every function on the way up
//! (`group: 'web' -> invalid key: network`, hcl1_key_errors.rs). What the
//! parser never reads after that check (the key's value, the rest of its
//! block) is not refused in our words either. A block it decodes without
//! a check (a task's `csi_plugin`) drops a later key (hcl1_dropped.rs).
//! From 1.0 such a key is one of hclsyntax's `Body.Content` refusals of
//! the body it is written in, as any unknown key is (unknown_keys.rs):
//! `Unsupported argument` at the name's range or `Unsupported block type`
//! at the type's, worded with that release's schema (its suggestions are
//! the release's names), and ordered with the file's other decoding errors
//! by gohcl's walk (decode_order.rs). gohcl never decodes what Content
//! refused (gohcl/decode.go decodeBodyToStruct reads `content` only), so
//! nothing inside the key (its value, its block's body) is reported.
//!
//! Checks the servers make live with the other validation
//! ([`super::validate`]: `type = "sysbatch"` before 1.2). Features whose
//! older meaning is not an error are advice: `datacenters = ["*"]` before
//! 1.5 names a datacenter called `*`, so nothing is ever placed.

use hcl_edit::structure::{Block, Body};

use super::eval::span_of;
use super::hcl1_key_errors::{self, Wrap};
use super::model::{Job, JobType};
use super::tree::Node;
use super::unknown_keys::{self, Item};
use super::version_keys::{self, Kind};
use crate::diag::{Diag, Diags, Severity};
use crate::source::{Source, Span};
use crate::version::NomadVersion;

/// Code of every diagnostic for a feature the version predates.
pub const CODE: &str = "jobspec::version-gate";

const GROUP_NETWORK: NomadVersion = NomadVersion::new(0, 10, 0);
const DATACENTER_GLOB: NomadVersion = NomadVersion::new(1, 5, 0);
/// A constraint's `distinct_hosts = false` is kept, with RTarget "false",
/// and the scheduler no longer enforces a distinct_hosts constraint whose
/// RTarget parses as false (#16907, 84cd58db27: jobspec2
/// hcl_conversions.go decodeConstraint, scheduler/feasible.go
/// DistinctHostsIterator; backported to 1.3.14, 1.4.9 and 1.5.4). Before,
/// jobspec2 dropped only the operator (`= false` left an `=` constraint
/// with no targets) and every distinct_hosts constraint was enforced.
pub const DISTINCT_HOSTS_VALUE: &[NomadVersion] = &[
    NomadVersion::new(1, 3, 14),
    NomadVersion::new(1, 4, 9),
    NomadVersion::new(1, 5, 4),
    NomadVersion::new(1, 6, 0),
];

/// `sysbatch` jobs (checked by the servers, in [`super::validate`]).
pub const SYSBATCH: NomadVersion = NomadVersion::new(1, 2, 0);

/// One use of a feature the version's parser does not know.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Unknown {
    /// How HCL1's error for it reaches the top (hcl1_key_errors.rs);
    /// `None` where that is not known.
    hcl1: Option<Vec<Wrap>>,
    /// The block whose key check refuses it (its start): HCL1 lists every
    /// unknown key of that one block.
    block: usize,
    /// Its block's place in HCL1's parse order: per enclosing block, the
    /// rank of its kind in its parent's parse function and its index.
    order: Vec<(u8, usize)>,
    /// The key as written.
    key: String,
    /// An argument or a block (HCL2 words them differently).
    kind: Kind,
    /// What it is, for our own message.
    /// What it is and the release that has it, for our own message; `None`
    /// for a key no release's HCL1 parser has there (hcl1_keys.rs).
    later: Option<(&'static str, NomadVersion)>,
    /// The first release whose parser no longer knows it, when `v` is
    /// past it (a device's `name` argument from 1.0).
    gone: Option<NomadVersion>,
    /// The key's span (attribute or block).
    span: Span,
    /// hclsyntax's refusal of it from 1.0 (unknown_keys.rs), worded with
    /// the release's schema of its body, and its subject range: the
    /// argument's name, the block's type, a dynamic block's label.
    hcl2: Option<String>,
    subject: Span,
    /// The innermost `dynamic` block whose `content` holds the key (1.0+):
    /// hclsyntax refuses it once per block dynblock generates there.
    dynamic: Option<Span>,
    /// The whole attribute or block, and the block whose keys are checked
    /// (what HCL1 never reads past the check), with its header (ident and
    /// labels, where the lowering locates the block's own refusals).
    item: Span,
    outer: Span,
    head: Span,
    /// The HCL1 level (hcl1_parse.rs's): 0 job, then (group index, task
    /// position, step), comparable with the parser's other errors.
    level: (usize, usize, usize),
}

fn since(v: NomadVersion, feature: NomadVersion) -> bool {
    v >= feature
}

/// Every use of a feature the parser of `v` does not know, in source order:
/// the model's own gates, then the keys of [`version_keys`] written in the
/// job block of `body`.
fn gated_keys(job: &Job, body: Option<&Body>, src: &Source, v: NomadVersion) -> Vec<Unknown> {
    let job_block = body.and_then(|b| b.blocks().find(|b| b.ident.as_str() == "job"));
    let mut out = model::model_gates(job, v);
    if let Some(b) = job_block {
        let mut path = vec![Level {
            block: b,
            ident: b.ident.as_str(),
            index: 0,
        }];
        let mut memo = Memo::new(&path, v);
        let at = At { src, v };
        walk(
            b,
            &mut path,
            &mut Vec::new(),
            &mut memo,
            &at,
            None,
            &mut out,
        );
    }
    out.sort_by_key(|u| u.span.start);
    // A key the model gates (pushed first) is also outside its block's
    // HCL1 list: one key, with the walk's place and the model's words.
    let mut merged: Vec<Unknown> = Vec::with_capacity(out.len());
    for u in out {
        match merged.last_mut() {
            Some(m) if m.span.start == u.span.start => {
                let later = m.later.or(u.later);
                *m = Unknown { later, ..u };
            }
            _ => merged.push(u),
        }
    }
    merged
}

/// One block on the walk's way down, borrowed from the syntax: its
/// [`Frame`] (three strings) is built only for a block with a gated key,
/// as copying every block's names cost ~3% of a `check --staged`.
struct Level<'a> {
    block: &'a Block,
    /// Its ident, or a dynamic block's label for its `content` (from 1.0).
    ident: &'a str,
    index: usize,
}

/// What the whole walk reads the same: the file, and the release.
struct At<'s> {
    src: &'s Source,
    v: NomadVersion,
}

/// Walk the syntax of the last block of `path` for gated keys; `order`
/// is its place in HCL1's parse order, `memo` what its path gave before,
/// `generated` the innermost dynamic block whose content `b` is (or is
/// inside).
fn walk<'a>(
    b: &'a Block,
    path: &mut Vec<Level<'a>>,
    order: &mut Vec<(u8, usize)>,
    memo: &mut Memo<'a>,
    at: &At<'_>,
    generated: Option<Span>,
    out: &mut Vec<Unknown>,
) {
    let (src, v) = (at.src, at.v);
    let hcl1 = !v.at_least(1, 0, 0);
    let keys = b
        .body
        .attributes()
        .map(|a| {
            (
                a.key.as_str(),
                span_of(&a.key),
                span_of(a),
                Kind::Attr,
                false,
            )
        })
        .chain(b.body.blocks().map(|c| {
            // From 1.0 a `dynamic "x"` block is a block of type x to the
            // schema (dynblock expandBlocks), refused at its label.
            match c
                .labels
                .first()
                .filter(|_| !hcl1 && c.ident.as_str() == "dynamic")
            {
                Some(l) => (l.as_str(), span_of(l), span_of(c), Kind::Block, true),
                None => (
                    c.ident.as_str(),
                    span_of(&c.ident),
                    span_of(c),
                    Kind::Block,
                    false,
                ),
            }
        }));
    let block = span_of(&b.ident).start;
    let outer = span_of(b);
    for (key, span, item, kind, dynamic) in keys {
        // Keys HCL1 decodes without a check (a port's before 0.12, a CSI
        // plugin's, ...) are dropped, not refused (hcl1_dropped.rs): the
        // memo's verdict says so with the rest.
        let Some(Verdict { later, gone }) = memo.verdict(path, key, kind, v) else {
            continue;
        };
        let idents: Vec<&str> = path.iter().map(|l| l.ident).collect();
        let hcl2 = match dynamic {
            // dynblock's own words: no suggestion.
            true => Some(format!(
                "{}Blocks of type {key:?} are not expected here.",
                unknown_keys::BLOCK
            )),
            false => (!hcl1).then(|| hcl2_message(&idents, &b.body, kind, key, v)),
        };
        out.push(Unknown {
            hcl1: hcl1_key_errors::chain(&frames(path, src), v),
            block,
            order: order.clone(),
            key: key.to_string(),
            kind,
            later,
            gone,
            span,
            subject: if dynamic {
                span
            } else {
                Span::new(span.start, span.start + key.len())
            },
            hcl2,
            dynamic: generated,
            item,
            outer,
            head: head(&idents, b),
            level: hcl1_key_errors::level(&idents, order),
        });
    }
    // How many blocks of each name came before (a count per name, not a
    // scan of all earlier blocks: thousands of `port` blocks were n²).
    // foldhash, seeded per process as SipHash is: std's RandomState and
    // SipHash per block name were ~40 K instructions of a `check --staged`.
    let mut seen: std::collections::HashMap<&str, usize, foldhash::fast::RandomState> =
        std::collections::HashMap::default();
    // parseConnect returns before it reads a sidecar_task beside no
    // sidecar_service (hcl1_dropped.rs): none of its keys is checked.
    let sidecar = || {
        b.body
            .blocks()
            .any(|c| c.ident.as_str() == "sidecar_service")
            || b.body
                .attributes()
                .any(|a| a.key.as_str() == "sidecar_service")
    };
    for c in b.body.blocks() {
        let ident = c.ident.as_str();
        if hcl1 && ident == "sidecar_task" && !sidecar() {
            continue;
        }
        let count = seen.entry(ident).or_default();
        let index = *count;
        *count += 1;
        // From 1.0 a dynamic block's `content` is a body of its label's
        // type (dynblock expandBlocks), decoded once per generated block.
        if let Some(label) = c.labels.first().filter(|_| !hcl1 && ident == "dynamic") {
            for content in c.body.blocks().filter(|d| d.ident.as_str() == "content") {
                path.push(Level {
                    block: content,
                    ident: label.as_str(),
                    index,
                });
                let mut spare = None;
                let child = memo.child(label.as_str(), path, v, &mut spare);
                walk(content, path, order, child, at, Some(span_of(c)), out);
                path.pop();
            }
            continue;
        }
        path.push(Level {
            block: c,
            ident,
            index,
        });
        let mut spare = None;
        let child = memo.child(ident, path, v, &mut spare);
        order.push((child.rank, index));
        walk(c, path, order, child, at, generated, out);
        order.pop();
        path.pop();
    }
}

/// The span HCL1 never reads past a refused key's block check: the
/// block's header up to its body (the job's, a group's and a task's own
/// headers carry the servers' refusals, missing datacenters or no tasks,
/// which are kept: none).
fn head(idents: &[&str], b: &Block) -> Span {
    let outer = span_of(b);
    match idents {
        ["job"] | ["job", "group"] | ["job", "group", "task"] => Span::default(),
        _ => {
            let body_at = b
                .body
                .attributes()
                .map(|a| span_of(a).start)
                .chain(b.body.blocks().map(|c| span_of(c).start))
                .min()
                .unwrap_or(outer.end);
            Span::new(outer.start, body_at.max(outer.start))
        }
    }
}

/// hclsyntax's words for the gated `key` of `body` at the block path
/// `idents` under `v`: the release's schema there, less the arguments the
/// body writes (they are not suggested).
fn hcl2_message(idents: &[&str], body: &Body, kind: Kind, key: &str, v: NomadVersion) -> String {
    let written: Vec<&str> = body.attributes().map(|a| a.key.as_str()).collect();
    let item = match kind {
        Kind::Attr => Item::Argument,
        Kind::Block => Item::Block,
    };
    unknown_keys::message(&unknown_keys::schema(idents, v), item, key, &written)
}

/// Where the first key `v`'s HCL1 parser does not know stops it: the
/// level in parse order (0 for the job, then 1-based group and task) and
/// the block whose key check refuses it, whose contents it never reads.
#[derive(Debug, Clone, Copy)]
pub struct Gate {
    pub level: (usize, usize, usize),
    pub block: Span,
}

/// What [`check`]'s one walk found that the load keeps.
#[derive(Debug, Default)]
pub struct Checked {
    /// Where HCL1's parser stops at the first key it does not know: the
    /// other HCL1 parser errors (hcl1_parse.rs) give way to an earlier one.
    pub first: Option<Gate>,
    /// Before 1.0: what `nomad job plan|validate` prints after `Error
    /// parsing job file from <path>` for those keys, separator included
    /// (`None` when we do not know a block's way up: no text rather than a
    /// wrong one). From 1.0 the keys are decoding errors like any unknown
    /// key, worded and ordered with the others (decode_order.rs).
    pub hcl1_refusal: Option<String>,
}

/// The located errors and advice for features `v` predates; `body` is the
/// file's syntax (for keys the model does not hold). One walk gives the
/// diagnostics and [`Checked`] (the walk was half of the gates' cost when
/// done twice).
pub fn check(
    job: &Job,
    body: Option<&Body>,
    node: Option<&Node>,
    src: &Source,
    v: NomadVersion,
    diags: &mut Diags,
) -> Checked {
    let mut unknown = gated_keys(job, body, src, v);
    let hcl2 = v.at_least(1, 0, 0);
    if hcl2 {
        // Content refuses the outer key; gohcl never reads what is inside it.
        let items: Vec<Span> = unknown.iter().map(|u| u.item).collect();
        unknown.retain(|u| !items.iter().any(|i| within(u.item, *i) && *i != u.item));
        drop_inside(&unknown, src, diags);
        unknown = per_generated_block(unknown, node);
    }
    let first = unknown
        .iter()
        .min_by_key(|u| (u.level, &u.order))
        .map(|u| Gate {
            level: u.level,
            block: u.outer,
        });
    let hcl1_refusal = if hcl2 { None } else { hcl1_text(&unknown, v) };
    if !hcl2 && !unknown.is_empty() {
        // HCL1 refuses the key by name before anything reads its value:
        // what the lowering says of that value (or of the key itself) is
        // not Nomad's.
        let ours = |d: &Diag| {
            d.source
                .as_ref()
                .is_some_and(|s| std::sync::Arc::ptr_eq(s, src))
        };
        diags.0.retain(|d| {
            let inside = d.primary_span().is_some_and(|at| {
                unknown.iter().any(|u| {
                    (u.item.start <= at.start && at.end <= u.item.end)
                        || (u.head.start <= at.start && at.start < u.head.end)
                })
            });
            // The lowering's refusal of a key itself becomes HCL1's below.
            let the_key = d.code == unknown_keys::CODE
                && d.primary_span().is_some_and(|at| {
                    unknown
                        .iter()
                        .any(|u| u.later.is_none() && u.span.start == at.start)
                });
            !(inside && ours(d) && d.code != CODE && !the_key)
        });
    }
    for u in unknown {
        if let (Some(words), Some((feature, needed))) = (&u.hcl2, u.later) {
            // hcl's subject: the argument's name, the block's type, or a
            // dynamic block's label (dynblock: `rawBlock.LabelRanges[0]`).
            let name = u.subject;
            let key = &u.key;
            let (label, help) = match u.gone {
                Some(gone) => (
                    format!("gone from Nomad {gone}"),
                    format!("judged as Nomad {v}, whose job parser no longer knows `{key}` here ({feature}: removed in Nomad {gone}). Remove `{key}`"),
                ),
                None => (
                    format!("needs Nomad {} or later", needed.named()),
                    format!("judged as Nomad {v}, whose job parser does not know `{key}` here: {feature} arrived in Nomad {}. Remove `{key}`, or judge by a newer release (`nomad_version` in rules/cluster.hcl, or --nomad-version)", needed.named()),
                ),
            };
            diags.push(
                Diag::error(CODE, words.clone())
                    .at(src, name, label)
                    .help(help),
            );
            continue;
        }
        let Some((feature, needed)) = u.later else {
            // A key no release has there: the lowering's own refusal (with
            // its "did you mean") is this one, HCL1 words it.
            let theirs = diags.0.iter_mut().find(|d| {
                d.code == unknown_keys::CODE
                    && d.primary_span().is_some_and(|at| at.start == u.span.start)
            });
            match theirs {
                Some(d) => d.code = CODE.into(),
                None => diags.push(
                    Diag::error(
                        CODE,
                        format!("Nomad {v}'s job parser (HCL1) has no key `{}` here", u.key),
                    )
                    .at(src, u.span, "invalid key")
                    .help(format!("remove `{}` or check its spelling", u.key)),
                ),
            }
            continue;
        };
        diags.push(
            Diag::error(
                CODE,
                format!(
                    "Nomad {v} does not know `{}`: {feature} arrived in Nomad {}",
                    u.key,
                    needed.named()
                ),
            )
            .at(src, u.span, format!("needs Nomad {} or later", needed.named()))
            .help(format!(
                "judged as Nomad {v}: remove `{}`, or judge by a newer release (`nomad_version` in rules/cluster.hcl, or --nomad-version)",
                u.key
            )),
        );
    }
    if !since(v, DATACENTER_GLOB) && job.datacenters.iter().any(|d| d == "*") {
        let span = job.spans.best("datacenters").unwrap_or_default();
        diags.push(
            Diag::error(
                CODE,
                format!(
                    "datacenters = [\"*\"] matches every datacenter only from Nomad {DATACENTER_GLOB}: Nomad {v} takes \"*\" as the name of a datacenter, so only clients in a datacenter named \"*\" can run the job"
                ),
            )
            .with_severity(Severity::Advice)
            .at(src, span, format!("a datacenter named \"*\" under Nomad {v}"))
            .help("name the datacenters (`datacenters = [\"dc1\"]`), or judge by Nomad 1.5 or later"),
        );
    }
    Checked {
        first,
        hcl1_refusal,
    }
}

/// A key inside a dynamic block's `content` is refused by each generated
/// block's decoding (dynblock hands every iteration the same body), so as
/// many times as for_each gave blocks: none for an empty collection. The
/// blocks are counted in the evaluated tree, where each generated block
/// keeps the dynamic block's span (tree.rs), nested ones once per outer
/// iteration.
fn per_generated_block(unknown: Vec<Unknown>, node: Option<&Node>) -> Vec<Unknown> {
    fn count(n: &Node, at: Span) -> usize {
        usize::from(n.span == at) + n.blocks.iter().map(|c| count(c, at)).sum::<usize>()
    }
    let mut out = Vec::with_capacity(unknown.len());
    for u in unknown {
        match u.dynamic {
            None => out.push(u),
            Some(at) => {
                let n = node.map_or(0, |n| count(n, at));
                out.extend(std::iter::repeat_n(u, n));
            }
        }
    }
    out
}

fn within(inner: Span, outer: Span) -> bool {
    outer.start <= inner.start && inner.end <= outer.end
}

/// Drops our diagnostics located inside a gated key's attribute or block:
/// from 1.0 hclsyntax refuses the key and gohcl never decodes its value or
/// body, so nothing there (a type, a label, a function the release lacks,
/// the lowering's own refusal of the key) is Nomad's to say.
fn drop_inside(unknown: &[Unknown], src: &Source, diags: &mut Diags) {
    if unknown.is_empty() {
        return;
    }
    diags.0.retain(|d| {
        let ours = d
            .source
            .as_ref()
            .is_some_and(|s| std::sync::Arc::ptr_eq(s, src));
        let inside = d
            .primary_span()
            .is_some_and(|at| unknown.iter().any(|u| within(at, u.item)));
        !(ours && inside)
    });
}

/// `job.job_type` is `sysbatch` and `v` predates it: the servers' error.
pub fn sysbatch_refused(job: &Job, v: NomadVersion) -> bool {
    job.job_type == JobType::Sysbatch && !since(v, SYSBATCH)
}

/// HCL1's refusal of `unknown` (before 1.0): the first block in parse
/// order with unknown keys, all of its keys (CheckHCLKeys), through that
/// block's way up ([`Checked::hcl1_refusal`]).
fn hcl1_text(unknown: &[Unknown], v: NomadVersion) -> Option<String> {
    let first = unknown.iter().min_by_key(|u| (u.level, &u.order))?;
    let keys: Vec<&str> = unknown
        .iter()
        .filter(|u| u.block == first.block)
        .map(|u| u.key.as_str())
        .collect();
    // A block whose way up we do not know: no text rather than a wrong one.
    let wraps = first.hcl1.as_ref()?;
    Some(format!(
        ": error parsing 'job': {}",
        hcl1_key_errors::text(&keys, wraps, v)
    ))
}

#[path = "version_gates_model.rs"]
mod model;

#[path = "version_gates_frames.rs"]
mod frames;
use frames::frames;

#[path = "version_gates_memo.rs"]
mod memo;
use memo::{Memo, Verdict};

#[cfg(test)]
#[path = "version_gates_tests.rs"]
mod tests;
