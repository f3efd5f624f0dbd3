//! jobspec2's refusal of a `null` for an argument whose api field cannot
//! hold one (redteam7 D10, issue 13): `user = var.run_as` with a `default =
//! null` variable, a service's `port = null`, `"user": null` in hcl's JSON
//! syntax. Nomad (1.0+) cannot parse such a file; the tool read the null as
//! "unset" and passed it.
//!
//! One pass over the evaluated job, beside the lowering, so `validate`,
//! `check` and `plan` (which all load the file through jobspec::load) say
//! the same. Which argument refuses a null at which release is data
//! (null_table.rs, read off api/*.go at every tag); the words and place
//! are gohcl's (hashicorp/hcl gohcl/decode.go DecodeExpression
//! @v2.20.2-nomad-1): `Unsuitable value type; Unsuitable value: null value
//! is not allowed`, Subject the expression's StartRange, go-cty's error
//! text from cty/gocty/out.go fromCtyValue (v1.4.1 to v1.19.0 alike). Where
//! that range is not known here (a conditional, an index, a template), the
//! refusal stands in our words. Before 1.0 HCL1 has no null: nothing here.
//!
//! In hcl's JSON syntax (`"user": null`) the expression is the `null`
//! keyword's node, whose StartRange is its whole token (hcl json/ast.go
//! nullVal, json/structure.go expression.StartRange @v2.20.2-nomad-1; the
//! same at every hcl Nomad vendors): [`json_range`] places it as hcl's
//! JSON scanner counts, so a JSON job is refused in Nomad's words too.
//!
//! Several such errors in one block come out in gohcl's map order over the
//! struct's attributes: decode_order.rs says so, as for every decoding
//! error.

use super::fields::Cx;
use super::model::Value;
use super::null_table::{lookup, Api, Go, Takes};
use super::start_range::start_range;
use super::tree::{Attr, Node};
use super::var_file_json_scan::{scan, Kind};
use crate::diag::Diag;

/// Refuses every null the job's api structs cannot hold (1.0+).
pub fn check(job: &Node, cx: &mut Cx<'_>) {
    if cx.hcl2() {
        walk(job, Api::Job, cx);
    }
}

fn walk(n: &Node, of: Api, cx: &mut Cx<'_>) {
    for a in n.attrs.iter().filter(|a| matches!(a.value, Value::Null)) {
        if let Some(Takes::NoNull(go)) = lookup(of, &a.name, cx.version) {
            refuse(cx, a, go);
        }
    }
    for b in &n.blocks {
        if let Some(Takes::Block(child)) = lookup(of, &b.ident, cx.version) {
            walk(b, child, cx);
        }
    }
}

/// An element of a list-of-strings argument that is no string: a null is
/// refused as gohcl refuses it (every such api field is a `[]string`,
/// whose elements are values: gocty's fromCtyList decodes each with
/// fromCtyValue, which refuses a null in the same words, its path not
/// shown), anything else in our words.
pub fn list_element(cx: &mut Cx<'_>, a: &Attr, element: &Value) {
    if cx.hcl2() && matches!(element, Value::Null) {
        let help = format!(
            "drop the null from \"{}\" (`compact(...)` removes nulls and empty strings): Nomad's list holds strings, never a null",
            a.name
        );
        placed(cx, a, "list of strings", help);
    } else {
        cx.type_error(a, "list of strings");
    }
}

fn refuse(cx: &mut Cx<'_>, a: &Attr, go: Go) {
    let help = format!(
        "give \"{}\" a {}, or leave the argument out: Nomad's field for it cannot hold a null, so a null is no \"unset\" here",
        a.name,
        go.wants()
    );
    placed(cx, a, go.wants(), help);
}

/// gohcl's refusal at the expression's StartRange; our words where that
/// range is not known here.
fn placed(cx: &mut Cx<'_>, a: &Attr, want: &str, help: String) {
    match start_range(&cx.src.text, a.value_span) {
        Some(span) => cx.error("jobspec::type", span, REFUSED.into(), "null", &help),
        None => cx.error(
            "jobspec::type",
            a.value_span,
            format!(
                "Inappropriate value for attribute \"{}\": {want} required, got null",
                a.name
            ),
            "null",
            &help,
        ),
    }
}

/// gohcl's words for a null its field cannot hold.
pub(crate) const REFUSED: &str =
    "Unsuitable value type; Unsuitable value: null value is not allowed";

/// For [`check`]'s refusal `d` of a `null` keyword in a JSON job file
/// `text`: hcl.Range.String() of the keyword's token, as hcl's JSON
/// scanner counts lines and columns (var_file_json_scan.rs). None for any
/// other diagnostic, or where that count is not known here.
pub(crate) fn json_range(d: &Diag, text: &str, path: &str) -> Option<String> {
    if d.code != "jobspec::type" || d.message != REFUSED {
        return None;
    }
    let span = d.primary_span()?;
    scan(text)
        .into_iter()
        .find(|t| {
            t.kind == Kind::Keyword
                && t.range.start.byte == span.start
                && t.range.end.byte == span.end
                && text.get(span.start..span.end) == Some("null")
        })
        .and_then(|t| t.range.shown(path))
}
