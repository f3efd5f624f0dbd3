//! An untyped local holds its expression's value with that value's own
//! cty type: jobspec2 evaluates `locals` with hcl and converts nothing
//! (jobspec2/types.config.go evaluateLocalVariables, 1.0.0-2.0.5). So
//! `[]` is an empty tuple (hclsyntax TupleConsExpr), `{}` an empty object
//! (ObjectConsExpr) and `null` a null of cty.DynamicPseudoType, and
//! go-cty's functions and operators answer on those types as they do on
//! the literals themselves: `length([])` is 0, `concat([], ["a"])` is
//! `["a"]`, `[] == []` is true, `coalesce(null, "d")` is "d", and
//! `length({})` is refused (stdlib.LengthFunc: an object is no
//! collection), and a conditional unifies its results as it does the
//! literals'. `coalesce`, `length` of an object and conditionals were
//! "cannot tell" through a local (`length([])`, `concat` and `==` were
//! already right: guards).

use crate::common;

fn job(locals: &str, meta: &str) -> String {
    format!("locals {{\n{locals}}}\n\n{}", common::meta_job(meta))
}

/// Whether `plan --format json --verbose` of `text` shows the meta
/// value `want` (the run's output when not).
fn shows(tag: &str, text: &str, want: &str) -> Result<(), String> {
    let (code, out, err) = common::run_job(
        tag,
        text,
        &[
            "plan",
            "--nomad-version",
            "2.0.5",
            "--format",
            "json",
            "--verbose",
            "j.nomad",
        ],
    );
    let quoted = serde_json::to_string(want).expect("json");
    if (code == 0 || code == 1) && out.contains(&quoted) {
        return Ok(());
    }
    Err(format!("{code}: {out}{err}"))
}

#[test]
fn empty_collections_and_nulls_keep_go_ctys_types_through_a_local() {
    let locals = "  x = []\n  o = {}\n  n = null\n  y = local.x\n";
    for (meta, want) in [
        ("\"r=${length(local.x)}\"", "r=0"),
        ("\"r=${jsonencode(concat(local.x, [\"a\"]))}\"", "r=[\"a\"]"),
        ("\"r=${jsonencode(concat(local.y, [\"a\"]))}\"", "r=[\"a\"]"),
        ("local.x == [] ? \"r=same\" : \"r=differ\"", "r=same"),
        ("\"r=${coalesce(local.n, \"d\")}\"", "r=d"),
        ("\"r=${length(keys(local.o))}\"", "r=0"),
        // hcl's conditional unifies both results' types and converts the
        // chosen one (ConditionalExpr.Value): as with the literals.
        ("\"r=${jsonencode(true ? local.x : [\"a\"])}\"", "r=[]"),
        (
            "\"r=${jsonencode(false ? local.o : {a = \"b\"})}\"",
            "r={\"a\":\"b\"}",
        ),
        ("\"r=${jsonencode(false ? local.n : \"x\")}\"", "r=\"x\""),
        ("\"r=${coalesce(local.n, local.n, \"z\")}\"", "r=z"),
    ] {
        let got = shows("locals-types", &job(locals, meta), want);
        assert_eq!(got, Ok(()), "{meta}");
    }
}

#[test]
fn an_empty_object_local_is_no_collection_for_length() {
    let (code, _, err) = common::run_job(
        "locals-types-len",
        &job("  o = {}\n", "length(local.o)"),
        &["validate", "--nomad-version", "2.0.5", "j.nomad"],
    );
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains(
            "Call to function \"length\" failed: collection must be a list, a map or a tuple."
        ),
        "{err}"
    );
    assert!(!err.contains("cannot tell"), "{err}");
}
