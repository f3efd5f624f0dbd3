//! Before 1.0, a task's `resources` (and a `network`) written twice, in
//! either form, or as an argument whose value is not an object: the CLI's
//! HCL1 parser refuses the file with its own text, where before we kept the
//! argument and planned default resources (a silent drop).
//!
//! Expected texts, read from Nomad's source (hcl v1 keeps `x = [{...}]` an
//! *ast.ListType item: only json/parser/flatten.go flattens lists):
//! - parseResources, jobspec/parse.go@v0.9.3 and parse_task.go@v0.12.12:
//!   `only one 'resource' block allowed per task`, `resource: should be an
//!   object`; from v0.10.0 parseTask prefixes `resources ->`, at v0.9.3
//!   parseTasks only the task (`'t',`);
//! - its network: parse.go@v0.9.3 `only one 'network' resource allowed` and
//!   `resources, network ->` + helper/funcs.go CheckHCLKeys's `cannot check
//!   HCL keys of type %T`; parse_network.go@v0.12.12 ParseNetwork (`network
//!   ->`), wrapped `resource, %v` by parseResources and returned as is by
//!   parseGroups for a group network;
//! - parseGroups/parseJob prefixes `'g', task:` and `group:`, and Parse's
//!   `error parsing 'job': %s`; multierror.Prefix of a plain error is
//!   errwrap's `prefix err`, not a list.
//!
//! `validate` (exit 1), `plan` (exit 255) and `check` (exit 1) agree.

use crate::common;

use common::TempDir;

fn job(task_body: &str, group_body: &str) -> String {
    format!("job \"j\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n{group_body}    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"redis:7\"\n      }}\n{task_body}    }}\n  }}\n}}\n")
}

/// `cmd --nomad-version v j.nomad`: exit code, stderr without notes.
fn run(cmd: &str, name: &str, text: &str, v: &str) -> (i32, String) {
    let d = TempDir::new(&format!("hcl1-shapes-{cmd}-{name}-{v}"));
    d.put("j.nomad", text);
    let o = d.run(&[cmd, "--nomad-version", v, "j.nomad"]);
    let err = String::from_utf8_lossy(&o.stderr)
        .lines()
        .filter(|l| !l.starts_with("note: "))
        .collect::<Vec<_>>()
        .join("\n");
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    (o.status.code().expect("exit code"), err + &out)
}

const PARSING: &str =
    "Error getting job struct: Error parsing job file from j.nomad: error parsing 'job': ";

/// All three commands refuse the file; validate and plan with Nomad's
/// first line, check with the same message.
fn refused(name: &str, text: &str, v: &str, nomad: &str) {
    let want = format!("{PARSING}{nomad}\n");
    let (code, err) = run("validate", name, text, v);
    assert_eq!(code, 1, "validate {name} {v}: {err}");
    assert!(err.starts_with(&want), "validate {name} {v}:\n{err}");
    let (code, err) = run("plan", name, text, v);
    assert_eq!(code, 255, "plan {name} {v}: {err}");
    assert!(err.starts_with(&want), "plan {name} {v}:\n{err}");
    let (code, out) = run("check", name, text, v);
    assert_eq!(code, 1, "check {name} {v}: {out}");
    assert!(
        out.contains(&format!("error parsing 'job': {nomad}\n")),
        "check {name} {v}:\n{out}"
    );
}

const SHAPES: &[(&str, &str)] = &[
    ("list-of-objects", "[{\n        cpu = 1234\n      }]"),
    ("two-objects", "[{ cpu = 1 }, { memory = 300 }]"),
    ("list-of-lists", "[[1]]"),
    ("empty-list", "[]"),
    ("string", "\"cpu=1\""),
    ("number", "1234"),
];

