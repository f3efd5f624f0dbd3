//! A set is no list to go-cty: `element()` of a set is refused by
//! ElementFunc's Type ("cannot read elements from set of string",
//! stdlib collection.go, the same at go-cty 1.4.1 to 1.18.1), and
//! `reverse()` (stdlib.ReverseFunc, a string function in Nomad's table:
//! jobspec2/functions.go v2.0.5) names the set's type it got. The sets a
//! job file makes: `fileset` (go-cty-funcs v0.1.0 filesystem: `set of
//! string`), `setunion`, `setintersection`, `convert(x, set(T))`, a
//! variable of a set type. Each expected line is the one an oracle built
//! from hclsyntax v2.20.2-nomad-1, go-cty 1.16.3 and go-cty-funcs v0.1.0
//! prints (its columns shifted to the meta line below). Before, every
//! `element()` here answered and `validate` said "Job validation
//! successful": a false all-clear. Where the value may be a set and its
//! type is not known, the answer is "cannot tell" (exit 255).

use crate::common;

fn job(meta: &str, vars: &str) -> String {
    format!(
        "{vars}job \"web\" {{\n  datacenters = [\"dc1\"]\n  meta {{\n    k = {meta}\n  }}\n  group \"g\" {{\n    task \"t\" {{\n      driver = \"docker\"\n      config {{ image = \"x\" }}\n    }}\n  }}\n}}\n"
    )
}

const HEAD: &str = "Error getting job struct: Error parsing job file from j.nomad:\n";

fn run(tag: &str, cmd: &str, text: &str) -> common::Out {
    let d = common::TempDir::new(&format!("setkind-{tag}-{cmd}"));
    for f in ["a.txt", "b.txt", "c.txt"] {
        d.put(f, "x");
    }
    d.put("j.nomad", text);
    common::run_in(&d.0, &[cmd, "--nomad-version", "2.0.5", "j.nomad"])
}

/// validate (exit 1) and plan (exit 255) print `line` after the head.
fn refused(tag: &str, meta: &str, vars: &str, line: &str) {
    let line_no = 4 + vars.lines().count();
    for (cmd, want) in [("validate", 1), ("plan", 255)] {
        let o = run(tag, cmd, &job(meta, vars));
        assert_eq!(o.code, want, "{meta} {cmd}: {}", o.stderr);
        let head = format!("{HEAD}j.nomad:{line_no},{line}\n");
        let err: String = o
            .stderr
            .lines()
            .filter(|l| !l.starts_with("note: "))
            .map(|l| format!("{l}\n"))
            .collect();
        assert!(
            err.starts_with(&head),
            "{meta} {cmd}:\n{err}\nwant:\n{head}"
        );
    }
}

const ELEMENT: &str =
    "9-17: Error in function call; Call to function \"element\" failed: cannot read elements from";

#[test]
fn element_of_a_set_is_refused_as_go_cty_refuses_it() {
    let cases = [
        (
            "union",
            "element(setunion([\"b\", \"a\"], [\"c\"]), 1)",
            "set of string",
        ),
        (
            "fileset",
            "element(fileset(\".\", \"*.txt\"), 0)",
            "set of string",
        ),
        (
            "convert",
            "element(convert([\"b\",\"a\"], set(string)), 0)",
            "set of string",
        ),
        ("numbers", "element(setunion([1], [2]), 0)", "set of number"),
        ("object", "element({a = 1}, 0)", "object"),
        (
            "map",
            "element(convert({a = 1}, map(number)), 0)",
            "map of number",
        ),
    ];
    for (tag, meta, ty) in cases {
        refused(tag, meta, "", &format!("{ELEMENT} {ty}."));
    }
}

#[test]
fn element_of_a_set_typed_variable_or_local_is_refused() {
    let var = "variable \"s\" {\n  type    = set(string)\n  default = [\"b\", \"a\"]\n}\n";
    refused(
        "var",
        "element(var.s, 0)",
        var,
        &format!("{ELEMENT} set of string."),
    );
    let local = "locals {\n  files = fileset(\".\", \"*.txt\")\n}\n";
    refused(
        "local",
        "element(local.files, 0)",
        local,
        &format!("{ELEMENT} set of string."),
    );
}

#[test]
fn reverse_names_the_set_it_was_given() {
    let want = |c: &str| {
        format!("{c}: Invalid function argument; Invalid value for \"str\" parameter: string required, but have set of string.")
    };
    refused(
        "rev-union",
        "reverse(setunion([\"b\", \"a\"], [\"c\"]))",
        "",
        &want("17-26"),
    );
    refused(
        "rev-fileset",
        "reverse(fileset(\".\", \"*.txt\"))",
        "",
        &want("17-25"),
    );
}

/// A function whose return type is a static list (go-cty stdlib
/// `function.StaticReturnType(cty.List(cty.String))`: string.go SplitFunc
/// and SortFunc, format.go FormatListFunc, collection.go CompactFunc;
/// `cty.List(cty.Number)`: sequence.go RangeFunc, go-cty 1.4.1 to 1.18.1)
/// gives a list, which MismatchMessage (mismatch_msg.go, 1.16.3 on) names
/// as such: "but have list of string", not the literal's "tuple", also
/// through a local.
#[test]
fn reverse_names_a_functions_list_type() {
    let want = |c: &str, t: &str| {
        format!("{c}: Invalid function argument; Invalid value for \"str\" parameter: string required, but have {t}.")
    };
    refused(
        "rev-split",
        "reverse(split(\",\", \"a,b\"))",
        "",
        &want("17-23", "list of string"),
    );
    refused(
        "rev-sort",
        "reverse(sort([\"b\", \"a\"]))",
        "",
        &want("17-22", "list of string"),
    );
    refused(
        "rev-range",
        "upper(range(3))",
        "",
        &want("15-21", "list of number"),
    );
    refused(
        "rev-local",
        "reverse(local.parts)",
        "locals {\n  parts = compact(split(\",\", \"a,,b\"))\n}\n",
        &want("17-28", "list of string"),
    );
}

/// A value that may be a set, of a type not known here: one "cannot
/// tell" line, exit 255, never an element read as a list's.
#[test]
fn element_of_what_may_be_a_set_is_cannot_tell() {
    let meta = "element(try(setproduct(convert([\"a\"], set(string)), [\"b\"]), []), 0)";
    let o = run("maybe", "validate", &job(meta, ""));
    assert_eq!(o.code, 255, "{}", o.stderr);
    assert!(
        o.stderr.contains("cannot tell what element() answers here"),
        "{}",
        o.stderr
    );
    assert!(!o.stdout.contains("Job validation successful"));
}

/// Guard: lists and tuples still answer (split's list, a literal tuple).
#[test]
fn element_of_a_list_still_answers() {
    for meta in [
        "element(split(\",\", \"a,b\"), 1)",
        "element([\"a\", \"b\"], 3)",
        "join(\",\", fileset(\".\", \"*.txt\"))",
    ] {
        let o = run("list", "validate", &job(meta, ""));
        assert_eq!(o.code, 0, "{meta}: {}", o.stderr);
        assert!(
            o.stdout.contains("Job validation successful"),
            "{}",
            o.stdout
        );
    }
}
