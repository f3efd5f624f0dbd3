//! A block written twice, in jobspec2's words (1.0+). gohcl refuses a
//! second block where its field holds one (hcl gohcl/decode.go
//! decodeBodyToStruct: `Duplicate x block; Only one x block is allowed.
//! Another was defined at RANGE.` at the second block's DefRange, naming
//! the first's); two `meta {}` blocks used to merge and validate: a false
//! all-clear. From 1.0.4 a job's, group's or task's `meta` and a task's
//! `env` are read as an argument first (jobspec2 hcl_conversions.go
//! decodeAsAttribute), which refuses a block beside the argument:
//! `Duplicate env block; env may not be defined more than once. Another
//! definition is defined at RANGE.` (the argument's whole range) at the
//! first block's DefRange. Before 1.0.4 the argument is hclsyntax's
//! `Unsupported argument`. DefRange runs through the open brace before
//! hcl 2.20 (Nomad 1.8.1).

mod common;

fn task(extra: &str) -> String {
    format!("job \"j\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"redis:7\"\n      }}\n{extra}    }}\n  }}\n}}\n")
}

fn refused(name: &str, text: &str, v: &str, line: &str) {
    let (code, err) = common::run_job_file(&format!("dup-{name}-{v}"), "validate", text, v);
    let want = format!("Error getting job struct: Error parsing job file from j.nomad:\n{line}\n");
    assert_eq!(code, Some(1), "{name} {v}: {err}");
    assert!(err.starts_with(&want), "{name} {v}:\n{err}\nwant:\n{want}");
}

#[test]
fn two_meta_blocks_are_gohcls_duplicate() {
    let text = task(
        "      meta {\n        a = \"1\"\n      }\n      meta {\n        b = \"2\"\n      }\n",
    );
    for v in ["1.0.0", "1.8.0"] {
        refused("meta", &text, v, "j.nomad:12,7-13: Duplicate meta block; Only one meta block is allowed. Another was defined at j.nomad:9,7-13.");
    }
    for v in ["1.8.1", "2.0.5"] {
        refused("meta", &text, v, "j.nomad:12,7-11: Duplicate meta block; Only one meta block is allowed. Another was defined at j.nomad:9,7-11.");
    }
    // HCL1 merges them.
    let (code, err) = common::run_job_file("dup-meta-hcl1", "validate", &text, "0.12.0");
    assert_eq!(code, Some(0), "{err}");
}

#[test]
fn two_logs_blocks_are_gohcls_duplicate() {
    let text = task("      logs {\n        max_files = 2\n      }\n      logs {\n        max_files = 3\n      }\n");
    refused("logs", &text, "2.0.5", "j.nomad:12,7-11: Duplicate logs block; Only one logs block is allowed. Another was defined at j.nomad:9,7-11.");
}

#[test]
fn an_env_argument_beside_an_env_block_is_decode_as_attributes_refusal() {
    let text = task("      env = { A = \"1\" }\n      env {\n        B = \"2\"\n      }\n");
    refused("env", &text, "1.0.4", "j.nomad:10,7-12: Duplicate env block; env may not be defined more than once. Another definition is defined at j.nomad:9,7-24.");
    refused("env", &text, "2.0.5", "j.nomad:10,7-10: Duplicate env block; env may not be defined more than once. Another definition is defined at j.nomad:9,7-24.");
    refused("env", &text, "1.0.0", "j.nomad:9,7-10: Unsupported argument; An argument named \"env\" is not expected here. Did you mean to define a block of type \"env\"?");
}
