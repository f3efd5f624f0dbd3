//! The first error the CLI's HCL1 job parser returns, before 1.0, for what
//! we read exactly: a group or task name written twice, and a task's
//! `resources` (with its `network`) written twice or as a value that is
//! not an object ([`super::hcl1_resources`]).
//!
//! The parser (jobspec/parse.go at 0.9.3; parse_job.go, parse_group.go and
//! parse_task.go from 0.10.0 to 0.12.12) returns at its first error, in its
//! own order: the job's own `task` blocks before its groups; for each group
//! the name check, then (from 0.10) its `network`, then its tasks; for each
//! task the name check, then its body. Each level wraps the error with
//! go-multierror's Prefix, which on a plain error is errwrap's `prefix err`
//! (not a multierror list): `group:`, then `'g', task:`, then `'t',`, so
//! Parse prints `error parsing 'job': group: 'g', task: task 't' defined
//! more than once`. From 1.0 jobspec2 keeps both blocks, and Job.Validate
//! reports them (`Task 2 redefines 't' from task 1`).

use std::collections::HashSet;

use super::hcl1_resources;
use super::tree::Node;
use crate::diag::{Diag, Diags};
use crate::source::{Source, Span};
use crate::version::NomadVersion;

/// Code of the HCL1 parser's own errors.
pub const CODE: &str = "jobspec::hcl1-parse";

/// The located parser error in HCL1's order, before 1.0.
pub fn check(job: &Node, src: &Source, v: NomadVersion, diags: &mut Diags) {
    if v.at_least(1, 0, 0) {
        return;
    }
    let Some(e) = first_error(job, v) else {
        return;
    };
    diags.push(
        Diag::error(CODE, format!("error parsing 'job': {}", e.text))
            .at(src, e.span, e.label)
            .help(format!("Nomad {v} parses job files as HCL1, whose parser refuses this before any server sees the job: {}", e.help)),
    );
}

/// One parser error: Nomad's text (without `error parsing 'job': `),
/// where, and what to do.
pub(super) struct ParseError {
    pub text: String,
    pub span: Span,
    pub label: &'static str,
    pub help: String,
}

fn first_error(job: &Node, v: NomadVersion) -> Option<ParseError> {
    // parseJob parses the job's own tasks (each its own group) first.
    if let Some(e) = tasks(job, "task:", v) {
        return Some(e);
    }
    // parseGroups returns ParseNetwork's error as is.
    named(job, "group", "group:", |g, name| {
        let prefix = |mut e: ParseError| {
            e.text = format!("group: {}", e.text);
            e
        };
        hcl1_resources::group_network(g, v)
            .map(prefix)
            .or_else(|| tasks(g, &format!("group: '{name}', task:"), v))
    })
}

/// The first error among the tasks of `parent`, under `prefix`.
fn tasks(parent: &Node, prefix: &str, v: NomadVersion) -> Option<ParseError> {
    named(parent, "task", prefix, |t, name| {
        let mut e = hcl1_resources::task(t, v)?;
        e.text = format!("{prefix} '{name}', {}", e.text);
        Some(e)
    })
}

/// parseGroups' and parseTasks' loop over the named `ident` blocks of
/// `parent`: a name seen before is the error, else each block's body is
/// parsed (`body`) before the next name is read. A block without a name
/// is not in HCL1's Children().
fn named<'n>(
    parent: &'n Node,
    ident: &str,
    prefix: &str,
    mut body: impl FnMut(&'n Node, &'n str) -> Option<ParseError>,
) -> Option<ParseError> {
    let mut seen = HashSet::new();
    for b in parent.blocks.iter().filter(|b| b.ident == ident) {
        let Some((name, span)) = b.labels.first() else {
            continue;
        };
        if !seen.insert(name.as_str()) {
            return Some(ParseError {
                text: format!("{prefix} {ident} '{name}' defined more than once"),
                span: *span,
                label: "defined again here",
                help: "rename or remove one".into(),
            });
        }
        if let Some(e) = body(b, name) {
            return Some(e);
        }
    }
    None
}
