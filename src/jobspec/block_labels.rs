//! The label count of every written block, as jobspec2's schema takes it
//! from 1.0. gohcl's `ImpliedBodySchema` gives a block field the
//! `hcl:"name,label"` fields of its element struct as label names, and
//! jobspec2's hand-written schemas add a few (types.config.go `decodeJob`:
//! the job's `secret` and `task`; hcl_conversions.go `decodeTask`: a task's
//! `scaling`), each named "name". Every other block takes none. hclsyntax
//! (hclsyntax/structure.go `Body.content`, the same text in every hcl/v2
//! Nomad vendors, v2.7.1 to v2.20.2-nomad-1) refuses a wrong count:
//!
//! - `Extraneous label for X; No labels are expected for X blocks.` at the
//!   first label, for a block that takes none;
//! - `Extraneous label for X; Only N labels (names) are expected for X
//!   blocks.` at the first label too many;
//! - `Missing NAME for X; All X blocks must have N labels (names).` at the
//!   opening brace, NAME being the first missing label's name (empty for an
//!   unnamed `hcl:",label"` such as a port's).
//!
//! Such a block is left out of the body's content, so nothing inside it is
//! decoded or checked. Without this a label was dropped (`service "x"`)
//! or a block read with an empty name (`port { }`), and the job accepted.
//!
//! The table below is checked against every release's api structs by
//! tests/jobspec_block_labels.rs (parser-labels-hcl2.txt, written by
//! tests/fixtures/jobspec/parser_keys.py --labels).

use hcl_edit::structure::{Block, Body};

use super::block_args::is_block_under;
use super::eval::span_of;
use super::version_keys;
use crate::diag::{Diag, Diags};
use crate::source::{Source, Span};
use crate::version::NomadVersion;

/// The blocks whose header takes labels, by the end of their path (the
/// enclosing block idents, innermost last), with the label names: one
/// label each at every release 1.0.0 to 2.0.5 (`""` for `hcl:",label"`).
const LABELLED: &[(&[&str], &str, &str)] = &[
    (&["job"], "group", "name"),
    (&["job"], "task", "name"),
    (&["job"], "secret", "name"),
    (&["group"], "task", "name"),
    (&["group"], "volume", "name"),
    (&["group"], "secret", "name"),
    (&["task"], "action", "name"),
    (&["task"], "scaling", "name"),
    (&["task"], "secret", "name"),
    (&["network"], "port", ""),
    (&["network"], "reserved_ports", ""),
    (&["resources"], "device", ""),
    (&["spread"], "target", ""),
    (&["multiregion"], "region", ""),
    (&["proxy"], "envoy_gateway_bind_addresses", ""),
];

/// The names of the labels a `kind` block takes under a path ending with
/// `path` in Nomad's job schema: empty for a block that takes none, `None`
/// where the schema does not decide (a type it does not have, or the
/// contents of an opaque map such as a driver's `config`).
pub fn schema_labels(path: &[&str], kind: &str) -> Option<&'static [&'static str]> {
    if !is_block_under(path, kind) {
        return None;
    }
    let names = LABELLED
        .iter()
        .find(|(under, k, _)| *k == kind && path.ends_with(under))
        .map(|(_, _, name)| std::slice::from_ref(name));
    Some(names.unwrap_or(&[]))
}

/// hclsyntax's error for a `kind` block written with `labels` labels where
/// the schema takes `names`, with the span it points at (`first_extra`:
/// the first label too many; `brace`: the block's `{`).
fn count_error(
    kind: &str,
    names: &[&str],
    labels: usize,
    first_extra: impl Fn(usize) -> Span,
    brace: Span,
) -> Option<(String, Span)> {
    let list = names.join(", ");
    let n = names.len();
    if labels > n {
        let text = if n == 0 {
            format!("Extraneous label for {kind}; No labels are expected for {kind} blocks.")
        } else {
            format!(
                "Extraneous label for {kind}; Only {n} labels ({list}) are expected for {kind} blocks."
            )
        };
        Some((text, first_extra(n)))
    } else if labels < n {
        let missing = names[labels];
        Some((
            format!(
                "Missing {missing} for {kind}; All {kind} blocks must have {n} labels ({list})."
            ),
            brace,
        ))
    } else {
        None
    }
}

/// The `{` that opens `b`'s body: the first one after its header.
pub(super) fn open_brace(b: &Block, src: &Source) -> Span {
    let from = b
        .labels
        .last()
        .map(|l| span_of(l).end)
        .unwrap_or(span_of(&b.ident).end);
    let at = src
        .text
        .get(from..)
        .and_then(|rest| rest.find('{'))
        .map(|i| from + i)
        .unwrap_or(from);
    Span::new(at, at + 1)
}

/// hclsyntax's error for `b` where its schema takes labels `names`.
pub(super) fn located(b: &Block, names: &[&str], src: &Source) -> Option<Diag> {
    let kind = b.ident.as_str();
    let extra = |i: usize| b.labels.get(i).map(span_of).unwrap_or_default();
    let (text, span) = count_error(kind, names, b.labels.len(), extra, open_brace(b, src))?;
    let help = match names.len() {
        0 => format!("write `{kind} {{ ... }}` without a label"),
        _ => format!("write `{kind} \"name\" {{ ... }}`: a {kind} block takes one label"),
    };
    let label = if b.labels.len() > names.len() {
        "unexpected label"
    } else {
        "label missing before this"
    };
    Some(
        Diag::error("jobspec::label", text)
            .at(src, span, label)
            .help(help),
    )
}

