//! A `file()` path that climbs out of the project through more `..` steps
//! than the job file's folder is deep is outside, however it is reached.
//! Lexical normalisation once let a later `..` cancel an earlier one, so
//! `jobs/../../../x` became `x` inside the project: `check` read a file Nomad
//! would never read (it reads `../../x` beside the project) and passed, while
//! `validate`, given the path another way, refused it.

use crate::common;

use common::{output_text, TempDir};

const JOB: &str = r#"job "climb" {
  datacenters = ["dc1"]
  meta { x = file("../../../x") }
  group "g" {
    task "t" {
      driver = "docker"
      config { image = "x:1" }
    }
  }
}
"#;

#[test]
fn climbing_past_the_job_folder_is_refused_by_check_validate_and_plan() {
    let d = TempDir::demo("fence-climb");
    d.put("jobs/climb.nomad", JOB);
    // The file the old normalisation wrongly resolved to, inside the project.
    d.put("x", "INSIDE-CONTENT");
    common::git(&d.0, &["init", "-q"]);
    // file() exists from 1.0 (HCL2); the demo world runs 0.9.3.
    let v = ["--nomad-version", "2.0.5"];
    for args in [
        &["check", "jobs/climb.nomad", v[0], v[1]][..],
        &["validate", "jobs/climb.nomad", v[0], v[1]],
        &["plan", "jobs/climb.nomad", v[0], v[1]],
    ] {
        let out = d.run(args);
        let all = output_text(&out);
        assert_ne!(out.status.code(), Some(0), "{args:?}: {all}");
        assert!(
            all.contains(r#"refusing to read "../../../x": it is outside the repository"#),
            "{args:?}: {all}"
        );
        assert!(!all.contains("INSIDE-CONTENT"), "{args:?}: {all}");
        // Nomad would read `../../x` beside the project: what it says is
        // not known, so `validate` and `plan` say so (exit 255) and never
        // frame our refusal as Nomad's parse error.
        if args[0] != "check" {
            assert_eq!(out.status.code(), Some(255), "{args:?}: {all}");
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(
                stderr.lines().next(),
                Some(
                    r#"error: cannot tell what Nomad says of this job file: Error in function call `file`: refusing to read "../../../x": it is outside the repository"#
                ),
                "{args:?}: {all}"
            );
            assert!(!all.contains("Error getting job struct"), "{args:?}: {all}");
            assert!(!all.contains("successful"), "{args:?}: {all}");
        }
    }
    let json = d.run(&["plan", "jobs/climb.nomad", v[0], v[1], "--format", "json"]);
    assert_eq!(json.status.code(), Some(255));
    let doc: serde_json::Value = serde_json::from_slice(&json.stdout).expect("plan JSON");
    assert_eq!(doc["Preflight"]["FileAccess"]["Line"], 3);
    assert_eq!(doc["Preflight"]["FileAccess"]["Column"], 14);
}
