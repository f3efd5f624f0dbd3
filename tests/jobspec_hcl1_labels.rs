//! Issue 13: a label on a `constraint`, `affinity` or `spread` block before
//! 1.0. jobspec/parse.go's parseConstraints, parseAffinities and
//! parseSpread (v0.9.3, v0.10.0, v0.11.0, v0.12.12) read `list.Elem()`:
//! HCL1 keeps the label as a second object key, so a labelled block is not
//! an element and is skipped. Nomad plans as if it were not written; so do
//! we, with a warning. From 1.0 the label is hclsyntax's error.

use crate::common;

fn run(name: &str, text: &str, args: &[&str]) -> (i32, String, String) {
    common::run_job(&format!("hcl1-labels-{name}"), text, args)
}

/// A job no client can run when its constraint applies (no client of the
/// demo world runs Windows).
fn job(constraint: &str) -> String {
    format!("job \"j\" {{\n  datacenters = [\"dc1\"]\n  {constraint} {{\n    attribute = \"${{attr.kernel.name}}\"\n    value     = \"windows\"\n  }}\n  group \"g\" {{\n    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"redis:7\"\n      }}\n    }}\n  }}\n}}\n")
}

#[test]
fn a_labelled_constraint_is_skipped_before_1_0_and_refused_from_1_0() {
    for v in ["0.9.3", "0.12.12"] {
        // Unlabelled, the constraint applies: nothing can be placed.
        let (_, out, err) = run(
            &format!("plain-{v}"),
            &job("constraint"),
            &["plan", "--nomad-version", v, "j.nomad"],
        );
        assert!(
            out.contains("Constraint") || out.contains("constraint"),
            "{v}: {out}{err}"
        );
        assert!(out.contains("failed to place"), "{v}: {out}{err}");
        // Labelled, Nomad never reads it: the job places.
        let (code, out, err) = run(
            &format!("labelled-{v}"),
            &job("constraint \"os\""),
            &["plan", "--nomad-version", v, "j.nomad"],
        );
        assert!(!out.contains("failed to place"), "{v}: {out}{err}");
        assert_ne!(code, 255, "{v}: {out}{err}");
        let (code, _, err) = run(
            &format!("validate-{v}"),
            &job("constraint \"os\""),
            &["validate", "--nomad-version", v, "j.nomad"],
        );
        assert_eq!(code, 0, "{v}: {err}");
        // Our advice, never Nomad's Job Warnings (Nomad says nothing).
        assert!(
            err.contains("A labelled constraint block is ignored by Nomad before 1.0"),
            "{v}: {err}"
        );
        assert!(!err.contains("Job Warnings"), "{v}: {err}");
    }
    let (code, _, err) = run(
        "2.0.5",
        &job("constraint \"os\""),
        &["validate", "--nomad-version", "2.0.5", "j.nomad"],
    );
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains(
            "Extraneous label for constraint; No labels are expected for constraint blocks."
        ),
        "{err}"
    );
}

/// parseGroups and parseTasks read `list.Children()`: a group or task
/// without a name is skipped before 1.0, and refused from 1.0.
#[test]
fn an_unnamed_group_or_task_is_skipped_before_1_0() {
    let text = "job \"j\" {\n  datacenters = [\"dc1\"]\n  group {\n    task \"t\" {\n      driver = \"docker\"\n      config {\n        image = \"redis:7\"\n      }\n    }\n  }\n  group \"h\" {\n    task {\n      driver = \"docker\"\n    }\n    task \"u\" {\n      driver = \"docker\"\n      config {\n        image = \"redis:7\"\n      }\n    }\n  }\n}\n";
    let (_, out, err) = run(
        "unnamed-plan",
        text,
        &["plan", "--nomad-version", "0.12.12", "j.nomad"],
    );
    assert!(
        out.starts_with(
            "+ Job: \"j\"\n+ Task Group: \"h\" (1 create)\n  + Task: \"u\" (forces create)\n\n"
        ),
        "{out}{err}"
    );
    let (code, _, err) = run(
        "unnamed-validate",
        text,
        &["validate", "--nomad-version", "0.12.12", "j.nomad"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("A group block without a name is ignored by Nomad before 1.0"),
        "{err}"
    );
    assert!(
        err.contains("A task block without a name is ignored by Nomad before 1.0"),
        "{err}"
    );
    let (code, _, err) = run(
        "unnamed-2.0.5",
        text,
        &["validate", "--nomad-version", "2.0.5", "j.nomad"],
    );
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("Missing name for group; All group blocks must have 1 labels (name)."),
        "{err}"
    );
}

/// parseRestartPolicy (and the other one-object blocks) read
/// `list.Elem().Items[0]`: a labelled `restart` beside an unlabelled one
/// is skipped; alone it leaves no item, and the parser panics.
#[test]
fn a_labelled_one_object_block_is_skipped_or_crashes_the_parser() {
    let group = |restart: &str| {
        format!("job \"j\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n{restart}    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"redis:7\"\n      }}\n    }}\n  }}\n}}\n")
    };
    let labelled = "    restart \"r\" {\n      attempts = 9\n    }\n";
    let plain = "    restart {\n      attempts = 1\n    }\n";
    // Beside an unlabelled one: only that one is read (attempts = 1).
    let both = group(&format!("{plain}{labelled}"));
    let only_plain = group(plain);
    for (name, text) in [("both", &both), ("plain", &only_plain)] {
        let (code, _, err) = run(
            &format!("restart-{name}"),
            text,
            &["validate", "--nomad-version", "0.12.12", "j.nomad"],
        );
        assert_eq!(code, 0, "{name}: {err}");
    }
    let (_, _, err) = run(
        "restart-both-advice",
        &both,
        &["validate", "--nomad-version", "0.12.12", "j.nomad"],
    );
    assert!(
        err.contains("A labelled restart block is ignored by Nomad before 1.0"),
        "{err}"
    );
    // Alone: the CLI's parser never returns a job, it panics (nothing
    // recovers it: Go prints the panic and exits 2); one line says so.
    let alone = group(labelled);
    for (cmd, code) in [("validate", 255), ("plan", 255)] {
        let (got, out, err) = run(
            &format!("restart-alone-{cmd}"),
            &alone,
            &[cmd, "--nomad-version", "0.9.3", "j.nomad"],
        );
        assert_eq!(got, code, "{cmd}: {out}{err}");
        assert!(
            err.contains(
                "panics on this file (runtime error: index out of range [0] with length 0)"
            ),
            "{cmd}: {err}"
        );
    }
}
