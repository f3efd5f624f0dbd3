//! A `dynamic` block's labels as hcl's ext/dynblock refuses them, located
//! as hcl prints a diagnostic (`PATH:L,C-C: Summary; Detail`): too few or
//! too many (decodeSpec, ext/dynblock/expand_spec.go:106-130), not a list
//! written out (hcl.ExprList, expr_list.go), and per generated block a
//! null or non-string label (newBlock, expand_spec.go:168-202), all at
//! v2.20.2-nomad-1 and in Nomad's earlier hcl forks alike. A null label
//! reached the servers' "missing name" before (redteam7 D11, issue 13).

use crate::common;

fn job(for_each: &str, labels: &str) -> String {
    format!(
        "job \"dg\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n    dynamic \"task\" {{\n      for_each = {for_each}\n      labels = {labels}\n      content {{\n        driver = \"docker\"\n        config {{ image = \"x\" }}\n      }}\n    }}\n  }}\n}}\n"
    )
}

const HEAD: &str = "Error getting job struct: Error parsing job file from j.nomad:\n";

/// validate and plan of `text` at `v`: both refuse with `lines` first.
fn refused(tag: &str, v: &str, text: &str, lines: &str) {
    for (cmd, want) in [("validate", 1), ("plan", 255)] {
        let (code, err) = common::run_job_file(&format!("{tag}-{cmd}-{v}"), cmd, text, v);
        assert_eq!(code, Some(want), "{tag} {cmd} {v}: {err}");
        let head = format!("{HEAD}{lines}");
        assert!(
            err.starts_with(&head),
            "{tag} {cmd} {v}:\n{err}\nwant:\n{head}"
        );
        let after = &err[head.len()..];
        assert!(
            !after.starts_with("j.nomad:"),
            "{tag} {cmd} {v}: one line too many\n{err}"
        );
    }
}

#[test]
fn label_counts_are_located() {
    for v in ["1.3.0", "2.0.5"] {
        refused(
            "few",
            v,
            &job("[\"x\"]", "[]"),
            "j.nomad:6,16-18: Insufficient dynamic block labels; Blocks of type \"task\" require 1 label(s).\n",
        );
        refused(
            "many",
            v,
            &job("[\"x\"]", "[\"a\", \"b\"]"),
            "j.nomad:6,22-25: Extraneous dynamic block label; Blocks of type \"task\" require 1 label(s).\n",
        );
    }
}

#[test]
fn a_null_label_is_refused_by_hcl_not_the_servers() {
    refused(
        "null",
        "2.0.5",
        &job("[null]", "[task.value]"),
        "j.nomad:6,17-27: Invalid dynamic block label; Cannot use a null value as a dynamic block label.\n",
    );
    // Each generated block says its own; the good one is still made.
    refused(
        "nulls",
        "2.0.5",
        &job("[\"x\", null, null]", "[task.value]"),
        "j.nomad:6,17-27: Invalid dynamic block label; Cannot use a null value as a dynamic block label.\nj.nomad:6,17-27: Invalid dynamic block label; Cannot use a null value as a dynamic block label.\n",
    );
}

#[test]
fn a_label_that_is_no_string_or_no_list_is_refused() {
    refused(
        "tuple",
        "2.0.5",
        &job("[[1]]", "[task.value]"),
        "j.nomad:6,17-27: Invalid dynamic block label; Cannot use this value as a dynamic block label: string required, but have tuple.\n",
    );
    let text = job("[\"x\"]", "var.l").replace(
        "job \"dg\"",
        "variable \"l\" {\n  default = [\"a\"]\n}\njob \"dg\"",
    );
    refused(
        "static",
        "2.0.5",
        &text,
        "j.nomad:9,16-21: Invalid expression; A static list expression is required.\n",
    );
    // A number converts.
    let (code, err) =
        common::run_job_file("number", "validate", &job("[1]", "[task.value]"), "2.0.5");
    assert_eq!((code, err.as_str()), (Some(0), ""));
}