#[test]
fn a_resources_value_that_is_not_an_object_is_refused() {
    for (name, value) in SHAPES {
        let text = job(&format!("      resources = {value}\n"), "");
        if *name == "list-of-lists" {
            // hcl v1 before 0.11 (parser 6e968a3f) skips a `[` inside a
            // list, so the first `]` ends it and the second is where a key
            // should be: a syntax error (the HCL1 oracle's text).
            let (code, err) = run("validate", name, &text, "0.9.3");
            assert_eq!(code, 1, "{err}");
            assert!(err.starts_with("Error getting job struct: Error parsing job file from j.nomad: error parsing: At 9:23: expected: IDENT | STRING | ASSIGN | LBRACE got: RBRACK\n"), "{err}");
        } else {
            refused(
                name,
                &text,
                "0.9.3",
                "group: 'g', task: 't', resource: should be an object",
            );
        }
        refused(
            name,
            &text,
            "0.12.12",
            "group: 'g', task: 't', resources -> resource: should be an object",
        );
    }
}

#[test]
fn both_forms_in_one_task_are_two_resources() {
    let text = job(
        "      resources {\n        cpu = 500\n      }\n      resources = {\n        memory = 300\n      }\n",
        "",
    );
    refused(
        "both",
        &text,
        "0.9.3",
        "group: 'g', task: 't', only one 'resource' block allowed per task",
    );
    refused(
        "both",
        &text,
        "0.10.0",
        "group: 'g', task: 't', resources -> only one 'resource' block allowed per task",
    );
    // Repeated after a non-object one: the count is checked first.
    let text = job(
        "      resources = []\n      resources {\n        cpu = 500\n      }\n",
        "",
    );
    refused(
        "list-then-block",
        &text,
        "0.12.12",
        "group: 'g', task: 't', resources -> only one 'resource' block allowed per task",
    );
}

#[test]
fn a_resources_network_twice_or_not_an_object() {
    let two = job(
        "      resources {\n        network {\n          mbits = 10\n        }\n        network = {\n          mbits = 20\n        }\n      }\n",
        "",
    );
    refused(
        "two-networks",
        &two,
        "0.9.3",
        "group: 'g', task: 't', only one 'network' resource allowed",
    );
    refused(
        "two-networks",
        &two,
        "0.12.12",
        "group: 'g', task: 't', resources -> resource, only one 'network' resource allowed",
    );
    let list = job(
        "      resources {\n        network = [{\n          mbits = 10\n        }]\n      }\n",
        "",
    );
    refused(
        "network-list",
        &list,
        "0.9.3",
        "group: 'g', task: 't', resources, network -> cannot check HCL keys of type *ast.ListType",
    );
    refused(
        "network-list",
        &list,
        "0.12.12",
        "group: 'g', task: 't', resources -> resource, network -> cannot check HCL keys of type *ast.ListType",
    );
    let group = job("", "    network = \"bridge\"\n");
    refused(
        "group-network",
        &group,
        "0.12.12",
        "group: network -> cannot check HCL keys of type *ast.LiteralType",
    );
}

/// parseTasks parses each task whole before reading the next one's name:
/// the first task's resources error comes before a later repeated name,
/// and a repeated name before a later task's resources error.
#[test]
fn errors_come_in_the_parsers_order() {
    let task = |name: &str, extra: &str| {
        format!("    task \"{name}\" {{\n      driver = \"docker\"\n      config {{\n        image = \"redis:7\"\n      }}\n{extra}    }}\n")
    };
    let file = |tasks: &[String]| {
        format!(
            "job \"j\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n{}  }}\n}}\n",
            tasks.concat()
        )
    };
    let bad = "      resources = 1\n";
    let first = file(&[task("a", bad), task("b", ""), task("b", "")]);
    refused(
        "resources-first",
        &first,
        "0.12.12",
        "group: 'g', task: 'a', resources -> resource: should be an object",
    );
    let later = file(&[task("b", ""), task("b", ""), task("a", bad)]);
    refused(
        "name-first",
        &later,
        "0.12.12",
        "group: 'g', task: task 'b' defined more than once",
    );
}

