//! The first error the CLI's HCL1 job parser returns, before 1.0, for what
//! we read exactly: a group or task name written twice, a task's
//! `resources` (with its `network`) written twice or as a value that is
//! not an object ([`super::hcl1_resources`]), and the blocks a level takes
//! once ([`super::hcl1_singles`]).
//!
//! The parser (jobspec/parse.go at 0.9.3; parse_job.go, parse_group.go and
//! parse_task.go from 0.10.0 to 0.12.12) returns at its first error, in its
//! own order: the job's constraint, affinity, update, periodic, spread,
//! parameterized, reschedule, migrate, multiregion (0.12+) and meta, its
//! own `task` blocks, its groups, its vault; for each group the name
//! check, its constraint, affinity, restart, spread, (from 0.10) its
//! `network`, its reschedule, ephemeral_disk, update, migrate, meta and
//! scaling (0.11+), its tasks, its vault, its services (0.10+);
//! for each task the name check, its env, services, csi_plugin (0.11+),
//! config, constraint, affinity, meta, volume_mount (0.10+), resources,
//! then its restart (0.11+), logs, artifact, template, vault,
//! dispatch_payload and lifecycle (0.11+). Each level wraps the error with
//! go-multierror's Prefix, which on a plain error is errwrap's `prefix err`
//! (not a multierror list): `group:`, then `'g', task:`, then `'t',`, so
//! Parse prints `error parsing 'job': group: 'g', task: task 't' defined
//! more than once`. From 1.0 jobspec2 keeps both blocks, and Job.Validate
//! reports them (`Task 2 redefines 't' from task 1`).
//!
//! A key the release does not know ([`super::version_gates`]) is the
//! CheckHCLKeys error at the start of its level: when that level comes
//! first in parse order, its error is Nomad's and this one is not.

use std::collections::HashSet;
use std::sync::Arc;

use super::hcl1_decode::{self, Refusal};
use super::hcl1_gateway;
use super::hcl1_resources;
use super::hcl1_singles::{self, Found, Step};
use super::tree::Node;
use crate::diag::{Diag, Diags};
use crate::source::{Source, Span};
use crate::version::NomadVersion;

/// Code of the HCL1 parser's own errors.
pub const CODE: &str = "jobspec::hcl1-parse";

/// Where an error falls in HCL1's parse order, comparable with
/// [`super::version_gates::check`]: (group, task, step), 1-based
/// groups and tasks, 0 for a level's start (its name and key checks).
pub type Level = (usize, usize, usize);

/// The located parser error in HCL1's order, before 1.0, unless a key the
/// release does not know stops the parser earlier (`gate`).
pub fn check(
    job: &Node,
    gate: Option<super::version_gates::Gate>,
    src: &Source,
    v: NomadVersion,
    diags: &mut Diags,
) {
    if v.at_least(1, 0, 0) {
        return;
    }
    let Some(Found::Error(e)) = first_error(job, src, v) else {
        return;
    };
    // A key check comes first in its block: the error of anything inside
    // that block (its values' decode, its own blocks) never comes.
    let inside =
        |g: &super::version_gates::Gate| g.block.start <= e.span.start && e.span.end <= g.block.end;
    if gate.is_some_and(|g| g.level < e.level || (g.level == e.level && inside(&g))) {
        return;
    }
    // The lowering reports a repeated once-only block in HCL2's words
    // (`Duplicate update block`); where HCL1's parser refuses the same block,
    // its text is the one Nomad prints, and one repeat is one fault.
    // Likewise the lowering's words for a value mapstructure refuses.
    diags.0.retain(|d| {
        let ours = d.source.as_ref().is_some_and(|s| Arc::ptr_eq(s, src));
        let at = d.primary_span();
        !(ours
            && ((d.code == "jobspec::duplicate" && at == Some(e.span))
                || (d.code == "jobspec::type" && at.is_some_and(|a| e.replaces.contains(&a)))))
    });
    diags.push(
        Diag::error(CODE, format!("error parsing 'job': {}", e.text))
            .at(src, e.span, e.label)
            .help(format!("Nomad {v} parses job files as HCL1, whose parser refuses this before any server sees the job: {}", e.help)),
    );
}

/// One parser error: Nomad's text (without `error parsing 'job': `),
/// where, what to do, and its place in parse order.
pub(super) struct ParseError {
    pub text: String,
    pub span: Span,
    pub label: &'static str,
    pub help: String,
    pub level: Level,
    /// Values whose lowering errors this text stands for (mapstructure's
    /// refusals, hcl1_decode.rs): those errors are dropped.
    pub replaces: Vec<Span>,
}

/// After every group (the job's vault) or every task (a group's vault).
const LAST: usize = usize::MAX;

