//! A group or task name written twice: before 1.0 the CLI's HCL1 parser
//! refuses the file at the first repeat (jobspec parseGroups/parseTasks:
//! `task 't' defined more than once`, under `error parsing 'job': `: a
//! plain error that each level's multierror.Prefix wraps with errwrap, not
//! a multierror list), so no server validates it; from 1.0
//! the servers' Job.Validate reports it. Through `validate`, as a user runs it.

use crate::common;

use common::TempDir;

const TASK: &str =
    "      driver = \"exec\"\n      config {\n        command = \"/bin/true\"\n      }\n";

fn job(groups: &[(&str, &[&str])]) -> String {
    let mut out = String::from("job \"j\" {\n  datacenters = [\"dc1\"]\n");
    for (g, tasks) in groups {
        out.push_str(&format!("  group \"{g}\" {{\n"));
        for t in *tasks {
            out.push_str(&format!("    task \"{t}\" {{\n{TASK}    }}\n"));
        }
        out.push_str("  }\n");
    }
    out.push_str("}\n");
    out
}

fn validate(name: &str, text: &str, v: &str) -> (i32, String) {
    let d = TempDir::new(&format!("hcl1-names-{name}-{v}"));
    d.put("j.nomad", text);
    let o = d.run(&["validate", "--nomad-version", v, "j.nomad"]);
    let err = String::from_utf8_lossy(&o.stderr);
    let err: Vec<&str> = err.lines().filter(|l| !l.starts_with("note: ")).collect();
    (o.status.code().expect("exit code"), err.join("\n") + "\n")
}

const PARSING: &str =
    "Error getting job struct: Error parsing job file from j.nomad: error parsing 'job': ";

/// The first repeat in source order wins: group g's second task `t` comes
/// before the second group `g`.
#[test]
fn hcl1_refuses_the_first_repeated_name_when_parsing() {
    let text = job(&[("g", &["t", "t"]), ("g", &["u"])]);
    let (code, err) = validate("task", &text, "0.9.3");
    assert_eq!(code, 1, "{err}");
    assert!(
        err.starts_with(&format!(
            "{PARSING}group: 'g', task: task 't' defined more than once\n"
        )),
        "{err}"
    );
    let (code, err) = validate("task", &text, "0.12.12");
    assert_eq!(code, 1, "{err}");
    assert!(
        err.starts_with(&format!(
            "{PARSING}group: 'g', task: task 't' defined more than once\n"
        )),
        "{err}"
    );
    let groups = job(&[("g", &["t"]), ("g", &["u"])]);
    let (code, err) = validate("group", &groups, "0.9.3");
    assert_eq!(code, 1, "{err}");
    assert!(
        err.starts_with(&format!(
            "{PARSING}group: group 'g' defined more than once\n"
        )),
        "{err}"
    );
}

/// From 1.0 both blocks reach the servers, whose validation names them.
#[test]
fn from_1_0_the_servers_report_the_repeat() {
    let text = job(&[("g", &["t", "t"])]);
    let (code, err) = validate("task", &text, "1.0.0");
    assert_eq!(code, 1, "{err}");
    assert!(err.starts_with("Job validation errors:\n"), "{err}");
    assert!(
        err.contains("* Task 2 redefines 't' from task 1\n"),
        "{err}"
    );
}

/// Before 0.10 TaskGroup.Validate (structs.go@v0.9.3) reports repeated
/// task names and static port collisions in one loop, task by task; but a
/// repeated task name never reaches it through the CLI, whose HCL1 parser
/// refuses the file first. So under 0.9.3 Nomad prints only the parser's
/// error (our located diagnostics after it still name the collision).
#[test]
fn before_0_10_a_repeated_task_hides_the_static_port_collision() {
    let port = "      resources {\n        network {\n          port \"p\" {\n            static = 8080\n          }\n        }\n      }\n";
    let task = format!(
        "    task \"t\" {{\n      driver = \"exec\"\n      config {{\n        command = \"/bin/true\"\n      }}\n{port}    }}\n"
    );
    let text = format!(
        "job \"j\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n{task}{task}  }}\n}}\n"
    );
    let (code, err) = validate("task-port", &text, "0.9.3");
    assert_eq!(code, 1, "{err}");
    assert!(
        err.starts_with(&format!(
            "{PARSING}group: 'g', task: task 't' defined more than once\n"
        )),
        "{err}"
    );
    // Nomad's text is that one line; our located diagnostics follow it.
    let nomad = err.split("\njobspec::").next().unwrap_or_default();
    assert!(!nomad.contains("Static port"), "{err}");
    assert!(err.contains("Static port 8080 already reserved"), "{err}");
}

/// Before 0.10 TaskGroup.Validate's one task loop (structs.go@v0.9.3) checks
/// task N's name, then reserves task N's static ports, then goes on to task
/// N+1: a later task's missing name comes after an earlier task's port
/// collision, and before its own. A repeated name never gets this far (the
/// HCL1 parser refuses it), an empty one does. We listed every name error
/// first.
#[test]
fn before_0_10_names_and_static_ports_come_task_by_task() {
    let port = "      resources {\n        network {\n          port \"p\" {\n            static = 8080\n          }\n        }\n      }\n";
    let task = |name: &str| {
        format!(
            "    task \"{name}\" {{\n      driver = \"exec\"\n      config {{\n        command = \"/bin/true\"\n      }}\n{port}    }}\n"
        )
    };
    let text = format!(
        "job \"j\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n{}{}{}  }}\n}}\n",
        task("a"),
        task("b"),
        task("")
    );
    let (code, err) = validate("task-by-task", &text, "0.9.3");
    assert_eq!(code, 1, "{err}");
    assert!(
        err.starts_with("Job validation errors:\n1 error(s) occurred:\n\n* Task group g validation failed: 4 error(s) occurred:\n\n* Static port 8080 already reserved by a:p\n* Task 3 missing name\n* Static port 8080 already reserved by a:p\n* Task  validation failed: 1 error(s) occurred:\n\n* Missing task name\n"),
        "{err}"
    );
    // From 0.10 the ports are validateNetworks', after every name.
    let (code, err) = validate("task-by-task", &text, "0.10.9");
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("\t* Task 3 missing name\n\t* Task group network validation failed: 2 errors occurred:\n\t* Static port 8080 already reserved by a:p\n\t* Static port 8080 already reserved by a:p\n"),
        "{err}"
    );
}
