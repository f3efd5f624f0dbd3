//! A group or task labelled `""` decodes from 1.0 (jobspec2 keeps an empty
//! label), and Nomad refuses it in validation: Job.Validate's group-name
//! loop says `Job task group N missing name`, TaskGroup.Validate's task-name
//! loop `Task N missing name`, and Task.Validate starts with `Missing task
//! name` (nomad/structs/structs.go, the same texts from 0.9 to 2.0.5;
//! TestTaskGroup_Validate expects "Task 3 missing name"). Before this they
//! validated and planned as a false all-clear. TaskGroup.Validate checks
//! the group's name again (`Missing task group name`; from 1.0.0 `Task
//! group name contains null character`). Before 1.0 HCL1's jobspec
//! skips unnamed groups and tasks instead (tests/jobspec_hcl1_labels.rs).

use crate::common;

use common::TempDir;

fn job(group: &str, task: &str) -> String {
    format!(
        "job \"j\" {{\n  datacenters = [\"dc1\"]\n  group \"{group}\" {{\n    task \"{task}\" {{\n      driver = \"exec\"\n      config {{\n        command = \"/bin/true\"\n      }}\n    }}\n  }}\n}}\n"
    )
}

fn run(cmd: &str, tag: &str, text: &str, v: &str) -> (i32, String) {
    let d = TempDir::new(&format!("missing-names-{cmd}-{tag}-{v}"));
    d.put("j.nomad", text);
    let o = d.run(&[cmd, "--nomad-version", v, "j.nomad"]);
    let err = String::from_utf8_lossy(&o.stderr);
    let err: Vec<&str> = err.lines().filter(|l| !l.starts_with("note: ")).collect();
    (o.status.code().expect("exit code"), err.join("\n") + "\n")
}

#[test]
fn an_unnamed_group_is_refused_by_validate_and_plan() {
    for v in ["1.0.0", "1.6.0", "2.0.5"] {
        let (code, err) = run("validate", "group", &job("", "t"), v);
        assert_eq!(code, 1, "{v}: {err}");
        assert!(
            err.starts_with(
                "Job validation errors:\n2 errors occurred:\n\t* Job task group 1 missing name\n\t* Task group  validation failed: 1 error occurred:\n\t* Missing task group name\n"
            ),
            "{v}: {err}"
        );
        let (code, err) = run("plan", "group", &job("", "t"), v);
        assert_eq!(code, 255, "{v}: {err}");
        assert!(
            err.contains("* Job task group 1 missing name"),
            "{v}: {err}"
        );
        // TaskGroup.Validate's own name check follows (structs.go, every
        // release): the group is validated all the same.
        assert!(err.contains("\t* Missing task group name"), "{v}: {err}");
    }
    // A null character in the name: TaskGroup.Validate from 1.0.0.
    let (code, err) = run("validate", "null", &job("a\\u0000b", "t"), "2.0.5");
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains(
            "validation failed: 1 error occurred:\n\t* Task group name contains null character\n"
        ),
        "{err}"
    );
}

#[test]
fn an_unnamed_task_is_refused_in_both_places_nomad_checks_it() {
    for v in ["1.0.0", "1.6.0", "2.0.5"] {
        let (code, err) = run("validate", "task", &job("g", ""), v);
        assert_eq!(code, 1, "{v}: {err}");
        assert!(
            err.starts_with(
                "Job validation errors:\n1 error occurred:\n\t* Task group g validation failed: 2 errors occurred:\n\t* Task 1 missing name\n\t* Task  validation failed: 1 error occurred:\n\t* Missing task name\n"
            ),
            "{v}: {err}"
        );
        let (code, err) = run("plan", "task", &job("g", ""), v);
        assert_eq!(code, 255, "{v}: {err}");
        assert!(err.contains("* Task 1 missing name"), "{v}: {err}");
    }
}

#[test]
fn named_ones_are_fine() {
    let (code, err) = run("validate", "named", &job("g", "t"), "2.0.5");
    assert_eq!(code, 0, "{err}");
}
