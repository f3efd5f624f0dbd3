//! `locals` as jobspec2 evaluates them (jobspec2/types.config.go@v2.0.5,
//! the same from v1.0.0): parseLocalVariables' duplicate check looks in a
//! map that is still empty, so a local defined in two blocks is no error
//! and the later block's value wins; evaluateLocalVariables returns one
//! failing local's errors, and a local that reads itself gets hcl's
//! "Unsupported attribute" (redteam7 D11, issue 13).

use crate::common;

const JOB: &str = r#"job "web" {
  datacenters = ["dc1"]
  group "g" {
    count = local.x
    task "t" {
      driver = "docker"
      config {
        image = "nginx:1"
      }
      resources {
        cpu    = 100
        memory = 128
      }
    }
  }
}
"#;

const HEAD: &str = "Error getting job struct: Error parsing job file from j.nomad:\n";

#[test]
fn a_local_defined_in_two_blocks_takes_the_later_value() {
    let text = format!("locals {{\n  x = 1\n}}\nlocals {{\n  x = 2\n}}\n{JOB}");
    for v in ["1.0.0", "1.6.0", "2.0.5"] {
        let (code, err) = common::run_job_file(&format!("dup-{v}"), "validate", &text, v);
        assert_eq!((code, err.as_str()), (Some(0), ""), "{v}");
        let d = common::TempDir::new(&format!("dup-plan-{v}"));
        d.put("j.nomad", &text);
        let o = d.run(&["plan", "--nomad-version", v, "j.nomad"]);
        let out = String::from_utf8_lossy(&o.stdout);
        assert_eq!(o.status.code(), Some(1), "{v}: {out}");
        assert!(
            out.contains("+ Task Group: \"g\" (2 create)"),
            "{v}: the later block's x = 2 is the count\n{out}"
        );
    }
}

#[test]
fn a_local_that_reads_itself_is_an_unsupported_attribute() {
    // types.config.go:199-207@v2.0.5: the only local left is said; its
    // reference `.x` (hcl's TraverseAttr range) fails on the empty object.
    let text = format!("locals {{\n  x = local.x\n}}\n{JOB}");
    let line = "j.nomad:2,12-14: Unsupported attribute; This object does not have an attribute named \"x\".\n";
    let (code, err) = common::run_job_file("self-v", "validate", &text, "2.0.5");
    assert_eq!(code, Some(1));
    assert!(err.starts_with(&format!("{HEAD}{line}")), "{err}");
    assert!(!err.contains("Cycle"), "{err}");
    let (code, err) = common::run_job_file("self-p", "plan", &text, "2.0.5");
    assert_eq!(code, Some(255));
    assert!(err.starts_with(&format!("{HEAD}{line}")), "{err}");
}

#[test]
fn locals_in_a_cycle_say_the_one_nomads_queue_gives_up_at() {
    // Queue [a, b, x] (three blocks, a fixed order): x succeeds, then a
    // and b fail in turn and evaluateLocalVariables returns at the 102nd
    // failure, b's.
    let text = format!(
        "locals {{\n  a = local.b\n}}\nlocals {{\n  b = local.a\n}}\nlocals {{\n  x = 1\n}}\n{JOB}"
    );
    let (code, err) = common::run_job_file("cycle", "validate", &text, "2.0.5");
    assert_eq!(code, Some(1));
    let line = "j.nomad:5,12-14: Unsupported attribute; This object does not have an attribute named \"a\".\n";
    assert!(err.starts_with(&format!("{HEAD}{line}jobspec")), "{err}");
    // In one block Go's map order picks a or b: both are said, then a note.
    let text =
        format!("locals {{\n  a = local.b\n  b = local.a\n}}\nlocals {{\n  x = 1\n}}\n{JOB}");
    let (code, err) = common::run_job_file("cycle1", "validate", &text, "2.0.5");
    assert_eq!(code, Some(1));
    let flat = common::flat(&err);
    assert!(
        flat.contains("2 locals fail: Nomad says the errors of only one of them"),
        "{err}"
    );
}

#[test]
fn a_value_go_map_order_picks_is_a_cannot_tell() {
    // The second block's two rotations give y the first block's x or its own.
    let text = format!("locals {{\n  x = 1\n}}\nlocals {{\n  x = 2\n  y = local.x\n}}\n{JOB}");
    let (code, err) = common::run_job_file("order", "validate", &text, "2.0.5");
    assert_eq!(code, Some(255), "{err}");
    assert_eq!(
        err.lines().next(),
        Some("error: cannot tell what Nomad says of this job file: the value of local.y depends on the order jobspec2 evaluates locals in, which Go's random map order decides within a locals block")
    );
}
