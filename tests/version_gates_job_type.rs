//! A job `type` no release schedules (`"zz"`) is no parse error: every
//! CLI parses the string (HCL1's decoder and jobspec2 alike) and the
//! servers refuse it in Job.Validate (nomad/structs/structs.go, the same
//! text at 0.11.0 through 2.0.5), `Invalid job type: "zz"`, after the ID
//! and name checks and before the priority (which 1.5 moved after
//! Job.Validate). An empty type is `Missing job type`: api's Canonicalize
//! fills only an absent one. We refused it at parse, under `Error getting
//! job struct`, a text Nomad never prints for it.

mod common;

use common::TempDir;

fn job(ty: &str, priority: &str) -> String {
    format!("job \"j\" {{\n  datacenters = [\"dc1\"]\n  type        = \"{ty}\"\n{priority}  group \"g\" {{\n    task \"t\" {{\n      driver = \"exec\"\n      config {{\n        command = \"/bin/true\"\n      }}\n    }}\n  }}\n}}\n")
}

fn run(name: &str, text: &str, cmd: &str, v: &str) -> (Option<i32>, String) {
    let d = TempDir::new(&format!("job-type-{name}-{cmd}-{v}"));
    d.put("j.nomad", text);
    let o = d.run(&[cmd, "--nomad-version", v, "j.nomad"]);
    let err: String = String::from_utf8_lossy(&o.stderr)
        .lines()
        .filter(|l| !l.starts_with("note: "))
        .map(|l| format!("{l}\n"))
        .collect();
    (o.status.code(), err)
}

#[test]
fn an_unknown_type_is_the_servers_refusal() {
    for v in ["0.11.8", "0.12.12", "1.6.0", "2.0.5"] {
        let (code, err) = run("zz", &job("zz", ""), "validate", v);
        assert_eq!(code, Some(1), "{v}: {err}");
        assert!(
            err.starts_with(
                "Job validation errors:\n1 error occurred:\n\t* Invalid job type: \"zz\"\n\n"
            ),
            "{v}: {err}"
        );
    }
    // The plan's error, as the render words the servers' refusal at each
    // release (the same path as a sysbatch job before 1.2).
    let (code, err) = run("zz", &job("zz", ""), "plan", "0.12.12");
    assert_eq!(code, Some(255), "{err}");
    assert!(
        err.starts_with("Error during plan: Unexpected response code: 500 (1 error occurred:\n\t* Invalid job type: \"zz\"\n\n)\n"),
        "{err}"
    );
    let (code, err) = run("zz", &job("zz", ""), "plan", "2.0.5");
    assert_eq!(code, Some(255), "{err}");
    assert!(
        err.starts_with("Error during plan: Unexpected response code: 500 (1 error occurred:\n\t* Invalid job type: \"zz\")\n"),
        "{err}"
    );
}

/// Job.Validate lists the type before the priority (before 1.5, when the
/// priority was still its own check); Go's %q quotes the value.
#[test]
fn the_type_comes_before_the_priority_and_is_go_quoted() {
    let text = job("ser\\\"vice", "  priority    = 150\n");
    let (code, err) = run("order", &text, "validate", "0.12.12");
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.starts_with("Job validation errors:\n2 errors occurred:\n\t* Invalid job type: \"ser\\\"vice\"\n\t* Job priority must be between [1, 100]\n\n"),
        "{err}"
    );
}

#[test]
fn an_empty_type_is_a_missing_one() {
    let (code, err) = run("empty", &job("", ""), "validate", "1.6.0");
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.starts_with("Job validation errors:\n1 error occurred:\n\t* Missing job type\n\n"),
        "{err}"
    );
}