/// The file's own blocks besides `job` (jobspec2 types.config.go
/// jobConfigSchema: `variable` takes "name", `variables` and `locals`
/// none), from 1.0; decodeBody stops at these errors.
pub(super) fn check_top_level(body: &Body, src: &Source, v: NomadVersion, diags: &mut Diags) {
    if !v.at_least(1, 0, 0) {
        return;
    }
    for b in body.blocks() {
        let names: &[&str] = match b.ident.as_str() {
            "variable" => &["name"],
            "variables" | "locals" => &[],
            _ => continue,
        };
        if let Some(d) = located(b, names, src) {
            diags.push(d);
        }
    }
}

/// HCL's error for the job block's label count from 1.0 (jobConfigSchema:
/// `job` takes one label, "name"), else `None`.
pub(super) fn job_label_error(job: &Block, src: &Source) -> Option<Diag> {
    located(job, &["name"], src)
}

/// The located errors for every block of the job block in `body` whose
/// label count its type's schema refuses, under `v` (from 1.0; HCL1 reads
/// labels as object keys of its own).
pub fn check(body: &Body, src: &Source, v: NomadVersion, diags: &mut Diags) {
    if !v.at_least(1, 0, 0) {
        return;
    }
    if let Some(job) = body.blocks().find(|b| b.ident.as_str() == "job") {
        walk(&job.body, &mut vec!["job".to_string()], src, v, diags);
    }
}

/// One body as hclsyntax reads it: its own blocks' labels first (one
/// `Content` call per body), then each well-formed block's body in turn.
fn walk(body: &Body, path: &mut Vec<String>, src: &Source, v: NomadVersion, diags: &mut Diags) {
    let mut read: Vec<(&Body, String)> = Vec::new();
    for b in body.blocks() {
        let kind = b.ident.as_str();
        if kind == "dynamic" {
            // The generated block's labels are dynblock's (tree.rs); its
            // content is a body of the generated type.
            if let Some(generated) = b.labels.first() {
                for content in b.body.get_blocks("content") {
                    read.push((&content.body, generated.as_str().to_string()));
                }
            }
            continue;
        }
        let here: Vec<&str> = path.iter().map(String::as_str).collect();
        // A block this release lacks is the version gate's to refuse; its
        // labels are never read.
        if version_keys::lookup(&here, kind).is_some_and(|k| !k.known(v)) {
            continue;
        }
        let Some(names) = schema_labels(&here, kind) else {
            continue;
        };
        match located(b, names, src) {
            Some(d) => diags.push(d),
            None => read.push((&b.body, kind.to_string())),
        }
    }
    for (body, kind) in read {
        path.push(kind);
        walk(body, path, src, v, diags);
        path.pop();
    }
}

#[cfg(test)]
mod tests {
    use crate::jobspec::tests::load_text;

    fn errors(text: &str) -> Vec<String> {
        load_text(text)
            .diags
            .iter()
            .filter(|d| d.code == "jobspec::label")
            .map(|d| d.message.clone())
            .collect()
    }

    fn in_group(block: &str) -> String {
        format!("job \"j\" {{\n  group \"g\" {{\n    {block}\n  }}\n}}\n")
    }

    #[test]
    fn a_label_on_a_block_that_takes_none_is_hcls_error() {
        assert_eq!(
            errors(&in_group("service \"x\" {\n      name = \"a\"\n    }")),
            ["Extraneous label for service; No labels are expected for service blocks."]
        );
        assert!(errors(&in_group("service {\n      name = \"a\"\n    }")).is_empty());
        // A group's label is its name, never extraneous.
        assert!(errors(&in_group("count = 1")).is_empty());
    }

    #[test]
    fn every_count_gets_its_own_text() {
        assert_eq!(
            errors(&in_group("network {\n      port {}\n    }")),
            ["Missing  for port; All port blocks must have 1 labels ()."]
        );
        assert_eq!(
            errors(&in_group(
                "volume \"a\" \"b\" {\n      type = \"host\"\n    }"
            )),
            ["Extraneous label for volume; Only 1 labels (name) are expected for volume blocks."]
        );
        assert_eq!(
            errors(&in_group("task {\n      driver = \"exec\"\n    }")),
            ["Missing name for task; All task blocks must have 1 labels (name)."]
        );
        assert_eq!(
            errors(&in_group("ephemeral_disk \"d\" {\n      size = 10\n    }")),
            ["Extraneous label for ephemeral_disk; No labels are expected for ephemeral_disk blocks."]
        );
    }

    #[test]
    fn opaque_maps_and_dynamic_contents_are_read_as_nomad_reads_them() {
        // A driver's config is a map: its blocks' labels are data.
        let task = "task \"t\" {\n      driver = \"docker\"\n      config {\n        mount \"a\" {\n          x = 1\n        }\n      }\n    }";
        assert!(errors(&in_group(task)).is_empty());
        // Inside a dynamic block's content, the generated type's schema.
        let dynamic = "dynamic \"service\" {\n      for_each = [1]\n      content {\n        check \"c\" {\n          type = \"tcp\"\n        }\n      }\n    }";
        assert_eq!(
            errors(&in_group(dynamic)),
            ["Extraneous label for check; No labels are expected for check blocks."]
        );
    }
}
