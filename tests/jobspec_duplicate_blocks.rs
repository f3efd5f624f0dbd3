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

use crate::common;

/// What Nomad prints for a file it refuses: the lines after the header,
/// up to our own rendering of them.
fn nomad_lines(err: &str) -> Vec<&str> {
    err.lines()
        .skip_while(|l| !l.starts_with("Error getting job struct: "))
        .skip(1)
        .take_while(|l| l.starts_with("j.nomad:") || l.starts_with("<nil>: "))
        .collect()
}

/// `cmd` at `v` refuses `text` with exactly `lines`.
fn exactly(name: &str, text: &str, v: &str, lines: &[&str]) {
    let (code, err) = common::run_job_file(&format!("dup-{name}-{v}"), "validate", text, v);
    assert_eq!(code, Some(1), "{name} {v}: {err}");
    assert_eq!(nomad_lines(&err), lines, "{name} {v}:\n{err}");
}

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

/// gohcl `continue`s past a field after its `Duplicate x block` (hcl
/// gohcl/decode.go decodeBodyToStruct, every hcl Nomad vendors): neither
/// copy is decoded, so nothing inside them, a wrong type, an unknown key,
/// an undefined variable, is ever said.
#[test]
fn nothing_inside_either_copy_is_said() {
    let text = task("      resources {\n        cpu = var.nope\n      }\n      resources {\n        memory = \"x\"\n        foo = 1\n      }\n");
    exactly("inside-1.6", &text, "1.6.0", &["j.nomad:12,7-18: Duplicate resources block; Only one resources block is allowed. Another was defined at j.nomad:9,7-18."]);
    exactly("inside-2.0", &text, "2.0.5", &["j.nomad:12,7-16: Duplicate resources block; Only one resources block is allowed. Another was defined at j.nomad:9,7-16."]);
    let meta =
        task("      meta {\n        a = [1]\n      }\n      meta {\n        b = \"2\"\n      }\n");
    exactly("meta-inside", &meta, "2.0.5", &["j.nomad:12,7-11: Duplicate meta block; Only one meta block is allowed. Another was defined at j.nomad:9,7-11."]);
}

/// A job's `vault` is decodeTopLevelExtras's (jobspec2 types.config.go,
/// 1.0.0-2.0.5): its own words, each later copy refused and unread.
#[test]
fn a_jobs_vault_twice_is_decode_top_level_extras_refusal() {
    let text = "job \"j\" {\n  datacenters = [\"dc1\"]\n  vault {\n    policies = [\"a\"]\n  }\n  vault {\n    policies = 1\n  }\n  vault {\n  }\n  group \"g\" {\n    task \"t\" {\n      driver = \"docker\"\n      config {\n        image = \"redis:7\"\n      }\n    }\n  }\n}\n";
    exactly("job-vault", text, "2.0.5", &[
        "j.nomad:6,3-8: Duplicate vault block; Only one block of type \"vault\" is allowed. Previous definition was at j.nomad:3,3-8.",
        "j.nomad:9,3-8: Duplicate vault block; Only one block of type \"vault\" is allowed. Previous definition was at j.nomad:3,3-8.",
    ]);
    exactly("job-vault", text, "1.6.0", &[
        "j.nomad:6,3-10: Duplicate vault block; Only one block of type \"vault\" is allowed. Previous definition was at j.nomad:3,3-10.",
        "j.nomad:9,3-10: Duplicate vault block; Only one block of type \"vault\" is allowed. Previous definition was at j.nomad:3,3-10.",
    ]);
}

/// decodeTaskGroup (jobspec2 hcl_conversions.go, 1.0.0-2.0.5) decodes a
/// group's `vault` blocks into `diags`, then overwrites `diags` with the
/// rest of the group's decoding: a typo'd key there is accepted without a
/// word, two copies are no error, the last one wins.
#[test]
fn a_groups_vault_is_decoded_and_its_errors_dropped() {
    let text = "job \"j\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    vault {\n      polices = [\"a\"]\n    }\n    task \"t\" {\n      driver = \"docker\"\n      config {\n        image = \"redis:7\"\n      }\n    }\n  }\n}\n";
    let (code, err) = common::run_job_file("group-vault-2.0", "validate", text, "2.0.5");
    assert_eq!(code, Some(0), "{err}");
    // 1.6's servers still want the policies the typo left out.
    let (code, err) = common::run_job_file("group-vault-1.6", "validate", text, "1.6.0");
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("Policy list cannot be empty"), "{err}");
    assert!(!err.contains("Unsupported argument"), "{err}");
    let twice = text.replace(
        "    task \"t\"",
        "    vault {\n      policies = [\"b\"]\n    }\n    task \"t\"",
    );
    let (code, err) = common::run_job_file("group-vault-twice", "validate", &twice, "1.6.0");
    assert_eq!(code, Some(0), "{err}");
}

/// decodeTaskGroup returns at decodeAsAttribute's refusal (1.0.4+):
/// nothing else inside the group is decoded.
#[test]
fn a_group_meta_argument_and_block_is_its_groups_one_line() {
    let text = "job \"j\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    count = \"x\"\n    meta = { a = \"1\" }\n    meta {\n      b = \"2\"\n    }\n    task \"t\" {\n      driver = \"docker\"\n    }\n  }\n}\n";
    exactly("group-meta", text, "2.0.5", &["j.nomad:6,5-9: Duplicate meta block; meta may not be defined more than once. Another definition is defined at j.nomad:5,5-23."]);
}

/// decodeVariableBlock looks the name up before it reads the block
/// (jobspec2 types.variables.go, 1.0.0-2.0.5): a second declaration is
/// refused unread, its diagnostic without a subject.
#[test]
fn a_variable_declared_twice_is_refused_unread() {
    let text = "variable \"a\" {\n  default = 1\n}\nvariable \"a\" {\n  type = strin\n  foo  = 2\n}\njob \"j\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    task \"t\" {\n      driver = \"docker\"\n    }\n  }\n}\n";
    for v in ["1.0.0", "2.0.5"] {
        exactly(
            "variable",
            text,
            v,
            &["<nil>: Duplicate variable; Duplicate a variable definition found."],
        );
    }
}

/// Blocks dynblock generates carry their `dynamic` block's DefRange (hcl
/// ext/dynblock expand_spec.go), so two generated `env` blocks are refused
/// at the `dynamic "env"` header, naming it again.
#[test]
fn two_generated_blocks_are_refused_at_their_dynamic_header() {
    let text = task("      dynamic \"env\" {\n        for_each = [\"A\", \"B\"]\n        content {\n          X = env.value\n        }\n      }\n");
    exactly("dynamic-1.6", &text, "1.6.5", &["j.nomad:9,7-22: Duplicate env block; Only one env block is allowed. Another was defined at j.nomad:9,7-22."]);
    exactly("dynamic-2.0", &text, "2.0.5", &["j.nomad:9,7-20: Duplicate env block; Only one env block is allowed. Another was defined at j.nomad:9,7-20."]);
}