fn first_error(job: &Node, src: &Source, v: NomadVersion) -> Option<Found> {
    let single = |n: &Node, step, g: &str, at: Level| {
        hcl1_singles::first(n, step, g, src, v).map(|(f, _)| placed(f, at))
    };
    // parseJob: the decode of its own arguments (before its key check),
    // its singles, then its own tasks (each its own group), its groups,
    // then its vault.
    decoded(job, hcl1_decode::Level::Job, src, v, (0, 0, 0))
        .or_else(|| single(job, Step::Job, "", (0, 0, 1)))
        .or_else(|| tasks(job, "task:", 0, src, v))
        .or_else(|| {
            named(
                job,
                "group",
                "group:",
                |i| (i, 0, 0),
                |gi, g, name| {
                    // parseGroups' own errors (ParseNetwork's as is) under
                    // parseJob's `group:`; its tasks' carry their own prefix.
                    let own = |f: Found| prefixed(f, "group:");
                    let net = || {
                        let e = hcl1_resources::group_network(g, src, v)?;
                        Some(placed(Found::Error(e), (gi, 0, 1)))
                    };
                    decoded(g, hcl1_decode::Level::Group, src, v, (gi, 0, 1))
                        .or_else(|| single(g, Step::Group, name, (gi, 0, 1)))
                        .or_else(net)
                        .or_else(|| single(g, Step::GroupMid, name, (gi, 0, 1)))
                        .map(own)
                        .or_else(|| tasks(g, &format!("group: '{name}', task:"), gi, src, v))
                        .or_else(|| single(g, Step::GroupAfter, name, (gi, LAST, 0)).map(own))
                        .or_else(|| {
                            // The group's services, after its vault.
                            let e = hcl1_gateway::first(g, src, v)?;
                            let at = (gi, LAST, 1);
                            Some(placed(
                                prefixed(Found::Error(e), &format!("group: '{name}',")),
                                at,
                            ))
                        })
                },
            )
        })
        .or_else(|| single(job, Step::JobAfter, "", (LAST, 0, 0)))
}

/// mapstructure's refusal of `n`'s own arguments, at `level` of the parse.
fn decoded(
    n: &Node,
    which: hcl1_decode::Level,
    src: &Source,
    v: NomadVersion,
    level: Level,
) -> Option<Found> {
    let r = hcl1_decode::refusal(n, which, src, v)?;
    Some(Found::Error(refused(r, "", level)))
}

/// mapstructure's refusal `r` as the parser's error, after `prefix`.
pub(super) fn refused(r: Refusal, prefix: &str, level: Level) -> ParseError {
    let Refusal { text, span, values } = r;
    ParseError {
        text: if prefix.is_empty() {
            text
        } else {
            format!("{prefix} {text}")
        },
        span,
        label: "refused by the decoder",
        help: "mapstructure decodes these arguments with weak typing: a number or bool may be written for a string and a string for a number, bool or duration (read by Go's strconv and time.ParseDuration), but a list or object only where the field is a list".into(),
        level,
        replaces: values,
    }
}

fn placed(f: Found, level: Level) -> Found {
    match f {
        Found::Error(mut e) => {
            e.level = level;
            Found::Error(e)
        }
    }
}

fn prefixed(f: Found, prefix: &str) -> Found {
    match f {
        Found::Error(mut e) => {
            e.text = format!("{prefix} {}", e.text);
            Found::Error(e)
        }
    }
}

/// The first error among the tasks of `parent` (group `gi`, 0 for the
/// job's own), under `prefix`: the resources, then the singles read after
/// them. A task's body comes after its own keys and the blocks parsed
/// before its resources (step 3).
fn tasks(parent: &Node, prefix: &str, gi: usize, src: &Source, v: NomadVersion) -> Option<Found> {
    named(
        parent,
        "task",
        prefix,
        |i| (gi, i, 0),
        |ti, t, name| {
            // Its env, its services, the blocks before its resources
            // (step 2), then its resources and the rest (step 3).
            // Its own arguments' decode first (named from 0.10, when
            // parseTask returns it to parseTasks' prefix).
            let step = |st| hcl1_singles::first(t, st, "", src, v);
            let (found, named, at) = decoded(t, hcl1_decode::Level::Task, src, v, (0, 0, 0))
                .map(|f| (f, v.at_least(0, 10, 0), 1))
                .or_else(|| {
                    step(Step::TaskEnv)
                        .or_else(|| hcl1_gateway::first(t, src, v).map(|e| (Found::Error(e), true)))
                        .or_else(|| step(Step::TaskPre))
                        .map(|(f, named)| (f, named, 2))
                })
                .or_else(|| {
                    let (f, named) = match hcl1_resources::task(t, src, v) {
                        Some(e) => (Found::Error(e), true),
                        None => step(Step::Task)?,
                    };
                    Some((f, named, 3))
                })?;
            // parseTasks' `'t',`, or (before 0.10, an inline check) nothing.
            let named_at = if named {
                format!("{prefix} '{name}',")
            } else {
                prefix.to_string()
            };
            Some(placed(prefixed(found, &named_at), (gi, ti, at)))
        },
    )
}

/// parseGroups' and parseTasks' loop over the named `ident` blocks of
/// `parent`: a name seen before is the error (at `level` of its 1-based
/// index), else each block's body is parsed (`body`) before the next name
/// is read. A block without a name is not in HCL1's Children().
fn named<'n>(
    parent: &'n Node,
    ident: &str,
    prefix: &str,
    level: impl Fn(usize) -> Level,
    mut body: impl FnMut(usize, &'n Node, &'n str) -> Option<Found>,
) -> Option<Found> {
    let mut seen = HashSet::new();
    let blocks = parent.blocks.iter().filter(|b| b.ident == ident);
    for (i, b) in blocks.enumerate() {
        let Some((name, span)) = b.labels.first() else {
            continue;
        };
        if !seen.insert(name.as_str()) {
            return Some(Found::Error(ParseError {
                text: format!("{prefix} {ident} '{name}' defined more than once"),
                span: *span,
                label: "defined again here",
                help: "rename or remove one".into(),
                level: level(i + 1),
                replaces: Vec::new(),
            }));
        }
        if let Some(e) = body(i + 1, b, name) {
            return Some(e);
        }
    }
    None
}