/// Another block written as a non-object argument (a task's `template`):
/// parseTemplates' CheckHCLKeys, in its words (the jobspec oracles of
/// 0.9.3 and 0.12.12 on this file), never planned.
#[test]
fn other_blocks_as_non_objects_get_their_parsers_words() {
    let template = job("      template = \"x\"\n", "");
    for v in ["0.9.3", "0.12.12"] {
        refused(
            "template-string",
            &template,
            v,
            "group: 'g', task: 't', template -> cannot check HCL keys of type *ast.LiteralType",
        );
    }
    // An object first, then a value: parseJob's decode of the whole job
    // fails first (`At 12:19: unknown slice type: *ast.LiteralType`, the
    // oracles), in words not modelled: unknown, in one line; `check`
    // says "cannot tell" too (exit 2), never a definite refusal.
    let text = job(
        "      resources {\n        cpu = 500\n      }\n      resources = \"x\"\n",
        "",
    );
    for v in ["0.9.3", "0.12.12"] {
        for (cmd, want) in [("validate", 255), ("plan", 255), ("check", 2)] {
            let (code, out) = run(cmd, "block-then-string", &text, v);
            assert_eq!(code, want, "{cmd} {v}: {out}");
            assert!(out.contains("is not modelled"), "{cmd} {v}: {out}");
            assert!(
                !out.contains("Error getting job struct"),
                "{cmd} {v}: {out}"
            );
        }
    }
    // From 1.0 it is HCL2's own refusal (block_args.rs), as before.
    let (code, out) = run("validate", "template-string", &template, "1.0.0");
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("Unsupported argument"), "{out}");
}

/// A group's `migrate` as a list: parseMigrate's hcl.DecodeObject into a
/// map refuses it at the value (the jobspec oracles of v0.9.3 and v0.12.12).
#[test]
fn a_group_migrate_list_gets_the_decoders_words() {
    let text = job("", "    migrate = [{\n      max_parallel = 1\n    }]\n");
    for v in ["0.9.3", "0.12.12"] {
        refused(
            "migrate-list",
            &text,
            v,
            "group: migrate -> At 4:15: root: not an object type for map (*ast.ListType)",
        );
    }
}

/// The block forms still plan (the checks above do not fire on them).
#[test]
fn one_resources_block_or_object_argument_still_plans() {
    for body in [
        "      resources {\n        cpu = 500\n        network {\n          mbits = 10\n        }\n      }\n",
        "      resources = {\n        cpu = 500\n      }\n",
    ] {
        for v in ["0.9.3", "0.12.12"] {
            let (code, out) = run("validate", "ok", &job(body, ""), v);
            assert_eq!(code, 0, "{v}: {out}");
        }
    }
}

/// The blocks a level takes once (hcl1_singles.rs), read in both forms:
/// parseRestartPolicy's `only one 'restart' block allowed` and its
/// CheckHCLKeys on a non-object value, under parseGroups' `'g', restart
/// ->` (parse_group.go@v0.12.12, parse.go@v0.9.3).
#[test]
fn a_group_restart_twice_or_not_an_object() {
    let twice = job(
        "",
        "    restart {\n      attempts = 1\n    }\n    restart = {\n      attempts = 2\n    }\n",
    );
    for v in ["0.9.3", "0.12.12"] {
        refused(
            "restart-twice",
            &twice,
            v,
            "group: 'g', restart -> only one 'restart' block allowed",
        );
    }
    let list = job("", "    restart = []\n");
    refused(
        "restart-list",
        &list,
        "0.9.3",
        "group: 'g', restart -> cannot check HCL keys of type *ast.ListType",
    );
    // The group's restart is parsed before its tasks: it wins over a
    // task's resources error.
    let both = job("      resources = 1\n", "    restart = 1\n");
    refused(
        "restart-before-task",
        &both,
        "0.12.12",
        "group: 'g', restart -> cannot check HCL keys of type *ast.LiteralType",
    );
}

