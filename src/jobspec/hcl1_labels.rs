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

/// How parse*.go walks the blocks of one kind at one place.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Walk {
    /// Through `list.Elem()`: a labelled one is skipped.
    Elem,
    /// As `list.Elem().Items[0]`: a labelled one is skipped, and with no
    /// unlabelled one beside it the parser panics.
    ElemFirst,
    /// Through `list.Children()`: an unlabelled one is skipped.
    Children,
}

/// (path of idents, block, walk), each path's rows in parse*.go's order.
const WALKS: &[(&str, &str, Walk)] = &[
    ("job", "constraint", Walk::Elem),
    ("job", "affinity", Walk::Elem),
    ("job", "spread", Walk::Elem),
    ("job.group", "constraint", Walk::Elem),
    ("job.group", "affinity", Walk::Elem),
    ("job.group", "spread", Walk::Elem),
    ("job.group.task", "constraint", Walk::Elem),
    ("job.group.task", "affinity", Walk::Elem),
    ("job.group.task.resources.device", "constraint", Walk::Elem),
    ("job.group.task.resources.device", "affinity", Walk::Elem),
    ("job", "update", Walk::ElemFirst),
    ("job", "reschedule", Walk::ElemFirst),
    ("job", "migrate", Walk::ElemFirst),
    ("job", "vault", Walk::ElemFirst),
    ("job", "periodic", Walk::ElemFirst),
    ("job", "parameterized", Walk::ElemFirst),
    ("job", "multiregion", Walk::ElemFirst),
    ("job.multiregion", "strategy", Walk::ElemFirst),
    ("job.group", "update", Walk::ElemFirst),
    ("job.group", "reschedule", Walk::ElemFirst),
    ("job.group", "migrate", Walk::ElemFirst),
    ("job.group", "vault", Walk::ElemFirst),
    ("job.group", "restart", Walk::ElemFirst),
    ("job.group", "ephemeral_disk", Walk::ElemFirst),
    ("job.group", "scaling", Walk::ElemFirst),
    ("job.group.task", "vault", Walk::ElemFirst),
    ("job.group.task", "restart", Walk::ElemFirst),
    ("job.group.task", "resources", Walk::ElemFirst),
    ("job.group.task", "csi_plugin", Walk::ElemFirst),
    ("job.group.task.artifact", "options", Walk::ElemFirst),
    ("job", "group", Walk::Children),
    ("job.group", "task", Walk::Children),
    ("job.multiregion", "region", Walk::Children),
];

/// Remove from the job node every block HCL1's jobspec skips for its
/// labels, with located advice for each.
pub fn drop_skipped(job: &mut Node, src: &Source, diags: &mut Diags) {
    walk(job, &mut String::new(), src, diags);
}

/// `dotted` is the path above `node` (`job.group`, empty at the job): one
/// buffer for the walk, and this node's rows of [`WALKS`] found once (a
/// path of Strings per node, and the tables searched for each block, were
/// most of this walk).
fn walk(node: &mut Node, dotted: &mut String, src: &Source, diags: &mut Diags) {
    let outer = dotted.len();
    if outer > 0 {
        dotted.push('.');
    }
    if node.ident.contains('.') {
        // An HCL1 key may hold dots (`"a.b" { ... }`): never a step of a
        // path below, so no row matches here or beneath.
        dotted.extend(node.ident.chars().map(|c| if c == '.' { '\0' } else { c }));
    } else {
        dotted.push_str(&node.ident);
    }
    let here: Vec<(&str, Walk)> = WALKS
        .iter()
        .filter(|(at, _, _)| *at == dotted.as_str())
        .map(|(_, kind, w)| (*kind, *w))
        .collect();
    let walked = |b: &Node| here.iter().find(|(kind, _)| *kind == b.ident).map(|r| r.1);
    let skipped = |b: &Node| match walked(b) {
        Some(Walk::Children) => b.labels.is_empty(),
        Some(Walk::Elem | Walk::ElemFirst) => !b.labels.is_empty(),
        None => false,
    };
    // An object block written only with labels leaves `list.Items` empty.
    let mut panics: Vec<&str> = Vec::new();
    for (kind, _) in here.iter().filter(|(_, w)| *w == Walk::ElemFirst) {
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
        walk(b, dotted, src, diags);
    }
    dotted.truncate(outer);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    /// One walk per block and place: a block both skipped for a label and
    /// for none would depend on the rows' order.
    #[test]
    fn each_block_has_one_walk_at_each_place() {
        let mut seen = std::collections::HashSet::new();
        for (at, kind, _) in WALKS {
            assert!(seen.insert((*at, *kind)), "{at} {kind}");
        }
    }

    /// A block whose key holds a dot is no step of a path: `"group.task"`
    /// under the job is not a task, and what it holds is kept.
    #[test]
    fn a_dotted_key_is_not_a_path() {
        let src = SourceFile::inline("j.nomad", "");
        let none = crate::source::Span::new(0, 0);
        let block = |ident: &str, labels: &[&str], blocks: Vec<Node>| Node {
            ident: ident.into(),
            ident_span: none,
            labels: labels.iter().map(|l| (l.to_string(), none)).collect(),
            span: none,
            attrs: Vec::new(),
            blocks,
        };
        let inner = block("constraint", &["c"], vec![]);
        let mut job = block(
            "job",
            &["j"],
            vec![block("group.task", &["t"], vec![inner])],
        );
        let mut diags = Diags::new();
        drop_skipped(&mut job, &src, &mut diags);
        assert!(diags.0.is_empty());
        assert_eq!(job.blocks[0].blocks.len(), 1);
        // The same constraint in a task is skipped.
        let inner = block("constraint", &["c"], vec![]);
        let task = block("task", &["t"], vec![inner]);
        let mut job = block("job", &["j"], vec![block("group", &["g"], vec![task])]);
        drop_skipped(&mut job, &src, &mut diags);
        assert_eq!(diags.0.len(), 1);
        assert!(job.blocks[0].blocks[0].blocks.is_empty());
    }
}
