//! A `set(...)` value is a cty set (redteam7 D3, issue 13): duplicates
//! collapse and it iterates in go-cty's order, strings by their bytes and
//! numbers by value (setRules.Less, zclconf/go-cty
//! cty/set_internals.go@v1.18.1, `Set.Values()` cty/set/ops.go). jobspec2
//! converts a variable's default to its declared type
//! (jobspec2/types.variables.go@v2.0.5, typeexpr then convert.Convert),
//! so a `dynamic` block over a `set(string)` variable is generated in
//! that order: against templates running in file order, Nomad's
//! tasksUpdated compares the template lists in order
//! (scheduler/util.go@v2.0.5) and replaces the allocation.

use crate::common;

use common::{run_in, TempDir};

const CLUSTER: &str = "nomad_version = \"2.0.5\"\nedition = \"community\"\nregion = \"global\"\nclient \"c\" {\n  count = 1\n  datacenter = \"dc1\"\n  cpu = 4000\n  memory = 4000\n  disk = 10000\n  drivers = [\"docker\"]\n  attributes = { \"kernel.name\" = \"linux\" }\n}\n";

fn task(body: &str) -> String {
    format!("job \"st\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n    task \"t\" {{\n      driver = \"docker\"\n      config {{ image = \"app:1\" }}\n{body}    }}\n  }}\n}}\n")
}

fn template(file: &str) -> String {
    format!("      template {{\n        destination = \"local/{file}\"\n        data        = \"{{{{ key \\\"cfg/{file}\\\" }}}}\"\n      }}\n")
}

/// The two templates from a `set(string)` variable whose default is
/// `files`.
fn from_set(files: &str) -> String {
    let dynamic = "      dynamic \"template\" {\n        for_each = var.files\n        content {\n          destination = \"local/${template.value}\"\n          data        = \"{{ key \\\"cfg/${template.value}\\\" }}\"\n        }\n      }\n";
    format!(
        "variable \"files\" {{\n  type    = set(string)\n  default = {files}\n}}\n{}",
        task(dynamic)
    )
}

fn plan(tag: &str, old: &str, new: &str) -> common::Out {
    let dir = TempDir::new(&format!("set-types-{tag}"));
    dir.put("rules/cluster.hcl", CLUSTER);
    dir.put("jobs/old.nomad", old);
    dir.put("jobs/new.nomad", new);
    run_in(
        &dir.0,
        &[
            "plan",
            "--no-color",
            "--running",
            "jobs/old.nomad",
            "jobs/new.nomad",
        ],
    )
}

#[test]
fn a_dynamic_block_over_a_set_goes_in_go_cty_order() {
    // Running: b.conf then a.conf, as written. The set gives a.conf, b.conf.
    let written = task(&format!("{}{}", template("b.conf"), template("a.conf")));
    let o = plan("order", &written, &from_set("[\"b.conf\", \"a.conf\"]"));
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stdout.starts_with(
            "+/- Job: \"st\"\n+/- Task Group: \"g\" (1 create/destroy update)\n  +/- Task: \"t\" (forces in-place update)\n"
        ),
        "{}",
        o.stdout
    );
}

#[test]
fn a_set_holds_each_value_once() {
    // Nomad: the same two templates, no change (no "same destination").
    let o = plan(
        "dedupe",
        &from_set("[\"b.conf\", \"a.conf\"]"),
        &from_set("[\"a.conf\", \"b.conf\", \"a.conf\"]"),
    );
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stdout
            .starts_with("Job: \"st\"\nTask Group: \"g\" (1 ignore)\n  Task: \"t\"\n"),
        "{}",
        o.stdout
    );
}

#[test]
fn values_of_set_type_in_go_cty_order() {
    let meta = "  meta {\n    s = jsonencode(var.s)\n    n = jsonencode(convert([3, 1, 10, 1], set(number)))\n    c = jsonencode(convert([\"b\", \"a\", \"b\"], set(string)))\n  }\n";
    let old = task("").replace("  group", &format!("{meta}  group"));
    let new = format!(
        "variable \"s\" {{\n  type    = set(string)\n  default = [\"b\", \"a\", \"b\"]\n}}\n{}",
        old
    );
    let old = old
        .replace("jsonencode(var.s)", "\"[\\\"a\\\",\\\"b\\\"]\"")
        .replace(
            "jsonencode(convert([3, 1, 10, 1], set(number)))",
            "\"[1,3,10]\"",
        )
        .replace(
            "jsonencode(convert([\"b\", \"a\", \"b\"], set(string)))",
            "\"[\\\"a\\\",\\\"b\\\"]\"",
        );
    let o = plan("values", &old, &new);
    assert_eq!(o.code, 0, "{}{}\n{old}", o.stdout, o.stderr);
}

#[test]
fn a_set_of_objects_has_an_order_we_cannot_tell() {
    // go-cty orders objects in a set by their hash text; two distinct
    // ones: "cannot tell", never an order of our own.
    let new = format!(
        "variable \"ss\" {{\n  type    = set(object({{ n = string }}))\n  default = [{{ n = \"b\" }}, {{ n = \"a\" }}, {{ n = \"b\" }}]\n}}\n{}",
        task("").replace("  group", "  meta {\n    ss = jsonencode(var.ss)\n  }\n  group")
    );
    let o = plan("objects", &task(""), &new);
    assert_ne!(o.code, 0, "{}{}", o.stdout, o.stderr);
    assert_ne!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(o.stderr.contains("cannot tell"), "{}", o.stderr);
}
