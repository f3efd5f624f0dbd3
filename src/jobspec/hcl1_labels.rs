//! Labels HCL1's jobspec reads as object keys, before 1.0.
//!
//! A label on a `constraint`, `affinity` or `spread` block:
//! HCL1 reads `constraint "c" { ... }` as an object item whose keys are
//! `constraint` and `c`; jobspec's `parseConstraints`, `parseAffinities`
//! and `parseSpread` (jobspec/parse.go, the same at v0.9.3, v0.10.0,
//! v0.11.0 and v0.12.12) walk `list.Elem()`, the items with no key left
//! after `Filter("constraint")`: a labelled one is skipped without a word,
//! at the job, a group, a task and a device alike. Nomad then plans and
//! places as if it were not written, so we drop it too, and say so: the
//! writer meant a rule that those releases never apply.
//!
//! No label on a `group`, `task` or multiregion `region` block: parseGroups,
//! parseTasks (v0.9.3 to v0.12.12) and parseMultiregionRegions (0.12) walk
//! `list.Children()`, the items with a key left: `group { ... }` is skipped
//! the same way, where we planned a group named "".
//!
//! A label on a block parse*.go reads as one object (`restart`, `update`,
//! `resources`, `vault`, ...: `list = list.Elem()`, then `list.Items[0]`,
//! the same functions at v0.9.3, v0.10.0 and v0.12.12): a labelled one is
//! not an element, so beside an unlabelled one it is skipped, and alone it
//! leaves no element at all and the CLI's parser panics (index out of
//! range): the file never loads.
//!
//! (From 1.0 each is hclsyntax's error: block_labels.rs.)

use super::tree::Node;
use crate::diag::{Diag, Diags, Severity};
use crate::source::Source;

/// The blocks parse.go reads through `list.Elem()`, and where.
const ELEM_ONLY: &[(&[&str], &str)] = &[
    (&["job"], "constraint"),
    (&["job"], "affinity"),
    (&["job"], "spread"),
    (&["job", "group"], "constraint"),
    (&["job", "group"], "affinity"),
    (&["job", "group"], "spread"),
    (&["job", "group", "task"], "constraint"),
    (&["job", "group", "task"], "affinity"),
    (
        &["job", "group", "task", "resources", "device"],
        "constraint",
    ),
    (&["job", "group", "task", "resources", "device"], "affinity"),
];

/// The blocks parse*.go reads as `list.Elem().Items[0]`, and where.
const ELEM_FIRST: &[(&[&str], &str)] = &[
    (&["job"], "update"),
    (&["job"], "reschedule"),
    (&["job"], "migrate"),
    (&["job"], "vault"),
    (&["job"], "periodic"),
    (&["job"], "parameterized"),
    (&["job"], "multiregion"),
    (&["job", "multiregion"], "strategy"),
    (&["job", "group"], "update"),
    (&["job", "group"], "reschedule"),
    (&["job", "group"], "migrate"),
    (&["job", "group"], "vault"),
    (&["job", "group"], "restart"),
    (&["job", "group"], "ephemeral_disk"),
    (&["job", "group"], "scaling"),
    (&["job", "group", "task"], "vault"),
    (&["job", "group", "task"], "restart"),
    (&["job", "group", "task"], "resources"),
    (&["job", "group", "task"], "csi_plugin"),
    (&["job", "group", "task", "artifact"], "options"),
];

/// The blocks parse*.go reads through `list.Children()`, and where.
const CHILDREN_ONLY: &[(&[&str], &str)] = &[
    (&["job"], "group"),
    (&["job", "group"], "task"),
    (&["job", "multiregion"], "region"),
];

/// Remove from the job node every block HCL1's jobspec skips for its
/// labels, with located advice for each.
pub fn drop_skipped(job: &mut Node, src: &Source, diags: &mut Diags) {
    walk(job, &mut Vec::new(), src, diags);
}

fn walk(node: &mut Node, path: &mut Vec<String>, src: &Source, diags: &mut Diags) {
    path.push(node.ident.clone());
    let here: Vec<&str> = path.iter().map(String::as_str).collect();
    let listed = |table: &[(&[&str], &str)], b: &Node| {
        table
            .iter()
            .any(|(at, kind)| *at == here.as_slice() && *kind == b.ident)
    };
    let skipped = |b: &Node| {
        if b.labels.is_empty() {
            listed(CHILDREN_ONLY, b)
        } else {
            listed(ELEM_ONLY, b) || listed(ELEM_FIRST, b)
        }
    };
    // An object block written only with labels leaves `list.Items` empty.
    let mut panics: Vec<&str> = Vec::new();
    for (_, kind) in ELEM_FIRST.iter().filter(|(at, _)| *at == here.as_slice()) {
        let mut of_kind = node.blocks.iter().filter(|b| b.ident == *kind).peekable();
        let first = of_kind.peek().map(|b| b.header_span());
        if let Some(span) = first.filter(|_| of_kind.all(|b| !b.labels.is_empty())) {
            panics.push(kind);
            diags.push(
                Diag::error(
                    super::hcl1_syntax::CRASH,
                    format!(
                        "Nomad's HCL1 job parser (before 1.0) panics on this file (runtime error: index out of range [0] with length 0): it reads `{kind}` only without a label, and none is left"
                    ),
                )
                .at(src, span, "a labelled block, read as no block")
                .help(format!("remove the label: `{kind} {{ ... }}`")),
            );
        }
    }
    // Most nodes skip no block: their children stay where they are rather
    // than each moved out and back in (a node is large; the moves were
    // most of this walk's memcpy).
    let gone: Vec<Node> = if node.blocks.iter().any(skipped) {
        let (gone, kept) = std::mem::take(&mut node.blocks)
            .into_iter()
            .partition(skipped);
        node.blocks = kept;
        gone
    } else {
        Vec::new()
    };
    for b in gone.iter().filter(|b| !panics.contains(&b.ident.as_str())) {
        let kind = &b.ident;
        let (text, help) = if b.labels.is_empty() {
            (
                format!("A {kind} block without a name is ignored by Nomad before 1.0: its parser reads only `{kind} \"name\" {{ ... }}`"),
                format!("name it: `{kind} \"name\" {{ ... }}`"),
            )
        } else {
            (
                format!("A labelled {kind} block is ignored by Nomad before 1.0: its parser reads only `{kind} {{ ... }}` without a label"),
                format!("remove the label: `{kind} {{ ... }}`"),
            )
        };
        diags.push(
            Diag::warning("jobspec::hcl1-skipped", text)
                // Advice: Nomad itself says nothing (its Job Warnings are its own).
                .with_severity(Severity::Advice)
                .at(src, b.header_span(), "this block is never read")
                .help(help),
        );
    }
    for b in &mut node.blocks {
        walk(b, path, src, diags);
    }
    path.pop();
}
