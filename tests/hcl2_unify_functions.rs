//! Collection functions convert their arguments to the type go-cty
//! unifies them to (redteam7 D4, issue 13): `coalesce` unifies all its
//! arguments' types (cty/function/stdlib/general.go CoalesceFunc),
//! `lookup` converts its default to a map's element type (collection.go
//! LookupFunc), `compact`'s parameter is `list(string)` and `distinct`'s
//! `list(dynamic)` (a tuple's element types unified), `concat` of lists
//! unifies them (sequence.go ConcatFunc), `convert` to an object keeps
//! only the attributes the type names. A template built with one renders
//! strings where the tool rendered numbers: Nomad replaces the
//! allocation where the tool said "No changes". Answers checked against
//! an oracle built from go-cty 1.4.1, 1.8.0, 1.12.1, 1.13.0 and 1.16.3.

use crate::common;

use common::{run_in, TempDir};

const CLUSTER: &str = "nomad_version = \"2.0.5\"\nedition = \"community\"\nregion = \"global\"\nclient \"c\" {\n  count = 1\n  datacenter = \"dc1\"\n  cpu = 4000\n  memory = 4000\n  disk = 10000\n  drivers = [\"docker\"]\n  attributes = { \"kernel.name\" = \"linux\" }\n}\n";

const VARS: &str = "variable \"replicas\" {\n  type    = string\n  default = null\n}\nvariable \"sizes\" {\n  type    = map(string)\n  default = { small = \"1\" }\n}\n";

fn job(data: &str) -> String {
    format!("{VARS}job \"app\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n    task \"t\" {{\n      driver = \"docker\"\n      config {{ image = \"app:1\" }}\n      template {{\n        destination = \"local/config.json\"\n        data        = {data}\n      }}\n    }}\n  }}\n}}\n")
}

fn plan(tag: &str, old: &str, new: &str) -> common::Out {
    let dir = TempDir::new(&format!("unify-fns-{tag}"));
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

const REPLACED: &str = "+/- Job: \"app\"\n+/- Task Group: \"g\" (1 create/destroy update)\n  +/- Task: \"t\" (forces create/destroy update)\n";

/// Each spelling renders strings in Nomad: against the numbers it
/// replaces, the template changes; against the strings, nothing does.
#[test]
fn unified_arguments_render_as_strings() {
    let cases = [
        // A `string` variable's null unifies 3 to the string "3".
        (
            "coalesce",
            "jsonencode({ replicas = coalesce(var.replicas, 3) })",
        ),
        // The default converts to the map's element type, string.
        (
            "lookup",
            "jsonencode({ replicas = lookup(var.sizes, \"large\", 3) })",
        ),
        // list(string): every element a string.
        (
            "compact",
            "jsonencode({ replicas = compact([3, \"\"])[0] })",
        ),
        // list(dynamic): a tuple's elements unify to string.
        (
            "distinct",
            "jsonencode({ replicas = distinct([3, \"x\"])[0] })",
        ),
        // A conditional's tuples unify element by element (hclsyntax
        // ConditionalExpr.Value): [3] becomes ["3"].
        (
            "conditional",
            "jsonencode({ replicas = (true ? [3] : [\"x\"])[0] })",
        ),
    ];
    for (tag, data) in cases {
        let o = plan(tag, &job("jsonencode({ replicas = 3 })"), &job(data));
        assert_eq!(o.code, 1, "{tag}: {}{}", o.stdout, o.stderr);
        assert!(o.stdout.starts_with(REPLACED), "{tag}: {}", o.stdout);
        let o = plan(
            &format!("{tag}-same"),
            &job("jsonencode({ replicas = \"3\" })"),
            &job(data),
        );
        assert_eq!(o.code, 0, "{tag}: {}{}", o.stdout, o.stderr);
    }
}

/// `convert` to an object drops the attributes its type does not name
/// (cty/convert/conversion_object.go): the rendered file loses them.
#[test]
fn convert_to_an_object_keeps_its_attributes_only() {
    let data = "jsonencode(convert({ replicas = 3, debug = true }, object({ replicas = string })))";
    let o = plan(
        "convert",
        &job("jsonencode({ replicas = \"3\" })"),
        &job(data),
    );
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
}
