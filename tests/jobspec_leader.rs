//! Two `leader = true` tasks in one group: Nomad's TaskGroup.Validate
//! (nomad/structs/structs.go, every release from 0.9 to 2.0) refuses it
//! with "Only one task may be marked as leader", listed after the task-name
//! checks; TestTaskGroup_Validate's "multiple leaders defined and one empty
//! task" case expects it after "Task 3 missing name" and before "Task web
//! validation failed". Before 0.10 the same loop reserved static ports, so
//! those errors come first; from 0.10 they move to validateNetworks, after
//! it. Through `validate` and `plan` as a user runs them.

use crate::common;

use common::TempDir;

/// Group `g` with tasks `a` and `b` (`leader` set as given), and
/// a static-port network in each task when `ports` is not empty.
fn job(a: bool, b: bool, ports: &str) -> String {
    let task = |n: &str, leader: bool, net: &str| {
        format!(
            "    task \"{n}\" {{\n      driver = \"exec\"\n      leader = {leader}\n      config {{\n        command = \"/bin/true\"\n      }}\n      resources {{\n        cpu    = 100\n        memory = 64\n{net}      }}\n    }}\n"
        )
    };
    let net = |label: &str| {
        if ports.is_empty() {
            String::new()
        } else {
            format!("        network {{\n          port \"{label}\" {{\n            static = {ports}\n          }}\n        }}\n")
        }
    };
    format!(
        "job \"j\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n{}{}  }}\n}}\n",
        task("a", a, &net("p")),
        task("b", b, &net("q"))
    )
}

fn run(cmd: &str, name: &str, text: &str, v: &str) -> (i32, String) {
    let d = TempDir::new(&format!("leader-{cmd}-{name}-{v}"));
    d.put("j.nomad", text);
    let o = d.run(&[cmd, "--nomad-version", v, "j.nomad"]);
    let err = String::from_utf8_lossy(&o.stderr);
    let err: Vec<&str> = err.lines().filter(|l| !l.starts_with("note: ")).collect();
    (o.status.code().expect("exit code"), err.join("\n") + "\n")
}

const ONLY_ONE: &str = "* Only one task may be marked as leader\n";

#[test]
fn two_leaders_are_refused_by_validate_and_plan() {
    for v in ["0.9.3", "0.12.12", "1.0.0", "1.6.0", "2.0.5"] {
        let (code, err) = run("validate", "two", &job(true, true, ""), v);
        assert_eq!(code, 1, "{v}: {err}");
        assert!(err.starts_with("Job validation errors:\n"), "{v}: {err}");
        assert!(err.contains(ONLY_ONE), "{v}: {err}");
        assert!(err.contains("both marked as leader"), "{v}: located: {err}");
        let (code, err) = run("plan", "two", &job(true, true, ""), v);
        assert_eq!(code, 255, "{v}: {err}");
        // The plan RPC's error text, as the CLI prints it: the list ends
        // with the response's closing parenthesis.
        assert!(err.starts_with("Error during plan: "), "{v}: {err}");
        assert!(
            err.contains("* Only one task may be marked as leader"),
            "{v}: {err}"
        );
    }
}

#[test]
fn one_leader_is_fine() {
    for v in ["0.9.3", "2.0.5"] {
        let (code, err) = run("validate", "one", &job(true, false, ""), v);
        assert_eq!(code, 0, "{v}: {err}");
    }
}

/// Both tasks reserve static port 8080: before 0.10 the port error comes
/// first (same loop, leader error after it); from 0.10 the leader error
/// precedes "Task group network validation failed".
#[test]
fn the_leader_error_sits_where_each_release_lists_it() {
    let text = job(true, true, "8080");
    let (code, err) = run("validate", "ports", &text, "0.9.3");
    assert_eq!(code, 1, "{err}");
    let port = err
        .find("Static port 8080 already reserved by a:p")
        .expect(&err);
    let leader = err.find(ONLY_ONE).expect(&err);
    assert!(port < leader, "{err}");
    for v in ["0.12.12", "1.6.0", "2.0.5"] {
        let (code, err) = run("validate", "ports", &text, v);
        assert_eq!(code, 1, "{v}: {err}");
        let net = err
            .find("Task group network validation failed")
            .expect(&err);
        let leader = err.find(ONLY_ONE).expect(&err);
        assert!(leader < net, "{v}: {err}");
    }
}
