//! A conditional's results unify to one type (redteam7 D4, issue 13):
//! hclsyntax's ConditionalExpr.Value unifies both results' types with
//! convert.UnifyUnsafe and converts the chosen one (hashicorp/hcl
//! hclsyntax/expression.go@v2.20.1; zclconf/go-cty
//! cty/convert/unify.go@v1.18.1), so `c ? 3 : "auto"` is the string "3".
//! A template whose data was `{"replicas":3}` becomes `{"replicas":"3"}`:
//! Nomad replaces the allocation, where we said "No changes".

use crate::common;

use common::{run_in, TempDir};

const CLUSTER: &str = "nomad_version = \"2.0.5\"\nedition = \"community\"\nregion = \"global\"\nclient \"c\" {\n  count = 1\n  datacenter = \"dc1\"\n  cpu = 4000\n  memory = 4000\n  disk = 10000\n  drivers = [\"docker\"]\n  attributes = { \"kernel.name\" = \"linux\" }\n}\n";

fn job(data: &str) -> String {
    format!("variable \"prod\" {{\n  type    = bool\n  default = true\n}}\njob \"app\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n    task \"t\" {{\n      driver = \"docker\"\n      config {{ image = \"app:1\" }}\n      template {{\n        destination = \"local/config.json\"\n        data        = {data}\n      }}\n    }}\n  }}\n}}\n")
}

fn plan(tag: &str, old: &str, new: &str) -> common::Out {
    let dir = TempDir::new(&format!("cond-types-{tag}"));
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
fn a_number_and_a_string_result_unify_to_string() {
    let o = plan(
        "unify",
        &job("jsonencode({ replicas = 3, debug = false })"),
        &job("jsonencode({ replicas = var.prod ? 3 : \"auto\", debug = var.prod ? false : \"verbose\" })"),
    );
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stdout.starts_with(
            "+/- Job: \"app\"\n+/- Task Group: \"g\" (1 create/destroy update)\n  +/- Task: \"t\" (forces create/destroy update)\n"
        ),
        "{}",
        o.stdout
    );
    // The strings Nomad renders: no change against them.
    let o = plan(
        "same",
        &job("jsonencode({ replicas = \"3\", debug = \"false\" })"),
        &job("jsonencode({ replicas = var.prod ? 3 : \"auto\", debug = var.prod ? false : \"verbose\" })"),
    );
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
}
