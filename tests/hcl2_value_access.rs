//! Index and attribute steps on values refused in hcl's words and with
//! hcl's ranges (`PATH:L,C-C: Summary; Detail`): hcl ops.go Index and
//! GetAttr, as Nomad 2.0.5 pins them (v2.20.2-nomad-1 = 55d9c02d147d, also
//! 1.9.0+) and as 1.0-1.8 pin them (68a97f93bb48, eb14f8319bdc,
//! ab3cae0737bc, which do not word sequences' bad indexes apart); the
//! range is the step's own (`.a`, `[0]`: hclsyntax TraverseAttr,
//! TraverseIndex, IndexExpr.BracketRange). redteam7 D11, issue 13.

use crate::common;

fn job(meta: &str) -> String {
    format!(
        "job \"web\" {{\n  datacenters = [\"dc1\"]\n  meta {{\n    k = {meta}\n  }}\n  group \"g\" {{\n    task \"t\" {{\n      driver = \"docker\"\n      config {{ image = \"x\" }}\n    }}\n  }}\n}}\n"
    )
}

const HEAD: &str = "Error getting job struct: Error parsing job file from j.nomad:\n";

/// validate (exit 1) and plan (exit 255) of `meta` at `v` print `line`
/// after the head.
fn refused(tag: &str, v: &str, meta: &str, line: &str) {
    for (cmd, want) in [("validate", 1), ("plan", 255)] {
        let (code, err) = common::run_job_file(&format!("{tag}-{cmd}-{v}"), cmd, &job(meta), v);
        assert_eq!(code, Some(want), "{meta} {cmd} {v}: {err}");
        let head = format!("{HEAD}{line}\n");
        assert!(
            err.starts_with(&head),
            "{meta} {cmd} {v}:\n{err}\nwant:\n{head}"
        );
    }
}

const ID: &str =
    "Invalid index; The given key does not identify an element in this collection value";

#[test]
fn a_missing_attribute_of_a_splat_element() {
    for v in ["1.6.0", "2.0.5"] {
        refused(
            "splat",
            v,
            "[{a=1},{b=2}][*].a",
            "j.nomad:4,25-27: Unsupported attribute; This object does not have an attribute named \"a\".",
        );
    }
}

#[test]
fn bad_sequence_indexes_as_hcl_2_20_words_them() {
    let v = "2.0.5";
    refused(
        "neg",
        v,
        "[\"a\",\"b\"][-1]",
        &format!("j.nomad:4,18-22: {ID}: a negative number is not a valid index for a sequence."),
    );
    refused(
        "frac",
        v,
        "[\"a\"][1.5]",
        &format!("j.nomad:4,14-19: {ID}: indexing a sequence requires a whole number, but the given index has a fractional part."),
    );
    refused(
        "past",
        v,
        "[1][5]",
        &format!("j.nomad:4,12-15: {ID}: the given index is greater than or equal to the length of the collection."),
    );
    refused(
        "empty",
        v,
        "[][0]",
        &format!("j.nomad:4,11-14: {ID}: the collection has no elements."),
    );
    refused(
        "objnum",
        v,
        "{a=1}[0]",
        &format!("j.nomad:4,14-17: {ID}. An object only supports looking up attributes by name, not by numeric index."),
    );
    refused(
        "prim",
        v,
        "\"s\".x",
        "j.nomad:4,12-14: Unsupported attribute; Can't access attributes on a primitive-typed value (string).",
    );
}

#[test]
fn bad_sequence_indexes_as_nomads_earlier_hcl_words_them() {
    let v = "1.6.0";
    refused(
        "neg",
        v,
        "[\"a\",\"b\"][-1]",
        &format!("j.nomad:4,18-22: {ID}."),
    );
    refused(
        "frac",
        v,
        "[\"a\"][1.5]",
        &format!("j.nomad:4,14-19: {ID}: indexing a sequence requires a whole number, but the given index (1.5) has a fractional part."),
    );
    refused("past", v, "[1][5]", &format!("j.nomad:4,12-15: {ID}."));
    refused(
        "prim",
        v,
        "\"s\".x",
        "j.nomad:4,12-14: Unsupported attribute; This value does not have any attributes.",
    );
}

#[test]
fn a_map_variable_misses_an_element_not_an_attribute() {
    let text = job("var.m.b").replace(
        "job \"web\"",
        "variable \"m\" {\n  type    = map(string)\n  default = { a = \"x\" }\n}\njob \"web\"",
    );
    let (code, err) = common::run_job_file("mapvar", "validate", &text, "2.0.5");
    assert_eq!(code, Some(1), "{err}");
    let line = "j.nomad:8,14-16: Missing map element; This map does not have an element with the key \"b\".\n";
    assert!(err.starts_with(&format!("{HEAD}{line}")), "{err}");
}