/// A task's logs twice: an inline check, returned as is by parseTasks
/// before 0.10 (parse.go@v0.9.3: no task name), named by parseTasks'
/// `'t',` from 0.10 (parse_task.go@v0.12.12). A task's vault that is not
/// an object: parseVault's `vault: should be an object` under `vault ->`.
#[test]
fn a_task_logs_twice_and_a_vault_not_an_object() {
    let logs = job(
        "      logs {\n        max_files = 2\n      }\n      logs {\n        max_files = 3\n      }\n",
        "",
    );
    refused(
        "logs-twice",
        &logs,
        "0.9.3",
        "group: 'g', task: only one logs block is allowed in a Task. Number of logs block found: 2",
    );
    refused(
        "logs-twice",
        &logs,
        "0.12.12",
        "group: 'g', task: 't', only one logs block is allowed in a Task. Number of logs block found: 2",
    );
    let vault = job("      vault = \"default\"\n", "");
    for v in ["0.9.3", "0.12.12"] {
        refused(
            "vault-string",
            &vault,
            v,
            "group: 'g', task: 't', vault -> vault: should be an object",
        );
    }
}

/// A job's update twice is parseUpdate's count check (before anything is
/// decoded); a non-object update fails in hcl v1's decoder (the jobspec
/// oracle of v0.12.12).
#[test]
fn a_job_update_twice_or_not_an_object() {
    let text = |update: &str| job("", "").replacen("  group", &format!("{update}  group"), 1);
    refused(
        "update-twice",
        &text("  update {\n    max_parallel = 1\n  }\n  update {\n    max_parallel = 2\n  }\n"),
        "0.12.12",
        "update -> only one 'update' block allowed",
    );
    refused(
        "update-list",
        &text("  update = [{\n    max_parallel = 1\n  }]\n"),
        "0.12.12",
        "update -> At 3:12: root: not an object type for map (*ast.ListType)",
    );
}

/// A group's update written twice is one fault with one text before 1.0:
/// parseGroups' `only one 'update' block allowed` (jobspec/parse_group.go at
/// v0.12.12, parse.go at v0.9.3: no group name in the prefix). The lowering's HCL2 wording (`Duplicate
/// update block`) is not printed beside it.
#[test]
fn a_group_update_twice_is_reported_once_in_hcl1_words() {
    let twice = "    update {\n      max_parallel = 1\n    }\n    update {\n      max_parallel = 2\n    }\n";
    let text = job("", twice);
    for v in ["0.9.3", "0.12.12"] {
        refused(
            "group-update-twice",
            &text,
            v,
            "group: update -> only one 'update' block allowed",
        );
        for cmd in ["validate", "plan", "check"] {
            let (_, out) = run(cmd, "group-update-twice-once", &text, v);
            assert!(!out.contains("Duplicate update block"), "{cmd} {v}: {out}");
            assert!(!out.contains("jobspec::duplicate"), "{cmd} {v}: {out}");
        }
    }
}

/// A key the release does not know is CheckHCLKeys' error at the start of
/// its level: a group's `volume` under 0.9.3 (parse.go@v0.9.3 parseGroups'
/// valid list) stops the parser before the group's tasks, so a task's
/// resources error is never reached; in a later group it comes after an
/// earlier group's restart error.
#[test]
fn an_unknown_key_earlier_in_parse_order_wins() {
    let volume = "    volume \"v\" {\n      type = \"host\"\n      source = \"v\"\n    }\n";
    let text = job("      resources = 1\n", volume);
    let want = format!("{PARSING}1 error(s) occurred:\n\n* group: 'g' -> invalid key: volume\n");
    for (cmd, code) in [("validate", 1), ("plan", 255)] {
        let (got, err) = run(cmd, "gate-first", &text, "0.9.3");
        assert_eq!(got, code, "{cmd}: {err}");
        assert!(err.starts_with(&want), "{cmd}:\n{err}");
    }
    let second = format!("  group \"h\" {{\n{volume}    task \"u\" {{\n      driver = \"docker\"\n    }}\n  }}\n}}\n");
    let two = job("", "    restart = 1\n");
    let two = format!("{}{second}", two.strip_suffix("}\n").unwrap_or(&two));
    refused(
        "restart-first",
        &two,
        "0.9.3",
        "group: 'g', restart -> cannot check HCL keys of type *ast.LiteralType",
    );
}
